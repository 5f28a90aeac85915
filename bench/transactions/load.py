"""The background load: a crime import driven the way the jobs port will drive it, in chunks, each chunk its
own short unit of work (``--one-transaction`` wraps the whole import in one, as requests did before).

``run_import`` is plain service code (``peel.analytics`` parsing and ``fold_import``) and runs inside the server
process, where the jobs worker will run it: ``watch`` starts it when the bench drops a ``start`` file in the
control folder and answers with a ``done`` file. To measure the real job instead, replace ``InServerImport``
with a ``Background`` that submits the job through the API and waits for it to finish.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from peel.analytics.events import ImportResult
from peel.analytics.importers.common import read_text
from peel.analytics.importers.police_uk import parse_police_uk
from peel.analytics.workspace.datasets import fold_import, get_dataset, new_dataset
from peel.core.errors import InvalidInput
from peel.db.uow import Actor, UnitOfWork
from peel.platform import Platform

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data/crime-samples/uk-police-street-cleveland-durham/2018-10-cleveland-street.csv.gz"
CHUNK_ROWS = 500


class Background(Protocol):
    """Long work running beside the measured requests."""

    name: str

    def start(self, seconds: float) -> None: ...

    def finish(self) -> str:
        """Wait for the work to end; a one-line summary of what it did."""
        ...


@dataclass(frozen=True)
class ImportStats:
    chunks: int
    rows: int
    seconds: float
    longest_chunk: float


def chunks_of(path: Path = SAMPLE, rows: int = CHUNK_ROWS) -> list[str]:
    """The file cut into pieces of ``rows`` lines, each with the header, as a job reading it in chunks would."""
    header, *lines = read_text(path).splitlines()
    return [header + "\n" + "\n".join(lines[i : i + rows]) for i in range(0, len(lines), rows)]


def _fold(uow: UnitOfWork, dataset_id: int, label: str, parsed: ImportResult) -> int:
    try:
        digest = hashlib.sha256(label.encode()).hexdigest()
        return fold_import(uow, get_dataset(uow, dataset_id), label, digest, parsed).accepted
    except InvalidInput:  # a chunk with no usable row: a job would record it and go on
        return 0


def run_import(
    platform: Platform, seconds: float, one_transaction: bool = False, chunk_rows: int = CHUNK_ROWS
) -> ImportStats:
    """Import the sample again and again for ``seconds`` (re-imports replace the events: deletes and inserts)."""
    actor, pieces = Actor.system("bench-import"), chunks_of(rows=chunk_rows)
    with platform.uow(actor) as uow:
        dataset_id = new_dataset(uow, f"bench import {time.time_ns()}", "police-uk").id
        uow.commit()
    began = time.perf_counter()
    deadline, chunks, rows, longest = began + seconds, 0, 0, 0.0
    with contextlib.ExitStack() as stack:
        whole = stack.enter_context(platform.uow(actor)) if one_transaction else None
        while time.perf_counter() < deadline:
            label = f"chunk {chunks} of pass {chunks // len(pieces)}"
            # Parse outside any transaction (the jobs pattern: compute, then write in a short unit of work).
            parsed = parse_police_uk(label, pieces[chunks % len(pieces)])
            started = time.perf_counter()
            if whole is not None:
                rows += _fold(whole, dataset_id, label, parsed)
            else:
                with platform.uow(actor) as uow:
                    rows += _fold(uow, dataset_id, label, parsed)
                    uow.commit()
            chunks += 1
            longest = max(longest, time.perf_counter() - started)
        if whole is not None:
            whole.commit()
            longest = time.perf_counter() - began
    return ImportStats(chunks, rows, time.perf_counter() - began, longest)


def watch(platform: Platform, control: Path) -> threading.Thread:
    """In the server process: run the import whenever the bench asks for one."""

    def loop() -> None:
        while True:
            start = control / "start"
            if not start.exists():
                time.sleep(0.05)
                continue
            order = json.loads(start.read_text())
            start.unlink()
            stats = run_import(
                platform, float(order["seconds"]), bool(order["one_transaction"]), int(order["chunk_rows"])
            )
            (control / "done.tmp").write_text(json.dumps(asdict(stats)))
            (control / "done.tmp").rename(control / "done")

    thread = threading.Thread(target=loop, name="bench-import", daemon=True)
    thread.start()
    return thread


class InServerImport:
    """The import in the server process, started and awaited through the control folder."""

    def __init__(self, control: Path, one_transaction: bool, chunk_rows: int = CHUNK_ROWS) -> None:
        self.control = control
        self.one_transaction = one_transaction
        self.chunk_rows = chunk_rows
        self.name = "import, one transaction" if one_transaction else f"import, {chunk_rows}-row chunks"

    def start(self, seconds: float) -> None:
        (self.control / "done").unlink(missing_ok=True)
        order = json.dumps({"seconds": seconds, "one_transaction": self.one_transaction, "chunk_rows": self.chunk_rows})
        (self.control / "start.tmp").write_text(order)
        (self.control / "start.tmp").rename(self.control / "start")

    def finish(self) -> str:
        done = self.control / "done"
        deadline = time.monotonic() + 600
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        if not done.exists():
            return "import did not finish"
        s = ImportStats(**json.loads(done.read_text()))
        return f"{s.chunks} chunks, {s.rows / s.seconds:,.0f} rows/s, longest transaction {s.longest_chunk:.2f} s"
