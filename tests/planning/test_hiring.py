"""Roles, attrition and the hiring plan through the services, and the optimiser hiring (issue 18's acceptance case
on real rows: Web has 2 people x 12 weeks; A 30 pw value 90, B 20 pw value 50, C 24 pw value 40, no money cost)."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.planning import services
from headway.team import services as team

TODAY = date(2026, 5, 10)
REQUEST = {"objective": "value", "user_weight": 10, "business_weight": 0, "quarters": 2, "start": "2026-Q3"}


@pytest.fixture
def web(db, workspace):
    services.save_team(None, "Web", cost_per_week=0, headcount=2, weeks_per_quarter=12)
    items = {}
    for key, weeks, value in (("A", 30, 90), ("B", 20, 50), ("C", 24, 40)):
        items[key] = services.create_initiative(None, title=f"Initiative {key}", team="Web", user_value=value / 10,
                                                effort={"Web": weeks})
    return items


@pytest.fixture
def engineer(web):
    return services.save_role(None, "Web", title="Engineer", annual_cost=120_000, hiring_cost=10_000,
                              lead_quarters=1, ramp="0.5,1.0")


def test_a_role_costs_a_quarter_of_its_annual_cost(engineer):
    assert engineer.key == "Web Engineer" and engineer.cost_per_quarter == 30_000
    assert (engineer.ramp, engineer.lead_quarters, engineer.weeks_per_person) == ([0.5, 1.0], 1, 12)
    assert [r.key for r in services.list_roles(None, "web")] == ["Web Engineer"]
    changed = services.save_role(None, "Web", title="Engineer", mentor_weeks=2)
    assert changed.id == engineer.id and changed.mentor_weeks == 2 and changed.annual_cost == 120_000


def test_the_optimiser_hires_one_engineer_and_unlocks_a(web, engineer):
    without = services.optimise(None, {**REQUEST, "budget": 40_000}, today=TODAY)
    assert without.value == 90 and without.hiring is None
    result = services.optimise(None, {**REQUEST, "budget": 40_000, "hire": "Web"}, today=TODAY)
    assert result.value == 140 and result.cost == 40_000
    assert {i.title: i.quarter for i in result.items} == {"Initiative A": "2026-Q4", "Initiative B": "2026-Q3"}
    hiring = result.hiring
    assert hiring is not None and hiring.teams == ["Web"]
    assert [(h.role, h.count, h.opened, h.start, h.cost) for h in hiring.hires] == [
        ("Web Engineer", 1, "2026-Q3", "2026-Q4", 40_000)]
    assert (hiring.hire_cost, hiring.run_rate, hiring.value_without_hiring) == (40_000, 30_000, 90)
    assert hiring.value_per_10k == 12.5
    a = web["A"].pk
    assert [(u.text, u.unlocks) for u in hiring.unlocks] == [
        (f"1 × Web Engineer starting in 2026-Q4 unlocks #{a} Initiative A", [a])]
    fewer = next(w for w in hiring.what_ifs if w.change == "one fewer hire of role Web Engineer")
    assert (fewer.value, fewer.delta, fewer.removed) == (90, -50, [a])
    more = next(w for w in hiring.what_ifs if w.change == "one more hire of role Web Engineer")
    assert more.feasible is False and more.value is None


def test_mentor_weeks_mean_no_hire(web, engineer):
    services.save_role(None, "Web", title="Engineer", mentor_weeks=2)
    result = services.optimise(None, {**REQUEST, "budget": 40_000, "hire": ["Web"]}, today=TODAY)
    assert result.value == 90 and result.hiring is not None and result.hiring.hires == []


def test_scenarios_compare_with_and_without_hiring(web, engineer):
    services.optimise(None, {**REQUEST, "budget": 40_000}, scenario="no hiring", today=TODAY)
    services.optimise(None, {**REQUEST, "budget": 40_000, "hire": "Web"}, scenario="hiring", today=TODAY)
    compared = services.compare_scenarios(None, ["no hiring", "hiring"])
    assert [(s.value, s.hires, s.hire_cost) for s in compared.scenarios] == [(90, 0, None), (140, 1, 40_000)]


def test_attrition_takes_capacity_away(web):
    services.set_attrition(None, "web", 12)
    # 24 x 0.88 ** (1/4) = 23.24 in the second quarter: B (20) fits either quarter; with 12 % C (24) only fits
    # the first, so A (30) never fits and the plan is B + C with C first
    result = services.optimise(None, REQUEST, today=TODAY)
    assert {i.title: i.quarter for i in result.items} == {"Initiative B": "2026-Q4", "Initiative C": "2026-Q3"}
    with pytest.raises(ValidationError, match="give an annual rate from 0 up to"):
        services.set_attrition(None, "web", 100)


@pytest.mark.parametrize(("fields", "fragment"), [
    ({"ramp": "0.5,1.5"}, "each share of full speed is between 0 and 1"),
    ({"annual_cost": -5}, "a cost cannot be negative"),
    ({"hiring_cost": -1}, "a cost cannot be negative"),
    ({"lead_quarters": 9}, "a lead time of 9 quarters"),
])
def test_bad_roles(web, fields, fragment):
    with pytest.raises(ValidationError, match=fragment):
        services.save_role(None, "Web", title="Engineer", **fields)


def test_unknown_team_and_lead_longer_than_the_plan(web, engineer):
    with pytest.raises(NotFound, match="There is no team 'Data'"):
        services.save_role(None, "Data", title="Analyst")
    with pytest.raises(NotFound, match="There is no team 'Data'"):
        services.optimise(None, {**REQUEST, "hire": "Data"}, today=TODAY)
    services.save_role(None, "Web", title="Engineer", lead_quarters=2)
    with pytest.raises(ValidationError, match="a lead time of 2 quarters is longer than the 2-quarter plan"):
        services.optimise(None, {**REQUEST, "hire": "Web"}, today=TODAY)


def test_hiring_plan_planned_approved_open_filled(web, engineer, make_user, leader):
    pm = make_user("pam", "product_manager")
    opening = services.plan_opening(pm, engineer.id, "2026-q4", note="for A")
    assert (opening.status, opening.open_by, opening.start_quarter) == ("planned", "2026-Q3", "2026-Q4")
    with pytest.raises(PermissionDenied):
        services.approve_opening(pm, opening.id)
    with pytest.raises(ValidationError, match="only an open opening can be filled"):
        services.fill_opening(None, opening.id, "Ada Lovelace")
    approved = services.approve_opening(leader, opening.id)
    assert approved.status == "approved" and approved.approved_by == leader.username
    services.open_opening(leader, opening.id)
    filled = services.fill_opening(leader, opening.id, "Ada Lovelace", start_date="2026-10-01")
    assert filled.status == "filled" and filled.person == "Ada Lovelace"
    person = team.get_person(None, filled.person_id)
    assert (person.title, person.team, str(person.start_date)) == ("Engineer", "Web", "2026-10-01")
    plan = services.hiring_plan(None)
    assert plan.counts["filled"] == 1 and plan.annual_cost == 120_000
    with pytest.raises(ValidationError, match="is filled already"):
        services.cancel_opening(None, opening.id)
    with pytest.raises(ValidationError, match="Role Web Engineer has openings"):
        services.delete_role(None, engineer.id)


def test_capacity_rows_show_the_hires_on_their_ramp(engineer):
    services.save_role(None, "Web", title="Engineer", mentor_weeks=2)
    opening = services.plan_opening(None, engineer.id, "2026-Q3")
    rows = {r.quarter: r.hire_weeks for r in services.capacity(None, start="2026-Q2", count=4, today=TODAY)}
    assert rows == {"2026-Q2": 0, "2026-Q3": 0, "2026-Q4": 0, "2027-Q1": 0}  # planned: not yet counted
    services.approve_opening(None, opening.id)
    rows = {r.quarter: r.hire_weeks for r in services.capacity(None, start="2026-Q2", count=4, today=TODAY)}
    # half speed less 2 mentor weeks in the first quarter (6 - 2), full speed (12) after
    assert rows == {"2026-Q2": 0, "2026-Q3": 4, "2026-Q4": 12, "2027-Q1": 12}


def test_a_cost_too_large_for_the_money_columns_is_a_clear_error(web):
    """Found by fuzzing the API: a hiring cost of 5e16 was stored, then could not be read back (HTTP 500)."""
    with pytest.raises(ValidationError, match="hiring_cost: must be 1e\\+10 or less"):
        services.save_role(None, "Web", title="Engineer", hiring_cost=5.494886582151475e16)
    with pytest.raises(ValidationError, match="mentor_weeks: must be 1000 or less"):
        services.save_role(None, "Web", title="Engineer", mentor_weeks=1e9)


def test_approved_and_open_openings_are_fixed_hires_of_the_plan(web, engineer, leader):
    opening = services.plan_opening(None, engineer.id, "2026-Q3")
    planned = services.optimise(None, {**REQUEST, "hire": "Web", "budget": 100_000}, today=TODAY)
    # a planned opening is not decided: the optimiser picks its own hire, the cheapest way to 140 (40k)
    assert [(h.start, h.count, h.decided) for h in planned.hiring.hires] == [("2026-Q4", 1, 0)]
    services.approve_opening(leader, opening.id)
    services.open_opening(leader, opening.id)
    plan = services.optimise(None, {**REQUEST, "hire": "Web", "budget": 100_000}, today=TODAY)
    # the open role starts in 2026-Q3 (24 + 6 and 24 + 12 person-weeks): A and B fit; 10k + 2 x 30k = 70k
    assert [(h.role, h.start, h.count, h.decided) for h in plan.hiring.hires] == [("Web Engineer", "2026-Q3", 1, 1)]
    assert (plan.value, plan.hiring.hire_cost) == (140, 70_000)
    assert plan.hiring.value_without_hiring == 140 and plan.hiring.value_per_10k is None
    assert services.optimise(None, REQUEST, today=TODAY).value == 90  # not hiring: today's plan, no hire at all
    services.save_team(None, "App", cost_per_week=0, headcount=1, weeks_per_quarter=12)
    other = services.save_role(None, "App", title="Engineer", annual_cost=40_000, lead_quarters=1)
    services.approve_opening(leader, services.plan_opening(None, other.id, "2026-Q4").id)
    both = services.optimise(None, {**REQUEST, "hire": "Web", "budget": 110_000}, today=TODAY)
    # App may not hire (not ticked), but its approved role is decided: in the plan, and nothing more of it
    # (70k + 10k for one App quarter leave 30k: no second Web hire at 40k)
    assert [(h.role, h.start, h.count, h.decided) for h in both.hiring.hires] == [
        ("Web Engineer", "2026-Q3", 1, 1), ("App Engineer", "2026-Q4", 1, 1)]
    assert both.hiring.teams == ["Web"]


def test_the_roadmap_capacity_chart_stacks_the_hires_ramp(engineer, leader):
    from headway.planning import charts

    services.save_role(None, "Web", title="Engineer", mentor_weeks=2)
    services.approve_opening(leader, services.plan_opening(None, engineer.id, "2026-Q3").id)
    spec = charts.capacity_spec(services.capacity(None, start="2026-Q2", count=4, today=TODAY))
    hires = {r["quarter"]: r["weeks"] for r in spec["data"]["values"] if r["part"] == "hires on their ramp"}
    own = {r["quarter"]: r["weeks"] for r in spec["data"]["values"] if r["part"] == "team"}
    # half speed less 2 mentor weeks in the first quarter (6 - 2), full speed (12) after, on the team's 24
    assert hires == {"2026-Q2": 0, "2026-Q3": 4, "2026-Q4": 12, "2027-Q1": 12}
    assert own == dict.fromkeys(hires, 24)
    assert "green: what hires add on their ramp" in spec["title"]
