"""A primal heuristic for the portfolio MILP (issue 18): a greedy fill guided by the LP relaxation, a short
large-neighbourhood search (drop a few chosen columns or make room for one, nudge a hire, refill in a shuffled
priority order, keep what is no worse) on the model's rows as plain arrays, so every move is checked against every
row it touches; then fix-and-optimise, team by team, with HiGHS. Its plan is handed to HiGHS as the starting
incumbent of a capacity-bound multi-quarter plan.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

__all__ = ["LOCAL_SHARE", "Rows", "fix_and_optimise", "improve", "plan_start"]

_TOL = 1e-7
LOCAL_SHARE = 0.1  # of plan_start's time, for the local search; the rest re-solves team by team


@dataclass(frozen=True)
class Rows:
    """A ``lower <= A x <= upper`` system in compressed-row form (``starts[r]`` opens row ``r`` in ``index``/``value``)."""

    starts: Sequence[int]
    index: Sequence[int]
    value: Sequence[float]
    lower: Sequence[float]
    upper: Sequence[float]


class _State:
    """A vector ``x``, its row activities and the objective, with moves that keep every touched row no worse."""

    def __init__(self, rows: Rows, n: int, objective: Sequence[float], x: Sequence[float]) -> None:
        self.lower, self.upper, self.objective = list(rows.lower), list(rows.upper), list(objective)
        self.by_column: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        self.loaders: list[list[int]] = [[] for _ in self.lower]  # the columns that fill each row
        ends = [*rows.starts[1:], len(rows.index)]
        self.activity = [0.0] * len(self.lower)
        for r, (a, b) in enumerate(zip(rows.starts, ends, strict=True)):
            for c, v in zip(rows.index[a:b], rows.value[a:b], strict=True):
                self.by_column[c].append((r, v))
                if v > 0:
                    self.loaders[r].append(c)
                self.activity[r] += v * x[c]
        self.x = list(x)
        self.value = sum(o * v for o, v in zip(self.objective, self.x, strict=True))

    def can(self, c: int, delta: float) -> bool:
        """Whether ``x[c] += delta`` leaves every row it touches feasible or no less feasible than before."""
        activity, lower, upper = self.activity, self.lower, self.upper
        for r, v in self.by_column[c]:
            old = activity[r]
            new = old + v * delta
            if new > upper[r] + _TOL and new > old:
                return False
            if new < lower[r] - _TOL and new < old:
                return False
        return True

    def move(self, c: int, delta: float) -> None:
        activity = self.activity
        for r, v in self.by_column[c]:
            activity[r] += v * delta
        self.x[c] += delta
        self.value += self.objective[c] * delta

    def feasible(self) -> bool:
        return all(lo - _TOL <= a <= up + _TOL for a, lo, up in zip(self.activity, self.lower, self.upper, strict=True))

    def snapshot(self) -> tuple[list[float], list[float], float]:
        return list(self.x), list(self.activity), self.value

    def restore(self, saved: tuple[list[float], list[float], float]) -> None:
        self.x, self.activity, self.value = list(saved[0]), list(saved[1]), saved[2]


def _fill(state: _State, order: Sequence[int]) -> None:
    """Set each 0/1 column of ``order`` that still fits to 1, in two passes (a prerequisite later in the order
    lets its dependant in on the second)."""
    for _ in range(2):
        changed = False
        for c in order:
            if state.x[c] < 0.5 and state.objective[c] >= 0 and state.can(c, 1.0):
                state.move(c, 1.0)
                changed = True
        if not changed:
            return


def improve(rows: Rows, objective: Sequence[float], money: Sequence[float], binary: Sequence[int],
            integer: Sequence[int], upper: Sequence[float], lower: Sequence[float], x0: Sequence[float],
            priority: Sequence[float], *, seconds: float, stall: int = 2000, seed: int = 0) -> list[float] | None:
    """A feasible integer vector of high objective: the greedy fill of ``x0`` (the integer columns as given, the 0/1
    columns of ``binary`` in ``priority`` order, highest first), then a large-neighbourhood search for ``seconds``
    or until ``stall`` moves in a row found nothing better. Ties go to the plan that spends less ``money``.
    None when the fill cannot satisfy every row (a lower bound such as a must-have it did not reach)."""
    deadline = time.perf_counter() + seconds
    rng = random.Random(seed)
    state = _State(rows, len(objective), objective, x0)
    base = sorted(binary, key=lambda c: -priority[c])
    _fill(state, base)
    if not state.feasible():
        return None

    def spent() -> float:
        return sum(m * v for m, v in zip(money, state.x, strict=True))

    best, best_money = state.snapshot(), spent()
    noisy = [priority[c] for c in range(len(objective))]
    stalled = 0
    while time.perf_counter() < deadline and stalled < stall:
        stalled += 1
        chosen = [c for c in binary if state.x[c] > 0.5]
        if rng.random() < 0.5:
            _eject(state, rng.choice(binary), rng)
        elif chosen:
            for c in rng.sample(chosen, min(len(chosen), rng.randint(1, 4))):
                if state.can(c, -1.0):
                    state.move(c, -1.0)
        if integer and rng.random() < 0.3:
            c = rng.choice(integer)
            step = rng.choice((-1.0, 1.0))
            if lower[c] <= state.x[c] + step <= upper[c] and state.can(c, step):
                state.move(c, step)
        for c in binary:
            noisy[c] = priority[c] * rng.uniform(0.7, 1.3) + rng.random() * 1e-3
        _fill(state, sorted(binary, key=lambda c: -noisy[c]))
        if state.feasible() and (state.value > best[2] + _TOL
                                 or (state.value > best[2] - _TOL and spent() < best_money - _TOL)):
            best, best_money, stalled = state.snapshot(), spent(), 0
        elif not state.feasible() or state.value < best[2] - _TOL:
            state.restore(best)
    return best[0]


def _eject(state: _State, u: int, rng: random.Random) -> None:
    """Make room for column ``u`` (unchosen): in each row it would overfill, drop chosen columns that load the row,
    in random order, until ``u`` fits; then take it (or leave the plan as the drops left it)."""
    if state.x[u] > 0.5 or state.objective[u] <= 0:
        return
    for r, v in state.by_column[u]:
        if v <= 0:
            continue
        loaders = [c for c in state.loaders[r] if c != u and state.x[c] > 0.5]
        rng.shuffle(loaders)
        for c in loaders:
            if state.activity[r] + v <= state.upper[r] + _TOL:
                break
            if state.can(c, -1.0):
                state.move(c, -1.0)
    if state.can(u, 1.0):
        state.move(u, 1.0)


def fix_and_optimise(h: Any, x: Sequence[float], objective: Sequence[float], neighbourhoods: Sequence[Sequence[int]],
                     upper: Sequence[float], lower: Sequence[float], *, seconds: float,
                     each: float = 0.5) -> list[float]:
    """Improve the feasible integer vector ``x`` on the HiGHS model ``h`` (a MILP maximising ``objective``): in
    turn, free the columns of one neighbourhood (their bounds ``lower``..``upper``), fix every other column at its
    value in ``x``, and solve that small MILP for at most ``each`` seconds from ``x``; keep what is better. Stops
    after ``seconds`` or a round through every neighbourhood that found nothing better. ``h``'s bounds and
    time limit are restored."""
    deadline = time.perf_counter() + seconds
    n = len(x)
    columns = np.arange(n, dtype=np.int32)
    saved_limit = float(h.getOptionValue("time_limit")[1])
    best, value = [float(v) for v in x], float(np.dot(objective, x))
    idle = 0
    k = 0
    while idle < len(neighbourhoods) and time.perf_counter() < deadline:
        free = set(neighbourhoods[k % len(neighbourhoods)])
        k += 1
        lo = np.array([lower[c] if c in free else best[c] for c in range(n)], dtype=float)
        up = np.array([upper[c] if c in free else best[c] for c in range(n)], dtype=float)
        h.changeColsBounds(n, columns, lo, up)
        h.setOptionValue("time_limit", max(min(each, deadline - time.perf_counter()), 0.01))
        solution = highspy.HighsSolution()
        solution.col_value = best
        solution.value_valid = True
        h.setSolution(solution)
        h.run()
        idle += 1
        if h.getInfo().primal_solution_status:
            found = [float(round(v)) for v in h.getSolution().col_value]
            if float(np.dot(objective, found)) > value + 1e-6:
                best, value, idle = found, float(np.dot(objective, found)), 0
    h.changeColsBounds(n, columns, np.array(lower, dtype=float), np.array(upper, dtype=float))
    h.setOptionValue("time_limit", saved_limit)
    return best


def plan_start(model: Any, h: Any, seconds: float) -> list[float] | None:
    """A packing-aware starting plan for the portfolio model ``model`` (a ``portfolio._Model``; ``h`` its HiGHS copy,
    strengthened): the LP relaxation orders the columns for :func:`improve` (a greedy fill and a short local search
    from the LP's hires rounded down), then :func:`fix_and_optimise` re-solves each team's part of the plan (its
    initiatives, also those shared with other teams, and its hires) with the rest fixed."""
    started, n = time.perf_counter(), model.n_columns
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.uint8))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x_lp = list(h.getSolution().col_value)
    scale = max(float(np.abs(model.objective).max()), 1.0)
    priority = [x_lp[c] + 1e-3 * model.objective[c] / scale for c in range(n)]
    hired = list(range(model.hire_offset, n))
    lower = [0.0] * model.hire_offset + model.hire_lower
    upper = [1.0] * model.hire_offset + model.hire_upper
    x0 = [0.0] * model.hire_offset + [max(float(np.floor(x_lp[c] + 1e-6)), lower[c]) for c in hired]
    r = model.rows
    rows = Rows(r.starts, r.index, r.value, r.lower, r.upper)
    found = improve(rows, model.objective.tolist(), model.money().tolist(), range(model.hire_offset), hired, upper,
                    lower, x0, priority, seconds=seconds * LOCAL_SHARE)
    if found is None:
        return None
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, dtype=np.uint8))
    teams = sorted(model.portfolio.capacity)
    touching: dict[str, list[int]] = {t: [] for t in teams}
    for c, (i, _) in enumerate(model.columns):
        for t in model.by_id[i].effort:
            if t in touching:
                touching[t].append(c)
    for (role, _), c in model.hire_column_of.items():
        touching[model.roles[role].team].append(c)
    bundles = range(len(model.columns), model.hire_offset)
    teams_free = [sorted({*bundles, *touching[t]}) for t in teams]
    return fix_and_optimise(h, found, model.objective.tolist(), teams_free or [list(range(n))], upper, lower,
                            seconds=seconds - (time.perf_counter() - started), each=1.0)
