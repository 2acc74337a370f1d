"""Hiring inside the plan (issue 18): the optimiser chooses hires with the initiatives. The acceptance cases are
worked by hand; a property test recomputes every plan independently and checks it against brute force."""

from __future__ import annotations

import itertools
import math
import random

import highspy
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headway.core.errors import ValidationError
from headway.planning import portfolio as pf

I = pf.Initiative  # noqa: E741
ITEMS = [I("A", 90, effort={"web": 30}), I("B", 50, effort={"web": 20}), I("C", 40, effort={"web": 24})]
QUARTERS = ("Q1", "Q2")
ROLE = pf.Role("web-engineer", "web", 12, 30_000, hiring_cost=10_000, lead_quarters=1, ramp=(0.5, 1.0))


def test_without_hiring_b_and_c_give_90() -> None:
    plan = pf.optimise(pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}))
    assert plan.selected == ("B", "C") and plan.value == 90 and plan.hires == ()


def test_one_hire_unlocks_a_for_140_at_40k() -> None:
    portfolio = pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, budget=40_000, roles=[ROLE])
    plan = pf.optimise(portfolio)
    # the hire starts in quarter 1 (lead 1), at half speed: 24 + 6 = 30 person-weeks, exactly A
    assert plan.hires == (pf.Hire("web-engineer", "Q2", 1),) and plan.hires[0].opened == "Q1"
    assert plan.selected == ("A", "B") and plan.start == {"A": "Q2", "B": "Q1"}
    assert (plan.value, plan.cost, plan.hire_cost, plan.run_rate, plan.optimal) == (140, 40_000, 40_000, 30_000,
                                                                                    True)
    assert pf.team_capacity(portfolio, plan.hires) == {"web": (24.0, 30.0)}
    why = pf.explain(portfolio, plan)
    assert [u.text for u in why.unlocks] == ["1 × web-engineer starting in Q2 unlocks A"]
    assert why.unlocks[0].unlocks == ("A",)
    assert why.without_hiring is not None and why.without_hiring.value == 90
    assert why.without_hiring.removed == ("A",) and why.without_hiring.added == ("C",)
    assert why.value_per_10k == pytest.approx(50 / 4)  # 50 more value for 40k
    changes = {w.change: w for w in why.hiring}
    assert set(changes) == {"one more hire of role web-engineer", "one fewer hire of role web-engineer",
                            "hire one quarter later"}
    more = changes["one more hire of role web-engineer"]
    assert more.feasible is False  # a second hire costs 40k more than the budget has
    fewer = changes["one fewer hire of role web-engineer"]
    assert (fewer.value, fewer.delta, fewer.removed, fewer.added) == (90, -50, ("A",), ("C",))
    later = changes["hire one quarter later"]  # past the plan's last quarter: no hire in the plan
    assert later.value == 90 and later.delta == -50
    capacity = {c.name: c for c in why.constraints}
    assert capacity["capacity of team web in Q2"].limit == 30 and capacity["capacity of team web in Q2"].used == 30
    assert capacity["budget"].used == 40_000 and capacity["budget"].binding


def test_two_mentor_weeks_leave_a_out_and_hire_no_one() -> None:
    role = pf.Role("web-engineer", "web", 12, 30_000, hiring_cost=10_000, mentor_weeks=2)
    portfolio = pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, budget=40_000, roles=[role])
    plan = pf.optimise(portfolio)
    # quarter 2 gains only 6 - 2 = 4 person-weeks: 28 < 30, A never fits, and a hire that adds nothing is not paid
    assert plan.hires == () and plan.value == 90 and plan.cost == 0 and plan.selected == ("B", "C")
    assert pf.team_capacity(portfolio, [pf.Hire("web-engineer", "Q2", 1)]) == {"web": (24.0, 28.0)}


def test_a_budget_too_small_for_any_hire_gives_todays_plan() -> None:
    items = [I("a", 5, 10, effort={"web": 8}), I("b", 4, 5, effort={"web": 8}), I("c", 3, 2, effort={"app": 4}),
             I("d", 2, 1, effort={"web": 4}, duration=2), I("e", 6, 8, effort={"app": 6})]
    today = pf.Portfolio(items, quarters=("Q1", "Q2", "Q3"), budget=20, capacity={"web": 10, "app": 6})
    hiring = pf.Portfolio(items, quarters=today.quarters, budget=20, capacity=today.capacity,
                          roles=[pf.Role("eng", "web", 12, 15, hiring_cost=6, lead_quarters=0)])
    before, after = pf.optimise(today), pf.optimise(hiring)
    assert (after.selected, after.start, after.value, after.cost) == (before.selected, before.start, before.value,
                                                                      before.cost)
    assert after.hires == ()


def test_attrition_of_12_percent_leaves_88_percent_after_four_quarters() -> None:
    portfolio = pf.Portfolio([], quarters=("Q1", "Q2", "Q3", "Q4", "Q5"), capacity={"web": 10 * 12},
                             attrition={"web": 0.12})
    capacity = pf.team_capacity(portfolio)["web"]
    assert capacity[4] == pytest.approx(8.8 * 12)
    quarterly = 1 - (1 - 0.12) ** 0.25
    assert round(quarterly * 100, 2) == 3.15
    assert capacity[1] == pytest.approx(120 * (1 - quarterly))
    # the optimiser sees it: 110 person-weeks fit in the first quarter, not in the last
    big = I("big", 1, effort={"web": 110})
    plan = pf.optimise(pf.Portfolio([big], quarters=portfolio.quarters, capacity={"web": 120},
                                    attrition={"web": 0.12}, must_have=frozenset({"big"})))
    assert plan.start == {"big": "Q1"}
    with pytest.raises(pf.InfeasibleError):
        pf.optimise(pf.Portfolio([I("big", 1, effort={"web": 110})], quarters=("Q5",), capacity={"web": 105.6},
                                 must_have=frozenset({"big"})))


def test_ties_go_to_the_cheaper_then_to_later_starts() -> None:
    # either role unlocks x; the cheaper one is hired, and as late as still unlocks it
    items = [I("x", 10, effort={"web": 16}, duration=1)]
    roles = [pf.Role("senior", "web", 12, 50, lead_quarters=0, ramp=(1.0,)),
             pf.Role("junior", "web", 12, 40, lead_quarters=0, ramp=(1.0,))]
    plan = pf.optimise(pf.Portfolio(items, quarters=("Q1", "Q2", "Q3"), capacity={"web": 8}, roles=roles))
    assert plan.hires == (pf.Hire("junior", "Q3", 1),) and plan.start == {"x": "Q3"} and plan.cost == 40
    # a free role: still no more people than needed, and as late as possible
    free = [pf.Role("free", "web", 12, 0, lead_quarters=0, ramp=(1.0,))]
    plan = pf.optimise(pf.Portfolio(items, quarters=("Q1", "Q2", "Q3"), capacity={"web": 8}, roles=free))
    assert plan.hires == (pf.Hire("free", "Q3", 1),)


def test_max_per_quarter_and_lead_time() -> None:
    # 3 more full-speed people are needed in one quarter; at most 2 start a quarter, so two quarters of hires
    items = [I("x", 10, effort={"web": 36})]
    role = pf.Role("eng", "web", 12, 1, lead_quarters=1, ramp=(1.0,), max_per_quarter=2)
    plan = pf.optimise(pf.Portfolio(items, quarters=("Q1", "Q2", "Q3"), capacity={"web": 0}, roles=[role]))
    assert plan.start == {"x": "Q3"} and sum(h.count for h in plan.hires) == 3
    assert all(h.count <= 2 and h.start != "Q1" for h in plan.hires)
    # the cheapest: as many as the cap allows in the last quarter, the third a quarter earlier (2 quarters paid)
    assert plan.cost == 1 * 2 + 2 * 1
    assert plan.hires == (pf.Hire("eng", "Q2", 1), pf.Hire("eng", "Q3", 2))


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"ramp": (0.5, 1.2)}, "role eng: ramp (0.5, 1.2) must be shares of full speed between 0 and 1"),
        ({"ramp": (-0.1,)}, "must be shares of full speed between 0 and 1"),
        ({"cost_per_quarter": -5.0}, "role eng: cost_per_quarter is -5: give a number >= 0"),
        ({"hiring_cost": -1.0}, "role eng: hiring_cost is -1: give a number >= 0"),
        ({"lead_quarters": 2}, "a lead time of 2 quarters is longer than the 2-quarter plan"),
        ({"team": "mobile"}, "role eng: team 'mobile' is unknown"),
        ({"max_per_quarter": -1}, "max_per_quarter -1 must be a whole number >= 0"),
    ],
)
def test_bad_roles_are_a_one_line_error(change: dict[str, object], fragment: str) -> None:
    fields = {"id": "eng", "team": "web", "weeks_per_person": 12.0, "cost_per_quarter": 10.0, **change}
    role = pf.Role(**fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        pf.optimise(pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, roles=[role]))
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(("attrition", "fragment"), [
    ({"web": 1.0}, "attrition of team web is 100%: give an annual rate from 0 up to (not including) 100 %"),
    ({"web": 1.5}, "attrition of team web is 150%"),
    ({"mobile": 0.1}, "attrition names team 'mobile', which has no capacity in the portfolio"),
])
def test_bad_attrition_is_a_one_line_error(attrition: dict[str, float], fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        pf.optimise(pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, attrition=attrition))
    assert fragment in str(caught.value)


def test_a_budget_that_cannot_pay_for_must_haves_names_the_clash() -> None:
    items = [I("a", 1, 50), I("b", 1, 10)]
    with pytest.raises(pf.InfeasibleError) as caught:
        pf.optimise(pf.Portfolio(items, budget=40, must_have=frozenset({"a"})))
    assert caught.value.details["constraints"] == ["budget", "must-have a"]


# ------------------------------------------------------------------------------ the property test


def _capacity(p: pf.Portfolio, hires: dict[tuple[str, int], int]) -> dict[tuple[str, int], float]:
    """capacity[t, q] straight from the issue's formula, written independently of the engine."""
    q_count = len(p.quarters)
    roles = {r.id: r for r in p.roles}
    result = {}
    for team, base in p.capacity.items():
        annual = p.attrition.get(team, 0.0)
        a = 1 - (1 - annual) ** (1 / 4)
        for q in range(q_count):
            value = float(base) * (1 - a) ** q  # type: ignore[arg-type]
            for (r, s), n in hires.items():
                role = roles[r]
                if role.team != team or s > q:
                    continue
                share = role.ramp[q - s] if q - s < len(role.ramp) else 1.0
                value += n * share * role.weeks_per_person
                if s == q:
                    value -= n * role.mentor_weeks
            result[(team, q)] = value
    return result


def _check_plan(p: pf.Portfolio, start: dict[str, int], hires: dict[tuple[str, int], int]) -> tuple[float, float,
                                                                                                     int] | None:
    """(value, money, quarters hires spend in the plan) of a plan, or None when it breaks the model."""
    q_count, by_id, roles = len(p.quarters), {i.id: i for i in p.initiatives}, {r.id: r for r in p.roles}
    money = sum(by_id[i].cost for i in start) + sum(
        n * (roles[r].hiring_cost + roles[r].cost_per_quarter * (q_count - s)) for (r, s), n in hires.items())
    if p.budget is not None and money > p.budget + 1e-6:
        return None
    fixed = _fixed(p)
    for (r, s), n in hires.items():
        most = roles[r].max_per_quarter if s >= roles[r].lead_quarters else 0
        if n > max(math.inf if most is None else most, fixed.get((r, s), 0)):
            return None  # beyond the cap, or before the lead time, and not decided already
    if any(hires.get(key, 0) < n for key, n in fixed.items()):
        return None
    capacity = _capacity(p, hires)
    for (team, q), limit in capacity.items():
        load = sum(i.effort.get(team, 0) / i.duration for i in (by_id[k] for k in start)
                   if start[i.id] <= q < start[i.id] + i.duration)
        if load > limit + 1e-6:
            return None
    value = sum(by_id[i].value for i in start)
    return value, money, sum(n * (q_count - s) for (_, s), n in hires.items())


def _fixed(p: pf.Portfolio) -> dict[tuple[str, int], int]:
    index = {q: k for k, q in enumerate(p.quarters)}
    fixed: dict[tuple[str, int], int] = {}
    for hire in p.fixed_hires:
        fixed[(hire.role, index[hire.start])] = fixed.get((hire.role, index[hire.start]), 0) + hire.count
    return fixed


def _brute_force(p: pf.Portfolio) -> tuple[float, float, int]:
    q_count, fixed = len(p.quarters), _fixed(p)
    options = [[None, *range(q_count - i.duration + 1)] for i in p.initiatives]
    slots = [(r.id, s) for r in p.roles for s in range(q_count)]
    counts = [range(fixed.get((r.id, s), 0), max((r.max_per_quarter or 0) if s >= r.lead_quarters else 0,
                                                  fixed.get((r.id, s), 0)) + 1)
              for r in p.roles for s in range(q_count)]
    best: tuple[float, float, int] | None = None
    for starts in itertools.product(*options):
        start = {i.id: s for i, s in zip(p.initiatives, starts, strict=True) if s is not None}
        for numbers in itertools.product(*counts):
            hires = {slot: n for slot, n in zip(slots, numbers, strict=True) if n}
            found = _check_plan(p, start, hires)
            if found is not None and (best is None or (-found[0], found[1], found[2]) < (-best[0], best[1], best[2])):
                best = found
    assert best is not None
    return best


@st.composite
def small_portfolios(draw: st.DrawFn) -> pf.Portfolio:
    q_count = draw(st.integers(2, 3))
    quarters = tuple(f"Q{q + 1}" for q in range(q_count))
    items = [I(f"i{k}", draw(st.integers(0, 20)), draw(st.sampled_from([0, 0, 5, 10])),
               effort={"web": draw(st.integers(2, 24))}, duration=draw(st.integers(1, 2)))
             for k in range(draw(st.integers(2, 3)))]
    roles = [pf.Role(f"r{k}", "web", draw(st.sampled_from([6, 12])), draw(st.integers(0, 6)),
                     hiring_cost=draw(st.integers(0, 4)), lead_quarters=draw(st.integers(0, q_count - 1)),
                     ramp=draw(st.sampled_from([(0.5, 1.0), (0.0,), (1.0,), (0.25, 0.75)])),
                     mentor_weeks=draw(st.sampled_from([0, 0, 2, 4])), max_per_quarter=draw(st.integers(1, 2)))
             for k in range(draw(st.integers(1, 2)))]
    return pf.Portfolio(items, quarters=quarters, capacity={"web": draw(st.integers(0, 20))},
                        budget=draw(st.sampled_from([None, 10, 25, 40])), roles=roles,
                        attrition={"web": draw(st.sampled_from([0.0, 0.12, 0.3]))})


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(small_portfolios())
def test_every_plan_satisfies_the_model_and_matches_brute_force(portfolio: pf.Portfolio) -> None:
    plan = pf.optimise(portfolio)
    index = {q: k for k, q in enumerate(portfolio.quarters)}
    start = {i: index[q] for i, q in plan.start.items()}
    hires = {(h.role, index[h.start]): h.count for h in plan.hires}
    recomputed = _check_plan(portfolio, start, hires)
    assert recomputed is not None, "the plan breaks the model"
    value, money, seniority = recomputed
    assert value == pytest.approx(plan.value) and money == pytest.approx(plan.cost)
    best = _brute_force(portfolio)
    assert plan.optimal and math.isclose(plan.value, best[0], abs_tol=1e-6)
    assert money == pytest.approx(best[1], abs=1e-6)  # among plans of equal value, the cheapest
    assert seniority == best[2]  # then the latest (and fewest) starts


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(small_portfolios(), st.integers(0, 2), st.integers(1, 2))
def test_fixed_hires_are_kept_and_the_rest_matches_brute_force(portfolio: pf.Portfolio, quarter: int,
                                                                count: int) -> None:
    start = portfolio.quarters[min(quarter, len(portfolio.quarters) - 1)]
    portfolio = pf.Portfolio(portfolio.initiatives, quarters=portfolio.quarters, capacity=portfolio.capacity,
                             budget=None if portfolio.budget is None else portfolio.budget + 30, roles=portfolio.roles,
                             attrition=portfolio.attrition, fixed_hires=[pf.Hire(portfolio.roles[0].id, start, count)])
    plan = pf.optimise(portfolio)
    index = {q: k for k, q in enumerate(portfolio.quarters)}
    hires = {(h.role, index[h.start]): h.count for h in plan.hires}
    assert hires.get((portfolio.roles[0].id, index[start]), 0) >= count
    assert sum(h.fixed for h in plan.hires) == count
    recomputed = _check_plan(portfolio, {i: index[q] for i, q in plan.start.items()}, hires)
    assert recomputed is not None, "the plan breaks the model"
    best = _brute_force(portfolio)
    assert plan.optimal and math.isclose(plan.value, best[0], abs_tol=1e-6)
    assert recomputed[1] == pytest.approx(best[1], abs=1e-6) and recomputed[2] == best[2]


def test_a_decided_hire_is_kept_where_the_optimiser_would_hire_otherwise() -> None:
    free = pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, budget=100_000, roles=[ROLE])
    assert pf.optimise(free).hires == (pf.Hire("web-engineer", "Q2", 1),)  # 40k: the cheapest way to 140
    decided = pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, budget=100_000, roles=[ROLE],
                           fixed_hires=[pf.Hire("web-engineer", "Q1", 1)])
    plan = pf.optimise(decided)
    # opened before the plan, so it starts in Q1 despite the lead time: 24 + 6 and 24 + 12 person-weeks; A and B
    # fit (140); a second hire (40k more than the 30k left) cannot be paid
    assert plan.hires == (pf.Hire("web-engineer", "Q1", 1),) and plan.hires[0].fixed == 1
    assert (plan.value, plan.cost, plan.hire_cost, plan.selected) == (140, 70_000, 70_000, ("A", "B"))
    assert pf.team_capacity(decided, plan.hires) == {"web": (30.0, 36.0)}
    why = pf.explain(decided, plan)
    assert why.without_hiring is not None and why.without_hiring.value == 140  # nothing beyond the decided hire
    assert why.value_per_10k is None
    assert [w.change for w in why.hiring] == ["one more hire of role web-engineer"]
    with pytest.raises(ValidationError, match="fixed hire of role 'nobody'"):
        pf.optimise(pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, roles=[ROLE],
                                 fixed_hires=[pf.Hire("nobody", "Q1", 1)]))
    with pytest.raises(ValidationError, match="not a quarter of the plan"):
        pf.optimise(pf.Portfolio(ITEMS, quarters=QUARTERS, capacity={"web": 24}, roles=[ROLE],
                                 fixed_hires=[pf.Hire("web-engineer", "Q9", 1)]))


# ------------------------------------------------------------------------------ speed at demo size (issue 18)


def test_a_relative_gap_stops_early_and_says_so() -> None:
    from benchmarks.planning.hiring import demo_portfolio

    portfolio = demo_portfolio(7, 8_000_000.0)
    plan = pf.optimise(portfolio, time_limit=60.0, rel_gap=0.02)
    assert plan.gap <= 0.02 and plan.bound >= plan.value
    assert plan.optimal == (plan.bound == plan.value) and plan.status in ("optimal", "within gap")
    index = {q: k for k, q in enumerate(portfolio.quarters)}
    hires = {(h.role, index[h.start]): h.count for h in plan.hires}
    recomputed = _check_plan(portfolio, {i: index[q] for i, q in plan.start.items()}, hires)
    assert recomputed is not None and recomputed[0] == plan.value


def _rows_hold(matrix: np.ndarray, lower: np.ndarray, upper: np.ndarray, vector: np.ndarray) -> bool:
    activity = matrix @ vector
    return bool(np.all(activity >= lower - 1e-6) and np.all(activity <= upper + 1e-6))


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(small_portfolios(), st.randoms(use_true_random=False))
def test_the_solvers_copy_has_exactly_the_models_integer_plans(portfolio: pf.Portfolio, rng: random.Random) -> None:
    """The copy HiGHS solves (limits rounded to their grid, horizon rows, a selection column per initiative that
    carries its value, its money and its horizon work) accepts exactly the integer plans the model's own rows do,
    at the same value."""
    model = pf._Model(portfolio, pf._check(portfolio))
    if model.n_columns == 0:
        return
    h = model.highs(1.0)
    extend = pf._select(model, h, pf._strengthen(model, h))
    lp, n = h.getLp(), model.n_columns
    selections = [c for c in range(lp.num_col_) if c >= n]
    assert len(selections) == sum(len(model.starts[i]) > 1 for i in model.items)
    copy = np.zeros((lp.num_row_, lp.num_col_))
    a = lp.a_matrix_
    by_row = a.format_ == highspy.MatrixFormat.kRowwise
    for major in range(lp.num_row_ if by_row else lp.num_col_):
        for k in range(a.start_[major], a.start_[major + 1]):
            copy[(major, a.index_[k]) if by_row else (a.index_[k], major)] = a.value_[k]
    own = np.zeros((len(model.rows.lower), n))
    ends = [*model.rows.starts[1:], len(model.rows.index)]
    for r, (s, e) in enumerate(zip(model.rows.starts, ends, strict=True)):
        own[r, model.rows.index[s:e]] = model.rows.value[s:e]
    bounds = [(0, 1)] * model.hire_offset + [(int(lo), int(up)) for lo, up in zip(model.hire_lower, model.hire_upper,
                                                                                 strict=True)]
    starts = [[None, *model.starts[i]] for i in model.items]
    for choice in itertools.product(*starts):
        for _ in range(8):
            vector = model.start_vector({i: s for i, s in zip(model.items, choice, strict=True) if s is not None},
                                        {key: rng.randint(*bounds[c]) for key, c in model.hire_column_of.items()})
            wide = np.array(extend(vector))
            assert np.all(wide >= np.array(lp.col_lower_) - 1e-9) and np.all(wide <= np.array(lp.col_upper_) + 1e-9)
            held = _rows_hold(own, np.array(model.rows.lower), np.array(model.rows.upper), np.array(vector))
            assert _rows_hold(copy, np.array(lp.row_lower_), np.array(lp.row_upper_), wide) == held
            assert float(np.dot(lp.col_cost_, wide)) == pytest.approx(float(np.dot(model.objective, vector)))
