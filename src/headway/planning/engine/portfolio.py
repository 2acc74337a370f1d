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

Hiring (``h[r, s]`` = people of role ``r`` starting in quarter ``s >= lead[r]``, integer, at most
``max_per_quarter``): a team's capacity becomes ``base[t, q] (1 - a_t)^q + Σ_{r of t, s <= q} h[r, s] ramp[r][q - s]
weeks[r] - Σ_{r of t} h[r, q] mentor[r]`` (``a_t`` the quarterly attrition), the budget row gains
``Σ h[r, s] (hiring_cost[r] + cost_per_quarter[r] (Q - s))``, and among plans of equal value the cheaper wins,
then the one whose hires spend fewer quarters in the plan (later starts): two more lexicographic stages on the
solved model. Hire columns the budget cannot pay for are dropped, so a budget too small for any hire gives
exactly the plan without roles.

Presolve: bundles whose closure cannot fit the budget, or holds a must-not item or a conflicting pair, are
dropped; bundles with the same closure are merged; items that can add nothing (no value, in no live bundle, not
needed by a must-have, a goal or a mix bound) are fixed out. A greedy plan warm-starts the solver (a packing-aware
starting plan was measured and dropped once HiGHS branches on selection columns: issue 18's fourth pass). A portfolio
with one quarter, a budget, dependencies and bundles only (a set-union knapsack, the NRP's shape) races HiGHS
against the branch-and-bound of :mod:`headway.planning.engine.setunion` on the two cores.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
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
    "Hire",
    "HireUnlock",
    "InfeasibleError",
    "Initiative",
    "MixBound",
    "Plan",
    "Portfolio",
    "Role",
    "WhatIf",
    "dependency_closure",
    "explain",
    "optimise",
    "team_capacity",
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
class Role:
    """A role the plan may hire for: people of ``team`` who each give ``weeks_per_person`` person-weeks a quarter
    at full speed and cost ``cost_per_quarter`` (loaded) plus ``hiring_cost`` once.

    A hire starting in quarter ``s`` was opened ``lead_quarters`` earlier (so ``s >= lead_quarters``); in the
    starter's quarters 0, 1, ... they work at ``ramp[0]``, ``ramp[1]``, ... of full speed (1.0 after the ramp ends)
    and take ``mentor_weeks`` from the team in their first quarter. At most ``max_per_quarter`` start in a quarter
    (``None``: no cap beyond what the budget and the team's work can use)."""

    id: str
    team: str
    weeks_per_person: float
    cost_per_quarter: float
    hiring_cost: float = 0.0
    lead_quarters: int = 1
    ramp: tuple[float, ...] = (0.5, 1.0)
    mentor_weeks: float = 0.0
    max_per_quarter: int | None = None

    def share(self, k: int) -> float:
        """The share of full speed in the starter's quarter ``k`` (0 is the first)."""
        return float(self.ramp[k]) if k < len(self.ramp) else 1.0

    def net_weeks(self, k: int) -> float:
        """Person-weeks one starter adds to the team in their quarter ``k``: the ramp less the mentoring."""
        return self.weeks_per_person * self.share(k) - (self.mentor_weeks if k == 0 else 0.0)

    def price(self, start: int, quarters: int) -> float:
        """The money one hire starting in quarter ``start`` costs within a ``quarters``-quarter plan."""
        return self.hiring_cost + self.cost_per_quarter * (quarters - start)


@dataclass(frozen=True)
class Hire:
    """``count`` people of ``role`` starting in quarter ``start`` (a quarter label), opened in ``opened``; of them,
    ``fixed`` were already decided (the portfolio's ``fixed_hires``: approved or open roles of the hiring plan)."""

    role: str
    start: str
    count: int
    opened: str = field(default="", compare=False)
    fixed: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Portfolio:
    """The candidates and the constraints of one planning problem.

    ``quarters``: the planning periods, in order; ``capacity``: person-weeks per quarter for each team, one number
    for every quarter or one per quarter (a team that is absent is unconstrained); ``requires``: pairs
    ``(item, prerequisite)`` — the prerequisite is chosen too and starts no later; ``conflicts``: pairs that
    cannot both be chosen; ``cover_goals``: goals that at least one chosen initiative must serve;
    ``roles``: roles the plan may hire for (see :class:`Role`); ``attrition``: a team's annual attrition rate
    (0.12 is 12 %), which takes ``1 - (1 - rate) ** (1/4)`` of its capacity away each quarter, compounding;
    ``fixed_hires``: hires already decided (a role approved or open in the hiring plan): the plan makes at least
    these (``h[r, s] >= count``), pays for them from the budget and counts their ramp, whatever the role's lead time
    and cap (they are opened already); the optimiser may add more.
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
    roles: Sequence[Role] = ()
    attrition: Mapping[str, float] = field(default_factory=dict)
    fixed_hires: Sequence[Hire] = ()


@dataclass(frozen=True)
class Plan:
    """The optimiser's answer.

    ``selected``: chosen initiative ids in input order; ``start``: id -> quarter it starts in; ``value``: the
    objective of the plan; ``bound``: the best proven upper bound; ``gap``: ``(bound - value) / |value|``;
    ``optimal``: proven optimal; ``status``: ``optimal``, ``within gap`` (stopped within ``optimise``'s ``rel_gap``)
    or ``time limit``; ``bundles``: completed bundle ids;
    ``cost``: the money the plan spends, initiatives and hires; ``hires``: who starts when (in role order, then
    start); ``hire_cost``: the money the hires cost within the plan; ``run_rate``: what the hires cost a quarter
    after the plan's last quarter.
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
    hires: tuple[Hire, ...] = ()
    hire_cost: float = 0.0
    run_rate: float = 0.0


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
    below the current plan's for a change that only relaxes a limit; not a number when none was found in time) and
    ``bound``/``gap`` say how much better the change could still be. ``feasible`` is false when no plan allows
    the change (one more hire than the budget pays for, say)."""

    change: str
    value: float
    delta: float
    added: tuple[str, ...]
    removed: tuple[str, ...]
    optimal: bool
    bound: float = math.nan
    gap: float = 0.0
    feasible: bool = True


@dataclass(frozen=True)
class HireUnlock:
    """The initiatives the plan takes only because of ``hire`` (the best plan without it, the other hires kept,
    leaves them out)."""

    hire: Hire
    unlocks: tuple[str, ...]

    @property
    def text(self) -> str:
        """The explanation's sentence: ``2 × web-engineer starting in Q2 unlocks A, B``."""
        what = ", ".join(self.unlocks) if self.unlocks else "nothing the plan could not do without it"
        return f"{self.hire.count} × {self.hire.role} starting in {self.hire.start} unlocks {what}"


@dataclass(frozen=True)
class Explanation:
    """Why the plan is what it is: the state of each limit, what-ifs, and why each left-out item is out.

    With roles: ``hiring`` holds the what-ifs "one more/fewer hire of role R" and "hire one quarter later",
    ``without_hiring`` the best plan with no hires, ``unlocks`` what each hire of the plan unlocks and
    ``value_per_10k`` the value the hires add per 10,000 spent on them (``None`` when they cost nothing)."""

    constraints: tuple[ConstraintState, ...]
    budget_plus_10: WhatIf | None
    extra_engineer: Mapping[str, WhatIf]
    left_out: Mapping[str, str]
    hiring: tuple[WhatIf, ...] = ()
    without_hiring: WhatIf | None = None
    unlocks: tuple[HireUnlock, ...] = ()
    value_per_10k: float | None = None

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
    problems += _role_problems(portfolio)
    if problems:
        raise ValidationError("invalid portfolio: " + "; ".join(problems), details={"problems": problems})
    _raise_on_cycle(portfolio.requires)
    return by_id


def _role_problems(portfolio: Portfolio) -> list[str]:
    """What is wrong with the roles and the attrition rates, each with what to change."""
    problems: list[str] = []
    n_quarters, teams, seen = len(portfolio.quarters), set(portfolio.capacity), set()
    for role in portfolio.roles:
        if role.id in seen:
            problems.append(f"role id {role.id!r} appears twice: ids must be unique")
        seen.add(role.id)
        if role.team not in teams:
            problems.append(f"role {role.id}: team {role.team!r} is unknown (it has no capacity in the portfolio): "
                            "hire for one of " + (", ".join(sorted(teams)) or "the teams given a capacity"))
        for label, number in (("weeks_per_person", role.weeks_per_person), ("cost_per_quarter",
                              role.cost_per_quarter), ("hiring_cost", role.hiring_cost),
                              ("mentor_weeks", role.mentor_weeks)):
            if not math.isfinite(number) or number < 0:
                problems.append(f"role {role.id}: {label} is {number:g}: give a number >= 0")
        if not role.ramp or any(not (math.isfinite(v) and 0 <= v <= 1) for v in role.ramp):
            problems.append(f"role {role.id}: ramp {tuple(role.ramp)!r} must be shares of full speed between 0 and 1 "
                            "(e.g. (0.5, 1.0))")
        if not isinstance(role.lead_quarters, int) or role.lead_quarters < 0:
            problems.append(f"role {role.id}: lead_quarters {role.lead_quarters!r} must be a whole number >= 0")
        elif role.lead_quarters >= n_quarters:
            problems.append(f"role {role.id}: a lead time of {role.lead_quarters} quarters is longer than the "
                            f"{n_quarters}-quarter plan leaves to start in: plan more quarters or shorten the lead")
        if role.max_per_quarter is not None and (not isinstance(role.max_per_quarter, int)
                                                 or role.max_per_quarter < 0):
            problems.append(f"role {role.id}: max_per_quarter {role.max_per_quarter!r} must be a whole number >= 0 "
                            "or None")
    quarters = set(portfolio.quarters)
    for hire in portfolio.fixed_hires:
        if hire.role not in seen:
            problems.append(f"fixed hire of role {hire.role!r}: the role is not among the portfolio's roles: add it")
        if hire.start not in quarters:
            problems.append(f"fixed hire of {hire.role} starts in {hire.start!r}, which is not a quarter of the plan: "
                            "give one of " + ", ".join(portfolio.quarters))
        if not isinstance(hire.count, int) or hire.count < 1:
            problems.append(f"fixed hire of {hire.role}: count {hire.count!r} must be a whole number >= 1")
    for team, rate in portfolio.attrition.items():
        if team not in teams:
            problems.append(f"attrition names team {team!r}, which has no capacity in the portfolio")
        if not (math.isfinite(rate) and 0 <= rate < 1):
            problems.append(f"attrition of team {team} is {rate:.0%}: give an annual rate from 0 up to (not "
                            "including) 100 %, e.g. 0.12")
    return problems


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
        self.roles = {r.id: r for r in portfolio.roles}
        index = {q: k for k, q in enumerate(portfolio.quarters)}
        self.fixed: dict[tuple[str, int], int] = defaultdict(int)
        for hire in portfolio.fixed_hires:
            self.fixed[(hire.role, index[hire.start])] += hire.count
        self.hire_columns, self.hire_upper = self._hire_columns(quarters)
        self.hire_lower = [float(self.fixed.get(key, 0)) for key in self.hire_columns]
        self.hire_offset = len(self.columns) + len(self.bundle_ids)
        self.hire_column_of = {key: self.hire_offset + k for k, key in enumerate(self.hire_columns)}
        self.n_columns = self.hire_offset + len(self.hire_columns)
        self.objective = np.array(
            [by_id[i].value for i, _ in self.columns] + [self.bundles[b][1] for b in self.bundle_ids]
            + [0.0] * len(self.hire_columns), dtype=float
        )
        self.hire_rows: dict[str, int] = {}
        self.rows = self._rows(quarters)

    def _hire_columns(self, quarters: int) -> tuple[list[tuple[str, int]], list[float]]:
        """The (role, start) pairs a hire can take, and the most people of each: a start the budget cannot pay
        for, or a role whose team has no work here, gets none; without ``max_per_quarter``, at most the people
        who could carry all of the team's work in their weakest quarter. A fixed hire always has its column,
        with at least its people."""
        p, columns, upper = self.portfolio, [], []
        load: dict[str, float] = defaultdict(float)
        for item in self.items:
            for team, effort in self.by_id[item].effort.items():
                load[team] += effort
        for role in p.roles:
            positive = [role.net_weeks(k) for k in range(len(role.ramp) + 1) if role.net_weeks(k) > _EPS]
            most = math.ceil(load[role.team] / min(positive) - _EPS) if positive and load[role.team] > 0 else 0
            for s in range(quarters):
                price, n = role.price(s, quarters), float(most) if s >= role.lead_quarters else 0.0
                if role.max_per_quarter is not None:
                    n = min(n, role.max_per_quarter)
                if p.budget is not None and price > 0:
                    n = min(n, math.floor(p.budget / price + _EPS))
                n = max(n, float(self.fixed.get((role.id, s), 0)))
                if n >= 1:
                    columns.append((role.id, s))
                    upper.append(n)
        return columns, upper

    def decode(self, values: Sequence[float]) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
        """The plan in a solution vector: item -> start quarter, and (role, start) -> people."""
        chosen = {i: s for c, (i, s) in enumerate(self.columns) if values[c] > 0.5}
        hires = {key: round(values[c]) for key, c in self.hire_column_of.items() if round(values[c]) >= 1}
        return chosen, hires

    def money(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The money each column spends: an initiative's cost, a hire's price within the plan."""
        quarters = len(self.portfolio.quarters)
        return np.array([self.by_id[i].cost for i, _ in self.columns] + [0.0] * len(self.bundle_ids)
                        + [self.roles[r].price(s, quarters) for r, s in self.hire_columns], dtype=float)

    def seniority(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Quarters each hire column's people spend in the plan (the tie-break for later, fewer starts)."""
        quarters = len(self.portfolio.quarters)
        return np.array([0.0] * self.hire_offset + [float(quarters - s) for _, s in self.hire_columns], dtype=float)

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
            costs.update({self.hire_column_of[(r, s)]: self.roles[r].price(s, quarters)
                          for r, s in self.hire_columns if self.roles[r].price(s, quarters)})
            rows.add(costs, -math.inf, p.budget, "budget")
        for team, limit in p.capacity.items():
            limits = _per_quarter(limit, quarters)
            for q in range(quarters):
                terms: dict[int, float] = {}
                for c, (i, s) in enumerate(self.columns):
                    effort, duration = self.by_id[i].effort.get(team, 0.0), self.by_id[i].duration
                    if effort and s <= q < s + duration:
                        terms[c] = effort / duration
                for r, s in self.hire_columns:
                    if self.roles[r].team == team and s <= q and self.roles[r].net_weeks(q - s):
                        terms[self.hire_column_of[(r, s)]] = -self.roles[r].net_weeks(q - s)
                if terms:
                    rows.add(terms, -math.inf, limits[q] * _kept(p, team, q),
                             f"capacity of team {team} in {p.quarters[q]}")
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
        for role in p.roles:  # free rows a what-if fixes ("one more hire of role R")
            terms = {c: 1.0 for (r, _), c in self.hire_column_of.items() if r == role.id}
            if terms:
                self.hire_rows[role.id] = len(rows.lower)
                rows.add(terms, -math.inf, math.inf)
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
        if self.hire_columns:
            hired = np.arange(self.hire_offset, n, dtype=np.int32)
            h.changeColsBounds(len(hired), hired, np.array(self.hire_lower, dtype=float),
                               np.array(self.hire_upper, dtype=float))
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

    def start_vector(self, selected: Mapping[str, int],
                     hires: Mapping[tuple[str, int], int] | None = None) -> list[float]:
        """A solution vector for the plan ``selected`` (item -> start quarter index) with ``hires``
        ((role, start index) -> people; None: the fixed hires only)."""
        vector = [0.0] * self.n_columns
        for key, count in (self.fixed if hires is None else hires).items():
            if key in self.hire_column_of:
                vector[self.hire_column_of[key]] = float(count)
        for item, s in selected.items():
            if (item, s) in self.column_of:
                vector[self.column_of[(item, s)]] = 1.0
        chosen = set(selected)
        for k, b in enumerate(self.bundle_ids):
            if self.bundles[b][0] <= chosen:
                vector[len(self.columns) + k] = 1.0
        return vector


def _kept(portfolio: Portfolio, team: str, quarter: int) -> float:
    """The share of a team's capacity attrition leaves in ``quarter``: ``(1 - a) ** quarter`` with the quarterly
    rate ``a = 1 - (1 - annual) ** (1/4)``."""
    annual = portfolio.attrition.get(team, 0.0)
    return (1.0 - annual) ** (quarter / 4) if annual else 1.0


def team_capacity(portfolio: Portfolio, hires: Iterable[Hire] = ()) -> dict[str, tuple[float, ...]]:
    """Each capacity-limited team's person-weeks in each quarter: today's capacity less attrition, plus what
    ``hires`` add on their ramp, less their mentoring in their first quarter (the model's capacity[t, q])."""
    quarters = len(portfolio.quarters)
    index = {q: k for k, q in enumerate(portfolio.quarters)}
    roles = {r.id: r for r in portfolio.roles}
    result: dict[str, list[float]] = {
        team: [v * _kept(portfolio, team, q) for q, v in enumerate(_per_quarter(limit, quarters))]
        for team, limit in portfolio.capacity.items()}
    for hire in hires:
        role, s = roles[hire.role], index[hire.start]
        for q in range(s, quarters):
            result[role.team][q] += hire.count * role.net_weeks(q - s)
    return {team: tuple(values) for team, values in result.items()}


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
    """Solve ``model``: the HiGHS instance and the chosen items' start quarters."""
    h, values = _solve(model, time_limit, start)
    return h, model.decode(values)[0]


def _solve(model: _Model, time_limit: float, start: Mapping[str, int] | None,
           rel_gap: float = 0.0) -> tuple[Any, list[float]]:
    """Solve ``model``: the HiGHS instance and the solution vector (None and [] for an empty model); the search
    stops once its plan is within ``rel_gap`` of the bound."""
    h = model.highs(time_limit)
    if model.n_columns == 0:
        return None, []
    horizon = _strengthen(model, h)
    extend = _select(model, h, horizon)
    h.setOptionValue("mip_rel_gap", rel_gap)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = extend(model.start_vector(start))
        solution.value_valid = True
        h.setSolution(solution)
    elif model.hire_columns:  # no hires and no initiatives: feasible unless a must-have needs more
        solution = highspy.HighsSolution()
        solution.col_value = extend(model.start_vector({}))
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
    return h, [float(round(v)) for v in h.getSolution().col_value[:model.n_columns]]


_GRIDS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 24, 100)


def _grid(values: Iterable[float]) -> int | None:
    """The smallest ``d`` of :data:`_GRIDS` with every value a whole multiple of ``1/d`` (None: no such ``d``)."""
    magnitudes = [abs(v) for v in values]
    for d in _GRIDS:
        if all(abs(v * d - round(v * d)) <= 1e-9 * max(1.0, v * d) for v in magnitudes):
            return d
    return None


def _strengthen(model: _Model, h: Any) -> list[tuple[int, dict[int, float]]]:
    """Tighten the solver's copy of ``model`` without changing its integer solutions (the model's rows, which
    the what-ifs and the clash search use, stay as they are).

    - A capacity row whose coefficients are all whole multiples of ``1/d`` (efforts in whole or half weeks, ramps
      such as 0.5) over integer columns has a left side on that grid, so its limit rounds down to the grid (34.87
      person-weeks left by attrition hold no more than 34 whole weeks of work).
    - Each team gets its capacity rows summed over the quarters: implied, but a knapsack row over the whole
      horizon on which the solver's cover and MIR cuts bite where the quarter rows alone leave the bound loose.
    - A stronger primal heuristic effort: capacity-bound plans are found late otherwise.

    Returns the horizon rows it added, as (row index, terms), for :func:`_select`."""
    rows, team_rows = model.rows, defaultdict(list)
    for r, group in enumerate(rows.group):
        if group is not None and group.startswith("capacity of team "):
            team_rows[group.rsplit(" in ", 1)[0]].append(r)
    horizon: list[tuple[int, dict[int, float]]] = []
    if not team_rows:
        return horizon
    h.setOptionValue("mip_heuristic_effort", 0.3)
    ends = [*rows.starts[1:], len(rows.index)]
    for members in team_rows.values():
        terms: dict[int, float] = defaultdict(float)
        limit = 0.0
        for r in members:
            index, value = rows.index[rows.starts[r]:ends[r]], rows.value[rows.starts[r]:ends[r]]
            upper, d = rows.upper[r], _grid(value)
            if d is not None and math.isfinite(upper):
                upper = math.floor(upper * d + 1e-6) / d
                h.changeRowBounds(r, rows.lower[r], upper)
            limit += upper
            for c, v in zip(index, value, strict=True):
                terms[c] += v
        terms = {c: v for c, v in terms.items() if abs(v) > 1e-12}
        if len(members) > 1 and terms and math.isfinite(limit):
            d = _grid(terms.values())
            limit = math.floor(limit * d + 1e-6) / d if d is not None else limit
            h.addRow(-math.inf, limit, len(terms), np.array(list(terms), dtype=np.int32),
                     np.array(list(terms.values()), dtype=float))
            horizon.append((int(h.getNumRow()) - 1, terms))
    return horizon


def _select(model: _Model, h: Any, horizon: Sequence[tuple[int, dict[int, float]]]
            ) -> Callable[[Sequence[float]], list[float]]:
    """Give the solver's copy of ``model`` a selection column ``x[i] = Σ_s z[i, s]`` (binary) for each initiative
    with several possible starts, and move onto it what does not depend on the start: the initiative's value, its
    money in the budget row and its work in the team's ``horizon`` rows (from :func:`_strengthen`). The integer
    plans are the same; HiGHS now branches on *whether* an initiative is in the plan as well as *when*, and its
    cuts see one knapsack item per initiative (measured: the 8 M demo plan with hiring within 0.1 % in 8 s of CPU,
    from 1.5 %). Returns the map from a model vector to the copy's."""
    n = model.n_columns
    groups = [(i, [model.column_of[(i, s)] for s in model.starts[i]]) for i in model.items if len(model.starts[i]) > 1]
    if not groups:
        return list
    k = len(groups)
    h.addVars(k, np.zeros(k), np.ones(k))
    new = np.arange(n, n + k, dtype=np.int32)
    h.changeColsIntegrality(k, new, np.ones(k, dtype=np.uint8))
    h.changeColsCost(k, new, np.array([model.objective[g[0]] for _, g in groups], dtype=float))
    zs = np.array([c for _, g in groups for c in g], dtype=np.int32)
    h.changeColsCost(len(zs), zs, np.zeros(len(zs)))
    for j, (_, g) in enumerate(groups):
        h.addRow(0.0, 0.0, len(g) + 1, np.array([n + j, *g], dtype=np.int32), np.array([1.0] + [-1.0] * len(g)))
    if "budget" in model.rows.group:
        r = model.rows.group.index("budget")
        for j, (i, g) in enumerate(groups):
            if model.by_id[i].cost:
                for c in g:
                    h.changeCoeff(r, c, 0.0)
                h.changeCoeff(r, n + j, model.by_id[i].cost)
    for r, terms in horizon:
        for j, (_, g) in enumerate(groups):
            coefs = {terms.get(c, 0.0) for c in g}
            if len(coefs) == 1 and 0.0 not in coefs:  # the same work whichever quarter it starts in
                for c in g:
                    h.changeCoeff(r, c, 0.0)
                h.changeCoeff(r, n + j, coefs.pop())
    return lambda v: [*v, *(sum(v[c] for c in g) for _, g in groups)]


def _cheapest(model: _Model, h: Any, values: list[float], time_limit: float) -> list[float]:
    """The tie-breaks with hires, lexicographic stages on the solved model: keeping the plan's value, the least
    money; then, keeping that money too, the fewest quarters hires spend in the plan (later, fewer starts). A
    stage that finds nothing better in its time keeps the plan it was given."""
    started, n = time.perf_counter(), model.n_columns
    columns = np.arange(n, dtype=np.int32)
    stages = [(model.objective, model.money()), (model.money(), model.seniority())]
    for (kept, cost), keep_lower in zip(stages, (True, False), strict=True):
        level = float(kept @ np.array(values))
        slack = 1e-7 * max(1.0, abs(level))
        nonzero = np.flatnonzero(kept).astype(np.int32)
        if keep_lower:
            h.addRow(level - slack, math.inf, len(nonzero), nonzero, kept[nonzero])
        else:
            h.addRow(-math.inf, level + slack, len(nonzero), nonzero, kept[nonzero])
        h.changeColsCost(n, columns, cost)
        h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        integral = all(float(v).is_integer() for v in cost)
        h.setOptionValue("mip_abs_gap", 1.0 - 1e-6 if integral else 1e-6)
        h.setOptionValue("time_limit", max(time_limit - (time.perf_counter() - started), 0.01))
        solution = highspy.HighsSolution()
        solution.col_value = values
        solution.value_valid = True
        h.setSolution(solution)
        h.run()
        if not h.getInfo().primal_solution_status:
            break
        found = [float(round(v)) for v in h.getSolution().col_value]
        chosen, _ = model.decode(found)
        if _plan_value(model.portfolio, chosen)[0] < _plan_value(model.portfolio, model.decode(values)[0])[0] - 1e-9:
            break  # within the solver's tolerance but worse: keep the plan
        if float(cost @ np.array(found)) < float(cost @ np.array(values)) - 1e-9:
            values = found
    return values


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


def _earliest_starts(model: _Model, chosen: Mapping[str, int], time_limit: float,
                     hires: Mapping[tuple[str, int], int] | None = None) -> dict[str, int]:
    """The tie-break, a lexicographic second stage: with the chosen items (and the hires) fixed (so the selection
    and the objective value cannot change), move starts as early as the constraints allow (minimum sum of start
    quarters). Returns ``chosen`` itself when no item can move or no better schedule is found in time."""
    movable = [c for c, (i, s) in enumerate(model.columns) if i in chosen and len(model.starts[i]) > 1]
    if not movable or sum(chosen.values()) == 0:
        return dict(chosen)
    h = model.highs(time_limit, feasibility=True)
    start = model.start_vector(chosen, hires)
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


def optimise(portfolio: Portfolio, *, time_limit: float = 30.0, rel_gap: float = 0.0) -> Plan:
    """The plan of maximum value that satisfies every constraint of ``portfolio``.

    Proven optimal when ``plan.optimal``; otherwise the best plan found within ``time_limit`` seconds (or the first
    within ``rel_gap`` of the bound: 0.001 stops at 0.1 %) and its gap. Raises :class:`CycleError` for cyclic dependencies, :class:`InfeasibleError` (naming a minimal set of
    clashing constraints) when no plan exists, and ``ValidationError`` for malformed input such as negative costs.
    """
    started = time.perf_counter()
    by_id = _check(portfolio)
    model = _Model(portfolio, by_id)
    trivial = float(np.clip(model.objective, 0, None).sum())  # every positive term at once: a bound that always holds
    if _is_set_union_knapsack(model):
        chosen, bound, optimal = _race(model, time_limit - (time.perf_counter() - started), _greedy_start(model))
        hires: dict[tuple[str, int], int] = {}
        value, complete = _plan_value(portfolio, chosen)
        bound = value if optimal else max(min(bound, trivial), value)
    else:
        h, values = _solve(model, time_limit - (time.perf_counter() - started), _greedy_start(model), rel_gap)
        chosen, hires = model.decode(values)
        value, complete = _plan_value(portfolio, chosen)
        if h is None:
            bound, optimal = value, True
        else:
            optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            bound = value if optimal else max(min(float(h.getInfo().mip_dual_bound), trivial), value)
            if optimal and rel_gap > 0:  # stopped within rel_gap: proven only if the bound meets the plan
                bound = max(min(float(h.getInfo().mip_dual_bound), trivial), value)
                optimal = bound - value <= (1.0 - 1e-6 if all(float(v).is_integer() for v in model.objective)
                                            else 1e-6 * max(1.0, abs(value)))
                bound = value if optimal else bound
            if model.hire_columns:
                h = model.highs(1.0)  # a fresh copy without the selection columns
                _strengthen(model, h)
                values = _cheapest(model, h, values, max(time_limit - (time.perf_counter() - started), 0.0) / 2)
                chosen, hires = model.decode(values)
                value, complete = _plan_value(portfolio, chosen)  # stopped within a gap, it may now hold more
                bound = max(bound, value)
    if not optimal and all(float(v).is_integer() for v in model.objective):
        bound = max(math.floor(bound + _EPS), value)
    if len(portfolio.quarters) > 1:
        chosen = _earliest_starts(model, chosen, max(time_limit - (time.perf_counter() - started), 0.0), hires)
    gap = (bound - value) / abs(value) if abs(value) > _EPS else (0.0 if bound - value <= _EPS else math.inf)
    order = [i.id for i in portfolio.initiatives if i.id in chosen]
    roles, n_quarters = {r.id: r for r in portfolio.roles}, len(portfolio.quarters)
    hired = tuple(Hire(r, portfolio.quarters[s], n, opened=portfolio.quarters[max(s - roles[r].lead_quarters, 0)],
                       fixed=min(n, model.fixed.get((r, s), 0)))
                  for (r, s), n in sorted(hires.items(), key=lambda kv: (list(roles).index(kv[0][0]), kv[0][1])))
    hire_cost = float(sum(n * roles[r].price(s, n_quarters) for (r, s), n in hires.items()))
    return Plan(
        selected=tuple(order),
        start={i: portfolio.quarters[chosen[i]] for i in order},
        value=value,
        bound=bound,
        gap=gap,
        optimal=optimal,
        status="optimal" if optimal else "within gap" if rel_gap > 0 and gap <= rel_gap else "time limit",
        seconds=time.perf_counter() - started,
        cost=sum(by_id[i].cost for i in order) + hire_cost,
        bundles=complete,
        hires=hired,
        hire_cost=hire_cost,
        run_rate=float(sum(n * roles[r].cost_per_quarter for (r, _), n in hires.items())),
    )


# --------------------------------------------------------------------------------------------- explaining


def _per_quarter(limit: float | Sequence[float], quarters: int) -> list[float]:
    return [float(limit)] * quarters if isinstance(limit, int | float) else [float(v) for v in limit]


def _capacity_limits(portfolio: Portfolio, hires: Iterable[Hire] = ()) -> dict[tuple[str, int], float]:
    return {(team, q): value for team, values in team_capacity(portfolio, hires).items()
            for q, value in enumerate(values)}


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
        self.hires = {(hire.role, quarter[hire.start]): hire.count for hire in plan.hires}
        self.start = self.model.start_vector({i: quarter[q] for i, q in plan.start.items()}, self.hires)
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

    def run_changed(self, change: str, time_limit: float, rows: Mapping[int, tuple[float, float]] | None = None,
                    columns: Mapping[int, tuple[float, float]] | None = None) -> tuple[WhatIf, set[str]]:
        """The best plan with rows and columns held within new bounds, where the current plan need not be one
        (a change to the hires): its value may be lower; not feasible when no plan allows the change."""
        plan, h, model = self.plan, self.highs, self.model
        rows, columns = rows or {}, columns or {}
        for r, (low, high) in rows.items():
            h.changeRowBounds(r, low, high)
        for c, (low, high) in columns.items():
            h.changeColBounds(c, low, high)
        h.setOptionValue("time_limit", max(time_limit, 0.01))
        h.run()
        info, status = h.getInfo(), h.getModelStatus()
        feasible = status != highspy.HighsModelStatus.kInfeasible
        selected: set[str] = set()
        value = math.nan
        if feasible and info.primal_solution_status:
            selected = set(model.decode(h.getSolution().col_value)[0])
            value = _plan_value(self.portfolio, selected)[0]
        optimal = status == highspy.HighsModelStatus.kOptimal
        bound = value if optimal else float(info.mip_dual_bound) if feasible else math.nan
        for r in rows:
            h.changeRowBounds(r, model.rows.lower[r], model.rows.upper[r])
        for c in columns:
            k = c - model.hire_offset
            h.changeColBounds(c, model.hire_lower[k] if k >= 0 else 0.0, model.hire_upper[k] if k >= 0 else 1.0)
        gap = 0.0 if optimal or not feasible else (
            (bound - value) / abs(value) if abs(value) > _EPS else math.inf)
        before, ids = set(plan.selected), [i.id for i in self.portfolio.initiatives]
        if not info.primal_solution_status:
            before = set()
        return WhatIf(change, value, value - plan.value, tuple(i for i in ids if i in selected - before),
                      tuple(i for i in ids if i in before - selected), optimal, bound, gap, feasible), selected


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
    load, limits = _load(portfolio, by_id, plan), _capacity_limits(portfolio, plan.hires)
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
    reasons = _left_out_reasons(portfolio, by_id, plan, out, budget_left, free)
    if not what_ifs.model.hire_columns and not plan.hires:
        return Explanation(tuple(states), budget_plus, extra, reasons)
    return Explanation(tuple(states), budget_plus, extra, reasons, *_hiring(portfolio, plan, what_ifs, limit))


def _hiring(portfolio: Portfolio, plan: Plan, what_ifs: _WhatIfs, limit: Any,
            ) -> tuple[tuple[WhatIf, ...], WhatIf, tuple[HireUnlock, ...], float | None]:
    """The hiring part of an explanation: the what-ifs on the hires, the best plan without hiring, what each
    hire unlocks and the value per 10k spent on people."""
    model, quarters = what_ifs.model, len(portfolio.quarters)
    hire_columns = model.hire_column_of
    decided = {c: (float(model.fixed.get(k, 0)),) * 2 for k, c in hire_columns.items()}  # the fixed hires only
    chosen_hires = {k: n - model.fixed.get(k, 0) for k, n in what_ifs.hires.items() if n > model.fixed.get(k, 0)}
    if chosen_hires:
        without, _ = what_ifs.run_changed("without hiring", limit(), columns=decided)
    else:
        without = WhatIf("without hiring", plan.value, 0.0, (), (), True, plan.value, 0.0)
    changes: list[WhatIf] = []
    counts: dict[str, int] = defaultdict(int)
    for (role_id, _), n in what_ifs.hires.items():
        counts[role_id] += n
    for role in portfolio.roles:
        row = model.hire_rows.get(role.id)
        if row is None:
            continue
        n = counts[role.id]
        changes.append(what_ifs.run_changed(f"one more hire of role {role.id}", limit(),
                                            rows={row: (n + 1.0, n + 1.0)})[0])
        if n > sum(f for (r, _), f in model.fixed.items() if r == role.id):
            changes.append(what_ifs.run_changed(f"one fewer hire of role {role.id}", limit(),
                                                rows={row: (n - 1.0, n - 1.0)})[0])
    if chosen_hires:  # the plan's own hires a quarter later; the decided ones stay
        later = dict(decided)
        for (role_id, s), n in chosen_hires.items():
            if s + 1 < quarters and (role_id, s + 1) in hire_columns:
                count = later[hire_columns[(role_id, s + 1)]][0] + n
                later[hire_columns[(role_id, s + 1)]] = (count, count)
        changes.append(what_ifs.run_changed("hire one quarter later", limit(), columns=later)[0])
    unlocks = []
    index = {q: k for k, q in enumerate(portfolio.quarters)}
    for hire in plan.hires:
        key = (hire.role, index[hire.start])
        fixed = {c: (float(what_ifs.hires.get(k, 0)),) * 2 for k, c in hire_columns.items()}
        fixed[hire_columns[key]] = (0.0, 0.0)
        change, selected = what_ifs.run_changed(f"without {hire.count} × {hire.role} in {hire.start}", limit(),
                                                columns=fixed)
        found = math.isfinite(change.value)  # nothing found in time: claim nothing
        unlocks.append(HireUnlock(hire, tuple(i for i in plan.selected if i not in selected) if found else ()))
    gained = plan.value - without.value if math.isfinite(without.value) else math.nan
    spent = sum(n * model.roles[r].price(s, quarters) for (r, s), n in chosen_hires.items())
    per_10k = gained / (spent / 10_000) if spent > 0 and math.isfinite(gained) else None
    return tuple(changes), without, tuple(unlocks), per_10k


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
