"""Strategy use cases with hand-computed numbers: KPI progress and status, targets, goals, the document."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from headway.core.errors import Conflict, PermissionDenied, ValidationError
from headway.core.models import AuditEvent
from headway.strategy import services
from headway.strategy.models import Goal, KpiTarget, KpiValue, StrategyVersion
from tests.strategy.conftest import CSV, PERIOD

pytestmark = pytest.mark.django_db


def test_a_hand_entered_kpi_projects_its_period_and_shows_the_rule(signups):
    # 10+20+30 so far; too few values for a model, so the 7 days left are forecast at their mean, 20:
    # 60 + 7 × 20 = 200, below the target of 250 and above the interval's upper bound (~234).
    k = services.kpi_summary(None, "signups", PERIOD)
    assert (k.period_to_date, k.projection, k.current, k.current_date) == (60.0, 200.0, 30.0, date(2026, 5, 3))
    assert k.status == "off_track" and k.target == 250.0
    assert k.upper == pytest.approx(233.9067, abs=1e-3)
    assert k.rule == "off track: target 250 is above the 80% interval's upper bound 234 (projected 200)"
    assert (k.display["projection"], k.display["period_to_date"], k.days_total) == ("200", "60", 10)


@pytest.mark.parametrize(("target", "status"), [("190", "on_track"), ("200", "on_track"), ("210", "at_risk"),
                                                ("234", "off_track")])
def test_status_follows_the_target(signups, target, status):
    services.set_target(None, "signups", PERIOD, target)
    assert services.kpi_summary(None, "signups", PERIOD).status == status


def test_mean_aggregation_divides_by_the_days_of_the_period(workspace):
    services.create_kpi(None, "nps", "NPS", unit="number", aggregation="mean")
    services.import_values(None, "nps", CSV)
    services.set_target(None, "nps", PERIOD, 25)
    k = services.kpi_summary(None, "nps", PERIOD)
    assert (k.projection, k.period_to_date, k.status) == (20.0, 20.0, "off_track")


def test_a_kpi_without_target_shows_how_to_set_one(signups):
    k = services.kpi_summary(None, "signups", "2026-05-01..2026-05-31")
    assert k.status == "no_target" and k.projection == 60 + 28 * 20
    assert k.rule == "no target for 2026-05-01..2026-05-31: set the target of signups for 2026-05-01..2026-05-31"
    assert "headway " not in k.rule and "`" not in k.rule  # a page never tells anyone to run a command


def test_imports_are_all_or_nothing_and_line_by_line(signups):
    bad = "date,value\n2026-05-04,40\n2026-05-05,lots\n2026-05-06,-1\n"
    with pytest.raises(ValidationError) as info:
        services.import_values(None, "signups", bad)
    assert info.value.details == [{"line": 3, "message": "'lots' is not a number"},
                                  {"line": 4, "message": "-1 is negative, but this KPI counts things"}]
    assert KpiValue.objects.filter(kpi=signups).count() == 3  # line 2 was good but nothing was saved


def test_target_import_checks_each_period_and_saves_nothing_on_error(signups):
    with pytest.raises(ValidationError) as info:
        services.import_targets(None, "signups", "period,target\nFY2026 Q3,100\nsometime,5\n")
    assert info.value.details[0]["line"] == 3 and "is not a period" in info.value.details[0]["message"]
    assert KpiTarget.objects.filter(kpi=signups).count() == 1
    saved = services.import_targets(None, "signups", "period,target\nFY2026 Q3,100\nFY2026 Q4,120\n")
    assert [(t.period.name, t.period.start, t.value) for t in saved] == [
        ("FY2026 Q3", date(2026, 7, 1), 100.0), ("FY2026 Q4", date(2026, 10, 1), 120.0)]


def test_bad_targets_are_refused_with_the_reason(signups):
    with pytest.raises(ValidationError, match="is not a number"):
        services.set_target(None, "signups", PERIOD, "soon")
    with pytest.raises(ValidationError, match="is not a period"):
        services.set_target(None, "signups", "the future", "10")


def test_metric_kpis_take_no_imported_values(empty_store):
    from headway.analytics import services as analytics

    analytics.load_metrics(None, "metrics:\n  - name: orders\n    type: simple\n    event: purchase\n")
    services.create_kpi(None, "orders", "Orders", metric="orders")
    with pytest.raises(Conflict, match="computed from the metric orders"):
        services.import_values(None, "orders", CSV)
    with pytest.raises(ValidationError, match="no metric 'nope'"):
        services.create_kpi(None, "other", "Other", metric="nope")


def test_a_kpi_name_fits_its_column():
    """SQLite stored a 101-character name in Kpi.name (100), PostgreSQL refused it with a DataError; the API's
    schema states the limit (schemathesis' negative data check), so the service checks it."""
    services.create_kpi(None, "k" * 100, "Long")
    with pytest.raises(ValidationError, match="keep it to 100"):
        services.create_kpi(None, "k" * 101, "Longer")


def test_only_leaders_and_admins_edit_and_everyone_reads(signups, viewer, pm, leader, admin):
    for reader in (viewer, pm):
        assert services.kpi_summary(reader, "signups", PERIOD).target == 250.0
        assert services.goal_views(reader, services.list_goals(reader)) == []
        with pytest.raises(PermissionDenied, match=r"strategy\.edit"):
            services.set_target(reader, "signups", PERIOD, 1)
        with pytest.raises(PermissionDenied):
            services.create_goal(reader, "Grow")
        with pytest.raises(PermissionDenied):
            services.save_strategy(reader, vision="v", body="b")
        with pytest.raises(PermissionDenied):
            services.import_values(reader, "signups", CSV)
    services.set_target(leader, "signups", PERIOD, 1)
    goal = services.create_goal(admin, "Grow")
    assert goal.pk and KpiTarget.objects.get(kpi=signups).set_by == leader


def test_goals_align_and_keep_their_check_in_history(signups, leader):
    company = services.create_goal(leader, "Grow the business", level="company", period=PERIOD)
    product = services.create_goal(leader, "Onboard faster", period=PERIOD, parent=company.pk,
                                   key_results=["signups"], owner="lena")
    services.update_goal(leader, product.pk, status="at risk", confidence="40", comment="slow start")
    services.update_goal(leader, product.pk, status="on_track", confidence=70)
    history = list(services.goal_updates(None, product.pk))
    assert [(u.status, u.confidence, u.comment) for u in history] == [("on_track", 70, ""),
                                                                      ("at_risk", 40, "slow start")]
    [root] = services.goal_views(None, services.list_goals(None, PERIOD))
    assert root.title == "Grow the business" and [c.title for c in root.children] == ["Onboard faster"]
    kr = root.children[0].key_results[0]
    # progress: 60 so far of a 250 target
    assert (kr.kpi, kr.status, kr.progress, kr.period_to_date, kr.target) == ("signups", "off_track", 0.24, "60",
                                                                               "250")
    assert root.children[0].progress == 0.24 and root.progress is None
    with pytest.raises(ValidationError, match="cannot support itself"):
        services.update_goal(leader, company.pk, parent=product.pk)
    with pytest.raises(ValidationError, match="confidence"):
        services.update_goal(leader, product.pk, confidence=140)
    with pytest.raises(ValidationError, match="status"):
        services.update_goal(leader, product.pk, status="great")
    assert Goal.objects.get(pk=product.pk).confidence == 70


def test_the_strategy_is_versioned_and_rendered_safely(leader, admin):
    services.create_area(None, "Shop", "line")
    services.create_area(None, "Checkout", "product", parent="Shop")
    with pytest.raises(ValidationError, match="needs a product as its parent"):
        services.create_area(None, "Payments", "area", parent="Shop")
    services.save_strategy(admin, vision="Be the best", body="# Plan\n<script>alert(1)</script>")
    second = services.save_strategy(leader, vision="Be the best", body="# Plan\nWin **checkout**.", note="focus")
    again = services.save_strategy(leader, vision="Be the best", body="# Plan\nWin **checkout**.")
    assert again.pk == second.pk and StrategyVersion.objects.filter(area=None).count() == 2
    services.save_strategy(leader, vision="One tap", body="Fast.", area="Checkout")
    history = list(services.strategy_history(None))
    assert [(v.version, v.author.username) for v in history] == [(2, "lena"), (1, "ada")]
    diff = services.strategy_diff(history[1], history[0])
    assert "-<script>alert(1)</script>" in diff and "+Win **checkout**." in diff
    html = services.render_markdown(history[1].body)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert services.render_markdown("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>\n"
    assert services.current_strategy(None, "Checkout").vision == "One tap"
    assert [asdict(node) for node in services.area_tree(None)] == [{"name": "Shop", "kind": "line", "children": [
        {"name": "Checkout", "kind": "product", "children": []}]}]
    assert AuditEvent.objects.filter(object_type="strategyversion").count() == 3
