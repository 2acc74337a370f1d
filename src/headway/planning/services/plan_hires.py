"""The hiring part of an optimised plan: which hires, opened when and starting when, what each unlocks, the value
per 10k spent on people, the run-rate the hires add after the plan, and the what-ifs on the hires."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, Field

from headway.planning.engine import portfolio as engine


class PlanHire(BaseModel):
    """People of one role the plan hires in one quarter."""

    role: str
    team: str
    count: int
    opened: str = Field(description="the quarter the role opens (start less the lead time)")
    start: str
    cost: float = Field(description="money these hires cost within the plan (recruiting and loaded cost)")
    cost_per_quarter: float = Field(description="what these hires cost a quarter, after the plan too")
    decided: int = Field(default=0, description="how many of them the hiring plan already holds (approved or open "
                                                "openings, fed to the optimiser as fixed hires)")


class HireUnlock(BaseModel):
    """What one hire of the plan unlocks: the initiatives the best plan without it leaves out."""

    role: str
    start: str
    count: int
    text: str
    unlocks: list[int]


class HiringWhatIf(BaseModel):
    """The best plan after one change to the hires ("one more hire of role R", "hire one quarter later")."""

    change: str
    feasible: bool = Field(description="false when no plan allows the change (the budget cannot pay for it)")
    value: float | None
    delta: float | None
    added: list[int]
    removed: list[int]
    optimal: bool


class HireCapacity(BaseModel):
    """One team in one quarter of the plan: its own person-weeks (after attrition), what the plan's hires add on
    their ramp less their mentoring, and the person-weeks the plan puts on it."""

    team: str
    quarter: str
    capacity_weeks: float = Field(description="the team's own person-weeks, after attrition")
    hire_weeks: float = Field(description="person-weeks the plan's hires add (on their ramp, less mentoring)")
    planned_weeks: float


class HiringResult(BaseModel):
    """Hiring inside the plan: the teams allowed to hire, the hires, their cost, and (with the explanation) what
    they unlock and the what-ifs."""

    teams: list[str]
    hires: list[PlanHire]
    hire_cost: float
    run_rate: float = Field(description="what the hires cost a quarter after the plan's last quarter")
    value_without_hiring: float | None = None
    value_per_10k: float | None = Field(default=None, description="value the hires add per 10,000 spent on them")
    unlocks: list[HireUnlock] = []
    what_ifs: list[HiringWhatIf] = []
    capacity: list[HireCapacity] = Field(default=[], description="the hiring teams' capacity each quarter, with "
                                                                 "what the hires add")


def _finite(number: float) -> float | None:
    return round(number, 4) if math.isfinite(number) else None


def _capacity(problem: engine.Portfolio, plan: engine.Plan) -> list[HireCapacity]:
    """The capacity rows of the teams that have roles: own, added by the hires, planned."""
    own, hired = engine.team_capacity(problem), engine.team_capacity(problem, plan.hires)
    index = {q: k for k, q in enumerate(problem.quarters)}
    by_id = {i.id: i for i in problem.initiatives}
    planned: dict[tuple[str, int], float] = {}
    for item, quarter in plan.start.items():
        initiative = by_id[item]
        for team, effort in initiative.effort.items():
            for q in range(index[quarter], index[quarter] + initiative.duration):
                planned[(team, q)] = planned.get((team, q), 0.0) + effort / initiative.duration
    teams = list(dict.fromkeys(r.team for r in problem.roles))
    return [HireCapacity(team=t, quarter=label, capacity_weeks=round(own[t][q], 2),
                         hire_weeks=round(hired[t][q] - own[t][q], 2), planned_weeks=round(planned.get((t, q), 0.0), 2))
            for t in teams if t in own for q, label in enumerate(problem.quarters)]


def hiring_result(teams: Sequence[str], problem: engine.Portfolio, plan: engine.Plan,
                  why: engine.Explanation | None, pk: Callable[[str], int],
                  names: Callable[[str], str]) -> HiringResult:
    """The plan's hires (and, with ``why``, what they unlock and the what-ifs) for the faces; ``pk`` turns an
    engine initiative id into the initiative's id, ``names`` puts titles into engine text."""
    roles: Mapping[str, engine.Role] = {r.id: r for r in problem.roles}
    index = {q: k for k, q in enumerate(problem.quarters)}
    hires = [PlanHire(role=h.role, team=roles[h.role].team, count=h.count, opened=h.opened, start=h.start,
                      cost=round(h.count * roles[h.role].price(index[h.start], len(problem.quarters)), 2),
                      cost_per_quarter=round(h.count * roles[h.role].cost_per_quarter, 2), decided=h.fixed)
             for h in plan.hires]
    result = HiringResult(teams=list(teams), hires=hires, hire_cost=round(plan.hire_cost, 2),
                          run_rate=round(plan.run_rate, 2), capacity=_capacity(problem, plan))
    if why is not None:
        without = why.without_hiring
        result.value_without_hiring = _finite(without.value) if without else None
        result.value_per_10k = None if why.value_per_10k is None else round(why.value_per_10k, 4)
        result.unlocks = [HireUnlock(role=u.hire.role, start=u.hire.start, count=u.hire.count, text=names(u.text),
                                     unlocks=[pk(i) for i in u.unlocks]) for u in why.unlocks]
        result.what_ifs = [HiringWhatIf(change=w.change, feasible=w.feasible, value=_finite(w.value),
                                        delta=_finite(w.delta), added=[pk(i) for i in w.added],
                                        removed=[pk(i) for i in w.removed], optimal=w.optimal)
                           for w in why.hiring]
    return result
