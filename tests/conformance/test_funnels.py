"""Funnels on every backend, against numbers computed by hand.

January 2024, UTC; steps signup -> view -> purchase, window 14 days (inclusive), range Jan 1..31:

| who | events (day hh:mm)                                                     | ordered | strict | unordered |
|-----|------------------------------------------------------------------------|---------|--------|-----------|
| ann | signup 01 10:00 (pro), view 11:00, purchase 12:00                      | 3       | 3      | 3         |
| ben | signup 02 10:00 (free), view 10:00 (tie: not later), view 10:30        | 2       | 2      | 2         |
| cat | signup 03 00:00 (pro), purchase 01:00, view 02:00                      | 2       | 1      | 3         |
| dan | signup 04 00:00 (free), view 18 00:00 (edge: in), purchase 18 00:00:01 | 2       | 2      | 2         |
| eve | view 05 12:00                                                          | -       | -      | 1         |
| fay | signup 06 09:00 (free); signup 20 09:00 (pro), view 10:00, purchase 11:00 | 3   | 3      | 3         |
| gus | signup 07 10:00, view 10:05, logout 10:06, purchase 10:10              | 3       | 2      | 3         |
| hal | signup 08 10:00 (free), logout 09 10:00                                | 1       | 1      | 1         |
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from headway.analytics import BehaviourRule, EventStore, Exclusion, Filter, InCohort, PersonCohort, Step
from headway.core.errors import ValidationError

STEPS = ["signup", "view", "purchase"]
RANGE = {"date_from": "2024-01-01", "date_to": "2024-01-31"}
ROWS = [
    ("ann", "signup", "2024-01-01T10:00:00", {"plan": "pro"}),
    ("ann", "view", "2024-01-01T11:00:00", {}),
    ("ann", "purchase", "2024-01-01T12:00:00", {"amount": 80}),
    ("ben", "signup", "2024-01-02T10:00:00", {"plan": "free"}),
    ("ben", "view", "2024-01-02T10:00:00", {}),
    ("ben", "view", "2024-01-02T10:30:00", {}),
    ("cat", "signup", "2024-01-03T00:00:00", {"plan": "pro"}),
    ("cat", "purchase", "2024-01-03T01:00:00", {"amount": 20}),
    ("cat", "view", "2024-01-03T02:00:00", {}),
    ("dan", "signup", "2024-01-04T00:00:00", {"plan": "free"}),
    ("dan", "view", "2024-01-18T00:00:00", {}),
    ("dan", "purchase", "2024-01-18T00:00:01", {"amount": 5}),
    ("eve", "view", "2024-01-05T12:00:00", {}),
    ("fay", "signup", "2024-01-06T09:00:00", {"plan": "free"}),
    ("fay", "signup", "2024-01-20T09:00:00", {"plan": "pro"}),
    ("fay", "view", "2024-01-20T10:00:00", {}),
    ("fay", "purchase", "2024-01-20T11:00:00", {"amount": 60}),
    ("gus", "signup", "2024-01-07T10:00:00", {}),
    ("gus", "view", "2024-01-07T10:05:00", {}),
    ("gus", "logout", "2024-01-07T10:06:00", {}),
    ("gus", "purchase", "2024-01-07T10:10:00", {"amount": 100}),
    ("hal", "signup", "2024-01-08T10:00:00", {"plan": "free"}),
    ("hal", "logout", "2024-01-09T10:00:00", {}),
]


def load(store: EventStore, rows) -> EventStore:
    report = store.ingest(
        [{"event": e, "timestamp": t, "distinct_id": who, "properties": p} for who, e, t, p in rows]
    )
    assert (report.ingested, report.rejected) == (len(rows), [])
    return store


@pytest.fixture
def store(make_store) -> EventStore:
    return load(make_store(), ROWS)


def counts(result) -> list[int]:
    return [s.count for s in result.steps]


def test_ordered_counts_times_and_names(store):
    result = store.funnel(STEPS, **RANGE)
    assert [s.name for s in result.steps] == STEPS
    assert counts(result) == [7, 6, 3]
    first, second, third = result.steps
    assert (first.average_conversion_time, first.median_conversion_time) == (None, None)
    # ann 3600, ben 1800 (the tied view does not count), cat 7200, dan 14 days exactly, fay 3600, gus 300
    assert second.average_conversion_time == pytest.approx((3600 + 1800 + 7200 + 1_209_600 + 3600 + 300) / 6)
    assert second.median_conversion_time == pytest.approx(3600)
    # ann 3600, fay 3600 (from her second attempt), gus 300
    assert third.average_conversion_time == pytest.approx(2500)
    assert third.median_conversion_time == pytest.approx(3600)


def test_persons_behind_each_step_and_drop_off(store):
    result = store.funnel(STEPS, **RANGE)
    assert result.persons(step=1) == ["ann", "ben", "cat", "dan", "fay", "gus", "hal"]
    assert result.persons(step=3) == ["ann", "fay", "gus"]
    assert result.persons(step=2, dropped=True) == ["hal"]
    assert result.persons(step=-3) == ["ben", "cat", "dan"]
    assert result.persons(step=3, limit=2) == ["ann", "fay"]
    with pytest.raises(ValidationError, match="between 1 and 3"):
        result.persons(step=4)


def test_strict_allows_no_event_between_steps(store):
    result = store.funnel(STEPS, order="strict", **RANGE)
    assert counts(result) == [7, 5, 2]
    assert result.persons(step=-2) == ["cat", "hal"]
    assert result.persons(step=-3) == ["ben", "dan", "gus"]


def test_unordered_counts_steps_in_any_order(store):
    result = store.funnel(STEPS, order="unordered", **RANGE)
    assert counts(result) == [8, 6, 4]
    assert result.persons(step=3) == ["ann", "cat", "fay", "gus"]
    # cat: signup 00:00, purchase 01:00, view 02:00 -> second step after 3600 s, third after another 3600 s
    assert result.steps[2].average_conversion_time == pytest.approx((3600 + 3600 + 3600 + 300) / 4)


def test_window_edge_is_inclusive_and_shorter_window_drops(store):
    assert counts(store.funnel(STEPS, window=timedelta(days=14) - timedelta(seconds=1), **RANGE)) == [7, 5, 3]
    one_hour = store.funnel(STEPS, window=timedelta(hours=1), **RANGE)
    # ann (exactly 1 h to view, purchase 2 h after signup), ben, fay's 2nd attempt, gus reach the view
    assert counts(one_hour) == [7, 4, 1]
    assert one_hour.persons(step=3) == ["gus"]


def test_repeated_steps_need_strictly_later_events(make_store):
    store = load(make_store(), [
        ("x", "view", "2024-01-02T10:00:00", {}),
        ("x", "view", "2024-01-02T10:00:00", {"again": True}),  # a tie cannot be the second step
        ("y", "view", "2024-01-02T10:00:00", {}),
        ("y", "view", "2024-01-02T10:00:01", {}),
        ("y", "view", "2024-01-02T10:00:02", {}),
    ])
    result = store.funnel(["view", "view", "view"], **RANGE)
    assert counts(result) == [2, 1, 1]
    assert result.persons(step=2) == ["y"]
    assert result.steps[1].average_conversion_time == pytest.approx(1.0)


def test_exclusion_removes_the_attempt(store):
    result = store.funnel(STEPS, exclusions=[Exclusion("logout", 1, 2)], **RANGE)
    assert counts(result) == [6, 5, 2]
    assert "gus" not in result.persons(step=1)
    # hal's logout inside the window of an attempt that never reached the view removes it; gus's logout is
    # after his view, so not between steps 0 and 1
    before_view = store.funnel(STEPS, exclusions=[Exclusion("logout", 0, 1)], **RANGE)
    assert counts(before_view) == [6, 6, 3]
    assert "hal" not in before_view.persons(step=1)
    with pytest.raises(ValidationError, match="0-based"):
        store.funnel(STEPS, exclusions=[Exclusion("logout", 2, 3)], **RANGE)


def test_step_filters_and_global_filters(store):
    big = Step("purchase", where=(Filter("amount", "gte", 60),), name="big purchase")
    result = store.funnel(["signup", "view", big], **RANGE)
    assert [s.name for s in result.steps] == ["signup", "view", "big purchase"]
    assert counts(result) == [7, 6, 3]
    small = Step("purchase", where=(Filter("amount", "lt", 70),))
    assert store.funnel(["signup", "view", small], **RANGE).persons(step=3) == ["fay"]
    assert counts(store.funnel(STEPS, where=[Filter("plan", "eq", "pro")], **RANGE)) == [3, 0, 0]


def test_breakdown_by_the_entry_property(store):
    result = store.funnel(STEPS, breakdown="plan", **RANGE)
    assert counts(result) == [7, 6, 3]
    got = {b.value: [s.count for s in b.steps] for b in result.breakdowns}
    # fay counts under pro: her furthest attempt entered with plan pro
    assert got == {"free": [3, 2, 0], "pro": [3, 3, 2], None: [1, 1, 1]}
    assert [b.value for b in result.breakdowns] == ["free", "pro", None]
    assert result.persons(step=3, breakdown="pro") == ["ann", "fay"]
    assert result.persons(step=1, breakdown=None) == ["gus"]
    assert result.steps[1].average_conversion_time == pytest.approx(204_350)


def test_time_to_convert_histogram(store):
    result = store.funnel(STEPS, **RANGE)
    bins = result.histogram(bins=2)  # ann 7200 s, fay 7200 s, gus 600 s
    assert [(b.start, b.end, b.count) for b in bins] == [(600, 3900, 1), (3900, 7200, 2)]
    assert [b.count for b in result.histogram(from_step=0, to_step=1, bins=3)] == [5, 0, 1]


def test_steps_outside_the_range_do_not_count(store):
    result = store.funnel(STEPS, date_from="2024-01-01", date_to="2024-01-17")
    # dan's view on the 18th and fay's second attempt on the 20th are after the range
    assert counts(result) == [7, 4, 2]


def test_timezone_moves_the_range(make_store):
    rows = [("tz", "signup", "2024-01-01T04:00:00", {}), ("tz", "view", "2024-01-01T06:00:00", {})]
    utc = load(make_store(), rows)
    assert counts(utc.funnel(["signup", "view"], **RANGE)) == [1, 1]
    new_york = make_store("America/New_York")
    load(new_york, rows)
    assert counts(new_york.funnel(["signup", "view"], **RANGE)) == [0, 0]  # the signup is Dec 31, 23:00 there
    assert counts(new_york.funnel(["signup", "view"], date_from="2023-12-31", date_to="2024-01-01")) == [1, 1]


def test_identified_persons_merge_their_ids(store):
    store.ingest([{"event": "purchase", "timestamp": "2024-01-08T11:00:00", "distinct_id": "hal-phone"},
                  {"event": "view", "timestamp": "2024-01-08T10:30:00", "distinct_id": "hal-phone"}])
    store.identify("hal-phone", "hal")
    assert counts(store.funnel(STEPS, **RANGE)) == [7, 7, 4]


def test_cohort_filter_and_breakdown(store):
    buyers = PersonCohort((BehaviourRule("purchase", min_count=1, days=31),), name="buyers", as_of=datetime(2024, 2, 1))
    as_of = {"as_of": datetime(2024, 2, 1)}
    assert store.cohort_persons(buyers, **as_of) == ["ann", "cat", "dan", "fay", "gus"]
    only = store.funnel(STEPS, where=[InCohort(buyers, **as_of)], **RANGE)
    assert counts(only) == [5, 5, 3]
    split = store.funnel(STEPS, breakdown=[buyers], **RANGE)
    got = {b.value: [s.count for s in b.steps] for b in split.breakdowns}
    assert got == {"buyers": [5, 5, 3], None: [2, 1, 0]}


def test_bad_arguments_say_how_to_fix(store):
    with pytest.raises(ValidationError, match="unknown funnel order"):
        store.funnel(STEPS, order="any", **RANGE)
    with pytest.raises(ValidationError, match="at least one step"):
        store.funnel([], **RANGE)
    with pytest.raises(ValidationError, match="positive timedelta"):
        store.funnel(STEPS, window=timedelta(0), **RANGE)
    with pytest.raises(ValidationError, match="ordered funnels only"):
        store.funnel(STEPS, order="unordered", exclusions=[Exclusion("logout", 0, 1)], **RANGE)


def test_a_newer_entry_restarts_the_attempt(make_store):
    store = load(make_store(), [
        ("ivy", "signup", "2024-01-02T10:00:00", {"plan": "free"}),
        ("ivy", "signup", "2024-01-02T10:30:00", {"plan": "pro"}),
        ("ivy", "view", "2024-01-02T11:00:00", {}),
        ("ivy", "view", "2024-01-02T11:10:00", {}),
    ])
    fast = store.funnel(["signup", "view"], **RANGE)
    assert fast.steps[1].average_conversion_time == pytest.approx(1800)  # from the latest signup
    general = store.funnel(["signup", "view"], breakdown="plan", **RANGE)  # the general runner agrees
    assert general.steps[1].average_conversion_time == pytest.approx(1800)
    assert [(b.value, [s.count for s in b.steps]) for b in general.breakdowns] == [("pro", [1, 1])]
