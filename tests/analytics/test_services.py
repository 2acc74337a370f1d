"""Analytics services: permissions, trends in the workspace's time zone, saved insights."""

from __future__ import annotations

import pytest

from headway.analytics import services
from headway.analytics.models import SavedInsight
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from tests.analytics.conftest import EVENTS, PURCHASES_PER_DAY, RANGE


def trend(**query):
    result = services.trends(None, {"event": "purchase", **RANGE, **query})
    return {services.series_name(s): s.data for s in result.series}, result


def test_a_viewer_cannot_ingest_but_a_product_manager_can(empty_store, viewer, pm):
    with pytest.raises(PermissionDenied, match=r"events\.ingest"):
        services.ingest(viewer, EVENTS)
    report = services.ingest(pm, EVENTS)
    assert report.ingested == 5
    assert services.ingest(pm, EVENTS).duplicates == 5


def test_trends_count_per_workspace_day(events):
    series, result = trend()
    assert [services.trends_label(x) for x in result.labels] == ["2026-01-05", "2026-01-06", "2026-01-07"]
    assert list(series.values()) == [PURCHASES_PER_DAY]
    assert trend(math="sum", math_property="amount")[0] == {"purchase": [40.0, 20.0, 5.0]}
    assert trend(where=["device:eq:mobile"])[0] == {"purchase": [1.0, 1.0, 0.0]}
    assert trend(where=["amount:gt:15"])[0] == {"purchase": [1.0, 1.0, 0.0]}
    assert trend(breakdown="device")[0] == {"desktop": [1.0, 0.0, 0.0], "mobile": [1.0, 1.0, 0.0],
                                            "tablet": [0.0, 0.0, 1.0]}


def test_trends_follow_the_workspace_time_zone(events):
    from headway.core import services as core

    core.update_workspace(None, timezone="America/New_York")
    # New York is UTC-5: c's purchase at 00:30 UTC on the 7th is on the 6th there
    assert trend()[0] == {"purchase": [2.0, 2.0, 0.0]}


def test_bad_queries_say_what_to_fix(events):
    with pytest.raises(ValidationError, match="property:op:value"):
        services.trends(None, {"event": "purchase", "where": ["device=mobile"]})
    with pytest.raises(ValidationError, match="math_property"):
        services.trends(None, {"event": "purchase", "math": "sum"})
    with pytest.raises(ValidationError, match="interval"):
        services.trends(None, {"event": "purchase", "interval": "fortnight"})
    with pytest.raises(ValidationError, match="shorten the range"):
        services.trends(None, {"event": "purchase", "interval": "hour", "date_from": "2020-01-01"})
    with pytest.raises(ValidationError, match="swap"):
        services.trends(None, {"event": "purchase", "date_from": "2026-02-01", "date_to": "2026-01-01"})


def test_big_number_sums_counts_and_takes_the_latest_active_users(events):
    query = services.trends_query({"event": "purchase", **RANGE})
    assert services.big_number(query, services.trends(None, query)) == 4.0
    dau = services.trends_query({"event": "purchase", "math": "unique_users", **RANGE})
    assert services.big_number(dau, services.trends(None, dau)) == 1.0


def test_saved_insights_crud_and_ownership(events, viewer, make_user, admin):
    other = make_user("olga")
    insight = services.create_insight(viewer, "  Purchases  ", {"event": "purchase", "interval": "week"})
    assert (insight.name, insight.kind, insight.owner, insight.pinned) == ("Purchases", "trends", viewer, False)
    assert insight.query == {"event": "purchase", "interval": "week"}
    with pytest.raises(PermissionDenied, match="only its owner"):
        services.update_insight(other, insight.pk, pinned=True)
    services.update_insight(viewer, insight.pk, pinned=True, name="Weekly purchases")
    assert [i.name for i in services.list_insights(other)] == ["Weekly purchases"]
    assert services.list_insights(other)[0].pinned is True
    services.delete_insight(admin, insight.pk)
    assert SavedInsight.objects.count() == 0
    with pytest.raises(NotFound, match="insights"):
        services.get_insight(viewer, insight.pk)
    with pytest.raises(ValidationError, match="name"):
        services.create_insight(viewer, " ", {"event": "purchase"})
    with pytest.raises(ValidationError, match="math"):
        services.create_insight(viewer, "x", {"event": "purchase", "math": "nope"})
