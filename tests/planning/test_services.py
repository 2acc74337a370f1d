"""Initiatives, scoring, trade-offs and the roadmap through the services, with hand-computed values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from headway.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent
from headway.core.permissions import Role
from headway.planning import services
from headway.planning.engine.expressions import FormulaError
from headway.planning.models import Initiative, StageChange


def test_cost_and_effort_follow_team_rates(portfolio):
    b = services.get_initiative(None, portfolio["B"].pk)
    assert services.effort_weeks(b) == 8.0
    assert services.cost(b) == 4 * 4000 + 4 * 5000 == 36000


def test_negative_cost_and_effort_are_refused(portfolio):
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.save_team(None, "Data", cost_per_week=-10, headcount=1)
    with pytest.raises(ValidationError, match="person-weeks, 0 or more"):
        services.update_initiative(None, portfolio["A"].pk, effort={"Web": -3})
    assert services.effort_weeks(services.get_initiative(None, portfolio["A"].pk)) == 10.0


def test_stage_history_and_audit(portfolio):
    a = portfolio["A"]
    services.set_stage(None, a.pk, "discovery")
    services.set_stage(None, a.pk, "planned")
    steps = list(StageChange.objects.filter(initiative=a).values_list("from_stage", "to_stage"))
    assert steps == [("", "idea"), ("idea", "discovery"), ("discovery", "planned")]
    event = AuditEvent.objects.filter(object_type="initiative", object_id=str(a.pk)).first()
    assert event.changes == {"stage": ["discovery", "planned"]}
    with pytest.raises(ValidationError, match="'launched' is not one of idea, discovery"):
        services.set_stage(None, a.pk, "launched")


def test_permissions(portfolio, make_user, viewer):
    contributor = make_user("cora", Role.CONTRIBUTOR)
    idea = services.create_initiative(contributor, title="Wishlist sharing")
    assert idea.stage == "idea"
    services.add_comment(contributor, idea.pk, "Customers ask for this weekly.")
    with pytest.raises(PermissionDenied):
        services.create_initiative(viewer, title="Nope")
    with pytest.raises(PermissionDenied):
        services.place(contributor, idea.pk, "2030-Q1")
    with pytest.raises(PermissionDenied):
        services.save_scoring_model(contributor, "Mine", "ice")
    with pytest.raises(PermissionDenied):
        services.delete_initiative(contributor, idea.pk)
    assert services.list_initiatives(viewer).count() == 5


def test_dependency_cycle_is_named(portfolio):
    a, b, c = portfolio["A"], portfolio["B"], portfolio["C"]
    services.add_dependency(None, a.pk, b.pk)
    services.add_dependency(None, b.pk, c.pk)
    with pytest.raises(ValidationError) as caught:
        services.add_dependency(None, c.pk, a.pk)
    assert caught.value.details == {"cycle": [c.pk, a.pk, b.pk, c.pk]}
    assert f"Payments SDK upgrade (#{c.pk}) → Saved carts (#{a.pk}) → One-tap reorder" in caught.value.message
    with pytest.raises(ValidationError, match="cannot requires itself"):
        services.add_dependency(None, a.pk, a.pk)
    with pytest.raises(Conflict):
        services.add_dependency(None, a.pk, b.pk, "conflicts")


def test_rice_scores_normalised_and_kept(portfolio):
    run = services.score_all(None)
    a, b, c, d = (portfolio[k].pk for k in "ABCD")
    assert run.scores[a] == pytest.approx(160.0)
    assert run.scores[b] == pytest.approx(62.5)
    assert run.scores[c] == pytest.approx(200 * 0.5 * 0.5 / 6)
    assert run.normalised[a] == 100.0 and run.normalised[c] == 0.0
    assert run.normalised[b] == pytest.approx((62.5 - 25 / 3) / (160 - 25 / 3) * 100)
    assert d in run.skipped and "missing input reach, impact, confidence" in run.skipped[d]
    services.set_inputs(None, a, {"reach": 2000})
    services.score_all(None)
    assert [s.value for s in services.score_history(None, a)] == pytest.approx([320.0, 160.0])


def test_every_framework(portfolio):
    a = portfolio["A"].pk
    services.set_inputs(None, a, {"ice_impact": 8, "ice_confidence": 5, "ease": 4, "user_business_value": 8,
                                  "time_criticality": 5, "risk_reduction": 3})
    expected = {"ice": 8 * 5 * 4, "wsjf": (8 + 5 + 3) / 10, "value_effort": (8 + 6) / 2 / 10,
                "weighted": 2 * 8 + 1 * 6, "formula": (8 + 6) * 2 / (10 ** 0.5)}
    services.save_scoring_model(None, "ICE", "ice")
    services.save_scoring_model(None, "WSJF", "wsjf")
    services.save_scoring_model(None, "VE", "value_effort")
    services.save_scoring_model(None, "Card", "weighted", weights={"user_value": 2, "business_value": 1})
    services.save_scoring_model(None, "Mine", "formula", formula="(user_value + business_value) * 2 / sqrt(effort_weeks)")
    for name, framework in [("ICE", "ice"), ("WSJF", "wsjf"), ("VE", "value_effort"), ("Card", "weighted"),
                            ("Mine", "formula")]:
        assert services.score_one(None, a, name) == pytest.approx(expected[framework]), name


def test_formula_errors_point_at_the_token(portfolio):
    with pytest.raises(FormulaError) as caught:
        services.save_scoring_model(None, "Bad", "formula", formula="reech * impact")
    assert caught.value.details == {"token": "reech", "column": 1}
    assert "unknown field 'reech' at column 1" in caught.value.message
    with pytest.raises(FormulaError) as caught:
        services.save_scoring_model(None, "Bad", "formula", formula="reach * * impact")
    assert caught.value.details["column"] == 9
    with pytest.raises(ValidationError, match="unknown field 'nope'"):
        services.save_scoring_model(None, "Card", "weighted", weights={"nope": 1})


def test_stale_inputs_are_flagged(portfolio):
    a = portfolio["A"].pk
    old = timezone.now() - timedelta(days=120)
    services.set_inputs(None, a, {"reach": 1000}, at=old)
    services.score_all(None)
    services.set_inputs(None, a, {"confidence": 1})
    row = next(r for r in services.backlog(None) if r.id == a)
    assert row.stale == ["confidence changed after the score", "reach is 120 days old"]


def test_backlog_sorts(portfolio):
    services.score_all(None)
    rows = services.backlog(None)
    assert [r.title for r in rows] == ["Saved carts", "One-tap reorder", "Payments SDK upgrade", "Gift cards"]
    assert [r.cost for r in services.backlog(None, sort="cost", descending=False)] == [30000, 32000, 36000, 40000]
    with pytest.raises(ValidationError, match="Cannot sort by 'colour'"):
        services.backlog(None, sort="colour")


def test_tradeoffs_mark_the_pareto_frontier(portfolio):
    points = {p.title: p for p in services.tradeoffs(None)}
    assert {t for t, p in points.items() if p.frontier} == {"Saved carts", "One-tap reorder"}
    assert (points["Gift cards"].x, points["Gift cards"].y) == (5, 5)


def test_mix_against_target(portfolio):
    rows = {r.kind: r for r in services.mix(None, [portfolio[k].pk for k in "ABC"], "70/20/10")}
    assert rows["innovate"].cost == 40000 and rows["maintain"].cost == 30000  # tech debt counts as maintain
    assert rows["innovate"].share == pytest.approx(round(40000 / 106000, 4))
    assert rows["innovate"].difference == pytest.approx(round(40000 / 106000 - 0.7, 4))
    with pytest.raises(ValidationError, match="not a mix"):
        services.parse_mix("70/30")


def test_roadmap_views_and_exports(portfolio):
    today = date(2026, 5, 10)  # 2026-Q2
    a, b, c = portfolio["A"], portfolio["B"], portfolio["C"]
    services.add_dependency(None, b.pk, a.pk)
    with pytest.raises(ValidationError, match=r"requires Saved carts .* not on the roadmap"):
        services.place(None, b.pk, "2026-Q2")
    services.place(None, a.pk, "2026-Q2", "committed")
    services.place(None, b.pk, "2026-Q3", "likely")
    services.place(None, c.pk, "2027-Q1", "exploring")
    full = services.roadmap(None, today=today)
    assert full.quarters == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
    assert {h: [r["id"] for r in rows] for h, rows in full.board().items()} == {
        "now": [a.pk], "next": [b.pk], "later": [c.pk]}
    assert full.rows[1]["requires"] == [a.pk] and full.rows[1]["cost"] == 36000
    sales = services.roadmap(None, "sales", today=today)
    assert [r["id"] for r in sales.rows] == [a.pk] and "cost" not in sales.columns
    marketing = services.roadmap(None, "marketing", today=today)
    assert [r["id"] for r in marketing.rows] == [a.pk, b.pk] and "effort_weeks" not in marketing.columns
    engineering = services.roadmap(None, "engineering", today=today)
    assert len(engineering.rows) == 3 and "effort_weeks" in engineering.columns and "cost" not in engineering.columns
    csv_text = services.export_csv(None, "engineering", today=today)
    assert csv_text.splitlines()[0].startswith("id,title,quarter,end_quarter,horizon,commitment")
    assert f"{b.pk},One-tap reorder,2026-Q3,2026-Q3,next,likely,iterate,idea,Mobile,Mobile;Web," in csv_text
    md = services.export_markdown(None, today=today)
    assert "## 2026-Q2 (now)" in md and "- **Saved carts** (committed, innovate) · team: Web · effort weeks: 10.0 · cost: 40000.0" in md
    assert "## 2026-Q4 (later)\n\n- nothing planned" in md
    with pytest.raises(ValidationError, match="no stakeholder view 'finance'"):
        services.roadmap(None, "finance")


def test_capacity_per_team_and_quarter(portfolio):
    today = date(2026, 5, 10)
    services.place(None, portfolio["A"].pk, "2026-Q2")
    services.place(None, portfolio["B"].pk, "2026-Q2")
    rows = {(r.team, r.quarter): r for r in services.capacity(None, today=today)}
    assert len(rows) == 8
    web = rows[("Web", "2026-Q2")]
    assert (web.planned_weeks, web.capacity_weeks, web.cost) == (14, 24, 56000)
    assert rows[("Mobile", "2026-Q2")].load == pytest.approx(4 / 12)
    assert rows[("Web", "2026-Q3")].planned_weeks == 0


def test_unknown_ids_and_teams(portfolio):
    with pytest.raises(NotFound, match="no initiative 999"):
        services.get_initiative(None, 999)
    with pytest.raises(ValidationError, match="no team 'Ops'"):
        services.create_initiative(None, title="x", team="Ops")
    assert Initiative.objects.count() == 4
