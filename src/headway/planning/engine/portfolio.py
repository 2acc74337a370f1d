"""The portfolio optimiser: choose initiatives, and the quarter each starts in, to maximise value under a money
budget, team capacity per quarter, dependencies, conflicts, must-have and must-not items, bounds on the
innovate/iterate/maintain mix and goal coverage. Solved exactly as a MILP with HiGHS.

Besides each initiative's own value the model knows *bundles*: a value earned only when every item of a set is
chosen (an account whose requests must all ship, a feature that needs three initiatives). The Next Release
Problem is the special case with one quarter, a budget, dependencies and bundles only (see
:mod:`headway.planning.engine.nrp`).

Model (``z[i, s]`` = initiative ``i`` starts in quarter ``s``; ``x[i] = Σ_s z[i, s]``; ``y[b]`` = bundle ``b`` is
complete)::

    max  Σ value[i] x[i] + Σ value[b] y[b]
    s.t. Σ_s z[i, s] <= 1
         y[b] <= x[i]                          for the top items i of b's dependency closure
         Σ cost[i] x[i] <= budget
         Σ effort[i, t] / duration[i] z[i, s] <= capacity[t, q]   over starts s whose run covers quarter q
         Σ_{s<=q} z[i, s] <= Σ_{s<=q} z[p, s]  for i requires p, each quarter q (p starts no later)
         x[a] + x[b] <= 1                       for conflicts
         x[i] = 1 (must-have), x[i] = 0 (must-not), Σ_{i covers g} x[i] >= 1 (goals to cover)
         low[k] Σ w[i] x[i] <= Σ_{i of kind k} w[i] x[i] <= high[k] Σ w[i] x[i]   (mix, w = cost/effort/1)

Presolve: bundles whose closure cannot fit the budget, or holds a must-not item or a conflicting pair, are
dropped; bundles with the same closure are merged; items that can add nothing (no value, in no live bundle, not
needed by a must-have, a goal or a mix bound) are fixed out. A greedy plan warm-starts the solver. A portfolio
with one quarter, a budget, dependencies and bundles only (a set-union knapsack, the NRP's shape) races HiGHS
against the branch-and-bound of :mod:`headway.planning.engine.setunion` on the two cores.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import highspy
import numpy as np

from headway.core.errors import ValidationError
from headway.planning.engine.setunion import solve_set_union

__all__ = [
    "KINDS",
    "Bundle",
    "ConstraintState",
    "CycleError",
    "Explanation",
    "InfeasibleError",
    "Initiative",
    "MixBound",
    "Plan",
    "Portfolio",
    "WhatIf",
    "dependency_closure",
    "explain",
    "optimise",
]

KINDS = ("innovate", "iterate", "maintain", "tech_debt")
T = TypeVar("T", bound=Hashable)
_EPS = 1e-6


class CycleError(ValidationError):
    """The dependencies contain a cycle; ``details["cycle"]`` lists it."""

    code = "dependency_cycle"


class InfeasibleError(ValidationError):
    """No plan satisfies the constraints; ``details["constraints"]`` names a minimal clashing set."""

    code = "infeasible"


@dataclass(frozen=True)
class Initiative:
    """A candidate initiative.

    ``value``: its objective value (a score or a weighted mix of scores, computed by the caller); ``cost``: money;
    ``effort``: person-weeks per team, spread evenly over ``duration`` quarters; ``kind``: one of :data:`KINDS`
    or ``None``; ``goals``: the goals it serves.
    """

    id: str
    value: float = 0.0
    cost: float = 0.0
    effort: Mapping[str, float] = field(default_factory=dict)
    kind: str | None = None
    duration: int = 1
    goals: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Bundle:
    """A value earned only when every initiative in ``items`` is chosen (an account's requests, say)."""

    id: str
    items: frozenset[str]
    value: float


@dataclass(frozen=True)
class MixBound:
    """The share of the plan (by the portfolio's ``mix_basis``) that initiatives of ``kind`` take, within
    ``[low, high]`` (fractions: 0.7 is 70 %)."""

    kind: str
    low: float = 0.0
    high: float = 1.0


@dataclass(frozen=True)
class Portfolio:
    """The candidates and the constraints of one planning problem.

    ``quarters``: the planning periods, in order; ``capacity``: person-weeks per quarter for each team, one number
    for every quarter or one per quarter (a team that is absent is unconstrained); ``requires``: pairs
    ``(item, prerequisite)`` — the prerequisite is chosen too and starts no later; ``conflicts``: pairs that
    cannot both be chosen; ``cover_goals``: goals that at least one chosen initiative must serve.
    """

    initiatives: Sequence[Initiative]
    bundles: Sequence[Bundle] = ()
    quarters: Sequence[str] = ("next",)
    budget: float | None = None
    capacity: Mapping[str, float | Sequence[float]] = field(default_factory=dict)
    requires: Sequence[tuple[str, str]] = ()
    conflicts: Sequence[tuple[str, str]] = ()
    must_have: frozenset[str] = frozenset()
    must_not: frozenset[str] = frozenset()
    mix: Sequence[MixBound] = ()
    mix_basis: Literal["cost", "effort", "count"] = "cost"
    cover_goals: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Plan:
    """The optimiser's answer.

    ``selected``: chosen initiative ids in input order; ``start``: id -> quarter it starts in; ``value``: the
    objective of the plan; ``bound``: the best proven upper bound; ``gap``: ``(bound - value) / |value|``;
    ``optimal``: proven optimal; ``status``: ``optimal`` or ``time limit``; ``bundles``: completed bundle ids.
    """

    selected: tuple[str, ...]
    start: Mapping[str, str]
    value: float
    bound: float
    gap: float
    optimal: bool
    status: str
    seconds: float
    cost: float
    bundles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConstraintState:
    """How much of a limit the plan uses; ``binding`` when no left-out item fits in what is left."""

    name: str
    used: float
    limit: float
    binding: bool


@dataclass(frozen=True)
class WhatIf:
    """The optimal plan after one change: its value, the difference, what comes in and what goes out.

    What-ifs run under a short time limit: when ``optimal`` is false, ``value`` is the best plan found (never
    below the current plan's) and ``bound``/``gap`` say how much better the change could still be."""

    change: str
    value: float
    delta: float
    added: tuple[str, ...]
    removed: tuple[str, ...]
    optimal: bool
    bound: float = math.nan
    gap: float = 0.0


@dataclass(frozen=True)
class Explanation:
    """Why the plan is what it is: the state of each limit, what-ifs, and why each left-out item is out."""

    constraints: tuple[ConstraintState, ...]
    budget_plus_10: WhatIf | None
    extra_engineer: Mapping[str, WhatIf]
    left_out: Mapping[str, str]

    @property
    def binding(self) -> tuple[ConstraintState, ...]:
        """The limits that hold the plan back."""
        return tuple(c for c in self.constraints if c.binding)


# --------------------------------------------------------------------------------------------- validation


def _check(portfolio: Portfolio) -> dict[str, Initiative]:
    by_id: dict[str, Initiative] = {}
    problems: list[str] = []
    n_quarters = len(portfolio.quarters)
    if n_quarters == 0:
        problems.append("no quarters: give at least one planning period")
    for item in portfolio.initiatives:
        if item.id in by_id:
            problems.append(f"initiative id {item.id!r} appears twice: ids must be unique")
        by_id[item.id] = item
        numbers = [("value", item.value), ("cost", item.cost), *((f"effort of team {t}", e)
                                                                   for t, e in item.effort.items())]
        for label, number in numbers:
            if not math.isfinite(number):
                problems.append(f"{item.id}: {label} must be a finite number, got {number!r}")
            elif label != "value" and number < 0:
                problems.append(f"{item.id}: {label} is negative ({number:g}): costs and efforts must be >= 0")
        if item.kind is not None and item.kind not in KINDS:
            problems.append(f"{item.id}: kind {item.kind!r} is not one of {', '.join(KINDS)}")
        if not 1 <= item.duration <= max(n_quarters, 1):
            problems.append(f"{item.id}: duration {item.duration} must be between 1 and {n_quarters} quarters")
    if portfolio.budget is not None and not (math.isfinite(portfolio.budget) and portfolio.budget >= 0):
        problems.append(f"budget must be a number >= 0, got {portfolio.budget!r}")
    for team, limit in portfolio.capacity.items():
        limits = [limit] if isinstance(limit, int | float) else list(limit)
        if not isinstance(limit, int | float) and len(limits) != n_quarters:
            problems.append(f"capacity of team {team}: give one number or one per quarter ({n_quarters})")
        if any(not math.isfinite(v) or v < 0 for v in limits):
            problems.append(f"capacity of team {team} must be >= 0 person-weeks, got {limit!r}")
    for bundle in portfolio.bundles:
        if not math.isfinite(bundle.value) or bundle.value < 0:
            problems.append(f"bundle {bundle.id}: value must be >= 0, got {bundle.value!r}")
        problems += [f"bundle {bundle.id} names unknown initiative {i!r}" for i in sorted(bundle.items - by_id.keys())]
    for label, pairs in (("requires", portfolio.requires), ("conflicts with", portfolio.conflicts)):
        for a, b in pairs:
            problems += [f"'{a} {label} {b}' names unknown initiative {i!r}" for i in (a, b) if i not in by_id]
            if a == b:
                problems.append(f"{a} {label} itself")
    for label, ids in (("must-have", portfolio.must_have), ("must-not", portfolio.must_not)):
        problems += [f"{label} names unknown initiative {i!r}" for i in sorted(ids - by_id.keys())]
    for both in sorted(portfolio.must_have & portfolio.must_not):
        problems.append(f"{both} is both must-have and must-not: keep one")
    for bound in portfolio.mix:
        if bound.kind not in KINDS or not 0 <= bound.low <= bound.high <= 1:
            problems.append(f"mix bound {bound.kind} [{bound.low:g}, {bound.high:g}]: the kind must be one of "
                            f"{', '.join(KINDS)} and 0 <= low <= high <= 1")
    if problems:
        raise ValidationError("invalid portfolio: " + "; ".join(problems), details={"problems": problems})
    _raise_on_cycle(portfolio.requires)
    return by_id


def _raise_on_cycle(requires: Iterable[tuple[str, str]]) -> None:
    graph: dict[str, list[str]] = defaultdict(list)
    for item, prerequisite in requires:
        graph[item].append(prerequisite)
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    for root in list(graph):
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, index = stack[-1]
            successors = graph.get(node, [])
            if index == len(successors):
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            stack[-1] = (node, index + 1)
            nxt = successors[index]
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                shown = " requires ".join(cycle)
                raise CycleError(f"dependency cycle: {shown}: remove one of these dependencies",
                                 details={"cycle": cycle})
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, 0))
                path.append(nxt)


def dependency_closure(items: Iterable[T], requires: Iterable[tuple[T, T]]) -> frozenset[T]:
    """``items`` and everything they require (pairs ``(item, prerequisite)``), directly or transitively."""
    prerequisites: dict[T, list[T]] = defaultdict(list)
    for item, prerequisite in requires:
        prerequisites[item].append(prerequisite)
    seen: set[T] = set()
    stack = list(items)
    while stack:
        item = stack.pop()
        if item not in seen:
            seen.add(item)
            stack.extend(prerequisites.get(item, ()))
    return frozenset(seen)


# --------------------------------------------------------------------------------------------- the model

_banner_shown = False


def _new_highs() -> highspy.Highs:
    """A silent HiGHS instance (the first one in a process prints a banner on the C stdout: swallowed)."""
    global _banner_shown
    if _banner_shown:
        h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no annotations
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy ships no annotations
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    h.setOptionValue("output_flag", False)
    return h



@dataclass
class _Rows:
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    group: list[str | None] = field(default_factory=list)

    def add(self, terms: Mapping[int, float], lower: float, upper: float, group: str | None = None) -> None:
        self.starts.append(len(self.index))
        self.index.extend(terms)
        self.value.extend(terms.values())
        self.lower.append(lower)
        self.upper.append(upper)
        self.group.append(group)


class _Model:
    """One MILP built from a portfolio; ``groups`` names the constraint rows a user can relax."""

    def __init__(self, portfolio: Portfolio, by_id: Mapping[str, Initiative]) -> None:
        self.portfolio = portfolio
        self.by_id = by_id
        quarters = len(portfolio.quarters)
        closures = {b.id: dependency_closure(b.items, portfolio.requires) for b in portfolio.bundles}
        self.bundles = self._live_bundles(closures)
        useful = self._useful_items({i for items in self.bundles.values() for i in items[0]})
        self.items = [i.id for i in portfolio.initiatives if i.id in useful]
        self.starts: dict[str, list[int]] = {
            i: [s for s in range(quarters - by_id[i].duration + 1)] for i in self.items
        }
        self.columns: list[tuple[str, int]] = [(i, s) for i in self.items for s in self.starts[i]]
        self.column_of = {key: c for c, key in enumerate(self.columns)}
        self.bundle_ids = list(self.bundles)
        self.n_columns = len(self.columns) + len(self.bundle_ids)
        self.objective = np.array(
            [by_id[i].value for i, _ in self.columns] + [self.bundles[b][1] for b in self.bundle_ids], dtype=float
        )
        self.rows = self._rows(quarters)

    def _live_bundles(self, closures: Mapping[str, frozenset[str]]) -> dict[str, tuple[frozenset[str], float, str]]:
        """Bundles that can be completed, merged by closure: key -> (closure, value, first id)."""
        portfolio, budget = self.portfolio, self.portfolio.budget
        conflicting = [frozenset(pair) for pair in portfolio.conflicts]
        merged: dict[frozenset[str], list[Any]] = {}
        for bundle in portfolio.bundles:
            closure = closures[bundle.id]
            if bundle.value <= 0 or closure & portfolio.must_not:
                continue
            if budget is not None and sum(self.by_id[i].cost for i in closure) > budget + _EPS:
                continue
            if any(pair <= closure for pair in conflicting):
                continue
            if closure in merged:
                merged[closure][1] += bundle.value
                merged[closure][2].append(bundle.id)
            else:
                merged[closure] = [closure, bundle.value, [bundle.id]]
        return {ids[0]: (closure, value, ",".join(ids)) for closure, value, ids in merged.values()}

    def _useful_items(self, in_bundles: set[str]) -> frozenset[str]:
        portfolio = self.portfolio
        if portfolio.mix:
            seeds = {i.id for i in portfolio.initiatives}
        else:
            seeds = {i.id for i in portfolio.initiatives if i.value > 0 or i.goals & portfolio.cover_goals}
            seeds |= in_bundles | set(portfolio.must_have)
        return dependency_closure(seeds, portfolio.requires) - portfolio.must_not

    def x(self, item: str) -> dict[int, float]:
        """The terms of ``x[item]``: its start columns."""
        return {self.column_of[(item, s)]: 1.0 for s in self.starts.get(item, ())}

    def _rows(self, quarters: int) -> _Rows:
        p, rows, items = self.portfolio, _Rows(), set(self.items)
        for item in self.items:
            if len(self.starts[item]) > 1:
                rows.add(self.x(item), -math.inf, 1.0)
        top_of: dict[str, set[str]] = defaultdict(set)  # item -> items requiring it
        for item, prerequisite in p.requires:
            top_of[prerequisite].add(item)
        for k, b in enumerate(self.bundle_ids):
            closure = self.bundles[b][0]
            column = len(self.columns) + k
            for item in closure:
                if not (top_of[item] & closure):  # y <= x[top]; the dependency rows carry the rest
                    rows.add({column: 1.0, **{c: -1.0 for c in self.x(item)}}, -math.inf, 0.0)
        if p.budget is not None:
            costs = {c: self.by_id[i].cost for c, (i, _) in enumerate(self.columns) if self.by_id[i].cost}
            rows.add(costs, -math.inf, p.budget, "budget")
        for team, limit in p.capacity.items():
            limits = _per_quarter(limit, quarters)
            for q in range(quarters):
                terms: dict[int, float] = {}
                for c, (i, s) in enumerate(self.columns):
                    effort, duration = self.by_id[i].effort.get(team, 0.0), self.by_id[i].duration
                    if effort and s <= q < s + duration:
                        terms[c] = effort / duration
                if terms:
                    rows.add(terms, -math.inf, limits[q], f"capacity of team {team} in {p.quarters[q]}")
        for item, prerequisite in p.requires:
            if item not in items:
                continue
            name = f"{item} requires {prerequisite}" + (" (must-not)" if prerequisite in p.must_not else "")
            for q in range(quarters):
                started: dict[int, float] = defaultdict(float)
                for s in self.starts[item]:
                    if s <= q:
                        started[self.column_of[(item, s)]] += 1.0
                for s in self.starts.get(prerequisite, ()):
                    if s <= q:
                        started[self.column_of[(prerequisite, s)]] -= 1.0
                if any(v > 0 for v in started.values()):
                    rows.add(started, -math.inf, 0.0, name)
        for a, b in p.conflicts:
            if a in items and b in items:
                rows.add({**self.x(a), **self.x(b)}, -math.inf, 1.0, f"{a} conflicts with {b}")
        for item in sorted(p.must_have):
            rows.add(self.x(item), 1.0, math.inf, f"must-have {item}")
        for goal in sorted(p.cover_goals):
            terms = {c: 1.0 for c, (i, _) in enumerate(self.columns) if goal in self.by_id[i].goals}
            rows.add(terms, 1.0, math.inf, f"cover goal {goal}")
        weight = {i: _mix_weight(self.by_id[i], p.mix_basis) for i in self.items}
        for bound in p.mix:
            for side, share in (("at least", bound.low), ("at most", bound.high)):
                if (side == "at least" and share <= 0) or (side == "at most" and share >= 1):
                    continue
                terms = {c: weight[i] * ((self.by_id[i].kind == bound.kind) - share)
                         for c, (i, _) in enumerate(self.columns) if weight[i]}
                lower, upper = (0.0, math.inf) if side == "at least" else (-math.inf, 0.0)
                rows.add(terms, lower, upper, f"mix: {bound.kind} {side} {share:.0%} of {p.mix_basis}")
        return rows

    @property
    def groups(self) -> list[str]:
        """The distinct names of the relaxable constraint groups, in row order."""
        return list(dict.fromkeys(g for g in self.rows.group if g is not None))

    def highs(self, time_limit: float, *, feasibility: bool = False,
              without: frozenset[str] = frozenset()) -> highspy.Highs:
        """A HiGHS instance holding the model (groups in ``without`` relaxed)."""
        h = _new_highs()
        h.setOptionValue("time_limit", max(float(time_limit), 0.01))
        h.setOptionValue("mip_rel_gap", 0.0)
        integral = not feasibility and all(float(v).is_integer() for v in self.objective)
        h.setOptionValue("mip_abs_gap", 1.0 - 1e-6 if integral else 1e-6)
        n = self.n_columns
        if n == 0:
            return h
        h.addVars(n, np.zeros(n), np.ones(n))
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))
        if not feasibility:
            h.changeColsCost(n, np.arange(n, dtype=np.int32), self.objective)
        r = self.rows
        lower, upper = np.array(r.lower, dtype=float), np.array(r.upper, dtype=float)
        if without:
            off = np.array([g in without for g in r.group], dtype=bool)
            lower[off], upper[off] = -np.inf, np.inf
        if len(lower):
            h.addRows(len(lower), lower, upper, len(r.index), np.array(r.starts, dtype=np.int32),
                      np.array(r.index, dtype=np.int32), np.array(r.value, dtype=float))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return h

    def start_vector(self, selected: Mapping[str, int]) -> list[float]:
        """A solution vector for the plan ``selected`` (item -> start quarter index)."""
        vector = [0.0] * self.n_columns
        for item, s in selected.items():
            if (item, s) in self.column_of:
                vector[self.column_of[(item, s)]] = 1.0
        chosen = set(selected)
        for k, b in enumerate(self.bundle_ids):
            if self.bundles[b][0] <= chosen:
                vector[len(self.columns) + k] = 1.0
        return vector


def _mix_weight(item: Initiative, basis: str) -> float:
    if basis == "cost":
        return item.cost
    if basis == "effort":
        return float(sum(item.effort.values()))
    return 1.0


def _is_feasible(model: _Model, without: frozenset[str]) -> bool:
    h = model.highs(10.0, feasibility=True, without=without)
    if model.n_columns == 0:
        return True
    h.run()
    return bool(h.getModelStatus() != highspy.HighsModelStatus.kInfeasible)


def _clashing(model: _Model) -> list[str]:
    """A minimal set of constraint groups that cannot hold together (a chunked deletion filter)."""
    keep = model.groups
    chunk = max(len(keep) // 2, 1)
    while True:
        i = 0
        while i < len(keep):
            trial = keep[:i] + keep[i + chunk:]
            if not _is_feasible(model, frozenset(model.groups) - set(trial)):
                keep = trial
            else:
                i += chunk
        if chunk == 1:
            return keep
        chunk = max(chunk // 2, 1)


# --------------------------------------------------------------------------------------------- solving


def _greedy_start(model: _Model) -> dict[str, int] | None:
    """A feasible plan for single-quarter budget problems (bundles and items by value per cost), else None."""
    p = model.portfolio
    if (len(p.quarters) != 1 or p.capacity or p.mix or p.must_have or p.cover_goals or p.conflicts):
        return None
    return dict.fromkeys(_greedy_selection(model.by_id, p, model.bundles), 0)


def _greedy_selection(by_id: Mapping[str, Initiative], p: Portfolio,
                      bundles: Mapping[str, tuple[frozenset[str], float, str]]) -> set[str]:
    candidates: list[tuple[float, frozenset[str]]] = []
    for closure, value, _ in bundles.values():
        candidates.append((value, closure))
    for item in p.initiatives:
        if item.value > 0 and item.id not in p.must_not:
            candidates.append((item.value, dependency_closure([item.id], p.requires)))
    chosen: set[str] = set()
    spent, budget = 0.0, math.inf if p.budget is None else p.budget

    def density(candidate: tuple[float, frozenset[str]]) -> float:
        cost = sum(by_id[i].cost for i in candidate[1])
        return candidate[0] / cost if cost > 0 else math.inf

    for _, closure in sorted(candidates, key=density, reverse=True):
        extra = sum(by_id[i].cost for i in closure - chosen)
        if not closure & p.must_not and spent + extra <= budget + _EPS:
            chosen |= closure
            spent += extra
    return chosen


def _run(model: _Model, time_limit: float, start: Mapping[str, int] | None) -> tuple[Any, dict[str, int]]:
    h = model.highs(time_limit)
    if model.n_columns == 0:
        return None, {}
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = model.start_vector(start)
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        clash = _clashing(model)
        raise InfeasibleError(
            "no plan satisfies these constraints together: " + "; ".join(clash)
            + ": relax or remove one of them", details={"constraints": clash})
    if not h.getInfo().primal_solution_status:
        raise InfeasibleError(f"no feasible plan was found within the time limit ({time_limit:g} s): raise the "
                              "time limit or relax the constraints", details={"constraints": []})
    values = h.getSolution().col_value
    return h, {i: s for c, (i, s) in enumerate(model.columns) if values[c] > 0.5}


def _is_set_union_knapsack(model: _Model) -> bool:
    """One quarter, a budget, dependencies and bundles only: the shape the set-union search solves."""
    p = model.portfolio
    return (p.budget is not None and len(p.quarters) == 1 and model.n_columns > 0
            and not (p.capacity or p.mix or p.must_have or p.must_not or p.cover_goals or p.conflicts)
            and all(len(model.starts[i]) == 1 and model.by_id[i].value >= 0 for i in model.items))


def _race(model: _Model, time_limit: float, start: Mapping[str, int] | None) -> tuple[dict[str, int], float, bool]:
    """HiGHS's branch-and-cut on one core against the set-union branch-and-bound (which branches on groups of
    shared items, by pseudocosts) on the other: the first to prove optimality stops the other. Returns the best plan of
    the two, the tighter bound and whether it is proven optimal."""
    p, items = model.portfolio, model.items
    index = {item: k for k, item in enumerate(items)}
    bundles = [(frozenset(index[i] for i in closure), value) for closure, value, _ in model.bundles.values()]
    bundles += [(frozenset(index[i] for i in dependency_closure([item], p.requires)), model.by_id[item].value)
                for item in items if model.by_id[item].value > 0]
    chosen = set(start or ())
    warm = [b for b, (members, _) in enumerate(bundles) if all(items[i] in chosen for i in members)]
    h = model.highs(time_limit)
    h.setOptionValue("threads", 1)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = model.start_vector(start)
        solution.value_valid = True
        h.setSolution(solution)
    h.HandleUserInterrupt = True
    thread = h.startSolve()
    result = solve_set_union([model.by_id[i].cost for i in items], bundles, float(p.budget or 0.0),
                             time_limit=time_limit, start=warm, stop=lambda: not thread.is_alive())
    h.cancelSolve()  # type: ignore[no-untyped-call]  # highspy ships no annotations
    thread.join()
    plan = {items[i]: 0 for i in result.items}
    value, bound, optimal = result.value, result.bound, result.optimal
    if h.getInfo().primal_solution_status and float(h.getInfo().objective_function_value) > value + _EPS:
        values = h.getSolution().col_value
        plan = {i: s for c, (i, s) in enumerate(model.columns) if values[c] > 0.5}
        value = float(h.getInfo().objective_function_value)
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        return plan, value, True
    return plan, min(bound, max(float(h.getInfo().mip_dual_bound), value)), optimal


def _earliest_starts(model: _Model, chosen: Mapping[str, int], time_limit: float) -> dict[str, int]:
    """The tie-break, a lexicographic second stage: with the chosen items fixed (so the selection and the
    objective value cannot change), move starts as early as the constraints allow (minimum sum of start
    quarters). Returns ``chosen`` itself when no item can move or no better schedule is found in time."""
    movable = [c for c, (i, s) in enumerate(model.columns) if i in chosen and len(model.starts[i]) > 1]
    if not movable or sum(chosen.values()) == 0:
        return dict(chosen)
    h = model.highs(time_limit, feasibility=True)
    start = model.start_vector(chosen)
    fixed = [c for c in range(model.n_columns) if c not in set(movable)]
    h.changeColsBounds(len(fixed), np.array(fixed, dtype=np.int32), np.array([start[c] for c in fixed]),
                       np.array([start[c] for c in fixed]))
    for item in {model.columns[c][0] for c in movable}:
        terms = model.x(item)
        h.addRow(1.0, 1.0, len(terms), np.array(list(terms), dtype=np.int32), np.ones(len(terms)))
    h.changeColsCost(len(movable), np.array(movable, dtype=np.int32),
                     np.array([-float(model.columns[c][1]) for c in movable]))
    h.setOptionValue("mip_abs_gap", 1.0 - 1e-6)  # sums of start indices are integers
    solution = highspy.HighsSolution()
    solution.col_value = start
    solution.value_valid = True
    h.setSolution(solution)
    h.run()
    if not h.getInfo().primal_solution_status:
        return dict(chosen)
    values = h.getSolution().col_value
    earlier = {i: s for c, (i, s) in enumerate(model.columns) if values[c] > 0.5}
    return earlier if set(earlier) == set(chosen) and sum(earlier.values()) < sum(chosen.values()) else dict(chosen)


def _plan_value(portfolio: Portfolio, chosen: Iterable[str]) -> tuple[float, tuple[str, ...]]:
    chosen = set(chosen)
    value = sum(i.value for i in portfolio.initiatives if i.id in chosen)
    complete = tuple(b.id for b in portfolio.bundles if b.items <= chosen)
    by_bundle = {b.id: b.value for b in portfolio.bundles}
    return value + sum(by_bundle[b] for b in complete), complete


def optimise(portfolio: Portfolio, *, time_limit: float = 30.0) -> Plan:
    """The plan of maximum value that satisfies every constraint of ``portfolio``.

    Proven optimal when ``plan.optimal``; otherwise the best plan found within ``time_limit`` seconds and its
    gap. Raises :class:`CycleError` for cyclic dependencies, :class:`InfeasibleError` (naming a minimal set of
    clashing constraints) when no plan exists, and ``ValidationError`` for malformed input such as negative costs.
    """
    started = time.perf_counter()
    by_id = _check(portfolio)
    model = _Model(portfolio, by_id)
    trivial = float(np.clip(model.objective, 0, None).sum())  # every positive term at once: a bound that always holds
    if _is_set_union_knapsack(model):
        chosen, bound, optimal = _race(model, time_limit - (time.perf_counter() - started), _greedy_start(model))
        value, complete = _plan_value(portfolio, chosen)
        bound = value if optimal else max(min(bound, trivial), value)
    else:
        h, chosen = _run(model, time_limit - (time.perf_counter() - started), _greedy_start(model))
        value, complete = _plan_value(portfolio, chosen)
        if h is None:
            bound, optimal = value, True
        else:
            optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            bound = value if optimal else max(min(float(h.getInfo().mip_dual_bound), trivial), value)
    if not optimal and all(float(v).is_integer() for v in model.objective):
        bound = max(math.floor(bound + _EPS), value)
    if len(portfolio.quarters) > 1:
        chosen = _earliest_starts(model, chosen, max(time_limit - (time.perf_counter() - started), 0.0))
    gap = (bound - value) / abs(value) if abs(value) > _EPS else (0.0 if bound - value <= _EPS else math.inf)
    order = [i.id for i in portfolio.initiatives if i.id in chosen]
    return Plan(
        selected=tuple(order),
        start={i: portfolio.quarters[chosen[i]] for i in order},
        value=value,
        bound=bound,
        gap=gap,
        optimal=optimal,
        status="optimal" if optimal else "time limit",
        seconds=time.perf_counter() - started,
        cost=sum(by_id[i].cost for i in order),
        bundles=complete,
    )


# --------------------------------------------------------------------------------------------- explaining


def _per_quarter(limit: float | Sequence[float], quarters: int) -> list[float]:
    return [float(limit)] * quarters if isinstance(limit, int | float) else [float(v) for v in limit]


def _capacity_limits(portfolio: Portfolio) -> dict[tuple[str, int], float]:
    limits = {}
    for team, limit in portfolio.capacity.items():
        for q, value in enumerate(_per_quarter(limit, len(portfolio.quarters))):
            limits[(team, q)] = value
    return limits


def _load(portfolio: Portfolio, by_id: Mapping[str, Initiative], plan: Plan) -> dict[tuple[str, int], float]:
    index = {q: k for k, q in enumerate(portfolio.quarters)}
    load: dict[tuple[str, int], float] = defaultdict(float)
    for item, quarter in plan.start.items():
        initiative = by_id[item]
        for team, effort in initiative.effort.items():
            for q in range(index[quarter], index[quarter] + initiative.duration):
                load[(team, q)] += effort / initiative.duration
    return load


class _WhatIfs:
    """Every what-if on one HiGHS model, built once: each change only moves the upper bound of its rows
    (the budget row, a team's capacity rows), re-solves warm-started from the current plan under a short time
    limit, then puts the bounds back. The model is built with the largest budget asked about, so a bundle the
    larger budget brings within reach is not presolved away."""

    def __init__(self, portfolio: Portfolio, by_id: Mapping[str, Initiative], plan: Plan, budget_factor: float,
                 ) -> None:
        self.portfolio, self.plan = portfolio, plan
        budget = portfolio.budget
        self.model = _Model(portfolio if budget is None else replace(portfolio, budget=budget * budget_factor),
                            by_id)
        self.highs = self.model.highs(1.0)
        self.rows: dict[str, list[int]] = defaultdict(list)
        for r, group in enumerate(self.model.rows.group):
            if group is not None:
                self.rows[group].append(r)
        if budget is not None:  # back to the real budget; a what-if raises it again
            self._bounds(dict.fromkeys(self.rows["budget"], budget))
            for r in self.rows["budget"]:
                self.model.rows.upper[r] = budget
        quarter = {q: k for k, q in enumerate(portfolio.quarters)}
        self.start = self.model.start_vector({i: quarter[q] for i, q in plan.start.items()})
        self.integral = all(float(v).is_integer() for v in self.model.objective)

    def run(self, change: str, upper: Mapping[int, float], time_limit: float) -> WhatIf:
        """The best plan with row ``r``'s upper bound set to ``upper[r]``, within ``time_limit`` seconds."""
        plan, h, rows = self.plan, self.highs, self.model.rows
        value, bound, selected = plan.value, plan.value, set(plan.selected)
        if self.model.n_columns:
            self._bounds(upper)
            h.setOptionValue("time_limit", max(time_limit, 0.01))
            solution = highspy.HighsSolution()
            solution.col_value = self.start
            solution.value_valid = True
            h.setSolution(solution)
            h.run()
            info = h.getInfo()
            if info.primal_solution_status and float(info.objective_function_value) > value + _EPS:
                values = h.getSolution().col_value
                selected = {i for c, (i, _) in enumerate(self.model.columns) if values[c] > 0.5}
                value = _plan_value(self.portfolio, selected)[0]
            if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                bound = value
            else:
                trivial = float(np.clip(self.model.objective, 0, None).sum())  # every positive term at once
                bound = max(min(float(info.mip_dual_bound), trivial), value)
                bound = max(math.floor(bound + _EPS), value) if self.integral else bound
            self._bounds({r: rows.upper[r] for r in upper})
        gap = (bound - value) / abs(value) if abs(value) > _EPS else (0.0 if bound - value <= _EPS else math.inf)
        before, ids = set(plan.selected), [i.id for i in self.portfolio.initiatives]
        return WhatIf(change, value, value - plan.value, tuple(i for i in ids if i in selected - before),
                      tuple(i for i in ids if i in before - selected), bound - value <= _EPS, bound, gap)

    def _bounds(self, upper: Mapping[int, float]) -> None:
        lower = self.model.rows.lower
        for r, limit in upper.items():
            self.highs.changeRowBounds(r, lower[r], limit)


def explain(portfolio: Portfolio, plan: Plan, *, engineer_weeks: float = 12.0, time_limit: float = 10.0,
            what_if_time_limit: float = 0.25) -> Explanation:
    """Explain ``plan`` (the result of :func:`optimise` on ``portfolio``): the use of each limit and whether it
    binds, the best plan with 10 % more budget and with one more engineer (``engineer_weeks`` person-weeks
    per quarter) in each capacity-limited team, and why each left-out initiative is out.

    The what-ifs share one model and are warm-started from ``plan``; each gets at most ``what_if_time_limit``
    seconds (all of them together at most ``time_limit``) and reports its gap when not proven optimal."""
    by_id = _check(portfolio)
    chosen = set(plan.selected)
    out = [i for i in portfolio.initiatives if i.id not in chosen]
    states: list[ConstraintState] = []
    budget_left = math.inf
    if portfolio.budget is not None:
        budget_left = portfolio.budget - plan.cost
        fits = [i for i in out if i.id not in portfolio.must_not and i.cost <= budget_left + _EPS]
        states.append(ConstraintState("budget", plan.cost, portfolio.budget,
                                      budget_left <= _EPS or not fits))
    load, limits = _load(portfolio, by_id, plan), _capacity_limits(portfolio)
    slacks: dict[tuple[str, int], float] = {}
    for (team, q), team_limit in limits.items():
        slack = slacks[(team, q)] = team_limit - load[(team, q)]
        needs = [i.effort[team] / i.duration for i in out if i.effort.get(team)]
        states.append(ConstraintState(f"capacity of team {team} in {portfolio.quarters[q]}", load[(team, q)],
                                      team_limit,
                                      slack <= _EPS or (bool(needs) and min(needs) > slack + _EPS)))
    weight = {i.id: _mix_weight(i, portfolio.mix_basis) for i in portfolio.initiatives}
    total = sum(weight[i] for i in chosen)
    for bound in portfolio.mix:
        share = sum(weight[i] for i in chosen if by_id[i].kind == bound.kind) / total if total else 0.0
        states.append(ConstraintState(f"mix: {bound.kind} share of {portfolio.mix_basis} in [{bound.low:.0%}, "
                                      f"{bound.high:.0%}]", share, bound.high if share > bound.low else bound.low,
                                      abs(share - bound.low) <= _EPS or abs(share - bound.high) <= _EPS))
    started = time.perf_counter()
    what_ifs = _WhatIfs(portfolio, by_id, plan, budget_factor=1.1)

    def limit() -> float:
        return min(what_if_time_limit, time_limit - (time.perf_counter() - started))

    budget_plus = None
    if portfolio.budget is not None:
        budget_plus = what_ifs.run("+10% budget", dict.fromkeys(what_ifs.rows["budget"], portfolio.budget * 1.1),
                                   limit())
    extra = {}
    for team in portfolio.capacity:
        rows = {r: what_ifs.model.rows.upper[r] + engineer_weeks for q in portfolio.quarters
                for r in what_ifs.rows.get(f"capacity of team {team} in {q}", [])}
        extra[team] = what_ifs.run(f"+1 engineer in {team}", rows, limit())
    free = _free_runs(slacks, len(portfolio.quarters))
    return Explanation(tuple(states), budget_plus, extra, _left_out_reasons(portfolio, by_id, plan, out,
                                                                           budget_left, free))


def _free_runs(slacks: Mapping[tuple[str, int], float], quarters: int) -> dict[tuple[str, int], float]:
    """(team, n) -> the most person-weeks a quarter the team has free in each of some n consecutive quarters."""
    free: dict[tuple[str, int], float] = {}
    for team in {t for t, _ in slacks}:
        for n in range(1, quarters + 1):
            free[(team, n)] = max(min(slacks[(team, q)] for q in range(s, s + n)) for s in range(quarters - n + 1))
    return free


def _left_out_reasons(portfolio: Portfolio, by_id: Mapping[str, Initiative], plan: Plan,
                      out: Sequence[Initiative], budget_left: float,
                      free: Mapping[tuple[str, int], float]) -> dict[str, str]:
    chosen = set(plan.selected)
    requires: dict[str, list[str]] = defaultdict(list)
    for dependent, prerequisite in portfolio.requires:
        requires[dependent].append(prerequisite)
    conflicts: dict[str, list[str]] = defaultdict(list)
    for a, b in portfolio.conflicts:
        conflicts[a].append(b)
        conflicts[b].append(a)
    in_bundles = {i for b in portfolio.bundles for i in b.items}
    reasons: dict[str, str] = {}
    for item in out:
        missing = dependency_closure([item.id], portfolio.requires) - chosen
        extra_cost = sum(by_id[i].cost for i in missing)
        clashes = [c for c in conflicts[item.id] if c in chosen]
        short = {t: e / item.duration for t, e in item.effort.items()
                 if e / item.duration > free.get((t, item.duration), math.inf) + _EPS}
        if item.id in portfolio.must_not:
            reasons[item.id] = "marked must-not"
        elif clashes:
            reasons[item.id] = f"conflicts with {', '.join(clashes)}, which the plan includes"
        elif blocked := [r for r in requires[item.id] if r in portfolio.must_not]:
            reasons[item.id] = f"requires {', '.join(blocked)}, which is marked must-not"
        elif extra_cost > budget_left + _EPS:
            with_prerequisites = f" with its prerequisites {', '.join(sorted(missing - {item.id}))}" if len(
                missing) > 1 else ""
            reasons[item.id] = (f"costs {extra_cost:g}{with_prerequisites} but only {budget_left:g} of the budget is "
                                "left; it would displace higher-value items")
        elif short:
            team, need = next(iter(short.items()))
            run = "in any quarter" if item.duration == 1 else f"a quarter over any {item.duration} quarters in a row"
            reasons[item.id] = (f"needs {need:g} person-weeks a quarter from team {team}, which has at most "
                                f"{free.get((team, item.duration), 0.0):g} free {run}")
        elif item.value <= 0 and item.id not in in_bundles:
            reasons[item.id] = "adds no value to the objective"
        elif item.value <= 0:
            reasons[item.id] = "no bundle it belongs to can be completed within the limits together with the rest"
        else:
            reasons[item.id] = ("fits on its own, but taking it needs a quarter or a mix the rest of the plan uses "
                                "better")
    return reasons
