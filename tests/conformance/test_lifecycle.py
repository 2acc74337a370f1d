"""Lifecycle on every backend: new, returning, resurrecting and dormant (negative) persons per interval.

``use`` events, UTC, range Jan 2..5 2024:

| who | active on                   |
|-----|-----------------------------|
| L1  | Jan 1, 2, 3, 5              |
| L2  | Jan 2 (first ever)          |
| L3  | Dec 20 (2023), Jan 3        |
| L4  | Jan 4 (first ever), Jan 5   |
"""

from __future__ import annotations

from datetime import datetime

import pytest

from headway.analytics import EventStore, Filter
from headway.core.errors import ValidationError

RANGE = {"date_from": "2024-01-02", "date_to": "2024-01-05"}
ACTIVE = {"L1": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-05"], "L2": ["2024-01-02"],
          "L3": ["2023-12-20", "2024-01-03"], "L4": ["2024-01-04", "2024-01-05"]}


@pytest.fixture
def store(make_store) -> EventStore:
    store = make_store()
    rows = [{"event": "use", "timestamp": f"{d}T12:00:00", "distinct_id": who, "properties": {"team": who != "L3"}}
            for who, days in ACTIVE.items() for d in days]
    rows.append({"event": "other", "timestamp": "2024-01-04T12:00:00", "distinct_id": "L2"})
    assert store.ingest(rows).ingested == 10
    return store


def test_statuses_per_day(store):
    result = store.lifecycle("use", **RANGE)
    assert result.labels == [datetime(2024, 1, d) for d in range(2, 6)]
    assert result.new == [1, 0, 1, 0]
    assert result.returning == [1, 1, 0, 1]
    assert result.resurrecting == [0, 1, 0, 1]
    assert result.dormant == [0, -1, -2, 0]


def test_persons_behind_each_status(store):
    result = store.lifecycle("use", **RANGE)
    assert result.persons(interval=2, status="dormant") == ["L1", "L3"]
    assert result.persons(interval=1, status="resurrecting") == ["L3"]
    assert result.persons(interval=0, status="new") == ["L2"]
    with pytest.raises(ValidationError, match="unknown status"):
        result.persons(interval=0, status="gone")


def test_filters_apply_to_every_activity(store):
    result = store.lifecycle("use", where=[Filter("team", "eq", True)], **RANGE)  # without L3
    assert result.resurrecting == [0, 0, 0, 1]
    assert result.dormant == [0, -1, -1, 0]


def test_weeks(store):
    result = store.lifecycle("use", interval="week", date_from="2024-01-01", date_to="2024-01-14")
    assert result.labels == [datetime(2024, 1, 1), datetime(2024, 1, 8)]
    # week of Jan 1: L1, L2, L4 are new, L3 resurrects; week of Jan 8: all four dormant
    assert (result.new, result.returning, result.resurrecting, result.dormant) == ([3, 0], [0, 0], [1, 0], [0, -4])
