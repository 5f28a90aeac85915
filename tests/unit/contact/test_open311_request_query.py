"""The GET requests query: comma-separated filters and a date range of at most 90 days, defaulting to the last 90."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from peel.contact.open311 import Open311Error, parse_request_query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_without_dates_the_range_is_the_last_90_days() -> None:
    query = parse_request_query({}, NOW)
    assert (query.start, query.end) == (NOW - timedelta(days=90), NOW)
    assert query.limit == 1000


def test_codes_and_statuses_are_comma_separated() -> None:
    query = parse_request_query({"service_code": "asb, noise,asb", "status": "open,closed"}, NOW)
    assert query.service_codes == ("asb", "noise")
    assert query.statuses == ("open", "closed")


def test_request_ids_override_every_other_filter() -> None:
    query = parse_request_query({"service_request_id": "INC-1,INC-2", "status": "bogus", "start_date": "x"}, NOW)
    assert query.service_request_ids == ("INC-1", "INC-2")
    assert query.start is None and query.statuses == ()


def test_w3c_dates_are_read_with_their_zone() -> None:
    query = parse_request_query({"start_date": "2026-10-01T00:00:00Z", "end_date": "2026-10-31T00:00:00+01:00"}, NOW)
    assert query.start == datetime(2026, 10, 1, tzinfo=UTC)
    assert query.end == datetime(2026, 10, 30, 23, 0, tzinfo=UTC)


def test_one_date_alone_gives_a_90_day_range_from_it() -> None:
    query = parse_request_query({"start_date": "2026-01-01T00:00:00Z"}, NOW)
    assert query.end == datetime(2026, 4, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "may not span more than 90"),
        ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "must not be after"),
        ({"start_date": "last week"}, "W3C date"),
        ({"status": "pending"}, "status must be open, closed"),
    ],
)
def test_bad_queries_are_refused_with_a_400(params: dict[str, str], message: str) -> None:
    with pytest.raises(Open311Error, match=message) as caught:
        parse_request_query(params, NOW)
    assert caught.value.status == 400
