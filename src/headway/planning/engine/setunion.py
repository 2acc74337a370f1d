"""An exact branch-and-bound for the set-union knapsack: choose *bundles* (sets of items, closed under
dependencies) to maximise their total value while the union of their items costs at most the budget.

This is the shape of the Next Release Problem and of any one-quarter portfolio with a budget, dependencies and
bundles only. HiGHS's own branch-and-cut spends its effort on cuts that barely move the bound here: the LP
relaxation takes a small share of nearly every bundle at once, amortising the items many bundles share. Fixing
those shared items closes the gap (on nrp2 at 0.3, fixing the 40 most shared closes 98 % of it), so this solver
branches on them first.

Model, after aggregation: items are grouped by the exact set of bundles that contain them (one column per group,
cost = the sum); a group in a single bundle folds into that bundle's column::

    max Σ value[b] y[b]   s.t.   Σ own_cost[b] y[b] + Σ cost[g] x[g] <= budget,   y[b] <= x[g] for g in b

Best-first search with plunging, node LPs by HiGHS's dual simplex (warm-started), branching on the fractional
group shared by most bundles, then on the most valuable fractional bundle; a greedy completion of each node's LP
solution gives incumbents. With integral values a node is pruned when its bound is less than one above the
incumbent.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

__all__ = ["SetUnionResult", "solve_set_union"]

_TOL = 1e-6


@dataclass(frozen=True)
class SetUnionResult:
    """The best release found: chosen bundle and item indices, its value, the proven upper bound, whether the
    search finished (``optimal``), and the branch-and-bound nodes solved."""

    bundles: frozenset[int]
    items: frozenset[int]
    value: float
    bound: float
    optimal: bool
    nodes: int


@dataclass(frozen=True)
class _Aggregate:
    values: np.ndarray
    own_cost: list[float]
    group_cost: list[float]
    group_members: list[tuple[int, ...]]
    groups_of: list[list[int]]


def _aggregate(costs: Sequence[float], bundles: Sequence[tuple[frozenset[int], float]]) -> _Aggregate:
    members: dict[int, list[int]] = defaultdict(list)
    for b, (items, _) in enumerate(bundles):
        for item in items:
            members[item].append(b)
    grouped: dict[tuple[int, ...], float] = defaultdict(float)
    for item, owner_list in members.items():
        grouped[tuple(owner_list)] += costs[item]
    own = [0.0] * len(bundles)
    group_cost: list[float] = []
    group_members: list[tuple[int, ...]] = []
    groups_of: list[list[int]] = [[] for _ in bundles]
    for owners, cost in grouped.items():
        if len(owners) == 1:
            own[owners[0]] += cost
            continue
        for b in owners:
            groups_of[b].append(len(group_cost))
        group_cost.append(cost)
        group_members.append(owners)
    return _Aggregate(np.array([v for _, v in bundles], dtype=float), own, group_cost, group_members, groups_of)


def _relaxation(a: _Aggregate, budget: float) -> highspy.Highs:
    from headway.planning.engine.portfolio import _new_highs  # the silent HiGHS factory

    n, g = len(a.values), len(a.group_cost)
    h = _new_highs()
    h.addVars(n + g, np.zeros(n + g), np.ones(n + g))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), a.values)
    rows = [(b, n + k) for k, owners in enumerate(a.group_members) for b in owners]
    if rows:
        index = np.array(rows, dtype=np.int32).ravel()
        values = np.tile(np.array([1.0, -1.0]), len(rows))
        h.addRows(len(rows), np.full(len(rows), -np.inf), np.zeros(len(rows)), len(index),
                  np.arange(0, len(index), 2, dtype=np.int32), index, values)
    columns = [b for b in range(n) if a.own_cost[b]] + [n + k for k in range(g)]
    weights = [a.own_cost[b] for b in range(n) if a.own_cost[b]] + a.group_cost
    h.addRow(-np.inf, budget, len(columns), np.array(columns, dtype=np.int32), np.array(weights, dtype=float))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    return h


class _Incumbent:
    def __init__(self, a: _Aggregate, budget: float) -> None:
        self.a, self.budget = a, budget
        self.value, self.bundles = 0.0, frozenset[int]()
        self.closure_cost = [a.own_cost[b] + sum(a.group_cost[k] for k in a.groups_of[b])
                             for b in range(len(a.values))]

    def complete(self, y: np.ndarray) -> None:
        """Greedy completion: bundles by LP value, then value per closure cost, each taken when it fits."""
        a = self.a
        order = sorted(range(len(a.values)),
                       key=lambda b: (-round(float(y[b]), 6), -a.values[b] / (self.closure_cost[b] + _TOL)))
        have: set[int] = set()
        spent, value, chosen = 0.0, 0.0, []
        for b in order:
            extra = a.own_cost[b] + sum(a.group_cost[k] for k in a.groups_of[b] if k not in have)
            if spent + extra <= self.budget + _TOL:
                spent += extra
                value += float(a.values[b])
                have.update(a.groups_of[b])
                chosen.append(b)
        self.offer(value, frozenset(chosen))

    def offer(self, value: float, bundles: frozenset[int]) -> None:
        """Keep ``bundles`` when they beat the incumbent."""
        if value > self.value + _TOL:
            self.value, self.bundles = value, bundles


def solve_set_union(costs: Sequence[float], bundles: Sequence[tuple[frozenset[int], float]], budget: float, *,
                    time_limit: float = 60.0, start: Sequence[int] = (),
                    stop: Callable[[], bool] = lambda: False) -> SetUnionResult:
    """The most valuable set of ``bundles`` (item-index sets with their values > 0, each already closed under
    dependencies and within budget on its own) whose union costs at most ``budget`` (``costs[i]`` >= 0).

    ``start``: bundle indices of a known feasible release (a warm start). The search ends when it is proven
    optimal, after ``time_limit`` seconds, or when ``stop()`` returns true; the result then carries the best
    release found and a valid upper bound.
    """
    started = time.perf_counter()
    a = _aggregate(costs, bundles)
    n, total = len(a.values), len(a.values) + len(a.group_cost)
    incumbent = _Incumbent(a, budget)
    if start:
        incumbent.offer(float(sum(a.values[b] for b in start)), frozenset(start))
    integral = all(float(v).is_integer() for v in a.values)
    step = 1.0 - _TOL if integral else _TOL
    h = _relaxation(a, budget)
    shared_by = np.array([len(m) for m in a.group_members], dtype=float)
    columns = np.arange(total, dtype=np.int32)
    heap: list[tuple[float, int, tuple[tuple[int, float], ...]]] = [(-math.inf, 0, ())]
    dive: tuple[tuple[tuple[int, float], ...], float] | None = None
    nodes = pushed = 0
    while heap or dive:
        if time.perf_counter() - started > time_limit or stop():
            if dive:
                heapq.heappush(heap, (-dive[1], -1, dive[0]))
            break
        if dive:
            (fixed, parent), dive = dive, None
        else:
            negative, _, fixed = heapq.heappop(heap)
            parent = -negative
        if parent < incumbent.value + step:
            continue
        lower, upper = np.zeros(total), np.ones(total)
        for column, value in fixed:
            lower[column] = upper[column] = value
        h.changeColsBounds(total, columns, lower, upper)
        h.run()
        nodes += 1
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            continue
        bound = float(h.getInfo().objective_function_value)
        if bound < incumbent.value + step:
            continue
        x = np.array(h.getSolution().col_value)
        incumbent.complete(x)
        if bound < incumbent.value + step:
            continue
        fractional = (x > _TOL) & (x < 1 - _TOL)
        groups = np.nonzero(fractional[n:])[0]
        if len(groups):
            column = n + int(groups[np.argmax(shared_by[groups])])
        elif len(chosen := np.nonzero(fractional[:n])[0]):
            column = int(chosen[np.argmax(a.values[chosen])])
        else:
            incumbent.offer(bound, frozenset(int(b) for b in np.nonzero(x[:n] > 0.5)[0]))
            continue
        first = 1.0 if x[column] >= 0.5 else 0.0
        pushed += 1
        heapq.heappush(heap, (-bound, pushed, (*fixed, (column, 1.0 - first))))
        dive = ((*fixed, (column, first)), bound)
    bound = max([incumbent.value, *(-negative for negative, _, _ in heap)])
    optimal = bound < incumbent.value + step
    if integral:  # a bound below the next integer proves the incumbent
        bound = incumbent.value if optimal else (bound if math.isinf(bound) else float(math.floor(bound + _TOL)))
    items = frozenset(i for b in incumbent.bundles for i in bundles[b][0])
    return SetUnionResult(incumbent.bundles, items, incumbent.value, bound, optimal, nodes)
