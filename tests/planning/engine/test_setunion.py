"""The set-union branch-and-bound against hand-computed answers and exhaustive enumeration."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from headway.planning.engine.setunion import SetUnionResult, _aggregate, _Incumbent, solve_set_union


def brute_force(costs: list[float], bundles: list[tuple[frozenset[int], float]], budget: float) -> float:
    """The best value over every subset of bundles (an independent check)."""
    best = 0.0
    for size in range(len(bundles) + 1):
        for subset in itertools.combinations(bundles, size):
            items = frozenset().union(*(b[0] for b in subset))
            if sum(costs[i] for i in items) <= budget:
                best = max(best, sum(b[1] for b in subset))
    return best


def test_shared_item_by_hand() -> None:
    # item 0 (cost 4) is shared by bundles 0 and 1; item 1 (cost 3) and item 2 (cost 3) are their own items.
    # Budget 10: both bundles cost 4 + 3 + 3 = 10 -> value 5 + 6 = 11; bundle 2 (item 3, cost 2) does not fit too.
    costs = [4.0, 3.0, 3.0, 2.0]
    bundles = [(frozenset({0, 1}), 5.0), (frozenset({0, 2}), 6.0), (frozenset({3}), 4.0)]
    result = solve_set_union(costs, bundles, 10.0)
    assert (result.value, result.bundles, result.items, result.optimal, result.bound) == (
        11.0, frozenset({0, 1}), frozenset({0, 1, 2}), True, 11.0)
    # budget 9: one shared bundle with bundle 2 (6 + 4 = 10, cost 4 + 3 + 2 = 9)
    assert solve_set_union(costs, bundles, 9.0).value == 10.0


@pytest.mark.parametrize("seed", range(12))
def test_random_instances_match_enumeration(seed: int) -> None:
    rng = random.Random(seed)
    costs = [float(rng.randint(1, 9)) for _ in range(12)]
    bundles = [(frozenset(rng.sample(range(12), rng.randint(1, 4))), float(rng.randint(1, 20))) for _ in range(10)]
    budget = 0.4 * sum(costs)
    bundles = [b for b in bundles if sum(costs[i] for i in b[0]) <= budget]
    result = solve_set_union(costs, bundles, budget)
    assert result.optimal and result.value == brute_force(costs, bundles, budget) == result.bound
    assert sum(costs[i] for i in result.items) <= budget
    assert result.value == sum(bundles[b][1] for b in result.bundles)


def test_stopped_before_the_first_node_keeps_the_warm_start() -> None:
    costs = [4.0, 3.0, 3.0, 2.0]
    bundles = [(frozenset({0, 1}), 5.0), (frozenset({0, 2}), 6.0), (frozenset({3}), 4.0)]
    result = solve_set_union(costs, bundles, 10.0, start=[2], stop=lambda: True)
    assert (result.value, result.bundles, result.optimal, result.nodes) == (4.0, frozenset({2}), False, 0)
    assert result.bound == float("inf")


def random_instance(seed: int, items: int, count: int, values: list[float], costs: list[float] | None = None,
                    ratio: float = 0.4) -> tuple[list[float], list[tuple[frozenset[int], float]], float]:
    """Bundles of 1-5 items drawn around a few shared hubs, so groups nest (the order rows get used)."""
    rng = random.Random(seed)
    cost = [rng.choice(costs) if costs else float(rng.randint(1, 9)) for _ in range(items)]
    hubs = list(range(3))
    bundles = []
    for _ in range(count):
        members = set(rng.sample(range(3, items), rng.randint(1, 3))) | set(rng.sample(hubs, rng.randint(0, 2)))
        bundles.append((frozenset(members), rng.choice(values)))
    budget = ratio * sum(cost)
    return cost, [b for b in bundles if sum(cost[i] for i in b[0]) <= budget], budget


def check_release(costs: list[float], bundles: list[tuple[frozenset[int], float]], budget: float,
                  result: SetUnionResult) -> None:
    assert sum(costs[i] for i in result.items) <= budget + 1e-9
    assert result.items == frozenset().union(*(bundles[b][0] for b in result.bundles))
    assert result.value == pytest.approx(sum(bundles[b][1] for b in result.bundles))


@pytest.mark.parametrize("seed", range(20))
def test_ties_and_zero_value_bundles_match_enumeration(seed: int) -> None:
    # values from {0, 1, 2, 3}: many ties, some bundles worth nothing; integral costs, budget not a whole number
    costs, bundles, budget = random_instance(seed, 14, 13, [0.0, 1.0, 2.0, 3.0], ratio=0.37)
    result = solve_set_union(costs, bundles, budget)
    assert result.optimal and result.value == brute_force(costs, bundles, budget) == result.bound
    check_release(costs, bundles, budget, result)


@pytest.mark.parametrize("seed", range(12))
def test_fractional_costs_and_values_match_enumeration(seed: int) -> None:
    # no rounding of the budget when costs are not whole numbers; no integral pruning when values are not
    costs, bundles, budget = random_instance(seed, 13, 12, [0.5, 1.25, 2.75, 4.1], costs=[0.4, 1.3, 2.5, 3.05])
    result = solve_set_union(costs, bundles, budget)
    assert result.optimal and result.value == pytest.approx(brute_force(costs, bundles, budget))
    assert result.bound == pytest.approx(result.value)
    check_release(costs, bundles, budget, result)


def test_whole_costs_round_the_budget_down() -> None:
    # with whole costs no release can spend the 0.99 above 9: the root bound at 9.99 is the root bound at 9
    # (13; the LP at 9.99 would give 14.x)
    costs = [3.0, 3.0, 3.0, 1.0]
    bundles = [(frozenset({0, 1, 2}), 9.0), (frozenset({3}), 1.0), (frozenset({0, 3}), 5.0)]

    def root_only() -> Callable[[], bool]:
        calls = iter(range(10))
        return lambda: next(calls) >= 1

    assert solve_set_union(costs, bundles, 9.99, stop=root_only()).bound == 13.0
    assert solve_set_union(costs, bundles, 9.0, stop=root_only()).bound == 13.0
    assert solve_set_union(costs, bundles, 9.99).value == brute_force(costs, bundles, 9.99) == 9.0


@pytest.mark.parametrize("seed", range(3))
def test_larger_instances_match_highs(seed: int) -> None:
    # 60 items and 45 bundles: too many subsets to enumerate, checked against HiGHS on the plain y <= x MILP
    costs, bundles, budget = random_instance(100 + seed, 60, 45, [float(v) for v in range(1, 30)], ratio=0.3)
    result = solve_set_union(costs, bundles, budget)
    n, m = len(costs), len(bundles)
    rows = [(k, n + b, i) for k, (b, i) in enumerate((b, i) for b, (items, _) in enumerate(bundles) for i in items)]
    links = coo_matrix(([1.0] * len(rows) + [-1.0] * len(rows),
                        ([r for r, _, _ in rows] * 2, [c for _, c, _ in rows] + [i for _, _, i in rows])),
                       shape=(len(rows), n + m))
    budget_row = np.concatenate([costs, np.zeros(m)])[None, :]
    milp_result = milp(-np.concatenate([np.zeros(n), [v for _, v in bundles]]), integrality=np.ones(n + m),
                       bounds=Bounds(0, 1), constraints=[LinearConstraint(links, -np.inf, 0),
                                                         LinearConstraint(budget_row, -np.inf, budget)])
    assert result.optimal and result.value == pytest.approx(-milp_result.fun) == result.bound
    check_release(costs, bundles, budget, result)


def test_time_limited_search_returns_a_release_and_a_valid_bound() -> None:
    costs, bundles, budget = random_instance(7, 40, 30, [float(v) for v in range(1, 20)], ratio=0.3)
    optimum = solve_set_union(costs, bundles, budget).value
    calls = iter(range(1000))
    stopped = solve_set_union(costs, bundles, budget, stop=lambda: next(calls) >= 3)  # three nodes at most
    assert stopped.nodes <= 3 and stopped.value <= optimum <= stopped.bound < math.inf
    check_release(costs, bundles, budget, stopped)


def test_local_search_swaps_a_bundle_for_a_better_one() -> None:
    # from {A}: adding C fits (A + C = 8); swapping A for B (cheaper, worth more) gives B + C = 9, the optimum
    costs = [6.0, 5.0, 4.0]
    bundles = [(frozenset({0}), 5.0), (frozenset({1}), 6.0), (frozenset({2}), 3.0)]
    incumbent = _Incumbent(_aggregate(costs, bundles), 10.0)
    incumbent.improve(np.array([True, False, False]))
    assert (incumbent.value, incumbent.bundles) == (9.0, frozenset({1, 2})) == (brute_force(costs, bundles, 10.0),
                                                                                 frozenset({1, 2}))


def test_nested_groups_become_order_rows_and_minimal_links() -> None:
    # item 0 is in every bundle, item 1 in bundles 0 and 1, item 2 in bundles 1 and 2: group {0,1,2} sits above
    # groups {0,1} and {1,2}; bundle 1 links only to its two minimal groups, bundle 0 to {0,1}
    costs = [1.0, 2.0, 3.0, 4.0]
    bundles = [(frozenset({0, 1}), 1.0), (frozenset({0, 1, 2}), 1.0), (frozenset({0, 2}), 1.0),
               (frozenset({3}), 1.0)]
    a = _aggregate(costs, bundles)
    group = {owners: g for g, owners in enumerate(a.group_members)}
    top, left, right = group[(0, 1, 2)], group[(0, 1)], group[(1, 2)]
    assert sorted(a.order) == sorted([(left, top), (right, top)])
    assert sorted(a.links) == sorted([(0, left), (1, left), (1, right), (2, right)])
    assert a.own_cost.tolist() == [0.0, 0.0, 0.0, 4.0]


@pytest.mark.parametrize("limit", [1, 2, 5, 12, 30])
def test_a_search_stopped_anywhere_keeps_a_valid_bound(limit: int) -> None:
    # the bound of a stopped search is the best of the open nodes' parent bounds: never below the optimum
    costs, bundles, budget = random_instance(11, 40, 32, [float(v) for v in range(1, 25)], ratio=0.35)
    optimum = solve_set_union(costs, bundles, budget).value
    calls = iter(range(10_000))
    stopped = solve_set_union(costs, bundles, budget, stop=lambda: next(calls) >= limit)
    assert stopped.nodes <= limit and stopped.value <= optimum <= stopped.bound
    check_release(costs, bundles, budget, stopped)


@pytest.mark.parametrize("seed", range(6))
def test_heuristic_releases_respect_budget_and_dependencies(seed: int) -> None:
    # requirements form a DAG (an item requires only lower-numbered items); each customer's bundle is the
    # dependency closure of its wishes. Whatever LP values the greedy completion and local search are fed,
    # the release they offer fits the budget and contains every requirement of every item in it.
    rng = random.Random(seed)
    costs = [float(rng.randint(1, 9)) for _ in range(16)]
    requires = {i: set(rng.sample(range(i), min(i, rng.randint(0, 2)))) for i in range(16)}

    def closure(wishes: set[int]) -> frozenset[int]:
        done, todo = set(), list(wishes)
        while todo:
            if (i := todo.pop()) not in done:
                done.add(i)
                todo.extend(requires[i])
        return frozenset(done)

    budget = 0.35 * sum(costs)
    bundles = [(closure(set(rng.sample(range(16), rng.randint(1, 3)))), float(rng.randint(1, 20))) for _ in range(12)]
    bundles = [b for b in bundles if sum(costs[i] for i in b[0]) <= budget]
    a = _aggregate(costs, bundles)
    incumbent = _Incumbent(a, budget)
    np_rng = np.random.default_rng(seed)
    for node in range(1, 9):
        incumbent.complete(np_rng.uniform(0.0, 1.0, len(a.values) + len(a.group_cost)), node)
        items = frozenset().union(*(bundles[b][0] for b in incumbent.bundles))
        assert incumbent.bundles and sum(costs[i] for i in items) <= budget
        assert all(requires[i] <= items for i in items)
        assert incumbent.value == sum(bundles[b][1] for b in incumbent.bundles) <= brute_force(costs, bundles, budget)
