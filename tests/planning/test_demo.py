"""Northwind's backlog: about 120 ideas over 6 teams, scored, with dependencies and a budget that forces choices."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from headway.demo.builder import DemoContext
from headway.demo.company import build_company
from headway.planning import services
from headway.planning.demo import TWO_ENGINEERS, build_planning, plan_backlog
from headway.planning.engine.portfolio import InfeasibleError
from headway.planning.models import Dependency, Initiative, RoadmapItem, Scenario, Score
from headway.team.demo import build_team

AS_OF = date(2026, 6, 30)


def test_same_seed_same_backlog():
    first = plan_backlog(np.random.default_rng(3))
    again = plan_backlog(np.random.default_rng(3))
    other = plan_backlog(np.random.default_rng(4))
    assert [i.title for i in first] == [i.title for i in again] and [i.title for i in first] != [i.title for i in other]
    assert len(first) == 120 and len({i.team for i in first}) == 6
    assert all(j < n for n, i in enumerate(first) for j in i.requires)  # prerequisites come first: no cycle
    assert {(i.kind, i.effort[i.team] >= 14) for i in first if i.duration == 2} == {("innovate", True)}


@pytest.mark.django_db
def test_demo_step_builds_a_plan_that_forces_trade_offs():
    ctx = DemoContext(seed=7, as_of=AS_OF)
    build_company(ctx)
    build_team(ctx)
    build_planning(ctx)
    assert Initiative.objects.count() == 120
    assert Dependency.objects.filter(type="requires").count() >= 15
    assert Score.objects.filter(model__name="RICE").count() >= 90
    base = Scenario.objects.get(name="Base plan")
    assert base.optimal
    open_cost = sum(services.cost(i) for i in services.list_initiatives(None, open_only=True))
    assert base.result["cost"] <= ctx.made["planning"]["budget"] < 0.5 * open_cost
    assert 20 <= len(base.result["items"]) < Initiative.objects.filter(stage__in=services.OPEN_STAGES).count()
    lean = Scenario.objects.get(name="Lean year")
    assert lean.value < base.value
    assert RoadmapItem.objects.count() == len(base.result["items"])
    assert set(RoadmapItem.objects.values_list("quarter", flat=True)) <= {"2026-Q2", "2026-Q3", "2026-Q4",
                                                                         "2027-Q1"}
    commitments = dict(RoadmapItem.objects.values_list("quarter", "commitment").distinct())
    expected = {"2026-Q2": "committed", "2026-Q3": "likely", "2026-Q4": "exploring", "2027-Q1": "exploring"}
    # the optimiser prefers earlier starts, so a late quarter may stay empty when capacity is loose
    assert "2026-Q2" in commitments and commitments == {q: expected[q] for q in commitments}
    assert Initiative.objects.exclude(owner=None).count() == 120
    again = services.optimise(None, base.constraints, explain=False, today=AS_OF)
    assert again.value == base.value
    long = Initiative.objects.filter(duration=2)
    assert 5 <= long.count() <= 10 and not Initiative.objects.filter(duration__gt=2).exists()
    assert RoadmapItem.objects.filter(initiative__in=long).exists()  # the timeline has bars over two quarters
    for row in services.capacity(None, start="2026-Q2", count=4, today=AS_OF):
        assert row.planned_weeks <= row.capacity_weeks + 1e-6, row  # every quarter a long initiative runs


@pytest.mark.django_db
def test_demo_ideas_link_to_the_goal_rows_the_strategy_step_made():
    from headway.planning.demo import GOALS
    from headway.strategy import services as strategy

    ctx = DemoContext(seed=7, as_of=AS_OF)
    build_company(ctx)
    build_team(ctx)
    strategy.create_kpi(None, "checkout_conversion", "Checkout conversion", unit="percent")
    made = {title: strategy.create_goal(None, title, key_results=["checkout_conversion"] if n == 0 else []).pk
            for n, title in enumerate(GOALS)}
    decoy = strategy.create_goal(None, GOALS[0], period="next")  # same title, not made by the strategy step
    ctx.made["strategy"] = {"goals": made}
    build_planning(ctx)
    planned = plan_backlog(DemoContext(seed=7, as_of=AS_OF).rng("planning"))
    expected = {made[i.goal] for i in planned if i.goal}
    linked = Initiative.objects.exclude(goal=None)
    assert linked.count() == sum(1 for i in planned if i.goal) and 50 <= linked.count() <= 100
    assert set(linked.values_list("goal_id", flat=True)) == expected == set(made.values())
    assert not Initiative.objects.filter(goal=decoy).exists()
    # an idea serving a goal moves that goal's first key result's KPI
    assert set(Initiative.objects.filter(goal_id=made[GOALS[0]]).values_list("kpi__name", flat=True)) == {
        "checkout_conversion"}
    assert not Initiative.objects.filter(goal_id=made[GOALS[1]]).exclude(kpi=None).exists()


@pytest.mark.django_db
def test_demo_hiring_roles_plan_and_scenario():
    ctx = DemoContext(seed=7, as_of=AS_OF)
    build_company(ctx)
    build_team(ctx)
    build_planning(ctx)
    assert len(services.list_roles(None)) == 7
    plan = services.hiring_plan(None)
    assert [o.status for o in plan.openings] == ["approved", "open"]
    assert [(o.role, o.start_quarter, o.open_by) for o in plan.openings] == [
        ("Checkout Engineer", "2026-Q3", "2026-Q2"), ("Data platform Engineer", "2026-Q4", "2026-Q3")]
    base, hiring = Scenario.objects.get(name="Base plan"), Scenario.objects.get(name="Base plan with hiring")
    assert hiring.value >= base.value and hiring.result["hiring"]["teams"] == [
        "Checkout", "Data platform", "Growth", "Payments & Risk", "Search & Discovery", "Store & Mobile"]
    compared = services.compare_scenarios(None, ["Base plan", "Base plan with hiring"])
    assert compared.scenarios[0].hires == 0
    # a budget too small for any hire (the cheapest: 15k + a quarter of the cheapest engineer, 45.6k) gives
    # exactly today's plan
    # exactly today's plan (the hiring plan's decided openings left out: they alone cost more than 60k)
    small = {**base.constraints, "budget": 60_000, "time_limit": 10}
    today = services.optimise(None, small, explain=False, today=AS_OF)
    with_roles = services.optimise(None, {**small, "hire": ["Checkout", "Growth", "Data platform"], "decided": False},
                                   explain=False, today=AS_OF)
    assert today.items and [(i.id, i.quarter) for i in with_roles.items] == [(i.id, i.quarter) for i in today.items]
    assert (with_roles.value, with_roles.cost) == (today.value, today.cost)
    assert with_roles.hiring is not None and with_roles.hiring.hires == []
    with pytest.raises(InfeasibleError, match="budget"):  # the approved and open roles are hires it must pay for
        services.optimise(None, {**small, "hire": ["Checkout"]}, explain=False, today=AS_OF)


@pytest.mark.django_db
def test_demo_hiring_two_engineers_unlocks_more_than_they_cost():
    ctx = DemoContext(seed=7, as_of=AS_OF)
    build_company(ctx)
    build_team(ctx)
    build_planning(ctx)
    scenario = Scenario.objects.get(name=TWO_ENGINEERS)
    hiring = scenario.result["hiring"]
    assert scenario.optimal and scenario.constraints["hire"] == ["Store & Mobile"]
    assert sum(h["count"] for h in hiring["hires"]) == 2
    assert {h["role"] for h in hiring["hires"]} == {"Store & Mobile Engineer"}
    assert all(h["decided"] == 0 for h in hiring["hires"])
    # each engineer: 15k to hire plus 48k a quarter (4000 a week x 48 weeks / 4) for the quarters left in the plan
    assert hiring["hire_cost"] == sum(h["count"] * (15_000 + 48_000 * (3 - [*scenario.result["quarters"]].index(
        h["start"]))) for h in hiring["hires"])
    # the plan's value is money (POINT_VALUE a point): what the hires unlock is worth more than they cost
    gained = scenario.value - hiring["value_without_hiring"]
    assert gained > hiring["hire_cost"] > 0
    assert hiring["value_per_10k"] == pytest.approx(gained / (hiring["hire_cost"] / 10_000), rel=1e-4)
    assert all(u["unlocks"] for u in hiring["unlocks"])
