"""The optimiser's interactivity: earlier starts as a tie-break that never changes the selection or the value,
and what-ifs that re-solve one shared model (checked against a full re-optimisation of the changed portfolio)."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from headway.planning.engine import nrp
from headway.planning.engine.portfolio import (
    Bundle,
    Initiative,
    Portfolio,
    _check,
    _earliest_starts,
    _Model,
    _run,
    explain,
    optimise,
)

I = Initiative  # noqa: E741
QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def test_loose_capacity_starts_everything_in_the_first_quarter() -> None:
    items = [I("a", 5, effort={"web": 4}), I("b", 4, effort={"web": 4}), I("c", 3, effort={"app": 2}, duration=2)]
    plan = optimise(Portfolio(items, quarters=QUARTERS, capacity={"web": 100, "app": 100}))
    assert plan.start == {"a": "Q1", "b": "Q1", "c": "Q1"} and plan.value == 12


def test_tight_capacity_and_prerequisites_start_as_early_as_they_can() -> None:
    # web has 10 a quarter: a (8) and b (8) need a quarter each; c requires b so starts no earlier than b
    items = [I("a", 5, effort={"web": 8}), I("b", 4, effort={"web": 8}), I("c", 1, effort={"app": 1})]
    plan = optimise(Portfolio(items, quarters=QUARTERS, capacity={"web": 10}, requires=[("c", "b")]))
    assert plan.selected == ("a", "b", "c") and plan.value == 10
    assert sorted(plan.start[i] for i in "ab") == ["Q1", "Q2"] and plan.start["c"] == plan.start["b"]


def _random_portfolio(seed: int) -> Portfolio:
    rng = random.Random(seed)
    ids = [f"i{k}" for k in range(12)]
    items = [I(i, rng.choice([0, 1, 3, 5, 8]), rng.randint(1, 6), effort={rng.choice("xy"): rng.randint(2, 9)},
               duration=rng.choice([1, 1, 2])) for i in ids]
    requires = [(ids[k], ids[rng.randrange(k)]) for k in range(1, 12) if rng.random() < 0.3]
    bundles = [Bundle(f"b{k}", frozenset(rng.sample(ids, 2)), rng.randint(1, 9)) for k in range(3)]
    return Portfolio(items, bundles, quarters=QUARTERS, budget=rng.randint(15, 30), requires=requires,
                     capacity={"x": rng.randint(6, 14), "y": rng.randint(6, 14)})


def _feasible(portfolio: Portfolio, start: dict[str, int]) -> bool:
    by_id = {i.id: i for i in portfolio.initiatives}
    for team, limit in portfolio.capacity.items():
        for q in range(len(portfolio.quarters)):
            load = sum(by_id[i].effort.get(team, 0) / by_id[i].duration for i, s in start.items()
                       if s <= q < s + by_id[i].duration)
            if load > limit + 1e-9:  # type: ignore[operator]
                return False
    return all(b in start and start[b] <= start[a] for a, b in portfolio.requires if a in start)


@pytest.mark.parametrize("seed", range(6))
def test_tie_break_never_changes_the_selection_or_the_value(seed: int) -> None:
    portfolio = _random_portfolio(seed)
    model = _Model(portfolio, _check(portfolio))
    _, first = _run(model, 10.0, None)  # the plan before the tie-break: any quarters HiGHS picked
    earlier = _earliest_starts(model, first, 10.0)
    assert set(earlier) == set(first) and _feasible(portfolio, earlier)
    assert sum(earlier.values()) <= sum(first.values())
    plan = optimise(portfolio)
    quarter = {q: k for k, q in enumerate(QUARTERS)}
    assert set(plan.selected) == set(first) and _feasible(portfolio, {i: quarter[q] for i, q in plan.start.items()})
    assert sum(quarter[q] for q in plan.start.values()) == sum(earlier.values())  # the same minimum sum of starts


@pytest.mark.parametrize("seed", range(4))
def test_what_ifs_match_a_full_re_optimisation(seed: int) -> None:
    portfolio = _random_portfolio(seed)
    plan = optimise(portfolio)
    why = explain(portfolio, plan, engineer_weeks=5, what_if_time_limit=5.0)
    assert portfolio.budget is not None and why.budget_plus_10 is not None
    more_money = optimise(replace(portfolio, budget=portfolio.budget * 1.1))
    assert why.budget_plus_10.optimal and why.budget_plus_10.value == more_money.value
    assert why.budget_plus_10.delta == more_money.value - plan.value and why.budget_plus_10.gap == 0
    for team, limit in portfolio.capacity.items():
        more_people = optimise(replace(portfolio, capacity={**portfolio.capacity, team: limit + 5}))  # type: ignore[operator]
        assert why.extra_engineer[team].value == more_people.value and why.extra_engineer[team].optimal


def test_budget_what_if_reaches_a_bundle_the_current_budget_rules_out() -> None:
    # a + b (11) complete a bundle worth 10 but the budget is 10: the plan is c alone; 11 buys the bundle
    portfolio = Portfolio([I("a", 0, 6), I("b", 0, 5), I("c", 1, 1)], [Bundle("acme", frozenset("ab"), 10)],
                          budget=10)
    plan = optimise(portfolio)
    assert plan.selected == ("c",) and plan.value == 1
    what_if = explain(portfolio, plan).budget_plus_10
    assert what_if is not None
    assert (what_if.value, what_if.delta, what_if.added, what_if.removed) == (10, 9, ("a", "b"), ("c",))
    assert (what_if.optimal, what_if.bound, what_if.gap) == (True, 10, 0.0)


def test_time_limited_what_if_reports_its_gap() -> None:
    data = Path(__file__).resolve().parents[2] / "data" / "nrp" / "classic" / "nrp2.txt"
    portfolio = nrp.to_portfolio(nrp.load(data, budget_ratio=0.3))
    plan = optimise(portfolio, time_limit=0.5)
    what_if = explain(portfolio, plan, what_if_time_limit=0.2).budget_plus_10
    assert what_if is not None and not what_if.optimal
    assert what_if.value >= plan.value and what_if.bound > what_if.value
    assert what_if.gap == pytest.approx((what_if.bound - what_if.value) / what_if.value)
