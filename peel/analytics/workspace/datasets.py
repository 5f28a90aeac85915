"""Crime datasets in the database: fold an import into a dataset, build one from Peel's own records, read events.

Folding follows :func:`peel.analytics.events.apply_import`: withdrawn source ids are deleted, re-imported ids are
replaced, new ids are added; a file whose SHA-256 was already imported into the dataset changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select

from peel.analytics.events import OFFICER_INITIATED, REPORTED, EventSet, ImportResult, Rejection, make_events
from peel.analytics.grid import choose_crs
from peel.analytics.models import OWN_RECORDS, CrimeDataset, CrimeEvent, CrimeImport
from peel.core.errors import InvalidInput, NotFound
from peel.db.uow import UnitOfWork
from peel.incidents.categories import CATEGORIES
from peel.incidents.models import Incident
from peel.people.models import Location

SAMPLE_REJECTIONS = 100
_BATCH = 500
# Channels a member of the public uses: crimes that reach the police this way are victim-reported.
PUBLIC_CHANNELS = frozenset({"999", "101", "online", "anonymous", "open311"})
# Incident categories that are not crimes, so not crime events.
NOT_CRIME = frozenset({"concern_for_welfare", "missing_person", "rtc"})


@dataclass
class ImportOutcome:
    dataset: CrimeDataset
    already_imported: bool
    accepted: int = 0
    withdrawn: int = 0
    rejected_total: int = 0
    rejected_reasons: dict[str, int] = field(default_factory=dict)
    rejected_sample: list[dict[str, Any]] = field(default_factory=list)


def get_dataset(uow: UnitOfWork, dataset_id: int) -> CrimeDataset:
    dataset = uow.session.get(CrimeDataset, dataset_id)
    if dataset is None:
        raise NotFound(f"no crime dataset {dataset_id}")
    return dataset


def new_dataset(uow: UnitOfWork, name: str, source: str, mapping: dict[str, Any] | None = None) -> CrimeDataset:
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("give the dataset a name of 1–120 characters")
    now = uow.now()
    dataset = CrimeDataset(
        name=name,
        source=source,
        created_at=now,
        imported_at=now,
        created_by=uow.actor.user_id,
        event_count=0,
        rejected_count=0,
        rejected_summary={},
        mapping=mapping or {},
    )
    uow.session.add(dataset)
    uow.session.flush()
    return dataset


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _BATCH):
        yield list(items[i : i + _BATCH])


def _storable_id(source_id: str) -> str:
    return source_id if len(source_id) <= 128 else "sha256:" + hashlib.sha256(source_id.encode()).hexdigest()


def already_imported(uow: UnitOfWork, dataset: CrimeDataset, digest: str) -> bool:
    seen = uow.session.execute(
        select(CrimeImport.id).where(CrimeImport.dataset_id == dataset.id, CrimeImport.sha256 == digest)
    )
    return seen.first() is not None


def check_importable(label: str, source: str, result: ImportResult) -> None:
    if len(result.events) == 0 and not result.withdrawn:
        why = ", ".join(f"{r} ({n})" for r, n in list(result.rejection_counts().items())[:3]) or "no rows"
        raise InvalidInput(f"no row of {label} could be imported as a {source} crime: {why}")


def event_rows(dataset_id: int, result: ImportResult) -> list[dict[str, Any]]:
    """The parsed events as rows of ``crime_events`` (pure: no database)."""
    ev = result.events
    ids = [_storable_id(str(i)) for i in ev.source_id.tolist()]
    return [
        {
            "dataset_id": dataset_id,
            "source_id": sid,
            "occurred_at": datetime.fromtimestamp(int(t), UTC),
            "lat": float(la),
            "lon": float(lo),
            "crime_type": str(ct)[:80],
            "channel": str(ch),
            "victim_reported": str(ch) == REPORTED,
            "area_code": str(code)[:16] or None,
        }
        for sid, t, la, lo, ct, ch, code in zip(
            ids, ev.time, ev.lat, ev.lon, ev.crime_type, ev.channel, ev.area_code, strict=True
        )
    ]


def withdrawn_ids(result: ImportResult) -> list[str]:
    return [_storable_id(w) for w in result.withdrawn]


def delete_events(uow: UnitOfWork, dataset: CrimeDataset, source_ids: Sequence[str]) -> int:
    """Delete these source ids from the dataset, in batches the drivers accept; returns how many went."""
    return sum(_delete_ids(uow, dataset, chunk) for chunk in _chunks(source_ids))


def write_events(uow: UnitOfWork, dataset: CrimeDataset, rows: list[dict[str, Any]]) -> None:
    """Replace-or-add these rows (idempotent: the same rows again leave the same events)."""
    delete_events(uow, dataset, [r["source_id"] for r in rows])
    for i in range(0, len(rows), 5000):
        uow.session.execute(insert(CrimeEvent), rows[i : i + 5000])


def record_import(
    uow: UnitOfWork, dataset: CrimeDataset, label: str, digest: str, result: ImportResult, withdrawn: int
) -> ImportOutcome:
    """The import's record, the dataset's refreshed counts and the audit entry: written last, after the events."""
    reasons = result.rejection_counts()
    outcome = ImportOutcome(
        dataset,
        already_imported=False,
        accepted=len(result.events),
        withdrawn=withdrawn,
        rejected_total=len(result.rejected),
        rejected_reasons=reasons,
        rejected_sample=[_rejection(r) for r in result.rejected[:SAMPLE_REJECTIONS]],
    )
    uow.session.add(
        CrimeImport(
            dataset_id=dataset.id,
            sha256=digest,
            label=label[:120],
            imported_at=uow.now(),
            imported_by=uow.actor.user_id,
            accepted=outcome.accepted,
            withdrawn=outcome.withdrawn,
            rejected_total=outcome.rejected_total,
            rejected_reasons=reasons,
            rejected_sample=outcome.rejected_sample,
        )
    )
    _refresh(uow, dataset, reasons)
    uow.audit(
        "analytics.import",
        "crime_dataset",
        dataset.id,
        f"{label} ({dataset.source}): {outcome.accepted} events, {outcome.rejected_total} rejected, "
        f"{outcome.withdrawn} withdrawn; sha256 {digest[:16]}",
    )
    return outcome


def fold_import(uow: UnitOfWork, dataset: CrimeDataset, label: str, digest: str, result: ImportResult) -> ImportOutcome:
    """Apply one parsed file to the dataset in this one transaction (small imports: Peel's own records)."""
    if already_imported(uow, dataset, digest):
        uow.audit("analytics.import", "crime_dataset", dataset.id, f"{label}: already imported, nothing changed")
        return ImportOutcome(dataset, already_imported=True)
    check_importable(label, dataset.source, result)
    withdrawn = delete_events(uow, dataset, withdrawn_ids(result))
    write_events(uow, dataset, event_rows(dataset.id, result))
    return record_import(uow, dataset, label, digest, result, withdrawn)


def _delete_ids(uow: UnitOfWork, dataset: CrimeDataset, ids: list[str]) -> int:
    stmt = delete(CrimeEvent).where(CrimeEvent.dataset_id == dataset.id, CrimeEvent.source_id.in_(ids))
    return int(uow.session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def _rejection(r: Rejection) -> dict[str, Any]:
    return {"file": r.source, "line": r.line, "reason": r.reason}


def _refresh(uow: UnitOfWork, dataset: CrimeDataset, new_reasons: dict[str, int]) -> None:
    s = uow.session
    s.flush()
    count, first, last = s.execute(
        select(func.count(), func.min(CrimeEvent.occurred_at), func.max(CrimeEvent.occurred_at)).where(
            CrimeEvent.dataset_id == dataset.id
        )
    ).one()
    summary = dict(dataset.rejected_summary or {})
    for reason, n in new_reasons.items():
        summary[reason] = summary.get(reason, 0) + n
    dataset.rejected_summary = dict(sorted(summary.items(), key=lambda kv: -kv[1]))
    dataset.rejected_count = sum(summary.values())
    dataset.event_count = int(count)
    dataset.first_at = _aware(first)
    dataset.last_at = _aware(last)
    dataset.imported_at = uow.now()
    if count:
        lon_lat = s.execute(select(CrimeEvent.lon, CrimeEvent.lat).where(CrimeEvent.dataset_id == dataset.id))
        # Plain tuples: numpy probes each SQLAlchemy Row for array attributes, which took ~90 % of an import
        # chunk's write transaction (and so held the SQLite writer lock that long).
        arr = np.array([tuple(row) for row in lon_lat], dtype=np.float64).reshape(-1, 2)
        dataset.crs = choose_crs(arr[:, 0], arr[:, 1])


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def own_records_result(uow: UnitOfWork) -> tuple[ImportResult, str]:
    """Peel's incidents as crime events: category → crime type; victim-reported when a public channel brought it.

    Incidents that are not crimes, have no location, were merged into another, or are restricted are rejected with
    that reason (restricted records stay out of aggregate analysis). Returns the result and a digest of its content.
    """
    rows = uow.session.execute(
        select(Incident.ref, Incident.opened_at, Incident.category, Incident.channel, Incident.restricted,
               Incident.merged_into_id, Location.lat, Location.lon)
        .outerjoin(Location, Incident.location_id == Location.id)
        .order_by(Incident.id)
    ).all()  # fmt: skip
    rejected: list[Rejection] = []
    cols: dict[str, list[Any]] = {"id": [], "t": [], "lon": [], "lat": [], "type": [], "ch": []}
    for n, (ref, opened, category, channel, restricted, merged, lat, lon) in enumerate(rows, start=1):
        reason = (
            "restricted incident"
            if restricted
            else "merged into another incident"
            if merged is not None
            else f"not a crime category ({category})"
            if category in NOT_CRIME
            else "no location"
            if lat is None or lon is None
            else None
        )
        if reason:
            rejected.append(Rejection(ref, n, reason))
            continue
        cols["id"].append(ref)
        cols["t"].append(int(_aware(opened).timestamp()))  # type: ignore[union-attr]
        cols["lon"].append(float(lon))
        cols["lat"].append(float(lat))
        cols["type"].append(CATEGORIES.get(category, category))
        cols["ch"].append(REPORTED if channel in PUBLIC_CHANNELS else OFFICER_INITIATED)
    events = make_events(cols["id"], cols["t"], cols["lon"], cols["lat"], cols["type"], cols["ch"])
    body = repr([cols[k] for k in ("id", "t", "lon", "lat", "type", "ch")]) + repr(rejected)
    uow.audit("incident.list", "incident", "*", f"analytics: {len(rows)} incidents read for a crime dataset")
    # Incidents that became restricted, merged or re-categorised since the last pull leave the dataset.
    withdrawn = [r.source for r in rejected if r.reason != "no location"]
    return ImportResult(events.sorted_by_time(), rejected, withdrawn), hashlib.sha256(body.encode()).hexdigest()


def load_events(uow: UnitOfWork, dataset: CrimeDataset) -> EventSet:
    """The dataset's events as the engine's columnar :class:`EventSet`."""
    rows = uow.session.execute(
        select(
            CrimeEvent.source_id,
            CrimeEvent.occurred_at,
            CrimeEvent.lon,
            CrimeEvent.lat,
            CrimeEvent.crime_type,
            CrimeEvent.channel,
            CrimeEvent.area_code,
        ).where(CrimeEvent.dataset_id == dataset.id)
    ).all()
    if not rows:
        return make_events([], [], [], [], [])
    ids, times, lons, lats, types, channels, codes = zip(*rows, strict=True)
    epoch = [int(_aware(t).timestamp()) for t in times]  # type: ignore[union-attr]
    areas = [c or "" for c in codes]
    return make_events(list(ids), epoch, list(lons), list(lats), list(types), list(channels), areas).sorted_by_time()


def counts_by(uow: UnitOfWork, dataset: CrimeDataset, column: Any) -> list[tuple[str, int]]:
    rows = uow.session.execute(
        select(column, func.count()).where(CrimeEvent.dataset_id == dataset.id).group_by(column)
    ).all()
    return sorted(((str(k), int(n)) for k, n in rows), key=lambda kv: (-kv[1], kv[0]))


def imports_of(uow: UnitOfWork, dataset: CrimeDataset) -> list[CrimeImport]:
    stmt = select(CrimeImport).where(CrimeImport.dataset_id == dataset.id).order_by(CrimeImport.id.desc())
    return list(uow.session.execute(stmt).scalars())


def list_datasets(uow: UnitOfWork) -> list[CrimeDataset]:
    return list(uow.session.execute(select(CrimeDataset).order_by(CrimeDataset.id.desc())).scalars())


def own_records_dataset(uow: UnitOfWork, name: str) -> CrimeDataset:
    """The own-records dataset with this name (refreshed on every pull), created on first use."""
    stmt = select(CrimeDataset).where(CrimeDataset.source == OWN_RECORDS, CrimeDataset.name == name.strip())
    existing = uow.session.execute(stmt).scalars().first()
    return existing or new_dataset(uow, name, OWN_RECORDS)
