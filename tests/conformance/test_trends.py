"""Trends on every backend, against numbers computed by hand.

Ten January 2024 days (the 1st is a Monday), three persons and one anonymous visitor:

| # | who    | event    | UTC time          | properties                 |
|---|--------|----------|-------------------|----------------------------|
| 1 | alice  | pageview | 01 09:00          | plan pro, amount 10        |
| 2 | alice  | pageview | 01 15:00          | plan pro, amount 20        |
| 3 | bob    | pageview | 01 23:30          | plan free, amount 5        |
| 4 | bob    | pageview | 03 10:00          | plan free                  |
| 5 | carol  | pageview | 03 11:00          | plan team, amount 7, beta  |
| 6 | alice  | pageview | 05 08:00          | plan pro, amount 3         |
| 7 | carol  | purchase | 05 12:00          | plan team, amount 100      |
| 8 | bob    | pageview | 07 23:30 (Sunday) | plan free, amount 1        |
| 9 | anon-1 | pageview | 09 10:00          | (none)                     |
|10 | alice  | purchase | 10 18:00          | plan pro, amount 50        |
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from headway.analytics import EventSeries, EventStore, Filter
from headway.core.errors import ValidationError

RANGE = {"date_from": "2024-01-01", "date_to": "2024-01-10"}
ROWS = [
    ("alice", "pageview", "2024-01-01T09:00:00Z", {"plan": "pro", "amount": 10}),
    ("alice", "pageview", "2024-01-01T15:00:00Z", {"plan": "pro", "amount": 20}),
    ("bob", "pageview", "2024-01-01T23:30:00Z", {"plan": "free", "amount": 5}),
    ("bob", "pageview", "2024-01-03T10:00:00Z", {"plan": "free"}),
    ("carol", "pageview", "2024-01-03T11:00:00Z", {"plan": "team", "amount": 7, "beta": True}),
    ("alice", "pageview", "2024-01-05T08:00:00Z", {"plan": "pro", "amount": 3}),
    ("carol", "purchase", "2024-01-05T12:00:00Z", {"plan": "team", "amount": 100}),
    ("bob", "pageview", "2024-01-07T23:30:00Z", {"plan": "free", "amount": 1}),
    ("anon-1", "pageview", "2024-01-09T10:00:00Z", {}),
    ("alice", "purchase", "2024-01-10T18:00:00Z", {"plan": "pro", "amount": 50}),
]
DAYS = [datetime(2024, 1, d) for d in range(1, 11)]


RECORDS = [{"event": e, "timestamp": t, "distinct_id": who, "properties": p} for who, e, t, p in ROWS]


@pytest.fixture
def store(seeded_store) -> EventStore:
    """The ten events, shared by the read-only tests of the module."""
    return seeded_store(RECORDS)


@pytest.fixture
def own_store(make_store) -> EventStore:
    """The ten events in a store of the test's own (for tests that change it)."""
    store = make_store()
    report = store.ingest(RECORDS)
    assert (report.ingested, report.duplicates, report.rejected) == (10, 0, [])
    return store


def data(store: EventStore, event: str | None = "pageview", **kwargs) -> list[float]:
    kwargs = {**RANGE, **kwargs}
    result = store.trends(event, **kwargs)
    assert len(result.series) == 1
    return result.series[0].data


@pytest.mark.parametrize(
    ("math", "expected"),
    [
        ("total", [3, 0, 2, 0, 1, 0, 1, 0, 1, 0]),
        ("unique_users", [2, 0, 2, 0, 1, 0, 1, 0, 1, 0]),
        ("weekly_active", [2, 2, 3, 3, 3, 3, 3, 3, 4, 3]),
        ("monthly_active", [2, 2, 3, 3, 3, 3, 3, 3, 4, 4]),
    ],
)
def test_counting_maths_per_day(store, math, expected):
    result = store.trends("pageview", math=math, **RANGE)
    assert result.labels == DAYS
    assert result.series[0].data == expected


@pytest.mark.parametrize(
    ("math", "expected"),
    [
        ("sum", [35, 0, 7, 0, 3, 0, 1, 0, 0, 0]),
        ("min", [5, 0, 7, 0, 3, 0, 1, 0, 0, 0]),
        ("max", [20, 0, 7, 0, 3, 0, 1, 0, 0, 0]),
        ("median", [10, 0, 7, 0, 3, 0, 1, 0, 0, 0]),
    ],
)
def test_property_maths_per_day(store, math, expected):
    assert data(store, math=math, math_property="amount") == expected


def test_avg_of_a_property(store):
    values = data(store, math="avg", math_property="amount")
    assert values[0] == pytest.approx(35 / 3)
    assert values[1:] == [0, 7, 0, 3, 0, 1, 0, 0, 0]


def test_all_events_per_week_starting_monday_and_sunday(store):
    monday = store.trends(None, interval="week", **RANGE)
    assert monday.labels == [datetime(2024, 1, 1), datetime(2024, 1, 8)]
    assert monday.series[0].data == [8, 2]
    sunday = store.trends(None, interval="week", week_start="sunday", **RANGE)
    assert sunday.labels == [datetime(2023, 12, 31), datetime(2024, 1, 7)]
    assert sunday.series[0].data == [7, 3]


def test_month_interval_zero_fills_months_without_events(store):
    result = store.trends(None, interval="month", date_from="2023-12-15", date_to="2024-01-10")
    assert result.labels == [datetime(2023, 12, 1), datetime(2024, 1, 1)]
    assert result.series[0].data == [0, 10]


def test_hour_interval(store):
    result = store.trends("pageview", interval="hour", date_from="2024-01-01", date_to="2024-01-01")
    assert len(result.labels) == 24
    expected = [0.0] * 24
    expected[9] = expected[15] = expected[23] = 1
    assert result.series[0].data == expected


def test_weekly_active_per_week_is_the_last_day_of_each_week(store):
    assert data(store, math="weekly_active", interval="week") == [3, 3]


def test_date_to_as_a_date_includes_its_whole_day_and_a_datetime_is_exact(store):
    assert data(store, date_from=date(2024, 1, 1), date_to=date(2024, 1, 1)) == [3]
    assert data(store, date_from=datetime(2024, 1, 1), date_to=datetime(2024, 1, 1, 15)) == [2]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (Filter("plan", "eq", "pro"), [2, 0, 0, 0, 1, 0, 0, 0, 0, 0]),
        (Filter("plan", "neq", "pro"), [1, 0, 2, 0, 0, 0, 1, 0, 1, 0]),
        (Filter("amount", "eq", 10), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        (Filter("amount", "gt", 5), [2, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
        (Filter("amount", "gte", 5), [3, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
        (Filter("amount", "lt", 5), [0, 0, 0, 0, 1, 0, 1, 0, 0, 0]),
        (Filter("amount", "lte", 5), [1, 0, 0, 0, 1, 0, 1, 0, 0, 0]),
        (Filter("plan", "contains", "RO"), [2, 0, 0, 0, 1, 0, 0, 0, 0, 0]),
        (Filter("plan", "in", ["free", "team"]), [1, 0, 2, 0, 0, 0, 1, 0, 0, 0]),
        (Filter("beta", "is_set"), [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
        (Filter("beta", "eq", True), [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
        (Filter("amount", "is_not_set"), [0, 0, 1, 0, 0, 0, 0, 0, 1, 0]),
    ],
    ids=lambda value: f"{value.property}-{value.op}" if isinstance(value, Filter) else None,
)
def test_each_filter_op(store, where, expected):
    assert data(store, where=[where]) == expected


def test_filters_combine_with_and(store):
    assert data(store, where=[Filter("plan", "eq", "free"), Filter("amount", "is_set")]) == [
        1, 0, 0, 0, 0, 0, 1, 0, 0, 0
    ]


def test_breakdown_keeps_every_value_under_the_limit(store):
    result = store.trends("pageview", breakdown="plan", **RANGE)
    got = {s.breakdown_value: s.data for s in result.series}
    assert got == {
        "free": [1, 0, 1, 0, 0, 0, 1, 0, 0, 0],
        "pro": [2, 0, 0, 0, 1, 0, 0, 0, 0, 0],
        "team": [0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
        None: [0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
    }
    assert [s.breakdown_value for s in result.series][:2] == ["free", "pro"]  # by volume, then by value


def test_breakdown_beyond_the_limit_sums_the_rest_into_other(store):
    result = store.trends("pageview", breakdown="plan", breakdown_limit=2, **RANGE)
    assert [(s.breakdown_value, s.is_other) for s in result.series] == [
        ("free", False), ("pro", False), ("Other", True)
    ]
    assert result.series[2].data == [0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    totals = [sum(s.data[i] for s in result.series) for i in range(10)]
    assert totals == data(store)  # no event is lost


def test_cumulative_total_and_unique_users(store):
    assert data(store, cumulative=True) == [3, 3, 5, 5, 6, 6, 7, 7, 8, 8]
    assert data(store, math="unique_users", cumulative=True) == [2, 2, 3, 3, 3, 3, 3, 3, 4, 4]


def test_formula_across_series(store):
    result = store.trends(
        [EventSeries("purchase"), EventSeries("pageview", "unique_users")], formula="A * 100 / B", **RANGE
    )
    assert [s.label for s in result.series] == ["A * 100 / B"]
    assert result.series[0].data == [0, 0, 0, 0, 100, 0, 0, 0, 0, 0]  # day 10: 1 / 0 counts as 0


def test_compare_to_previous_period(store):
    result = store.trends("pageview", date_from="2024-01-06", date_to="2024-01-10", compare=True)
    by_period = {s.compare: s.data for s in result.series}
    assert by_period == {"current": [0, 1, 0, 1, 0], "previous": [3, 0, 2, 0, 1]}
    assert result.series[1].labels[0] == datetime(2024, 1, 1)


def test_identify_merges_past_events_into_the_person(own_store):
    store = own_store
    store.identify("anon-1", "alice")
    assert data(store, math="weekly_active") == [2, 2, 3, 3, 3, 3, 3, 3, 3, 2]
    assert data(store, math="unique_users") == [2, 0, 2, 0, 1, 0, 1, 0, 1, 0]


def test_timezone_crossing_midnight_and_a_dst_change(make_store):
    # New York: EST (UTC-5) until 2024-03-10 07:00 UTC, then EDT (UTC-4)
    times = [
        "2024-03-09T04:30:00Z",  # Mar 8 23:30 EST
        "2024-03-09T05:30:00Z",  # Mar 9 00:30 EST
        "2024-03-10T04:59:00Z",  # Mar 9 23:59 EST
        "2024-03-10T06:59:00Z",  # Mar 10 01:59 EST
        "2024-03-10T07:00:00Z",  # Mar 10 03:00 EDT
        "2024-03-11T03:59:00Z",  # Mar 10 23:59 EDT
        "2024-03-11T04:00:00Z",  # Mar 11 00:00 EDT
    ]
    new_york = make_store("America/New_York")
    new_york.ingest([{"event": "e", "timestamp": t, "distinct_id": "u"} for t in times])
    span = {"date_from": "2024-03-08", "date_to": "2024-03-11"}
    assert new_york.trends("e", **span).series[0].data == [1, 2, 3, 1]
    utc = EventStore(new_york.backend)  # the same events read in UTC
    assert utc.trends("e", **span).series[0].data == [0, 2, 3, 2]


def test_invalid_queries_say_how_to_fix_them(store):
    with pytest.raises(ValidationError, match="use one of hour, day, week, month"):
        store.trends("pageview", interval="year", **RANGE)
    with pytest.raises(ValidationError, match="needs math_property"):
        store.trends("pageview", math="sum", **RANGE)
    with pytest.raises(ValidationError, match="needs a number"):
        store.trends("pageview", where=[Filter("amount", "gt", "5")], **RANGE)
    with pytest.raises(ValidationError, match="before date_from"):
        store.trends("pageview", date_from="2024-01-10", date_to="2024-01-01")
