"""Cleveland's data.police.uk sample: LSOA codes survive import, and fairness tables show census population shares."""

from __future__ import annotations

import csv
import gzip
import io
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.analytics.areas import area_tables
from peel.analytics.events import merge
from peel.analytics.importers import load, parse_police_uk
from peel.analytics.methods import make_method
from peel.analytics.models import CrimeDataset
from peel.analytics.periods import make_periods
from peel.analytics.population import load_lsoa_population
from peel.analytics.service import backtest_report, prepare, select
from peel.analytics.workspace.datasets import load_events
from peel.db.uow import Actor
from tests.integration.analytics.workspace_support import analyst_dataset, upload, wait_for_job

CLEVELAND = Path(__file__).resolve().parents[3] / "data/crime-samples/uk-police-street-cleveland-durham"
OCTOBER = CLEVELAND / "2018-10-cleveland-street.csv.gz"


def september_copy() -> str:
    """The October file moved to September with fresh ids: a month of history before October."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for i, row in enumerate(csv.reader(io.StringIO(gzip.decompress(OCTOBER.read_bytes()).decode("utf-8-sig")))):
        if i:
            row[0] = f"sep-{row[0]}" if row[0] else ""
            row[1] = "2018-09"
        writer.writerow(row)
    return out.getvalue()


def test_the_cleveland_import_keeps_lsoa_codes_and_the_report_shows_population_shares() -> None:
    october = load([OCTOBER], "police-uk").events
    assert len(october) == 9352 and (october.area_code != "").all()
    assert set(october.area_code.tolist()) >= {"E01011954", "E01012068"} and len(set(october.area_code)) == 351
    events = select(merge(october, parse_police_uk("sep.csv", september_copy()).events), (), ())
    periods = make_periods(date(2018, 10, 1), date(2018, 11, 1), "1m")
    prepared = prepare(events, periods[0].start, 150.0)
    _, html = backtest_report(prepared, ["naive"], periods, "Cleveland", ["cleveland"])
    last = periods[-1]
    scores = make_method("naive").forecast(prepared.points.before(last.start), prepared.area.grid, last.start, last.end)
    actual = prepared.area.grid.counts(prepared.points.between(last.start, last.end))[prepared.area.mask]
    tables = area_tables(
        prepared.area, prepared.points, prepared.events.area_code, scores[prepared.area.mask], actual, 0.05,
        load_lsoa_population(),
    )  # fmt: skip
    assert tables.kind == "lsoa" and len(tables.areas) == 351 and {r.area for r in tables.larger} == {
        "Hartlepool", "Middlesbrough", "Redcar and Cleveland", "Stockton-on-Tees"
    }  # fmt: skip
    assert sum(r.share_population or 0.0 for r in tables.areas) == pytest.approx(1.0)
    assert all(r.share_population is not None for r in tables.areas)
    assert "Disparity by LSOA (ONS 2011 Census population)" in html
    assert "Disparity by local authority" in html and "Middlesbrough" in html
    shares = re.findall(r"<td>Stockton-on-Tees</td><td>[\d.]+%</td><td>[\d.]+%</td><td>([\d.]+)%</td>", html)
    assert shares and 30 < float(shares[0]) < 40  # about a third of Cleveland's residents


def _forecast(client: TestClient, headers: dict[str, str], dataset_id: int) -> dict[str, object]:
    url = f"/api/v1/analytics/datasets/{dataset_id}/forecasts"
    started = client.post(url, headers=headers, json={"method": "naive", "period": "7d", "cell_size": 150})
    response = wait_for_job(client, headers, started)
    assert response.status_code == 201, response.text
    out: dict[str, object] = response.json()["forecast"]
    return out


@pytest.mark.slow
def test_the_forecast_page_shows_lsoa_population_shares_for_a_police_uk_dataset(
    app: FastAPI, client: TestClient
) -> None:
    headers, westminster_id, _ = analyst_dataset(app, client, n=300)
    first = upload(client, headers, OCTOBER.read_bytes(), name=OCTOBER.name, source="police-uk", columns="")
    assert first.status_code == 201, first.text
    dataset_id = int(first.json()["dataset"]["id"])
    more = wait_for_job(
        client,
        headers,
        client.post(
            f"/api/v1/analytics/datasets/{dataset_id}/imports",
            headers=headers,
            files={"file": ("2018-09-cleveland-street.csv", september_copy().encode(), "text/csv")},
        ),
    )
    assert more.status_code == 201, more.text
    with app.state.platform.uow(Actor.system("test")) as uow:
        stored = load_events(uow, uow.session.get(CrimeDataset, dataset_id))
    assert len(stored) == 2 * 9352 and (stored.area_code != "").all()

    forecast = _forecast(client, headers, dataset_id)  # the week from 2018-10-02, checked on the week before
    fair = forecast["fairness"]
    assert isinstance(fair, dict) and fair["available"] and fair["areas"] == "lsoa" and fair["population"]
    assert all(r["share_population"] is not None for r in fair["disparity"])
    assert sum(r["share_population"] for r in fair["larger"]) == pytest.approx(1.0)
    page = client.get(f"/analytics/forecasts/{forecast['id']}", headers=headers)
    assert page.status_code == 200, page.text
    table = page.text.split('id="disparity"', 1)[1].split("</table>", 1)[0]
    assert "E01" in table and "n/a" not in table and re.search(r"\d+\.\d %</td></tr>", table)
    assert "Disparity by local authority" in page.text and "Hartlepool" in page.text

    other = _forecast(client, headers, westminster_id)  # a generic CSV: tiles, and no population table
    assert other["fairness"]["areas"] == "tile"  # type: ignore[index]
    page = client.get(f"/analytics/forecasts/{other['id']}", headers=headers)
    assert "no population table exists" in page.text and "n/a" in page.text
