"""Cohorts as a filter and as a breakdown in every insight, on every backend (one shared mechanism).

Events of January 2024 (UTC); the cohorts are evaluated as of 2024-02-01, so "the last 31 days" is Jan 1..31:

| who | page views ($current_url, device)                     | purchases (plan)                      |
|-----|-------------------------------------------------------|---------------------------------------|
| u1  | Jan 10 09:00-09:02 /home, /product, /cart (desktop)   | Jan 10 12:00 (pro), Jan 11 12:00 (pro)  |
| u2  | Jan 10 09:00-09:02 /home, /search, /product (mobile)  | Jan 10 12:00 (free)                     |
| u3  | Jan 11 09:00-09:01 /home, /product (desktop)          | Jan 11 12:00 (pro), Jan 12 12:00 (free) |
| u4  | Jan 12 09:00-09:02 /search, /product, /cart (mobile)  | none                                    |

Cohorts: ``pro`` (the latest plan says pro) = {u1}; ``repeat`` (2+ purchases in 31 days) = {u1, u3}.
A breakdown by [pro, repeat] puts a person in their first cohort: pro {u1}, repeat {u3}, none {u2, u4}.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from headway.analytics import BehaviourRule, EventStore, Filter, InCohort, PersonCohort, PropertyRule
from headway.core.errors import ValidationError

AS_OF = datetime(2024, 2, 1)
PRO = PersonCohort((PropertyRule(Filter("plan", "eq", "pro")),), name="pro", as_of=AS_OF)
REPEAT = PersonCohort((BehaviourRule("purchase", min_count=2, days=31),), name="repeat", as_of=AS_OF)
BY = [PRO, REPEAT]
RANGE = {"date_from": "2024-01-10", "date_to": "2024-01-12"}
PAGES = {"u1": (10, ["/home", "/product", "/cart"], "desktop"), "u2": (10, ["/home", "/search", "/product"], "mobile"),
         "u3": (11, ["/home", "/product"], "desktop"), "u4": (12, ["/search", "/product", "/cart"], "mobile")}
PURCHASES = [("u1", 10, "pro"), ("u1", 11, "pro"), ("u2", 10, "free"), ("u3", 11, "pro"), ("u3", 12, "free")]


def records() -> list[dict]:
    rows = [{"event": "$pageview", "timestamp": f"2024-01-{day}T09:0{i}:00", "distinct_id": who,
             "properties": {"$current_url": url, "device": device}}
            for who, (day, urls, device) in PAGES.items() for i, url in enumerate(urls)]
    rows += [{"event": "purchase", "timestamp": f"2024-01-{day}T12:00:00", "distinct_id": who,
              "properties": {"plan": plan}} for who, day, plan in PURCHASES]
    return rows


RECORDS = records()


@pytest.fixture
def store(seeded_store) -> EventStore:
    return seeded_store(RECORDS)


def groups(result) -> dict:
    return {b.value: b.result for b in result.breakdowns}


def edges(result) -> list[tuple]:
    return [(e.step, e.source, e.target, e.count) for e in result.edges]


def test_the_cohorts(store):
    assert store.cohort_persons(PRO) == ["u1"]
    assert store.cohort_persons(REPEAT) == ["u1", "u3"]


def test_trends_filter_and_breakdown(store):
    assert store.trends("purchase", **RANGE).series[0].data == [2, 2, 1]
    assert store.trends("purchase", where=[InCohort(REPEAT)], **RANGE).series[0].data == [1, 2, 1]
    assert store.trends("purchase", where=[InCohort(REPEAT, negate=True)], **RANGE).series[0].data == [1, 0, 0]
    users = store.trends("$pageview", math="unique_users", where=[InCohort(REPEAT)], **RANGE)
    assert users.series[0].data == [1, 1, 0]
    split = store.trends("purchase", breakdown=BY, **RANGE)
    assert [(s.label, s.breakdown_value, s.data) for s in split.series] == [
        ("pro", "pro", [1, 1, 0]), ("repeat", "repeat", [0, 1, 1]), ("(none)", None, [1, 0, 0])]
    both = store.trends(["purchase", "$pageview"], breakdown=[REPEAT], **RANGE)
    assert [(s.label, s.data) for s in both.series] == [
        ("purchase · repeat", [1, 2, 1]), ("$pageview · repeat", [3, 2, 0]),
        ("purchase · (none)", [1, 0, 0]), ("$pageview · (none)", [3, 0, 3])]


def test_funnel_filter_and_breakdown(store):
    steps = ["$pageview", "purchase"]
    assert [s.count for s in store.funnel(steps, **RANGE).steps] == [4, 3]
    assert [s.count for s in store.funnel(steps, where=[InCohort(PRO, negate=True)], **RANGE).steps] == [3, 2]
    split = store.funnel(steps, breakdown=BY, **RANGE)
    assert {b.value: [s.count for s in b.steps] for b in split.breakdowns} == {
        "pro": [1, 1], "repeat": [1, 1], None: [2, 1]}


def test_retention_filter_and_breakdown(store):
    def values(result) -> list[list[int]]:
        return [c.values for c in result.cohorts]

    query = {"period": "day", "intervals": 3, "date_to": "2024-01-12"}
    result = store.retention("purchase", breakdown=BY, **query)
    assert values(result) == [[2, 1, 0], [2, 1], [1]]
    parts = groups(result)
    assert list(parts) == ["pro", "repeat", None]
    assert values(parts["pro"]) == [[1, 1, 0], [1, 0], [0]]
    assert values(parts["repeat"]) == [[0, 0, 0], [1, 1], [1]]
    assert values(parts[None]) == [[1, 0, 0], [0, 0], [0]]
    assert result.persons(cohort=1, interval=1, breakdown="repeat") == ["u3"]
    only = store.retention("purchase", target_where=[InCohort(REPEAT)], returning_where=[InCohort(REPEAT)], **query)
    assert values(only) == [[1, 1, 0], [2, 1], [1]]


def test_stickiness_filter_and_breakdown(store):
    result = store.stickiness("purchase", breakdown=BY, **RANGE)
    assert result.data == [1, 2, 0]
    assert {k: v.data for k, v in groups(result).items()} == {"pro": [0, 1, 0], "repeat": [0, 1, 0], None: [1, 0, 0]}
    assert result.persons(intervals=1, breakdown=None) == ["u2"]
    assert store.stickiness("purchase", where=[InCohort(REPEAT)], **RANGE).data == [0, 2, 0]


def test_lifecycle_filter_and_breakdown(store):
    result = store.lifecycle("purchase", breakdown=BY, **RANGE)

    def statuses(r) -> tuple:
        return r.new, r.returning, r.resurrecting, r.dormant

    assert statuses(result) == ([2, 1, 0], [0, 1, 1], [0, 0, 0], [0, -1, -1])
    parts = groups(result)
    assert statuses(parts["pro"]) == ([1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, -1])
    assert statuses(parts["repeat"]) == ([0, 1, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0])
    assert statuses(parts[None]) == ([1, 0, 0], [0, 0, 0], [0, 0, 0], [0, -1, 0])
    assert result.persons(interval=1, status="dormant", breakdown=None) == ["u2"]
    only = store.lifecycle("purchase", where=[InCohort(PRO)], **RANGE)
    assert statuses(only) == statuses(parts["pro"])


def test_paths_filter_and_breakdown(store):
    assert edges(store.paths(**RANGE)) == [
        (1, "/home", "/product", 2), (1, "/home", "/search", 1), (1, "/search", "/product", 1),
        (2, "/product", "/cart", 2), (2, "/search", "/product", 1)]
    assert edges(store.paths(where=[InCohort(REPEAT)], **RANGE)) == [
        (1, "/home", "/product", 2), (2, "/product", "/cart", 1)]
    assert edges(store.paths(where=[Filter("device", "eq", "mobile")], **RANGE)) == [
        (1, "/home", "/search", 1), (1, "/search", "/product", 1),
        (2, "/product", "/cart", 1), (2, "/search", "/product", 1)]
    result = store.paths(breakdown=BY, **RANGE)
    parts = groups(result)
    assert edges(parts["pro"]) == [(1, "/home", "/product", 1), (2, "/product", "/cart", 1)]
    assert edges(parts["repeat"]) == [(1, "/home", "/product", 1)]
    assert edges(parts[None]) == [(1, "/home", "/search", 1), (1, "/search", "/product", 1),
                                  (2, "/product", "/cart", 1), (2, "/search", "/product", 1)]
    assert result.persons(step=2, source="/product", target="/cart", breakdown=None) == ["u4"]


def test_paths_start_and_end_points(store):
    assert edges(store.paths(start_point="/product", **RANGE)) == [(1, "/product", "/cart", 2)]
    assert edges(store.paths(end_point="/product", **RANGE)) == [
        (1, "/home", "/product", 2), (1, "/home", "/search", 1), (1, "/search", "/product", 1),
        (2, "/search", "/product", 1)]
    # the last max_steps nodes up to the end point: u2's /home falls off
    assert edges(store.paths(end_point="/product", max_steps=2, **RANGE)) == [
        (1, "/home", "/product", 2), (1, "/search", "/product", 2)]
    between = store.paths(start_point="/home", end_point="/cart", **RANGE)
    assert edges(between) == [(1, "/home", "/product", 1), (2, "/product", "/cart", 1)]
    assert between.persons(step=1, source="/home", target="/product") == ["u1"]


def test_bad_breakdowns_and_points_say_how_to_fix(store):
    with pytest.raises(ValidationError, match="list of cohorts"):
        store.stickiness("purchase", breakdown="plan", **RANGE)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at least one cohort"):
        store.lifecycle("purchase", breakdown=[], **RANGE)
    with pytest.raises(ValidationError, match="at least one rule"):
        store.trends("purchase", breakdown=[PersonCohort(())], **RANGE)
    with pytest.raises(ValidationError, match="is not a filter"):
        store.paths(where=["device:eq:mobile"], **RANGE)  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="the same"):
        store.paths(start_point="/home", end_point="/home", **RANGE)
    with pytest.raises(ValidationError, match="no breakdown group 'gold'"):
        store.stickiness("purchase", breakdown=BY, **RANGE).persons(intervals=1, breakdown="gold")
