"""Stickiness on every backend: persons by the number of intervals they were active in.

``view`` events, UTC: s1 on Jan 1 (twice) and 2; s2 on Jan 3; s3 on Jan 1..5; s4 on Jan 6 (after the
range Jan 1..5); s5 on Jan 2 with plan pro.
"""

from __future__ import annotations

import pytest

from headway.analytics import EventStore, Filter
from headway.core.errors import ValidationError

RANGE = {"date_from": "2024-01-01", "date_to": "2024-01-05"}


def view(who: str, day: int, hour: int = 12, **props) -> dict:
    return {"event": "view", "timestamp": f"2024-01-{day:02d}T{hour:02d}:00:00", "distinct_id": who,
            "properties": props}


@pytest.fixture
def store(make_store) -> EventStore:
    store = make_store()
    rows = [view("s1", 1, 9), view("s1", 1, 15), view("s1", 2), view("s2", 3), view("s4", 6), view("s5", 2, plan="pro")]
    rows += [view("s3", d) for d in range(1, 6)]
    assert store.ingest(rows).ingested == 11
    return store


def test_persons_by_active_days(store):
    result = store.stickiness("view", **RANGE)
    assert result.labels == ["1 day", "2 days", "3 days", "4 days", "5 days"]
    assert result.data == [2, 1, 0, 0, 1]
    assert result.persons(intervals=1) == ["s2", "s5"]
    assert result.persons(intervals=5) == ["s3"]


def test_filters(store):
    assert store.stickiness("view", where=[Filter("plan", "eq", "pro")], **RANGE).data == [1, 0, 0, 0, 0]


def test_weeks_and_week_start(store):
    monday = store.stickiness("view", interval="week", date_from="2024-01-01", date_to="2024-01-14")
    assert monday.labels == ["1 week", "2 weeks"]
    assert monday.data == [5, 0]  # everyone in the first week only (s4's Jan 6 too)
    sunday = store.stickiness("view", interval="week", date_from="2024-01-01", date_to="2024-01-14",
                              week_start="sunday")
    assert sunday.labels == ["1 week", "2 weeks", "3 weeks"]  # weeks of Dec 31, Jan 7 and Jan 14
    assert sunday.data == [5, 0, 0]


def test_timezone(make_store):
    store = make_store("Asia/Tokyo")  # UTC+9: 20:00 UTC is the next day there
    store.ingest([view("t1", 1, 10), view("t1", 1, 20)])
    assert store.stickiness("view", date_from="2024-01-01", date_to="2024-01-02").data == [0, 1]


def test_bad_interval(store):
    with pytest.raises(ValidationError, match="unknown interval"):
        store.stickiness("view", interval="fortnight", **RANGE)
