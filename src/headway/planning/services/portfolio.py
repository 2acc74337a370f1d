"""The optimal portfolio: an optimiser request checked once (:func:`plan_request`), the engine's problem built
from the open initiatives and teams (:func:`build_portfolio`), and the best plan with its explanation
(:func:`optimise`), saved as a scenario when named."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.engine import portfolio as engine
from headway.planning.models import Dependency, Initiative, PlanningTeam, Score, Stage
from headway.planning.services._common import MAX_QUARTERS, ids_into, with_relations
from headway.planning.services.hiring import attrition_rates, engine_roles
from headway.planning.services.initiatives import cost, effort_weeks
from headway.planning.services.links import resolve_goal
from headway.planning.services.openings import decided_hires
from headway.planning.services.plan_hires import HiringResult, hiring_result
from headway.planning.services.quarters import quarter_index, quarter_label, quarters
from headway.planning.services.scoring import get_scoring_model
from headway.planning.services.tradeoffs import MIX_KINDS, MixRow, mix_kind, mix_of, parse_mix

OBJECTIVES = "score (the primary setup, 0-100), score:SETUP, demand, or value (user x weight + business x weight)"


@dataclass(frozen=True)
class PlanRequest:
    """What to optimise and under which constraints (see :func:`plan_request` for the accepted input)."""

    budget: float | None = None
    quarters: int = 4
    start: str | None = None
    objective: str = "score"
    user_weight: float = 1.0
    business_weight: float = 1.0
    must: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    extra_headcount: Mapping[str, int] = field(default_factory=dict)
    mix_min: Mapping[str, float] = field(default_factory=dict)
    mix_max: Mapping[str, float] = field(default_factory=dict)
    target_mix: str = "70/20/10"
    cover_goals: tuple[int, ...] = ()
    """Ids of goals at least one chosen initiative must serve (:func:`plan_request` also takes titles)."""
    time_limit: float = 10.0
    hire: tuple[str, ...] = ()
    """Teams the optimiser may hire in (their roles; see :mod:`headway.planning.services.hiring`)."""
    decided: bool = True
    """With ``hire``: the hiring plan's approved and open openings are fixed hires of the plan (already decided: it
    pays for them and counts their ramp); false leaves them out."""


class NamedInitiative(BaseModel):
    id: int
    title: str


class WhatIfPlan(BaseModel):
    """The best plan after one change, and how sure it is."""

    change: str
    value: float
    delta: float
    added: list[NamedInitiative]
    removed: list[NamedInitiative]
    optimal: bool = Field(description="proven optimal")
    bound: float | None = Field(description="the highest value the change could bring (None: no bound found)")
    gap: float | None = Field(description="(bound - value) / value; 0 when proven")
    certainty: str = Field(description="'proven', 'within 0.1 %' or 'bound unknown'")


class PlanItem(BaseModel):
    """A chosen initiative and the quarter it starts in."""

    id: int
    title: str
    kind: str
    team: str
    quarter: str
    duration: int = Field(description="quarters it runs, from its start quarter")
    cost: float
    effort_weeks: float
    value: float


class ConstraintUse(BaseModel):
    """How much of one limit (the budget, a team's capacity in a quarter, a mix bound) the plan uses."""

    name: str
    used: float
    limit: float
    binding: bool


class LeftOut(BaseModel):
    """An initiative the plan leaves out, and why."""

    id: int
    title: str
    reason: str


class OptimisedPlan(BaseModel):
    """The optimal plan; with ``explain`` also the constraints, what-ifs and why each left-out item is out (those
    fields are left unset without it)."""

    scenario: str | None
    request: PlanRequest
    quarters: list[str]
    value: float
    bound: float
    gap: float | None
    optimal: bool
    certainty: str
    status: str
    seconds: float
    cost: float
    budget: float | None
    items: list[PlanItem]
    mix: list[MixRow]
    constraints: list[ConstraintUse] | None = None
    binding: list[str] | None = None
    budget_plus_10: WhatIfPlan | None = None
    extra_engineer: dict[str, WhatIfPlan | None] | None = None
    left_out: list[LeftOut] | None = None
    hiring: HiringResult | None = None


def _goal_ids(values: Any, problems: Problems, actor: User | None) -> tuple[int, ...]:
    """Goals to cover, each given by id or title, resolved once to the workspace's goal rows (their ids)."""
    items = [values] if isinstance(values, str | int) else list(values or [])
    ids: list[int] = []
    for value in items:
        try:
            goal = resolve_goal(actor, value)
        except ValidationError as exc:
            problems[f"cover_goals.{value}"] = exc.message.rstrip(".")
            continue
        if goal is not None and goal.pk not in ids:
            ids.append(goal.pk)
    return tuple(ids)


def _shares(values: Mapping[str, Any], name: str, problems: Problems) -> dict[str, float]:
    clean = {}
    for kind, share in (values or {}).items():
        if kind not in MIX_KINDS:
            problems[f"{name}.{kind}"] = f"the mix has {', '.join(MIX_KINDS)} (tech debt counts as maintain)"
            continue
        number = problems.number(share, f"{name}.{kind}")
        if number > 1:
            number /= 100  # 70 means 70 %
        if not 0 <= number <= 1:
            problems[f"{name}.{kind}"] = "give a share between 0 and 1 (or a percentage)"
        clean[kind] = number
    return clean


TIME_LIMIT_CAPS: dict[str, float] = {"viewer": 10.0}
"""The longest optimiser run (seconds) each role may ask for; a role not listed gets :data:`TIME_LIMIT_CAP`."""
TIME_LIMIT_CAP = 60.0
"""The longest optimiser run (seconds) of a signed-in user whose role is not in :data:`TIME_LIMIT_CAPS`."""
SYSTEM_TIME_LIMIT_CAP = 600.0
"""The longest optimiser run (seconds) of the system operator (the CLI, ``actor=None``)."""


def time_limit_cap(actor: User | None) -> float:
    """The longest optimiser time limit ``actor`` may ask for: viewer 10 s, other roles 60 s, the system 600 s."""
    if actor is None:
        return SYSTEM_TIME_LIMIT_CAP
    return TIME_LIMIT_CAPS.get(str(getattr(actor, "role", "")), TIME_LIMIT_CAP)


def _role_name(actor: User | None) -> str:
    return "the system" if actor is None else f"a {str(getattr(actor, 'role', '')).replace('_', ' ')}"


def plan_request(data: Mapping[str, Any] | PlanRequest | None = None, *, actor: User | None = None,
                 **overrides: Any) -> PlanRequest:
    """Check an optimiser request given as plain data (goals to cover are looked up as ``actor``); one error
    lists every problem."""
    if isinstance(data, PlanRequest):
        return data
    raw = {**(data or {}), **{k: v for k, v in overrides.items() if v is not None}}
    problems = Problems()
    for key in sorted(set(raw) - set(PlanRequest.__dataclass_fields__)):
        problems[key] = f"unknown option; the optimiser takes {', '.join(PlanRequest.__dataclass_fields__)}"
    budget: float | None = None
    if raw.get("budget") not in (None, ""):
        budget = problems.number(raw["budget"], "budget", low=None)
        if "budget" not in problems and budget < 0:
            problems["budget"] = f"a budget cannot be negative ({budget:g}): give the money available, e.g. 2000000"
    count = problems.number(raw.get("quarters", 4), "quarters", low=1)
    if "quarters" not in problems and (count != int(count) or count > MAX_QUARTERS):
        problems["quarters"] = f"plan 1 to {MAX_QUARTERS} whole quarters"
    start = raw.get("start") or None
    if start:
        try:
            start = quarter_label(quarter_index(str(start)))
        except ValidationError as exc:
            problems["start"] = exc.message
    objective = str(raw.get("objective") or "score").strip()
    if objective not in ("score", "demand", "value") and not objective.startswith("score:"):
        problems["objective"] = f"{objective!r} is not an objective: use {OBJECTIVES}"
    extra = {}
    for team, people in (raw.get("extra_headcount") or {}).items():
        number = problems.number(people, f"extra_headcount.{team}", low=None)
        extra[str(team)] = int(number) if math.isfinite(number) else 0
    time_limit = problems.number(raw.get("time_limit", 10.0), "time_limit", low=0.1)
    cap = time_limit_cap(actor)
    if "time_limit" not in problems and time_limit > cap:
        problems["time_limit"] = (f"at most {cap:g} seconds for {_role_name(actor)}: give a smaller time_limit "
                                  "(a longer run needs a product leader or admin, or the system operator)")
    request = PlanRequest(
        budget=budget, quarters=int(count) if "quarters" not in problems else 4, start=start, objective=objective,
        user_weight=problems.number(raw.get("user_weight", 1.0), "user_weight"),
        business_weight=problems.number(raw.get("business_weight", 1.0), "business_weight"),
        must=ids_into(raw.get("must"), "must", problems), exclude=ids_into(raw.get("exclude"), "exclude", problems),
        extra_headcount=extra, mix_min=_shares(raw.get("mix_min") or {}, "mix_min", problems),
        mix_max=_shares(raw.get("mix_max") or {}, "mix_max", problems),
        target_mix=str(raw.get("target_mix") or "70/20/10"),
        cover_goals=_goal_ids(raw.get("cover_goals"), problems, actor),
        time_limit=time_limit, hire=_teams(raw.get("hire")),
        decided=str(raw.get("decided", True)).strip().lower() not in ("false", "0", "no", "off", ""),
    )
    try:
        parse_mix(request.target_mix)
    except ValidationError as exc:
        problems["target_mix"] = exc.message
    problems.raise_if_any("The optimiser request is not valid")
    return request


def _teams(value: Any) -> tuple[str, ...]:
    """Team names from ``"web,app"`` or a list, each once."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    return tuple(dict.fromkeys(str(v).strip() for v in items if str(v).strip()))


def _objective_values(request: PlanRequest, initiatives: list[Initiative]) -> dict[int, float]:
    if request.objective == "demand":
        return {i.pk: i.demand_score for i in initiatives}
    if request.objective == "value":
        return {i.pk: request.user_weight * i.user_value + request.business_weight * i.business_value
                for i in initiatives}
    name = request.objective.split(":", 1)[1] if ":" in request.objective else None
    model = get_scoring_model(None, name)
    latest: dict[int, float] = {}
    for pk, norm in Score.objects.filter(model=model).order_by("computed_at", "id").values_list("initiative_id",
                                                                                               "normalised"):
        latest[pk] = norm
    return {i.pk: latest.get(i.pk, 0.0) for i in initiatives}


def _key(pk: int) -> str:
    return f"#{pk}"


def _pk(key: str) -> int:
    return int(key.lstrip("#"))


def build_portfolio(actor: User | None, request: PlanRequest, *,
                    today: date | None = None) -> tuple[engine.Portfolio, dict[int, Initiative]]:
    """The engine's :class:`Portfolio` for a request: every initiative not yet shipped is a candidate (parked ones,
    and ones running longer than the plan, only as must-not prerequisites), teams give their capacity each quarter
    and a multi-quarter initiative takes its effort evenly from every quarter it runs in."""
    from headway.strategy import services as strategy

    span = quarters(request.start, request.quarters, today=today)
    live = list(with_relations(Initiative.objects.exclude(stage__in=[Stage.SHIPPED, Stage.MEASURED])))
    by_pk = {i.pk: i for i in live}
    problems = Problems({f"must.{pk}": f"there is no open initiative {pk}" for pk in request.must if pk not in by_pk})
    problems.update({f"exclude.{pk}": f"there is no open initiative {pk}" for pk in request.exclude
                     if pk not in by_pk})
    teams = {t.name: t for t in PlanningTeam.objects.all()}
    problems.update({f"extra_headcount.{t}": "there is no such team" for t in request.extra_headcount
                     if t not in teams})
    covered = {g.pk: g for g in strategy.list_goals(actor) if g.pk in request.cover_goals} if request.cover_goals \
        else {}
    problems.update({f"cover_goals.{pk}": f"there is no goal {pk} (`headway goal list` shows them)"
                     for pk in request.cover_goals if pk not in covered})
    problems.update({f"must.{pk}": f"#{pk} {by_pk[pk].title} runs {by_pk[pk].duration} quarters, longer than the "
                     f"{len(span)} planned: plan more quarters or leave it out of must-have"
                     for pk in request.must if pk in by_pk and by_pk[pk].duration > len(span)})
    problems.raise_if_any("The optimiser request names unknown things")
    values = _objective_values(request, live)
    too_long = {_key(i.pk) for i in live if i.duration > len(span)}
    items = [engine.Initiative(id=_key(i.pk), value=round(values[i.pk], 6), cost=cost(i),
                               effort={e.team.name: e.weeks for e in i.efforts.all()}, kind=mix_kind(i.kind),
                               duration=min(i.duration, len(span)),
                               goals=frozenset({_goal_key(i.goal)}) if i.goal else frozenset()) for i in live]
    requires, conflicts = [], []
    for source, target, kind in Dependency.objects.filter(source__in=live).values_list("source_id", "target_id",
                                                                                       "type"):
        if kind == Dependency.Type.REQUIRES and target in by_pk:
            requires.append((_key(source), _key(target)))
        elif kind == Dependency.Type.CONFLICTS and target in by_pk:
            conflicts.append((_key(source), _key(target)))
    parked = {_key(i.pk) for i in live if i.stage == Stage.PARKED}
    mix = [engine.MixBound(kind, request.mix_min.get(kind, 0.0), request.mix_max.get(kind, 1.0))
           for kind in MIX_KINDS if kind in request.mix_min or kind in request.mix_max]
    capacity: dict[str, float | list[float]] = {
        name: t.capacity_weeks + request.extra_headcount.get(name, 0) * t.weeks_per_quarter
        for name, t in teams.items()}
    roles: list[engine.Role] = engine_roles(request.hire) if request.hire else []
    fixed: list[engine.Hire] = []
    if request.hire and request.decided:  # the openings already approved or open are hires it makes for sure
        more, fixed = decided_hires(span, roles)
        roles += [r for r in more if r.team in capacity]
        fixed = [h for h in fixed if h.role in {r.id for r in roles}]
    problem = engine.Portfolio(
        initiatives=items, quarters=span, budget=request.budget, capacity=capacity, requires=requires,
        conflicts=conflicts, must_have=frozenset(_key(pk) for pk in request.must),
        must_not=frozenset({_key(pk) for pk in request.exclude} | parked | too_long), mix=mix, mix_basis="cost",
        cover_goals=frozenset(_goal_key(covered[pk]) for pk in request.cover_goals),
        roles=roles, attrition=attrition_rates(), fixed_hires=fixed)
    return problem, by_pk


def _goal_key(goal: Any) -> str:
    """How the engine names a goal: its title with its id, so goals that share a title stay apart."""
    return f"{goal.title} (goal {goal.pk})"


def _names(text: str, by_pk: Mapping[int, Initiative]) -> str:
    """Engine text with ``#12`` ids followed by the initiative's title."""
    return re.sub(r"#(\d+)", lambda m: f"#{m.group(1)} {by_pk[int(m.group(1))].title}"
                  if int(m.group(1)) in by_pk else m.group(0), text)


def _finite(number: float, digits: int = 4) -> float | None:
    """A number for JSON: rounded, or None when it is infinite or not a number."""
    return round(number, digits) if math.isfinite(number) else None


def certainty(optimal: bool, gap: float | None) -> str:
    """How sure a result is, in words: ``proven`` (optimal), ``within 0.1 %`` of the best possible, or
    ``bound unknown`` when the solver had no bound in its time."""
    if optimal:
        return "proven"
    if gap is None or not math.isfinite(gap):
        return "bound unknown"
    percent = max(gap * 100, 0.01)
    return f"within {percent:.2g} %" if percent < 100 else f"within {percent:,.0f} %"


def _what_if(change: engine.WhatIf | None, by_pk: Mapping[int, Initiative]) -> WhatIfPlan | None:
    """An engine what-if with the initiatives' titles, and how sure it is: ``optimal`` (proven), the best
    ``bound`` on the value the change could bring, the relative ``gap`` to it and ``certainty`` in words."""
    if change is None:
        return None
    gap = 0.0 if change.optimal else _finite(change.gap, 6)
    return WhatIfPlan(change=change.change, value=round(change.value, 4), delta=round(change.delta, 4),
                      added=[NamedInitiative(id=_pk(k), title=by_pk[_pk(k)].title) for k in change.added],
                      removed=[NamedInitiative(id=_pk(k), title=by_pk[_pk(k)].title) for k in change.removed],
                      optimal=change.optimal, bound=_finite(change.value if change.optimal else change.bound),
                      gap=gap, certainty=certainty(change.optimal, gap))


def optimise(actor: User | None, request: Mapping[str, Any] | PlanRequest | None = None, *,
             scenario: str | None = None, explain: bool = True, today: date | None = None) -> OptimisedPlan:
    """The best plan under the request's constraints (HiGHS MILP through the planning engine), with its
    explanation; saved as a scenario when ``scenario`` is named (needs plans.edit)."""
    from headway.planning.services.scenarios import save_scenario

    check(actor, Perm.EDIT_PLANS if scenario else Perm.VIEW_WORKSPACE)
    request = plan_request(request, actor=actor)
    problem, by_pk = build_portfolio(actor, request, today=today)
    time_limit = min(request.time_limit, time_limit_cap(actor))  # a PlanRequest built elsewhere is capped too
    try:
        plan = engine.optimise(problem, time_limit=time_limit)
    except (engine.InfeasibleError, engine.CycleError) as exc:
        raise type(exc)(_names(exc.message, by_pk), details=exc.details) from None
    values = {_pk(i.id): i.value for i in problem.initiatives}
    chosen = [by_pk[_pk(k)] for k in plan.selected]
    items = [PlanItem(id=i.pk, title=i.title, kind=i.kind, team=i.team.name if i.team else "",
                      quarter=plan.start[_key(i.pk)], duration=i.duration, cost=round(cost(i), 2),
                      effort_weeks=effort_weeks(i), value=round(values[i.pk], 4)) for i in chosen]
    gap = _finite(plan.gap, 6)
    result = OptimisedPlan(scenario=scenario, request=request, quarters=list(problem.quarters),
        value=round(plan.value, 4), bound=round(plan.bound, 4), gap=gap,
        optimal=plan.optimal, certainty=certainty(plan.optimal, gap), status=plan.status,
        seconds=round(plan.seconds, 3), cost=round(plan.cost, 2), budget=request.budget, items=items,
        mix=mix_of(chosen, request.target_mix))
    why = None
    if explain:
        why = engine.explain(problem, plan, engineer_weeks=float(max(
            [t.weeks_per_quarter for t in PlanningTeam.objects.all()] or [12])), time_limit=time_limit)
        result.constraints = [ConstraintUse(name=_names(c.name, by_pk), used=round(c.used, 4),
                                            limit=round(c.limit, 4), binding=c.binding) for c in why.constraints]
        result.binding = [c.name for c in result.constraints if c.binding]
        result.budget_plus_10 = _what_if(why.budget_plus_10, by_pk)
        result.extra_engineer = {team: _what_if(w, by_pk) for team, w in why.extra_engineer.items()}
        result.left_out = [LeftOut(id=_pk(k), title=by_pk[_pk(k)].title, reason=_left_out_reason(
            by_pk[_pk(k)], _names(reason, by_pk), request, len(problem.quarters)))
            for k, reason in why.left_out.items() if by_pk[_pk(k)].stage != Stage.PARKED]
    if request.hire:
        result.hiring = hiring_result([r.team for r in problem.roles if r.max_per_quarter != 0], problem, plan, why, _pk,
                                      lambda text: _names(text, by_pk))
        result.hiring.teams = list(dict.fromkeys(result.hiring.teams))
    if scenario:
        save_scenario(actor, scenario, result)
    return result


def _left_out_reason(initiative: Initiative, reason: str, request: PlanRequest, planned: int) -> str:
    """The engine's reason, or why the service ruled an initiative out itself (too long for the plan)."""
    if initiative.pk not in request.exclude and initiative.duration > planned:
        return f"runs {initiative.duration} quarters, longer than the {planned} planned"
    return reason

