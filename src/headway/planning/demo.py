"""Demo step: Northwind Retail's backlog — about 120 ideas across 6 delivery teams (the largest innovations
running two quarters), scored, with dependencies, demand and a budget that cannot buy everything — an optimised
base plan on the roadmap and a leaner scenario beside it.

:func:`plan_backlog` draws the ideas from the step's seeded generator (pure, no database); :func:`build_planning`
writes them through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from headway.demo.builder import DemoContext, demo_step

# team → (cost per person-week, headcount, the PM group it belongs to, subjects its ideas are about)
TEAMS: dict[str, tuple[int, int, str, list[str]]] = {
    "Search & Discovery": (4200, 7, "search-discovery", [
        "search results", "search suggestions", "category pages", "product filters", "recommendations"]),
    "Store & Mobile": (4000, 6, "store-mobile", [
        "mobile app home", "store pickup", "barcode scanning", "push notifications", "store locator"]),
    "Checkout": (4500, 6, "checkout", ["checkout", "cart", "promo codes", "delivery slots", "guest checkout"]),
    "Payments & Risk": (4800, 5, "payments-risk", [
        "card payments", "wallet payments", "fraud checks", "refunds", "buy now pay later"]),
    "Growth": (3800, 6, "growth", ["loyalty points", "referrals", "email journeys", "onboarding", "win-back offers"]),
    "Data platform": (5000, 5, "data-platform", [
        "event pipeline", "experiment platform", "customer data", "reporting", "feature store"]),
}
# pattern → kind; {s} is the subject
PATTERNS: list[tuple[str, str]] = [
    ("Personalised {s}", "innovate"), ("AI-assisted {s}", "innovate"), ("{s} for business accounts", "innovate"),
    ("Redesign {s}", "iterate"), ("Faster {s}", "iterate"), ("Simplify {s}", "iterate"),
    ("Accessibility fixes in {s}", "maintain"), ("Reliability of {s}", "maintain"),
    ("Retire legacy {s} service", "tech_debt"), ("Upgrade {s} dependencies", "tech_debt"),
]
GOALS = ["Make checkout effortless", "Turn more visitors into buyers", "Bigger baskets",
         "A mobile app customers recommend"]
"""Product goals of the strategy step (:mod:`headway.strategy.demo`) the ideas serve; an idea is linked to the goal
row the strategy step made (and to that goal's first key result's KPI), never looked up by title."""
STAGES = ["idea"] * 6 + ["discovery"] * 3 + ["planned"] * 2 + ["in_progress", "shipped", "parked"]
QUARTERS = 4
LONG_WEEKS = 14
"""An innovate idea of this many person-weeks or more from its lead team runs two quarters (about ten of them)."""
BUDGET_SHARE = 0.45
"""The money budget is this share of the open backlog's cost (rounded): the plan has to leave out over half."""


@dataclass
class PlannedIdea:
    title: str
    team: str
    kind: str
    stage: str
    effort: dict[str, float]
    user_value: float
    business_value: float
    demand: float
    goal: str
    duration: int = 1
    inputs: dict[str, float] = field(default_factory=dict)
    requires: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)


def plan_backlog(rng: np.random.Generator, per_team: int = 20) -> list[PlannedIdea]:
    """The demo ideas; ``requires`` and ``conflicts`` hold indexes of earlier ideas (so there is no cycle)."""
    ideas: list[PlannedIdea] = []
    teams = list(TEAMS)
    for team in teams:
        subjects = TEAMS[team][3]
        combos = [(p, k, s) for s in subjects for p, k in PATTERNS]
        for index in rng.choice(len(combos), size=per_team, replace=False):
            pattern, kind, subject = combos[int(index)]
            title = pattern.format(s=subject)
            title = title[0].upper() + title[1:]
            weeks = float(rng.integers(2, 21))
            effort = {team: weeks}
            if rng.random() < 0.3:
                other = teams[int(rng.integers(len(teams)))]
                if other != team:
                    effort[other] = float(rng.integers(1, 9))
            innovate = kind == "innovate"
            ideas.append(PlannedIdea(
                title=title, team=team, kind=kind, stage=str(rng.choice(STAGES)), effort=effort,
                duration=2 if innovate and weeks >= LONG_WEEKS else 1,
                user_value=float(rng.integers(3 if innovate else 1, 11)),
                business_value=float(rng.integers(2 if kind != "tech_debt" else 1, 11)),
                demand=round(float(rng.gamma(2.0, 40.0)), 1), goal=str(rng.choice(GOALS)) if rng.random() < 0.6 else "",
                inputs={"reach": float(int(rng.lognormal(8.0, 1.0))),
                        "impact": float(rng.choice([0.25, 0.5, 1.0, 2.0, 3.0], p=[0.1, 0.25, 0.35, 0.2, 0.1])),
                        "confidence": float(rng.choice([0.5, 0.8, 1.0])),
                        "user_business_value": float(rng.choice([1, 2, 3, 5, 8, 13, 20])),
                        "time_criticality": float(rng.choice([1, 2, 3, 5, 8, 13])),
                        "risk_reduction": float(rng.choice([1, 2, 3, 5, 8]))},
            ))
    for i, idea in enumerate(ideas):
        same_team = [j for j in range(i) if ideas[j].team == idea.team]
        if same_team and rng.random() < 0.25:
            idea.requires.append(int(rng.choice(same_team)))
        elif same_team and rng.random() < 0.04:
            idea.conflicts.append(int(rng.choice(same_team)))
    return ideas


@demo_step("decisions and roadmap", order=60, weight=1.0)
def build_planning(ctx: DemoContext) -> None:
    """Teams, the scored backlog with dependencies, the base plan on the roadmap and a leaner scenario (one
    transaction: fast on a file database, and nothing half-built on failure)."""
    from django.db import transaction

    with transaction.atomic():
        _build(ctx)


def _build(ctx: DemoContext) -> None:
    from headway.planning import services
    from headway.strategy import services as strategy

    people = ctx.made.get("people", {})
    made_goals = ctx.made.get("strategy", {}).get("goals", {})  # title → id of the goals the strategy step made
    wanted = set(made_goals.values())
    goals = {g.pk: g for g in strategy.list_goals(None) if g.pk in wanted}
    links = {title: (goals[pk], next((kr.kpi for kr in goals[pk].key_results.all()), None))
             for title, pk in made_goals.items() if pk in goals}
    for team, (rate, headcount, _, _) in TEAMS.items():
        services.save_team(None, team, cost_per_week=rate, headcount=headcount, weeks_per_quarter=12)
    ideas = plan_backlog(ctx.rng("planning"))
    ids: list[int] = []
    for n, idea in enumerate(ideas):
        owner = people.get(f"gpm-{TEAMS[idea.team][2]}")
        created = services.create_initiative(
            None, title=idea.title, team=idea.team, kind=idea.kind, stage=idea.stage, effort=idea.effort,
            duration=idea.duration,
            user_value=idea.user_value, business_value=idea.business_value, demand_score=idea.demand,
            goal=links[idea.goal][0] if idea.goal in links else None,
            kpi=links[idea.goal][1] if idea.goal in links else None, owner=owner, product_area=idea.team,
            problem=f"Northwind customers and staff struggle with {idea.title.lower()} today.",
        )
        services.set_inputs(None, created.pk, idea.inputs)
        ids.append(created.pk)
        ctx.progress("decisions and roadmap", 0.6 * (n + 1) / len(ideas))
    for idea, pk in zip(ideas, ids, strict=True):
        for j in idea.requires:
            services.add_dependency(None, pk, ids[j], "requires")
        for j in idea.conflicts:
            services.add_dependency(None, pk, ids[j], "conflicts")
    services.save_scoring_model(None, "RICE", "rice", primary=True)
    services.save_scoring_model(None, "WSJF", "wsjf")
    services.save_scoring_model(None, "Value per 10k", "formula",
                                formula="(user_value + business_value) * sqrt(demand + 1) / (cost / 10000)")
    for name in ("RICE", "WSJF", "Value per 10k"):
        services.score_all(None, name)
    ctx.progress("decisions and roadmap", 0.75)
    open_cost = sum(services.cost(i) for i in services.list_initiatives(None, open_only=True))
    budget = round(open_cost * BUDGET_SHARE, -5)
    start = services.quarter_of(ctx.as_of)
    base = {"budget": budget, "quarters": QUARTERS, "start": start, "objective": "value", "time_limit": 5}
    services.optimise(None, base, scenario="Base plan", explain=False, today=ctx.as_of)
    services.optimise(None, {**base, "budget": round(budget * 0.8, -5)}, scenario="Lean year", explain=False,
                      today=ctx.as_of)
    ctx.progress("decisions and roadmap", 0.95)
    services.apply_scenario(None, "Base plan", today=ctx.as_of)
    _hiring(ctx, base)
    ctx.made["planning"] = {"initiatives": ids, "budget": budget}
    ctx.progress("decisions and roadmap", 1.0)


HIRING_BUDGET = 400_000
"""Money added to the base budget in the "Base plan with hiring" scenario: about two engineers for the year."""


def _hiring(ctx: DemoContext, base: dict[str, object]) -> None:
    """Roles for every team (an engineer at the team's loaded cost, 15k to hire, a quarter to fill, half speed
    in the first quarter, 2 mentor weeks, at most 3 starters a quarter), 12 % attrition in Checkout, a hiring plan
    with one approved and one open opening, and the scenario "Base plan with hiring": the base plan with 400k
    more, where the optimiser may hire in every team."""
    from headway.planning import services

    for team, (rate, _, _, _) in TEAMS.items():
        services.save_role(None, team, title="Engineer", annual_cost=rate * 48, hiring_cost=15_000, lead_quarters=1,
                           ramp=[0.5, 1.0], mentor_weeks=2, max_per_quarter=3)
    services.save_role(None, "Search & Discovery", "senior_pm", title="Senior PM", annual_cost=230_000,
                       hiring_cost=30_000, lead_quarters=2, ramp=[0.25, 0.75, 1.0], mentor_weeks=1, max_per_quarter=1)
    services.set_attrition(None, "Checkout", 0.12)
    start = services.quarter_index(services.quarter_of(ctx.as_of))
    approved = services.plan_opening(None, "Checkout Engineer", services.quarter_label(start + 1),
                                     note="Delivery slots need a second backend engineer.")
    services.approve_opening(None, approved.id)
    opened = services.plan_opening(None, "Data platform Engineer", services.quarter_label(start + 2),
                                   note="The experiment platform has one engineer.")
    services.approve_opening(None, opened.id)
    services.open_opening(None, opened.id)
    services.optimise(None, {**base, "budget": float(str(base["budget"])) + HIRING_BUDGET, "hire": list(TEAMS)},
                      scenario="Base plan with hiring", explain=False, today=ctx.as_of)
    _two_engineers(ctx, base)


TWO_ENGINEERS = "Store & Mobile: hire two engineers"
"""The scenario where hiring two engineers unlocks initiatives worth more than they cost."""
POINT_VALUE = 25_000
"""What Northwind reckons a point of user or business value is worth a year, in money: the two-engineers scenario
weighs both at this, so its plan's value is money and compares with what the hires cost."""
TWO_ENGINEERS_TEAM = "Store & Mobile"


def _two_engineers(ctx: DemoContext, base: dict[str, object]) -> None:
    """Store & Mobile's next three quarters with its own backlog alone (every other team's ideas left out) after two
    of its engineers move to another project, values in money (:data:`POINT_VALUE` a point). The budget is what
    its best plan without hiring costs plus two engineers starting next quarter (15k to hire and two quarters of
    loaded cost each): the optimiser hires exactly two (one a quarter, the cap and the ramp allowing), because the
    initiatives they unlock are worth more than they cost."""
    from headway.planning import services

    team = TWO_ENGINEERS_TEAM
    others = [i.pk for i in services.list_initiatives(None, open_only=True) if i.team is None or i.team.name != team]
    request = {**base, "quarters": 3, "budget": None, "objective": "value", "user_weight": POINT_VALUE,
               "business_weight": POINT_VALUE, "exclude": others, "time_limit": 10, "extra_headcount": {team: -2}}
    without = services.optimise(None, request, explain=False, today=ctx.as_of)
    engineer = next(r for r in services.list_roles(None, team) if r.title == "Engineer")
    two = 2 * (engineer.hiring_cost + 2 * engineer.cost_per_quarter)
    services.optimise(None, {**request, "budget": round(without.cost + two, 2), "hire": [team], "decided": False},
                      scenario=TWO_ENGINEERS, explain=True, today=ctx.as_of)
