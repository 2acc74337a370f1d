"""Behavioural insight services: hand-computed funnels, retention, stickiness, lifecycle, paths, cohorts,
drill-down to persons, saved insights of every kind, and clear errors on bad input."""

from __future__ import annotations

import pytest

from headway.analytics import services
from headway.analytics.models import SavedInsight
from headway.core.errors import PermissionDenied, ValidationError
from tests.analytics.behaviour_data import (
    ACTIVITY,
    FUNNEL,
    FUNNEL_COUNTS,
    FUNNEL_TIMES,
    LIFECYCLE,
    RANGE,
    RETENTION,
    RETENTION_VALUES,
    STICKINESS,
)


def test_funnel_counts_rates_drop_off_and_times(behaviour_events):
    answer = services.run(None, "funnel", FUNNEL)
    assert [s.count for s in answer.result.steps] == FUNNEL_COUNTS
    assert [s.average_conversion_time for s in answer.result.steps] == FUNNEL_TIMES
    assert [(r["persons"], r["conversion"], r["step_conversion"], r["dropped"]) for r in answer.rows] == [
        (3, 100.0, 100.0, 0), (2, 66.67, 66.67, 1), (1, 33.33, 50.0, 1)]
    assert services.persons(None, "funnel", FUNNEL, step=2) == ["a", "b"]
    assert services.persons(None, "funnel", FUNNEL, step=2, dropped=True) == ["c"]
    assert services.persons(None, "funnel", FUNNEL, step=3, dropped=True) == ["b"]
    # a one-hour window: b's view a day later no longer converts
    assert [s.count for s in services.run(None, "funnel", {**FUNNEL, "window": 1, "window_unit": "hour"}
                                           ).result.steps] == [3, 1, 1]


def test_funnel_breakdown_rows_follow_the_whole_funnel(behaviour_events):
    rows = services.run(None, "funnel", {**FUNNEL, "breakdown": "device"}).rows
    assert [(r["breakdown"], r["step"], r["persons"]) for r in rows] == [
        ("(all)", 1, 3), ("(all)", 2, 2), ("(all)", 3, 1),
        ("desktop", 1, 2), ("desktop", 2, 1), ("desktop", 3, 0),
        ("mobile", 1, 1), ("mobile", 2, 1), ("mobile", 3, 1)]


def test_retention_cohorts_and_curve(behaviour_events):
    answer = services.run(None, "retention", RETENTION)
    assert [c.values for c in answer.result.cohorts] == RETENTION_VALUES
    assert [(r["cohort"], r["interval"], r["persons"], r["rate"]) for r in answer.rows[:3]] == [
        ("2026-01-05", 0, 2, 100.0), ("2026-01-05", 1, 0, 0.0), ("2026-01-05", 2, 1, 50.0)]
    # day 1: 0 of the 3 persons of the two cohorts that reached it; day 2: 1 of 2
    assert [(p["persons"], p["of"], p["rate"]) for p in services.retention_curve(answer.result)] == [
        (4, 4, 100.0), (0, 3, 0.0), (1, 2, 50.0)]
    assert services.persons(None, "retention", RETENTION, cohort=0, interval=2) == ["a"]
    unbounded = services.run(None, "retention", {**RETENTION, "mode": "on_or_after"}).result
    assert [c.values for c in unbounded.cohorts] == [[2, 1, 1], [1, 0], [1]]


def test_stickiness_and_lifecycle(behaviour_events):
    sticky = services.run(None, "stickiness", ACTIVITY)
    assert sticky.result.data == STICKINESS
    assert [(r["label"], r["persons"]) for r in sticky.rows] == [("1 day", 2), ("2 days", 1), ("3 days", 0)]
    assert services.persons(None, "stickiness", ACTIVITY, intervals=1) == ["b", "c"]
    life = services.run(None, "lifecycle", ACTIVITY)
    assert {status: getattr(life.result, status) for status in LIFECYCLE} == LIFECYCLE
    assert [r for r in life.rows if r["interval"] == "2026-01-06" and r["status"] == "dormant"] == [
        {"interval": "2026-01-06", "status": "dormant", "persons": -2}]
    assert services.persons(None, "lifecycle", ACTIVITY, interval=1, status="dormant") == ["a", "b"]


def test_paths_of_page_views_and_of_custom_events(behaviour_events):
    pages = services.run(None, "paths", {**RANGE, "path_property": "page"})
    assert [(r["step"], r["source"], r["target"], r["persons"]) for r in pages.rows] == [
        (1, "/home", "/pricing", 2), (2, "/pricing", "/signup", 1)]
    custom = services.run(None, "paths", {**RANGE, "event_type": "custom"})
    assert [(r["step"], r["source"], r["target"], r["persons"]) for r in custom.rows] == [
        (1, "visit", "view_item", 2), (2, "view_item", "purchase", 1), (3, "purchase", "visit", 1)]
    assert services.persons(None, "paths", {**RANGE, "path_property": "page"}, step=1, source="/home",
                             target="/pricing") == ["a", "b"]


def test_cohorts_filter_every_insight(behaviour_events, viewer, make_user):
    buyers = services.create_cohort(viewer, "Buyers", {"rules": [{"event": "purchase", "days": 3650}]})
    visitors = services.create_cohort(viewer, "Repeat visitors",
                                     {"rules": [{"event": "visit", "min_count": 2, "days": 3650}]})
    desktop = services.create_cohort(viewer, "Desktop", {"rules": [{"property": "device:eq:desktop"}]})
    assert services.members(viewer, buyers.pk) == ["a"]
    assert services.members(viewer, visitors.pk) == ["a"]
    assert services.members(viewer, desktop.pk) == ["b", "c"]
    assert services.describe(services.definition(visitors.definition)) == \
        "did visit at least 2 times in the last 3650 days"
    assert [s.count for s in services.run(viewer, "funnel", {**FUNNEL, "cohort": desktop.pk}).result.steps] == \
        [2, 1, 0]
    assert services.run(viewer, "stickiness", {**ACTIVITY, "cohort": buyers.pk}).result.data == [0, 1, 0]
    assert [c.values for c in services.run(viewer, "retention", {**RETENTION, "cohort": desktop.pk}
                                            ).result.cohorts] == [[1, 0, 0], [1, 0], [0]]
    with pytest.raises(PermissionDenied, match="only its owner"):
        services.delete_cohort(make_user("olga"), buyers.pk)
    with pytest.raises(ValidationError, match="already a cohort named"):
        services.create_cohort(viewer, "Buyers", {"rules": [{"event": "visit"}]})
    with pytest.raises(ValidationError, match="at least one rule"):
        services.create_cohort(viewer, "Nobody", {"rules": []})
    with pytest.raises(ValidationError, match="either an event"):
        services.create_cohort(viewer, "Both", {"rules": [{"event": "visit", "property": "device:eq:mobile"}]})


@pytest.mark.parametrize(("kind", "query", "message"), [
    ("funnel", {**FUNNEL, "steps": []}, "at least 2 steps"),
    ("funnel", {**FUNNEL, "steps": ["visit"]}, "at least 2 steps"),
    ("funnel", {**FUNNEL, "window": 0}, "window must be positive"),
    ("funnel", {**FUNNEL, "window": -3}, "window must be positive"),
    ("funnel", {**FUNNEL, "steps": ["visit", "teleport"]}, "no event 'teleport'"),
    ("funnel", {**FUNNEL, "exclusions": [{"event": "visit", "from_step": 2, "to_step": 1}]}, "count from 0"),
    ("funnel", {**FUNNEL, "order": "sideways"}, "order"),
    ("funnel", {**FUNNEL, "where": ["device"]}, "property:op:value"),
    ("retention", {**RETENTION, "intervals": 0}, "intervals must be from 1 to 100"),
    ("retention", {**RETENTION, "intervals": 101}, "intervals must be from 1 to 100"),
    ("retention", {**RETENTION, "target_event": "teleport"}, "no event 'teleport'"),
    ("retention", {**RETENTION, "period": "fortnight"}, "period"),
    ("stickiness", {**ACTIVITY, "event": "teleport"}, "no event 'teleport'"),
    ("lifecycle", {**ACTIVITY, "date_from": "2026-02-01"}, "swap"),
    ("paths", {**RANGE, "max_steps": 1}, "max_steps must be from 2 to 10"),
    ("sideways", {}, "no insight kind"),
])
def test_bad_queries_say_what_to_fix(behaviour_events, kind, query, message):
    with pytest.raises(ValidationError, match=message):
        services.run(None, kind, query)


def test_saved_insights_of_every_kind_run_again(behaviour_events, viewer):
    saved = {kind: services.create_insight(viewer, f"My {kind}", query, kind=kind, pinned=kind == "funnel")
             for kind, query in [("funnel", FUNNEL), ("retention", RETENTION), ("stickiness", ACTIVITY),
                                 ("lifecycle", ACTIVITY), ("paths", {**RANGE, "path_property": "page"})]}
    assert SavedInsight.objects.get(pk=saved["funnel"].pk).query["steps"][0] == {"event": "visit"}
    assert services.list_insights(viewer)[0].name == "My funnel"
    again = services.run(viewer, "funnel", services.insight_query(saved["funnel"]))
    assert [s.count for s in again.result.steps] == FUNNEL_COUNTS
    with pytest.raises(ValidationError, match="at least 2 steps"):
        services.create_insight(viewer, "Broken", {"steps": ["visit"]}, kind="funnel")
    with pytest.raises(ValidationError, match="window must be positive"):
        services.update_insight(viewer, saved["funnel"].pk, query={**FUNNEL, "window": 0})


def test_a_login_is_enough_to_read_but_not_anonymous(behaviour_events, viewer):
    from django.contrib.auth.models import AnonymousUser

    assert services.run(viewer, "stickiness", ACTIVITY).result.data == STICKINESS
    with pytest.raises(PermissionDenied):
        services.run(AnonymousUser(), "stickiness", ACTIVITY)  # type: ignore[arg-type]
