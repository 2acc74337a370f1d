"""Retention on every backend, against tables computed by hand.

Daily, ``date_to`` 2024-01-05, 5 intervals (cohorts Jan 1..5), target ``login``:

| who | login days (January)          | purchase                  |
|-----|-------------------------------|---------------------------|
| p1  | 1, 2, 4 (web)                 | 3 (plan free)             |
| p2  | 1, 3 (ios)                    |                           |
| p3  | 2, 3, 4, 5 (web)              | 5 (plan pro)              |
| p4  | Dec 31 and 3 (web)            |                           |
| p5  | 5 (web)                       |                           |
"""

from __future__ import annotations

from datetime import datetime

import pytest

from headway.analytics import EventStore, Filter
from headway.core.errors import ValidationError

LOGINS = {"p1": [1, 2, 4], "p2": [1, 3], "p3": [2, 3, 4, 5], "p5": [5]}
DAYS = [datetime(2024, 1, d) for d in range(1, 6)]


def rows() -> list[dict]:
    out = []
    for who, days in LOGINS.items():
        for d in days:
            platform = "ios" if who == "p2" else "web"
            out.append({"event": "login", "timestamp": f"2024-01-0{d}T12:00:00", "distinct_id": who,
                        "properties": {"platform": platform}})
    out += [
        {"event": "login", "timestamp": "2023-12-31T12:00:00", "distinct_id": "p4", "properties": {"platform": "web"}},
        {"event": "login", "timestamp": "2024-01-03T12:00:00", "distinct_id": "p4", "properties": {"platform": "web"}},
        {"event": "purchase", "timestamp": "2024-01-03T13:00:00", "distinct_id": "p1", "properties": {"plan": "free"}},
        {"event": "purchase", "timestamp": "2024-01-05T13:00:00", "distinct_id": "p3", "properties": {"plan": "pro"}},
    ]
    return out


@pytest.fixture
def store(make_store) -> EventStore:
    store = make_store()
    assert store.ingest(rows()).ingested == 14
    return store


def table(result) -> list[list[int]]:
    return [c.values for c in result.cohorts]


def daily(store, **kwargs):
    return store.retention("login", period="day", intervals=5, date_to="2024-01-05", **kwargs)


def test_recurring_on(store):
    result = daily(store)
    assert [c.start for c in result.cohorts] == DAYS
    assert table(result) == [[2, 1, 1, 1, 0], [2, 1, 2, 1], [3, 1, 1], [2, 1], [2]]
    assert result.persons(cohort=0) == ["p1", "p2"]
    assert result.persons(cohort=1, interval=2) == ["p1", "p3"]
    assert result.persons(cohort=2, interval=1) == ["p3"]


def test_recurring_on_or_after(store):
    result = daily(store, mode="on_or_after")
    assert table(result) == [[2, 2, 2, 1, 0], [2, 2, 2, 1], [3, 1, 1], [2, 1], [2]]
    assert result.persons(cohort=0, interval=2) == ["p1", "p2"]


def test_first_time_counts_first_ever_event_even_before_the_range(store):
    result = daily(store, kind="first_time")
    assert table(result) == [[2, 1, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0], [0, 0], [1]]
    assert result.persons(cohort=1) == ["p3"]  # p4's first login was on Dec 31


def test_returning_event_and_its_filters(store):
    assert table(daily(store, returning_event="purchase")) == [[2, 0, 1, 0, 0], [2, 1, 0, 1], [3, 0, 1], [2, 1], [2]]
    pro = daily(store, returning_event="purchase", returning_where=[Filter("plan", "eq", "pro")])
    assert table(pro) == [[2, 0, 0, 0, 0], [2, 0, 0, 1], [3, 0, 1], [2, 1], [2]]


def test_target_filters_define_the_cohort_only(store):
    web = daily(store, target_where=[Filter("platform", "eq", "web")])
    # p2 (ios) is in no cohort; the returning event (any login) is not filtered
    assert table(web) == [[1, 1, 0, 1, 0], [2, 1, 2, 1], [2, 1, 1], [2, 1], [2]]


def test_weeks_start_on_monday_or_sunday(make_store):
    store = make_store()
    store.ingest([  # Jan 7 2024 is a Sunday
        {"event": "login", "timestamp": "2024-01-07T12:00:00", "distinct_id": "q1"},
        {"event": "login", "timestamp": "2024-01-08T12:00:00", "distinct_id": "q1"},
    ])
    monday = store.retention("login", period="week", intervals=2, date_to="2024-01-14")
    assert [c.start for c in monday.cohorts] == [datetime(2024, 1, 1), datetime(2024, 1, 8)]
    assert table(monday) == [[1, 1], [1]]
    sunday = store.retention("login", period="week", intervals=2, date_to="2024-01-14", week_start="sunday")
    assert [c.start for c in sunday.cohorts] == [datetime(2024, 1, 7), datetime(2024, 1, 14)]
    assert table(sunday) == [[1, 0], [0]]


def test_month_and_hour_periods(make_store):
    store = make_store()
    store.ingest([
        {"event": "login", "timestamp": "2024-01-31T23:00:00", "distinct_id": "m1"},
        {"event": "login", "timestamp": "2024-02-01T00:30:00", "distinct_id": "m1"},
        {"event": "login", "timestamp": "2024-03-15T00:00:00", "distinct_id": "m1"},
    ])
    months = store.retention("login", period="month", intervals=3, date_to="2024-03-01")
    assert [c.start for c in months.cohorts] == [datetime(2024, 1, 1), datetime(2024, 2, 1), datetime(2024, 3, 1)]
    assert table(months) == [[1, 1, 1], [1, 1], [1]]
    hours = store.retention("login", period="hour", intervals=3, date_to=datetime(2024, 2, 1, 0, 59))
    assert [c.start for c in hours.cohorts] == [datetime(2024, 1, 31, 22), datetime(2024, 1, 31, 23),
                                               datetime(2024, 2, 1, 0)]
    assert table(hours) == [[0, 0, 0], [1, 1], [1]]


def test_timezone_moves_events_to_local_days(make_store):
    rows = [{"event": "login", "timestamp": "2024-01-02T03:00:00", "distinct_id": "z1"},
            {"event": "login", "timestamp": "2024-01-02T20:00:00", "distinct_id": "z1"}]
    utc = make_store()
    utc.ingest(rows)
    assert table(utc.retention("login", intervals=2, date_to="2024-01-02")) == [[0, 0], [1]]
    new_york = make_store("America/New_York")
    new_york.ingest(rows)  # 03:00 UTC is Jan 1, 22:00 in New York
    assert table(new_york.retention("login", intervals=2, date_to="2024-01-02")) == [[1, 1], [1]]


def test_bad_arguments_say_how_to_fix(store):
    with pytest.raises(ValidationError, match="unknown retention kind"):
        daily(store, kind="sometimes")
    with pytest.raises(ValidationError, match="unknown retention mode"):
        daily(store, mode="after")
    with pytest.raises(ValidationError, match="intervals must be"):
        store.retention("login", intervals=0, date_to="2024-01-05")
    with pytest.raises(ValidationError, match="cohort 4 has intervals 0 to 0"):
        daily(store).persons(cohort=4, interval=1)
