"""Cohorts on every backend: persons by behaviour and by property, as a filter and a breakdown.

As of 2024-02-01 (UTC), the last 30 days are Jan 2..31:

| who | purchases                    | plan on their events (in time order) |
|-----|------------------------------|--------------------------------------|
| c1  | Jan 10, Jan 20               | free, then pro                       |
| c2  | Jan 15                       | pro                                  |
| c3  | Jan 1 (outside), Jan 25      | free                                 |
| c4  | none (a pageview on Jan 5)   | (none)                               |
"""

from __future__ import annotations

from datetime import datetime

import pytest

from headway.analytics import BehaviourRule, EventStore, Filter, InCohort, PersonCohort, PropertyRule
from headway.core.errors import ValidationError

AS_OF = datetime(2024, 2, 1)


@pytest.fixture
def store(make_store) -> EventStore:
    store = make_store()
    rows = [
        ("c1", "purchase", "2024-01-10T12:00:00", {"plan": "free"}),
        ("c1", "purchase", "2024-01-20T12:00:00", {"plan": "pro"}),
        ("c2", "purchase", "2024-01-15T12:00:00", {"plan": "pro"}),
        ("c3", "purchase", "2024-01-01T12:00:00", {"plan": "free"}),
        ("c3", "purchase", "2024-01-25T12:00:00", {"plan": "free"}),
        ("c4", "pageview", "2024-01-05T12:00:00", {}),
    ]
    store.ingest([{"event": e, "timestamp": t, "distinct_id": w, "properties": p} for w, e, t, p in rows])
    return store


def persons(store, *rules, match="all") -> list[str]:
    return store.cohort_persons(PersonCohort(tuple(rules), match=match), as_of=AS_OF)


def test_behaviour_rules(store):
    assert persons(store, BehaviourRule("purchase", min_count=2, days=30)) == ["c1"]
    assert persons(store, BehaviourRule("purchase", min_count=1, days=30)) == ["c1", "c2", "c3"]
    assert persons(store, BehaviourRule("purchase", min_count=2, days=31)) == ["c1", "c3"]
    assert persons(store, BehaviourRule("purchase", min_count=0, max_count=0, days=30)) == ["c4"]
    pro = BehaviourRule("purchase", where=(Filter("plan", "eq", "pro"),))
    assert persons(store, pro) == ["c1", "c2"]


def test_property_rules_use_the_latest_value(store):
    assert persons(store, PropertyRule(Filter("plan", "eq", "pro"))) == ["c1", "c2"]
    assert persons(store, PropertyRule(Filter("plan", "is_not_set"))) == ["c4"]


def test_all_and_any(store):
    twice = BehaviourRule("purchase", min_count=2, days=31)
    pro = PropertyRule(Filter("plan", "eq", "pro"))
    assert persons(store, twice, pro) == ["c1"]
    assert persons(store, twice, pro, match="any") == ["c1", "c2", "c3"]


def test_cohort_as_a_filter_of_insights(store):
    buyers = PersonCohort((BehaviourRule("purchase", min_count=2, days=31),))
    result = store.stickiness("purchase", date_from="2024-01-01", date_to="2024-01-31",
                              where=[InCohort(buyers, as_of=AS_OF)])
    assert result.persons(intervals=2) == ["c1", "c3"]
    others = store.stickiness("purchase", date_from="2024-01-01", date_to="2024-01-31",
                              where=[InCohort(buyers, negate=True, as_of=AS_OF)])
    assert others.data[0] == 1  # c2


def test_bad_cohorts(store):
    with pytest.raises(ValidationError, match="at least one rule"):
        store.cohort_persons(PersonCohort(()))
    with pytest.raises(ValidationError, match="min_count"):
        store.cohort_persons(PersonCohort((BehaviourRule("purchase", min_count=3, max_count=1),)))
