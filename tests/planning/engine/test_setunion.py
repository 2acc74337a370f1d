"""The set-union branch-and-bound against hand-computed answers and exhaustive enumeration."""

from __future__ import annotations

import itertools
import random

import pytest

from headway.planning.engine.setunion import solve_set_union


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
