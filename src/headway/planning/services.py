"""Use cases of the planning app: initiatives, teams, scoring, trade-offs, the optimal portfolio, scenarios and
the roadmap.

Every face (CLI, API, web, Python) calls these functions. Reads need ``Perm.VIEW_WORKSPACE``; proposing and
scoring ideas ``Perm.EDIT_IDEAS``; teams, scoring setups, scenarios and the roadmap ``Perm.EDIT_PLANS``;
comments ``Perm.COMMENT``. ``actor=None`` is the system (the CLI operator, the demo builder).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from headway.core import audit
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, require
from headway.planning.engine import expressions, scoring
from headway.planning.models import (
    Attachment,
    Comment,
    Commitment,
    Dependency,
    Effort,
    Framework,
    Initiative,
    Kind,
    PlanningTeam,
    RoadmapItem,
    Scenario,
    Score,
    ScoringModel,
    Stage,
    StageChange,
)

MAX_ID = 2**63 - 1
INITIATIVE_FIELDS = ("title", "problem", "hypothesis", "product_area", "owner", "team", "stage", "kind", "duration",
                     "goal", "kpi", "expected_impact", "demand_score", "user_value", "business_value", "kano")
MAX_QUARTERS = 8
"""The longest plan, and so the longest an initiative may run, in quarters."""
NUMBER_FIELDS = ("demand_score", "user_value", "business_value")
#: Scoring inputs each framework reads (besides the derived fields below), with what they mean.
INPUTS = {
    "reach": "RICE: people reached per quarter (or from analytics: persons who did an event in the last N days)",
    "impact": "RICE: 0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive",
    "confidence": "RICE: 0.5 low, 0.8 medium, 1 high",
    "ice_impact": "ICE: impact 1-10",
    "ice_confidence": "ICE: confidence 1-10",
    "ease": "ICE: ease 1-10",
    "user_business_value": "WSJF: user-business value (relative, e.g. Fibonacci)",
    "time_criticality": "WSJF: time criticality",
    "risk_reduction": "WSJF: risk reduction / opportunity enablement",
}
#: Fields every initiative has without entering them.
DERIVED = {
    "effort_weeks": "total person-weeks over all teams",
    "cost": "money: person-weeks x each team's loaded cost per person-week",
    "demand": "demand from linked feedback",
    "user_value": "user value 0-10",
    "business_value": "business value 0-10",
}
FRAMEWORK_INPUTS = {
    Framework.RICE: ("reach", "impact", "confidence", "effort_weeks"),
    Framework.ICE: ("ice_impact", "ice_confidence", "ease"),
    Framework.WSJF: ("user_business_value", "time_criticality", "risk_reduction", "effort_weeks"),
    Framework.VALUE_EFFORT: ("user_value", "business_value", "effort_weeks"),
}
VALUE_EFFORT_THRESHOLD_WEEKS = 8.0
"""Value vs effort: an initiative of this many person-weeks or more is high effort."""
INPUT_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
MIX_KINDS = ("innovate", "iterate", "maintain")
"""The mix is innovate / iterate / maintain; tech debt counts as maintain."""
OPEN_STAGES = (Stage.IDEA, Stage.DISCOVERY, Stage.PLANNED, Stage.IN_PROGRESS)


def _check(actor: User | None, perm: Perm) -> None:
    if actor is not None:
        require(actor, perm)


def _label(actor: User | None) -> str:
    return actor.username if actor is not None and getattr(actor, "pk", None) else "system"


def _raise(problems: dict[str, str], what: str) -> None:
    if problems:
        raise ValidationError(f"{what}: " + "; ".join(f"{k}: {v}" for k, v in problems.items()) + ".",
                              details=problems)


def _choice(value: Any, choices: Any, name: str, problems: dict[str, str]) -> str:
    text = str(value or "").strip().lower().replace("-", "_").replace(" ", "_")
    if text not in choices.values:
        problems[name] = f"{value!r} is not one of {', '.join(choices.values)}"
    return text


def _number(value: Any, name: str, problems: dict[str, str], *, low: float | None = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems[name] = f"{value!r} is not a number"
        return 0.0
    if number != number or number in (float("inf"), float("-inf")):
        problems[name] = "give a finite number"
    elif low is not None and number < low:
        problems[name] = f"must be {low:g} or more, got {number:g}"
    return number


# --- quarters ------------------------------------------------------------------------------------------


def quarter_of(day: date) -> str:
    """The calendar quarter of a day, as ``2026-Q3``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_index(label: str) -> int:
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label.strip().upper())
    if not match:
        raise ValidationError(f"{label!r} is not a quarter: write it as YEAR-Qn, e.g. 2026-Q3.",
                              details={"quarter": label})
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def _quarter_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def quarters(start: str | None = None, count: int = 4, *, today: date | None = None) -> list[str]:
    """``count`` consecutive quarters from ``start`` (default: the current one)."""
    first = _quarter_index(start or quarter_of(today or timezone.localdate()))
    return [_quarter_label(first + i) for i in range(count)]


def horizon(quarter: str, *, today: date | None = None) -> str:
    """``now`` for the current (or a past) quarter, ``next`` for the following one, ``later`` beyond."""
    offset = _quarter_index(quarter) - _quarter_index(quarter_of(today or timezone.localdate()))
    return "now" if offset <= 0 else "next" if offset == 1 else "later"


# --- teams ---------------------------------------------------------------------------------------------


def list_teams(actor: User | None) -> QuerySet[PlanningTeam]:
    """Delivery teams by name."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return PlanningTeam.objects.order_by("name")


def get_team(name: str) -> PlanningTeam:
    """A team by name (any case), or a NotFound listing the teams."""
    team = PlanningTeam.objects.filter(name__iexact=str(name).strip()).first()
    if team is None:
        known = ", ".join(PlanningTeam.objects.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"There is no team {name!r}: teams are {known} (add one with `headway plan team`).")
    return team


def _team_fields(fields: dict[str, Any]) -> dict[str, Any]:
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            clean[key] = str(value or "").strip()
            if not 0 < len(clean[key]) <= 100:
                problems[key] = "give a name of 1 to 100 characters"
        elif key == "cost_per_week":
            try:
                clean[key] = Decimal(str(value))
            except InvalidOperation:
                problems[key] = f"{value!r} is not an amount"
                continue
            if not clean[key].is_finite() or clean[key] < 0:
                problems[key] = "a cost cannot be negative: give the loaded cost of one person-week, e.g. 4000"
        elif key in ("headcount", "weeks_per_quarter"):
            number = _number(value, key, problems)
            if key not in problems and (number != int(number) or number > 10_000):
                problems[key] = "give a whole number"
            clean[key] = int(number)
        else:
            problems[key] = "unknown field; a team has name, cost_per_week, headcount, weeks_per_quarter"
    _raise(problems, "The team is not valid")
    return clean


@transaction.atomic
def save_team(actor: User | None, name: str, **fields: Any) -> PlanningTeam:
    """Create a team or change it: loaded cost per person-week, headcount, working weeks per quarter."""
    _check(actor, Perm.EDIT_PLANS)
    clean = _team_fields({"name": name, **fields})
    team = PlanningTeam.objects.filter(name__iexact=clean["name"]).first()
    if team is None:
        team = PlanningTeam.objects.create(**clean)
        audit.record(actor, AuditEvent.Action.CREATE, team, summary=f"team {team.name} added to planning")
        return team
    before = {k: getattr(team, k) for k in clean}
    for key, value in clean.items():
        setattr(team, key, value)
    team.save()
    audit.record(actor, AuditEvent.Action.UPDATE, team, summary=f"team {team.name} changed",
                 changes={k: [str(v[0]), str(v[1])] for k, v in audit.diff(before, clean).items()})
    return team


# --- links to the strategy area's goals and KPIs ------------------------------------------------------


def _blank(ref: Any) -> bool:
    return ref is None or (isinstance(ref, str) and not ref.strip())


def _row_of(qs: QuerySet[Any], ref: Any, what: str, listing: str) -> Any:
    """``ref`` when it is a row of ``qs`` (the workspace's goals or KPIs), else a ValidationError."""
    found = qs.filter(pk=ref.pk).first() if isinstance(ref, qs.model) and ref.pk is not None else None
    if found is None:
        raise ValidationError(f"{ref!r} is not a {what} of this workspace: link one that `{listing}` shows.",
                              details={what.lower(): str(ref)})
    return found


def _by_id(qs: QuerySet[Any], ref: Any, what: str, listing: str) -> Any:
    try:
        number = int(str(ref).strip().lstrip("#"))
    except ValueError:
        number = 0
    found = qs.filter(pk=number).first() if 0 < number <= MAX_ID else None
    if found is None:
        raise ValidationError(f"There is no {what} {ref}: `{listing}` shows the {what}s of this workspace "
                              "with their ids.", details={what.lower(): str(ref)})
    return found


def _one_named(matches: list[Any], ref: str, what: str, label: Any) -> Any:
    if len(matches) > 1:
        ids = ", ".join(str(m.pk) for m in matches)
        raise ValidationError(f"{len(matches)} {what}s are called {ref!r} ({', '.join(label(m) for m in matches)}; "
                              f"ids {ids}): give the {what}'s id instead.", details={what.lower(): ref})
    return matches[0] if matches else None


def resolve_goal(ref: Any) -> Any:
    """The goal an idea links to, looked up once among this workspace's goals: a goal row, its id (``12`` or
    ``"12"``), or its title (exact, else ignoring case). Blank is no goal. A title no goal has, or one several
    goals share, is a ValidationError that says what to give instead."""
    from headway.strategy import services as strategy

    if _blank(ref):
        return None
    goals = strategy.list_goals(None)
    if hasattr(ref, "pk"):
        return _row_of(goals, ref, "goal", "headway goal list")
    if isinstance(ref, int) and not isinstance(ref, bool):
        return _by_id(goals, ref, "goal", "headway goal list")
    text = str(ref).strip()

    def label(goal: Any) -> str:
        return str(goal.period.name)

    found = (_one_named(list(goals.filter(title=text).order_by("pk")), text, "goal", label)
             or _one_named(list(goals.filter(title__iexact=text).order_by("pk")), text, "goal", label))
    if found is not None:
        return found
    if text.lstrip("#").isdigit():
        return _by_id(goals, text, "goal", "headway goal list")
    raise ValidationError(f"There is no goal called {text!r}: `headway goal list` shows the goals of this "
                          "workspace; give one's id or exact title.", details={"goal": text})


def resolve_kpi(ref: Any) -> Any:
    """The KPI an idea links to, looked up once among this workspace's KPIs: a KPI row, its id, its name
    (``conversion``, exact, else ignoring case) or its label. Blank is no KPI; an unknown or shared name is a
    ValidationError that says what to give instead."""
    from headway.strategy import services as strategy

    if _blank(ref):
        return None
    kpis = strategy.list_kpis(None)
    if hasattr(ref, "pk"):
        return _row_of(kpis, ref, "KPI", "headway kpi list")
    if isinstance(ref, int) and not isinstance(ref, bool):
        return _by_id(kpis, ref, "KPI", "headway kpi list")
    text = str(ref).strip()

    def label(kpi: Any) -> str:
        return str(kpi.name)

    found = (kpis.filter(name=text).first()
             or _one_named(list(kpis.filter(name__iexact=text).order_by("pk")), text, "KPI", label)
             or _one_named(list(kpis.filter(label__iexact=text).order_by("pk")), text, "KPI", label))
    if found is not None:
        return found
    if text.lstrip("#").isdigit():
        return _by_id(kpis, text, "KPI", "headway kpi list")
    raise ValidationError(f"There is no KPI called {text!r}: `headway kpi list` shows the KPIs of this workspace; "
                          "give one's name or id.", details={"kpi": text})


# --- initiatives ---------------------------------------------------------------------------------------


def _with_relations(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return qs.select_related("team", "owner", "roadmap_item", "goal", "kpi").prefetch_related(
        Prefetch("efforts", queryset=Effort.objects.select_related("team")),
        Prefetch("dependencies", queryset=Dependency.objects.select_related("target")),
    )


def list_initiatives(actor: User | None, *, stage: str | None = None, kind: str | None = None,
                     team: str | None = None, open_only: bool = False) -> QuerySet[Initiative]:
    """Initiatives by id, optionally of one stage, kind or lead team, or only the open ones."""
    _check(actor, Perm.VIEW_WORKSPACE)
    qs = _with_relations(Initiative.objects.all())
    problems: dict[str, str] = {}
    if stage:
        qs = qs.filter(stage=_choice(stage, Stage, "stage", problems))
    if kind:
        qs = qs.filter(kind=_choice(kind, Kind, "kind", problems))
    _raise(problems, "Unknown filter")
    if team:
        qs = qs.filter(team=get_team(team))
    if open_only:
        qs = qs.filter(stage__in=OPEN_STAGES)
    return qs.order_by("id")


def get_initiative(actor: User | None, initiative_id: int) -> Initiative:
    """One initiative with its team, owner, effort and dependencies, or a NotFound that says how to find ids."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return _one(_with_relations(Initiative.objects.all()), initiative_id)


def _one(qs: QuerySet[Initiative], initiative_id: int) -> Initiative:
    try:
        if not 0 < int(initiative_id) <= MAX_ID:
            raise Initiative.DoesNotExist
        return qs.get(pk=initiative_id)
    except Initiative.DoesNotExist:
        raise NotFound(f"There is no initiative {initiative_id}: `headway idea list` shows them.") from None


def effort_weeks(initiative: Initiative) -> float:
    """Person-weeks over all teams."""
    return float(sum(e.weeks for e in initiative.efforts.all()))


def cost(initiative: Initiative) -> float:
    """Money: each team's person-weeks times its loaded cost per person-week."""
    return float(sum(Decimal(str(e.weeks)) * e.team.cost_per_week for e in initiative.efforts.all()))


def _clean_initiative(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    from headway.team import services as team_services

    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "title":
            clean[key] = str(value or "").strip()
            if not 0 < len(clean[key]) <= 200:
                problems[key] = "give a title of 1 to 200 characters"
        elif key in ("problem", "hypothesis"):
            clean[key] = str(value or "").strip()
        elif key in ("goal", "kpi"):
            try:
                clean[key] = resolve_goal(value) if key == "goal" else resolve_kpi(value)
            except ValidationError as exc:
                problems[key] = exc.message.rstrip(".")
        elif key in ("product_area", "expected_impact"):
            clean[key] = str(value or "").strip()[:300 if key == "expected_impact" else 120]
        elif key == "stage":
            clean[key] = _choice(value, Stage, key, problems)
        elif key == "kind":
            clean[key] = _choice(value, Kind, key, problems)
        elif key == "kano":
            text = str(value or "").strip().lower()
            if text and text not in scoring.KANO_CATEGORIES:
                problems[key] = f"{value!r} is not one of {', '.join(scoring.KANO_CATEGORIES)} (or blank)"
            clean[key] = text
        elif key == "duration":
            number = _number(value, key, problems, low=1)
            if key not in problems and (number != int(number) or number > MAX_QUARTERS):
                problems[key] = f"give a whole number of quarters from 1 to {MAX_QUARTERS}"
            clean[key] = int(number) if key not in problems else 1
        elif key in NUMBER_FIELDS:
            clean[key] = _number(value, key, problems)
            if key in ("user_value", "business_value") and clean[key] > 10:
                problems[key] = f"rate it from 0 to 10, got {clean[key]:g}"
        elif key == "owner":
            if value in (None, ""):
                clean[key] = None
            else:
                try:
                    clean[key] = team_services.get_person(None, int(value))
                except (TypeError, ValueError):
                    problems[key] = f"{value!r} is not a person id (see `headway team list`)"
                except NotFound as exc:
                    problems[key] = exc.message
        elif key == "team":
            if value in (None, ""):
                clean[key] = None
            else:
                try:
                    clean[key] = value if isinstance(value, PlanningTeam) else get_team(str(value))
                except NotFound as exc:
                    problems[key] = exc.message
        else:
            problems[key] = f"unknown field; an initiative has {', '.join(INITIATIVE_FIELDS)}"
    if creating and "title" not in clean:
        problems["title"] = "an initiative needs a title"
    _raise(problems, "The initiative is not valid")
    return clean


def _clean_effort(effort: Mapping[str, Any]) -> dict[PlanningTeam, float]:
    problems: dict[str, str] = {}
    clean: dict[PlanningTeam, float] = {}
    for name, weeks in effort.items():
        number = _number(weeks, f"effort.{name}", problems)
        if f"effort.{name}" in problems:
            problems[f"effort.{name}"] += " (effort is person-weeks, 0 or more)"
            continue
        try:
            clean[get_team(name)] = number
        except NotFound as exc:
            problems[f"effort.{name}"] = exc.message
    _raise(problems, "The effort is not valid")
    return clean


def _plain(value: Any) -> Any:
    return value.pk if hasattr(value, "pk") else value


def _write_effort(initiative: Initiative, effort: dict[PlanningTeam, float]) -> None:
    for team, weeks in effort.items():
        if weeks == 0:
            Effort.objects.filter(initiative=initiative, team=team).delete()
        else:
            Effort.objects.update_or_create(initiative=initiative, team=team, defaults={"weeks": weeks})


@transaction.atomic
def create_initiative(actor: User | None, *, effort: Mapping[str, Any] | None = None, **fields: Any) -> Initiative:
    """Propose an idea (any field of :data:`INITIATIVE_FIELDS`; ``effort`` maps team name to person-weeks)."""
    _check(actor, Perm.EDIT_IDEAS)
    clean = _clean_initiative(fields, creating=True)
    clean_effort = _clean_effort(effort or {})
    initiative = Initiative.objects.create(**clean)
    _write_effort(initiative, clean_effort)
    StageChange.objects.create(initiative=initiative, from_stage="", to_stage=initiative.stage,
                               actor_label=_label(actor))
    audit.record(actor, AuditEvent.Action.CREATE, initiative, summary=f"initiative {initiative.title} proposed")
    return initiative


@transaction.atomic
def update_initiative(actor: User | None, initiative_id: int, *, effort: Mapping[str, Any] | None = None,
                      **fields: Any) -> Initiative:
    """Change an initiative's fields (a stage change is kept in its history) and, with ``effort``, its effort."""
    _check(actor, Perm.EDIT_IDEAS)
    initiative = get_initiative(None, initiative_id)
    clean = _clean_initiative(fields, creating=False)
    clean_effort = _clean_effort(effort or {})
    before = {k: _plain(getattr(initiative, k)) for k in clean}
    for key, value in clean.items():
        setattr(initiative, key, value)
    initiative.save()
    _write_effort(initiative, clean_effort)
    if "stage" in clean and before["stage"] != clean["stage"]:
        StageChange.objects.create(initiative=initiative, from_stage=before["stage"], to_stage=clean["stage"],
                                   actor_label=_label(actor))
    changes = audit.diff(before, {k: _plain(v) for k, v in clean.items()})
    changes.update({f"effort.{t.name}": [None, w] for t, w in clean_effort.items()})
    if changes:
        audit.record(actor, AuditEvent.Action.UPDATE, initiative, summary=f"initiative {initiative.title} changed",
                     changes=changes)
    return get_initiative(None, initiative.pk)


def _problems_of(check: Any, *args: Any, **kwargs: Any) -> tuple[Any, dict[str, str]]:
    """Run a cleaning step; its result, or the problems its ValidationError names (to report them all at once)."""
    try:
        return check(*args, **kwargs), {}
    except ValidationError as exc:
        details = exc.details if isinstance(exc.details, dict) else {"__all__": exc.message}
        return None, {str(k): str(v) for k, v in details.items()}


@transaction.atomic
def save_idea(actor: User | None, initiative_id: int | None, fields: Mapping[str, Any],
              effort: Mapping[str, Any], *, quarter: str | None = None, commitment: str = "likely") -> Initiative:
    """Propose an idea (``initiative_id`` None) or change one from a form, all or nothing: its fields, effort
    per team (0 removes a team) and, with ``quarter``, its roadmap place (``""`` takes it off; needs plans.edit).

    One ValidationError names every problem, keyed by field (``effort.TEAM`` for a team's effort)."""
    _check(actor, Perm.EDIT_IDEAS)
    if quarter is not None:
        _check(actor, Perm.EDIT_PLANS)
    if initiative_id is not None:
        get_initiative(None, initiative_id)
    _, problems = _problems_of(_clean_initiative, dict(fields), creating=initiative_id is None)
    problems.update(_problems_of(_clean_effort, effort)[1])
    if quarter:
        try:
            _quarter_index(quarter)
        except ValidationError as exc:
            problems["quarter"] = exc.message
        _choice(commitment, Commitment, "commitment", problems)
    _raise(problems, "The idea is not saved")
    if initiative_id is None:
        initiative = create_initiative(actor, effort=effort, **fields)
    else:
        initiative = update_initiative(actor, initiative_id, effort=effort, **fields)
    if quarter:
        try:
            place(actor, initiative.pk, quarter, commitment)
        except ValidationError as exc:  # a prerequisite starts later: undo everything, blame the quarter
            raise ValidationError(f"The idea is not saved: {exc.message}", details={"quarter": exc.message}) from None
    elif quarter == "":
        unplace(actor, initiative.pk)
    return initiative


def idea_form_choices(actor: User | None) -> dict[str, list[tuple[str, str]]]:
    """What the idea form offers: owners (people), lead teams, kinds, Kano categories, durations, commitments,
    the goals and KPIs of the strategy area an idea can link to (by id), and the next quarters."""
    from headway.strategy import services as strategy
    from headway.team import services as team_services

    _check(actor, Perm.VIEW_WORKSPACE)
    return {
        "owners": [("", "No owner")] + [(str(p.pk), p.name) for p in team_services.list_people(None)],
        "teams": [("", "No lead team")] + [(t.name, t.name) for t in PlanningTeam.objects.order_by("name")],
        "kinds": [(str(v), str(label)) for v, label in Kind.choices],
        "kano": [("", "Not classified")] + [(k, k) for k in scoring.KANO_CATEGORIES],
        "durations": [(str(n), f"{n} quarter{'s' if n > 1 else ''}") for n in range(1, MAX_QUARTERS + 1)],
        "commitments": [(str(v), str(label)) for v, label in Commitment.choices],
        "goals": [("", "No goal")] + [(str(g.pk), f"{g.title} ({g.period.name})")
                                       for g in strategy.list_goals(None).order_by("title", "period__start", "pk")],
        "kpis": [("", "No KPI")] + [(str(k.pk), f"{k.label} ({k.name})")
                                     for k in strategy.list_kpis(None).order_by("name")],
        "quarters": [(q, q) for q in quarters(count=MAX_QUARTERS)],
    }


def set_stage(actor: User | None, initiative_id: int, stage: str) -> Initiative:
    """Move an initiative along the pipeline (idea → discovery → planned → in progress → shipped → measured, or
    parked); the step is kept in its history."""
    return update_initiative(actor, initiative_id, stage=stage)


@transaction.atomic
def delete_initiative(actor: User | None, initiative_id: int) -> None:
    """Delete an initiative with its scores, comments and roadmap place (needs plans.edit)."""
    _check(actor, Perm.EDIT_PLANS)
    initiative = get_initiative(None, initiative_id)
    audit.record(actor, AuditEvent.Action.DELETE, initiative, summary=f"initiative {initiative.title} deleted")
    initiative.delete()


def _requires_graph() -> dict[int, set[int]]:
    graph: dict[int, set[int]] = defaultdict(set)
    for source, target in Dependency.objects.filter(type=Dependency.Type.REQUIRES).values_list("source_id",
                                                                                              "target_id"):
        graph[source].add(target)
    return graph


def _path(graph: Mapping[int, set[int]], start: int, goal: int) -> list[int] | None:
    """A path start → ... → goal along ``graph`` (depth first), or None."""
    stack, seen = [(start, [start])], {start}
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        for nxt in sorted(graph.get(node, ())):
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


@transaction.atomic
def add_dependency(actor: User | None, initiative_id: int, target_id: int, type: str = "requires") -> Dependency:
    """``initiative`` requires ``target`` (a cycle is refused, named) or conflicts with it."""
    _check(actor, Perm.EDIT_IDEAS)
    problems: dict[str, str] = {}
    kind = _choice(type, Dependency.Type, "type", problems)
    _raise(problems, "The dependency is not valid")
    source, target = get_initiative(None, initiative_id), get_initiative(None, target_id)
    if source.pk == target.pk:
        raise ValidationError(f"An initiative cannot {kind} itself: pick another initiative than {source.pk}.")
    pair = Dependency.objects.filter(source__in=[source, target], target__in=[source, target])
    if pair.exclude(type=kind).exists():
        raise Conflict(f"{source.pk} and {target.pk} cannot both require and conflict with each other: "
                       "remove the other link first.")
    if kind == Dependency.Type.REQUIRES:
        back = _path(_requires_graph(), target.pk, source.pk)
        if back is not None:
            titles = {i.pk: i.title for i in Initiative.objects.filter(pk__in=back)}
            cycle = " → ".join(f"{titles[i]} (#{i})" for i in [source.pk, *back])
            raise ValidationError(f"That dependency would make a cycle: {cycle}. Remove one of its links first.",
                                  details={"cycle": [source.pk, *back]})
    dependency, created = Dependency.objects.get_or_create(source=source, target=target, type=kind)
    if created:
        audit.record(actor, AuditEvent.Action.CREATE, dependency,
                     summary=f"#{source.pk} {kind} #{target.pk}")
    return dependency


@transaction.atomic
def remove_dependency(actor: User | None, initiative_id: int, target_id: int) -> int:
    """Remove every link from ``initiative`` to ``target``; returns how many went."""
    _check(actor, Perm.EDIT_IDEAS)
    count, _ = Dependency.objects.filter(source_id=initiative_id, target_id=target_id).delete()
    if count:
        audit.record(actor, AuditEvent.Action.DELETE, object_type="dependency", object_id=f"{initiative_id}-{target_id}",
                     summary=f"#{initiative_id} no longer depends on #{target_id}")
    return count


@transaction.atomic
def add_comment(actor: User | None, initiative_id: int, body: str) -> Comment:
    """Comment on an initiative."""
    _check(actor, Perm.COMMENT)
    initiative = _one(Initiative.objects.all(), initiative_id)
    text = str(body or "").strip()
    if not text:
        raise ValidationError("A comment needs some text.", details={"body": "empty"})
    comment = Comment.objects.create(initiative=initiative, author=actor if actor and actor.pk else None,
                                     author_label=_label(actor), body=text[:5000])
    audit.record(actor, AuditEvent.Action.CREATE, comment, summary=f"comment on #{initiative.pk}")
    return comment


@transaction.atomic
def add_attachment(actor: User | None, initiative_id: int, title: str, url: str) -> Attachment:
    """Attach a document, design or ticket by link (http or https)."""
    _check(actor, Perm.EDIT_IDEAS)
    initiative = _one(Initiative.objects.all(), initiative_id)
    url = str(url or "").strip()
    if not re.fullmatch(r"https?://\S{3,490}", url):
        raise ValidationError(f"{url!r} is not a web link: give an http(s) URL.", details={"url": url})
    attachment = Attachment.objects.create(initiative=initiative, title=str(title or url).strip()[:200], url=url)
    audit.record(actor, AuditEvent.Action.CREATE, attachment, summary=f"link on #{initiative.pk}")
    return attachment


# --- scoring inputs ------------------------------------------------------------------------------------


@transaction.atomic
def set_inputs(actor: User | None, initiative_id: int, values: Mapping[str, Any], *, source: str = "estimate",
               at: datetime | None = None, detail: str = "") -> Initiative:
    """Record scoring inputs (name → number); each keeps its source and when it was set, to flag stale ones."""
    _check(actor, Perm.EDIT_IDEAS)
    initiative = _one(Initiative.objects.all(), initiative_id)
    problems: dict[str, str] = {}
    when = (at or timezone.now()).isoformat()
    inputs = dict(initiative.inputs)
    for name, value in values.items():
        if not INPUT_NAME.fullmatch(str(name)) or name in DERIVED:
            problems[str(name)] = ("an input name is lower-case letters, digits and _ (not one of the derived "
                                   f"fields {', '.join(DERIVED)})")
            continue
        number = _number(value, name, problems, low=None)
        if name not in problems:
            inputs[name] = {"value": number, "source": source, "at": when, **({"detail": detail} if detail else {})}
    _raise(problems, "The scoring inputs are not valid")
    changes = {k: [initiative.inputs.get(k, {}).get("value"), inputs[k]["value"]] for k in values}
    initiative.inputs = inputs
    initiative.save(update_fields=["inputs", "updated_at"])
    audit.record(actor, AuditEvent.Action.UPDATE, initiative, summary=f"scoring inputs of #{initiative.pk} set",
                 changes=changes)
    return initiative


def reach_from_analytics(actor: User | None, initiative_id: int, event: str, days: int = 30, *,
                         today: date | None = None) -> Initiative:
    """Set RICE reach from evidence: the persons who did ``event`` in the 7 or 30 days up to today (analytics)."""
    from headway.analytics import services as analytics

    _check(actor, Perm.EDIT_IDEAS)
    math = {7: "weekly_active", 30: "monthly_active"}.get(int(days))
    if math is None:
        raise ValidationError(f"Reach from analytics counts persons over the last 7 or 30 days, not {days}: "
                              "pass days=7 or days=30.", details={"days": days})
    day = today or timezone.localdate()
    result = analytics.trends(actor, {"event": event, "math": math, "interval": "day", "date_from": day,
                                      "date_to": day})
    reach = float(sum(s.data[-1] for s in result.series if s.data))
    return set_inputs(actor, initiative_id, {"reach": reach}, source="analytics",
                      detail=f"persons who did {event} in the {days} days to {day}")


#: RICE impact from the linked KPI: the expected change as a share of the KPI's current value → impact.
IMPACT_FROM_KPI = ((0.10, 3.0, "massive"), (0.05, 2.0, "high"), (0.02, 1.0, "medium"), (0.01, 0.5, "low"),
                   (0.0, 0.25, "minimal"))
EXPECTED_NUMBER = re.compile(r"[-+−]?\s*\d+(?:[.,]\d+)?")


def impact_from_kpi(actor: User | None, initiative_id: int) -> Initiative:
    """Set RICE impact from evidence: the expected impact (a number in the linked KPI's unit, e.g. ``+120``, or
    points for a percent KPI: ``+2 pts``) as a share of the KPI's latest value — 10 % or more is massive (3), 5 % high (2), 2 % medium (1), 1 % low
    (0.5), less minimal (0.25)."""
    from headway.strategy import services as strategy

    _check(actor, Perm.EDIT_IDEAS)
    initiative = _one(Initiative.objects.select_related("kpi"), initiative_id)
    if initiative.kpi_id is None:
        raise ValidationError(f"#{initiative.pk} has no KPI: link one first (the idea form, or "
                              f"`headway idea link {initiative.pk} --kpi NAME`).", details={"kpi": ""})
    match = EXPECTED_NUMBER.search(initiative.expected_impact)
    if match is None:
        raise ValidationError(f"#{initiative.pk}'s expected impact {initiative.expected_impact!r} has no number: "
                              "write it in the KPI's unit, e.g. +2 or -0.5.", details={"expected_impact": ""})
    expected = abs(float(match.group().replace("−", "-").replace(" ", "").replace(",", ".")))
    summary = strategy.kpi_summary(None, initiative.kpi.name)
    if summary.unit == "percent" and re.search(r"%|\bpts?\b", initiative.expected_impact):
        expected /= 100  # a percent KPI holds shares: +2 pts is 0.02
    if not summary.current:
        raise ValidationError(f"KPI {summary.name} has no value yet to compare the expected impact with: import "
                              "or compute its values first.", details={"kpi": summary.name})
    share = expected / abs(summary.current)
    impact, word = next((v, w) for low, v, w in IMPACT_FROM_KPI if share >= low)
    return set_inputs(actor, initiative.pk, {"impact": impact}, source="kpi",
                      detail=f"{word}: {match.group().strip()} on {summary.name} is {share:.1%} of its latest "
                             f"value {summary.current:g}")


# --- scoring -------------------------------------------------------------------------------------------


def score_fields(initiative: Initiative) -> dict[str, float]:
    """Everything a formula may read for one initiative: its inputs and the derived fields."""
    values = {name: float(entry["value"]) for name, entry in initiative.inputs.items()}
    values.update(effort_weeks=effort_weeks(initiative), cost=cost(initiative), demand=initiative.demand_score,
                  user_value=initiative.user_value, business_value=initiative.business_value)
    return values


def goals_in_use() -> list[tuple[int, str]]:
    """The goals open initiatives serve (what the optimiser can be asked to cover) as (goal id, title) by title;
    a title two of them share gets the goal's id after it."""
    rows = sorted(set(Initiative.objects.filter(stage__in=OPEN_STAGES, goal__isnull=False)
                      .values_list("goal_id", "goal__title")), key=lambda r: (r[1], r[0]))
    shared = {t for t in (r[1] for r in rows) if sum(1 for r in rows if r[1] == t) > 1}
    return [(pk, f"{title} (goal {pk})" if title in shared else title) for pk, title in rows]


def known_fields() -> list[str]:
    """The names formulas and scorecards may use: the standard inputs, derived fields and custom inputs in use."""
    names = set(INPUTS) | set(DERIVED)
    for inputs in Initiative.objects.values_list("inputs", flat=True):
        names.update(inputs)
    return sorted(names)


def compute_score(model: ScoringModel, values: Mapping[str, float]) -> float:
    """One initiative's score under a model (engine formulas); a missing input is a ValidationError naming it."""
    needed = FRAMEWORK_INPUTS.get(Framework(model.framework))
    if model.framework == Framework.WEIGHTED:
        needed = tuple(model.weights)
    elif model.framework == Framework.FORMULA:
        needed = tuple(sorted(expressions.parse(model.formula).fields))
    missing = [n for n in needed or () if n not in values]
    if missing:
        raise ValidationError(f"missing input {', '.join(missing)}: set it with `headway idea score ID "
                              f"--set {missing[0]}=...`", details={"missing": missing})
    v = values
    match model.framework:
        case Framework.RICE:
            return scoring.rice(v["reach"], v["impact"], v["confidence"], v["effort_weeks"])
        case Framework.ICE:
            return scoring.ice(v["ice_impact"], v["ice_confidence"], v["ease"])
        case Framework.WSJF:
            return scoring.wsjf(v["user_business_value"], v["time_criticality"], v["risk_reduction"],
                                v["effort_weeks"])
        case Framework.VALUE_EFFORT:
            return scoring.value_vs_effort((v["user_value"] + v["business_value"]) / 2, v["effort_weeks"],
                                           effort_threshold=VALUE_EFFORT_THRESHOLD_WEEKS).ratio
        case Framework.WEIGHTED:
            return scoring.weighted_score(v, model.weights)
    return expressions.parse(model.formula, values.keys()).evaluate(values)


def list_scoring_models(actor: User | None) -> QuerySet[ScoringModel]:
    """Scoring setups, the primary one first."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return ScoringModel.objects.order_by("-primary", "name")


def get_scoring_model(actor: User | None, name: str | None = None) -> ScoringModel:
    """A scoring setup by name, or the primary one."""
    _check(actor, Perm.VIEW_WORKSPACE)
    qs = ScoringModel.objects.order_by("-primary", "name")
    model = qs.filter(name__iexact=name.strip()).first() if name else qs.first()
    if model is None:
        known = ", ".join(qs.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"There is no scoring setup {name or '(primary)'!r}: setups are {known}; add one on the "
                       "scoring page or with POST /api/v1/planning/scoring.")
    return model


@transaction.atomic
def save_scoring_model(actor: User | None, name: str, framework: str, *, formula: str = "",
                       weights: Mapping[str, Any] | None = None, stale_after_days: int = 90,
                       primary: bool = False) -> ScoringModel:
    """Create or change a scoring setup; a formula is checked here, its errors naming the wrong token."""
    _check(actor, Perm.EDIT_PLANS)
    problems: dict[str, str] = {}
    name = str(name or "").strip()
    if not 0 < len(name) <= 60:
        problems["name"] = "give a name of 1 to 60 characters"
    framework = _choice(framework, Framework, "framework", problems)
    fields = known_fields()
    clean_weights: dict[str, float] = {}
    if framework == Framework.FORMULA:
        expressions.parse(formula, fields)  # raises FormulaError at the wrong token
    elif framework == Framework.WEIGHTED:
        if not weights:
            problems["weights"] = "a weighted scorecard needs weights, e.g. user_value=2, business_value=1"
        for key, weight in (weights or {}).items():
            if key not in fields:
                problems[f"weights.{key}"] = f"unknown field {key!r}: known fields are {', '.join(fields)}"
            clean_weights[key] = _number(weight, f"weights.{key}", problems, low=None)
    days = _number(stale_after_days, "stale_after_days", problems, low=1)
    _raise(problems, "The scoring setup is not valid")
    if primary:
        ScoringModel.objects.update(primary=False)
    model, created = ScoringModel.objects.update_or_create(
        name=name, defaults={"framework": framework, "formula": formula.strip() if framework == "formula" else "",
                             "weights": clean_weights, "stale_after_days": int(days),
                             "primary": primary or not ScoringModel.objects.exclude(name=name).exists()})
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, model,
                 summary=f"scoring setup {model.name} ({model.framework}) saved")
    return model


@dataclass(frozen=True)
class ScoreRun:
    """What a scoring run did: scores by initiative id (raw and 0-100), and the initiatives it had to skip."""

    model: str
    scores: dict[int, float]
    normalised: dict[int, float]
    skipped: dict[int, str]


@transaction.atomic
def score_all(actor: User | None, model_name: str | None = None, *, ids: Iterable[int] | None = None) -> ScoreRun:
    """Score the open initiatives (or ``ids``) with a setup, normalise 0-100 over the run, keep the history."""
    _check(actor, Perm.EDIT_IDEAS)
    model = get_scoring_model(None, model_name)
    qs = _with_relations(Initiative.objects.all())
    qs = qs.filter(pk__in=list(ids)) if ids is not None else qs.filter(stage__in=OPEN_STAGES)
    raw: dict[int, float] = {}
    inputs: dict[int, dict[str, float]] = {}
    skipped: dict[int, str] = {}
    for initiative in qs:
        values = score_fields(initiative)
        try:
            raw[initiative.pk] = compute_score(model, values)
            inputs[initiative.pk] = values
        except ValidationError as exc:
            skipped[initiative.pk] = exc.message
    normalised = {int(k): v for k, v in scoring.normalise({str(k): v for k, v in raw.items()}).items()}
    Score.objects.bulk_create([Score(initiative_id=pk, model=model, value=value, normalised=normalised[pk],
                                     inputs=inputs[pk]) for pk, value in raw.items()])
    audit.record(actor, AuditEvent.Action.UPDATE, model, summary=f"{len(raw)} initiatives scored with {model.name}")
    return ScoreRun(model=model.name, scores=raw, normalised=normalised, skipped=skipped)


def score_one(actor: User | None, initiative_id: int, model_name: str | None = None) -> float:
    """Score one initiative with a setup (the error says which input is missing or wrong)."""
    _check(actor, Perm.EDIT_IDEAS)
    model = get_scoring_model(None, model_name)
    initiative = get_initiative(None, initiative_id)
    value = compute_score(model, score_fields(initiative))
    Score.objects.create(initiative=initiative, model=model, value=value, inputs=score_fields(initiative),
                         normalised=_normalised_against_latest(model, initiative.pk, value))
    return value


def _normalised_against_latest(model: ScoringModel, initiative_id: int, value: float) -> float:
    latest = _latest_scores(model)
    latest[initiative_id] = (value, timezone.now())
    return scoring.normalise({str(k): v for k, (v, _) in latest.items()})[str(initiative_id)]


def _latest_scores(model: ScoringModel) -> dict[int, tuple[float, datetime]]:
    latest: dict[int, tuple[float, datetime]] = {}
    for pk, value, at in Score.objects.filter(model=model).order_by("computed_at", "id").values_list(
            "initiative_id", "value", "computed_at"):
        latest[pk] = (value, at)
    return latest


def score_history(actor: User | None, initiative_id: int, model_name: str | None = None) -> list[Score]:
    """Every score an initiative got under a setup, newest first."""
    _check(actor, Perm.VIEW_WORKSPACE)
    model = get_scoring_model(None, model_name)
    return list(Score.objects.filter(initiative_id=initiative_id, model=model).order_by("-computed_at", "-id"))


def stale_flags(initiative: Initiative, model: ScoringModel, scored_at: datetime | None,
                *, now: datetime | None = None) -> list[str]:
    """Why an initiative's score may be out of date: inputs older than the setup allows, or changed since."""
    now = now or timezone.now()
    flags = []
    for name, entry in sorted(initiative.inputs.items()):
        at = datetime.fromisoformat(entry["at"])
        age = (now - at).days
        if age > model.stale_after_days:
            flags.append(f"{name} is {age} days old")
        elif scored_at is not None and at > scored_at:
            flags.append(f"{name} changed after the score")
    return flags


@dataclass(frozen=True)
class BacklogRow:
    """One initiative as the backlog shows it."""

    id: int
    title: str
    stage: str
    kind: str
    team: str
    product_area: str
    effort_weeks: float
    duration: int
    cost: float
    demand: float
    user_value: float
    business_value: float
    score: float | None
    normalised: float | None
    stale: list[str]
    quarter: str


BACKLOG_SORTS = ("score", "cost", "effort_weeks", "demand", "user_value", "business_value", "id", "title")


def backlog(actor: User | None, *, model_name: str | None = None, sort: str = "score", descending: bool = True,
            open_only: bool = True, now: datetime | None = None) -> list[BacklogRow]:
    """The backlog with each initiative's current score under a setup (none: not scored), sorted."""
    _check(actor, Perm.VIEW_WORKSPACE)
    if sort not in BACKLOG_SORTS:
        raise ValidationError(f"Cannot sort by {sort!r}: choose one of {', '.join(BACKLOG_SORTS)}.",
                              details={"sort": sort})
    model = ScoringModel.objects.order_by("-primary", "name").first() if model_name is None \
        else get_scoring_model(None, model_name)
    latest: dict[int, tuple[float, float, datetime]] = {}
    if model is not None:
        for pk, value, norm, at in Score.objects.filter(model=model).order_by("computed_at", "id").values_list(
                "initiative_id", "value", "normalised", "computed_at"):
            latest[pk] = (value, norm, at)
    rows = []
    for i in list_initiatives(None, open_only=open_only):
        value, norm, at = latest.get(i.pk, (None, None, None))
        item = getattr(i, "roadmap_item", None)
        rows.append(BacklogRow(
            id=i.pk, title=i.title, stage=i.stage, kind=i.kind, team=i.team.name if i.team else "",
            product_area=i.product_area, effort_weeks=round(effort_weeks(i), 2), duration=i.duration,
            cost=round(cost(i), 2),
            demand=i.demand_score, user_value=i.user_value, business_value=i.business_value,
            score=None if value is None else round(value, 4), normalised=None if norm is None else round(norm, 1),
            stale=stale_flags(i, model, at, now=now) if model is not None else [],
            quarter=item.quarter if item else "",
        ))

    if sort == "title":
        rows.sort(key=lambda r: r.title.lower(), reverse=descending)
    else:
        rows.sort(key=lambda r: (getattr(r, sort) is None, -(getattr(r, sort) or 0) if descending
                                 else (getattr(r, sort) or 0), r.id))
    return rows


def initiative_detail(actor: User | None, initiative_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """One initiative as plain data: fields, effort and cost, links, current scores with stale flags, history."""
    i = get_initiative(actor, initiative_id)
    scores = []
    for model in ScoringModel.objects.order_by("-primary", "name"):
        latest = Score.objects.filter(initiative=i, model=model).order_by("-computed_at", "-id").first()
        if latest is not None:
            scores.append({"model": model.name, "framework": model.framework, "value": round(latest.value, 4),
                           "normalised": round(latest.normalised, 1), "computed_at": latest.computed_at,
                           "stale": stale_flags(i, model, latest.computed_at, now=now)})
    links = [{"type": d.type, "id": d.target_id, "title": d.target.title} for d in i.dependencies.all()]
    links += [{"type": "required by" if d.type == Dependency.Type.REQUIRES else d.type, "id": d.source_id,
               "title": d.source.title} for d in i.dependents.select_related("source")]
    item = getattr(i, "roadmap_item", None)
    return {
        "demand_evidence": _demand_evidence(i),
        "id": i.pk, "title": i.title, "problem": i.problem, "hypothesis": i.hypothesis,
        "product_area": i.product_area, "owner": i.owner.name if i.owner else None, "owner_id": i.owner_id,
        "team": i.team.name if i.team else None, "team_id": i.team_id, "stage": i.stage, "kind": i.kind,
        "duration": i.duration, "goal_id": i.goal_id, "goal": i.goal.title if i.goal else None,
        "kpi_id": i.kpi_id, "kpi": i.kpi.name if i.kpi else None, "kpi_label": i.kpi.label if i.kpi else None,
        "expected_impact": i.expected_impact, "demand": i.demand_score,
        "user_value": i.user_value, "business_value": i.business_value, "kano": i.kano,
        "effort": {e.team.name: e.weeks for e in i.efforts.all()}, "effort_weeks": effort_weeks(i),
        "cost": cost(i), "inputs": i.inputs, "dependencies": links, "scores": scores,
        "quarter": item.quarter if item else None, "commitment": item.commitment if item else None,
        "history": [{"from": h.from_stage, "to": h.to_stage, "at": h.at, "by": h.actor_label}
                    for h in i.stage_history.all()],
        "comments": [{"author": c.author_label, "body": c.body, "at": c.at} for c in i.comments.all()],
        "attachments": [{"title": a.title, "url": a.url} for a in i.attachments.all()],
    }


def _demand_evidence(initiative: Initiative) -> dict[str, Any]:
    """Who asks for an initiative, from the feedback linked to it in the discovery area."""
    from headway.discovery import services as discovery

    demand = discovery.demand_for(initiative)
    return {"score": demand.score, "accounts": demand.accounts, "arr": demand.arr, "items": demand.items,
            "links": demand.links, "by_importance": demand.by_importance}


@transaction.atomic
def set_kano(actor: User | None, initiative_id: int, functional: str, dysfunctional: str) -> Initiative:
    """Set the Kano category from the answer pair (like, expect, neutral, tolerate, dislike)."""
    return update_initiative(actor, initiative_id, kano=scoring.kano_category(functional, dysfunctional))


# --- trade-offs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TradeoffPoint:
    id: int
    title: str
    kind: str
    x: float
    y: float
    frontier: bool


def _axis_values(axis: str, initiatives: list[Initiative]) -> dict[int, float]:
    if axis.startswith("score:"):
        model = get_scoring_model(None, axis.split(":", 1)[1])
        return {pk: v for pk, (v, _) in _latest_scores(model).items()}
    values = {}
    for i in initiatives:
        fields = score_fields(i)
        if axis not in fields:
            raise ValidationError(f"Cannot plot {axis!r}: use a field ({', '.join(known_fields())}) or "
                                  "score:SETUP.", details={"axis": axis})
        values[i.pk] = fields[axis]
    return values


def tradeoffs(actor: User | None, x: str = "user_value", y: str = "business_value") -> list[TradeoffPoint]:
    """Open initiatives on two axes (fields or ``score:SETUP``), the Pareto frontier (maximising both) marked."""
    _check(actor, Perm.VIEW_WORKSPACE)
    initiatives = list(list_initiatives(None, open_only=True))
    xs, ys = _axis_values(x, initiatives), _axis_values(y, initiatives)
    points = {str(i.pk): (xs[i.pk], ys[i.pk]) for i in initiatives if i.pk in xs and i.pk in ys}
    frontier = set(scoring.pareto_frontier(points))
    return [TradeoffPoint(i.pk, i.title, i.kind, xs[i.pk], ys[i.pk], str(i.pk) in frontier)
            for i in initiatives if str(i.pk) in points]


def mix_kind(kind: str) -> str:
    """The mix bucket of a kind: tech debt counts as maintain."""
    return "maintain" if kind == Kind.TECH_DEBT else kind


@dataclass(frozen=True)
class MixRow:
    kind: str
    cost: float
    share: float
    target: float
    difference: float


def parse_mix(text: str | Mapping[str, Any]) -> dict[str, float]:
    """A target mix from ``70/20/10`` (innovate/iterate/maintain) or a mapping; shares sum to 1."""
    if isinstance(text, Mapping):
        parts = [float(text.get(k, 0)) for k in MIX_KINDS]
    else:
        try:
            parts = [float(p) for p in str(text).replace(",", "/").split("/")]
        except ValueError:
            parts = []
    if len(parts) != 3 or any(p < 0 for p in parts) or sum(parts) <= 0:
        raise ValidationError(f"{text!r} is not a mix: give innovate/iterate/maintain shares such as 70/20/10.",
                              details={"mix": str(text)})
    total = sum(parts)
    return {k: p / total for k, p in zip(MIX_KINDS, parts, strict=True)}


def mix(actor: User | None, ids: Iterable[int], target: str | Mapping[str, Any] = "70/20/10") -> list[MixRow]:
    """The innovate/iterate/maintain mix of a plan (shares of its cost) against a target mix."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return _mix_of(list(_with_relations(Initiative.objects.filter(pk__in=list(ids)))), target)


# --- roadmap -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """What a stakeholder view shows: fields it hides, and which items it shows at all."""

    hidden: frozenset[str]
    commitments: tuple[str, ...] = tuple(Commitment.values)
    kinds: tuple[str, ...] = tuple(Kind.values)
    horizons: tuple[str, ...] = ("now", "next", "later")


AUDIENCES: dict[str, Audience] = {
    "leadership": Audience(hidden=frozenset()),
    "engineering": Audience(hidden=frozenset({"cost", "business_value", "demand", "expected_impact"})),
    "design": Audience(hidden=frozenset({"cost", "effort_weeks", "business_value", "teams"})),
    "marketing": Audience(hidden=frozenset({"cost", "effort_weeks", "teams", "requires", "hypothesis",
                                            "business_value", "demand"}),
                          commitments=("committed", "likely"), kinds=("innovate", "iterate")),
    "sales": Audience(hidden=frozenset({"cost", "effort_weeks", "teams", "requires", "hypothesis", "problem",
                                        "business_value", "demand", "user_value", "stage", "goal", "kpi"}),
                      commitments=("committed",), kinds=("innovate", "iterate"), horizons=("now", "next")),
}
ROADMAP_COLUMNS = ("id", "title", "quarter", "end_quarter", "horizon", "commitment", "kind", "stage", "team", "teams",
                   "product_area", "problem", "hypothesis", "goal", "kpi", "expected_impact", "effort_weeks", "cost",
                   "user_value",
                   "business_value", "demand", "requires")


def _audience(name: str) -> Audience:
    key = str(name or "leadership").strip().lower()
    if key not in AUDIENCES:
        raise ValidationError(f"There is no stakeholder view {name!r}: choose one of {', '.join(AUDIENCES)}.",
                              details={"audience": name})
    return AUDIENCES[key]


def _prerequisites_in_order(initiative: Initiative, quarter: str) -> None:
    index = _quarter_index(quarter)
    for dep in initiative.dependencies.all():
        if dep.type != Dependency.Type.REQUIRES or dep.target.stage in (Stage.SHIPPED, Stage.MEASURED):
            continue
        item = RoadmapItem.objects.filter(initiative=dep.target).first()
        if item is None or _quarter_index(item.quarter) > index:
            where = "is not on the roadmap" if item is None else f"starts later, in {item.quarter}"
            raise ValidationError(
                f"#{initiative.pk} requires {dep.target.title} (#{dep.target.pk}), which {where}: place the "
                f"prerequisite in {quarter} or earlier first.", details={"requires": dep.target.pk})


@transaction.atomic
def place(actor: User | None, initiative_id: int, quarter: str, commitment: str = "likely") -> RoadmapItem:
    """Put an initiative on the roadmap in a quarter with a commitment level; prerequisites must start no later."""
    _check(actor, Perm.EDIT_PLANS)
    problems: dict[str, str] = {}
    level = _choice(commitment, Commitment, "commitment", problems)
    _raise(problems, "The roadmap place is not valid")
    quarter = _quarter_label(_quarter_index(quarter))
    initiative = get_initiative(None, initiative_id)
    _prerequisites_in_order(initiative, quarter)
    item, _ = RoadmapItem.objects.update_or_create(initiative=initiative,
                                                   defaults={"quarter": quarter, "commitment": level})
    audit.record(actor, AuditEvent.Action.UPDATE, initiative,
                 summary=f"#{initiative.pk} on the roadmap in {quarter} ({level})")
    return item


@transaction.atomic
def unplace(actor: User | None, initiative_id: int) -> None:
    """Take an initiative off the roadmap."""
    _check(actor, Perm.EDIT_PLANS)
    count, _ = RoadmapItem.objects.filter(initiative_id=initiative_id).delete()
    if count:
        audit.record(actor, AuditEvent.Action.DELETE, object_type="roadmapitem", object_id=initiative_id,
                     summary=f"#{initiative_id} taken off the roadmap")


@dataclass(frozen=True)
class Roadmap:
    """The roadmap for one audience: its quarters (from the first start to the last end), rows (hidden fields left
    out) and the columns shown."""

    audience: str
    quarters: list[str]
    columns: list[str]
    rows: list[dict[str, Any]]

    def board(self) -> dict[str, list[dict[str, Any]]]:
        """Rows in the now / next / later columns."""
        return {h: [r for r in self.rows if r["horizon"] == h] for h in ("now", "next", "later")}


def roadmap(actor: User | None, audience: str = "leadership", *, today: date | None = None) -> Roadmap:
    """The roadmap as one stakeholder group should see it (``leadership`` sees everything)."""
    _check(actor, Perm.VIEW_WORKSPACE)
    view = _audience(audience)
    columns = [c for c in ROADMAP_COLUMNS if c not in view.hidden]
    items = RoadmapItem.objects.select_related("initiative").order_by("quarter", "initiative_id")
    initiatives = {i.pk: i for i in _with_relations(Initiative.objects.filter(pk__in=items.values("initiative")))}
    rows = []
    for item in items:
        i = initiatives[item.initiative_id]
        row = {
            "id": i.pk, "title": i.title, "quarter": item.quarter,
            "end_quarter": _quarter_label(_quarter_index(item.quarter) + i.duration - 1),
            "horizon": horizon(item.quarter, today=today),
            "commitment": item.commitment, "kind": i.kind, "stage": i.stage, "team": i.team.name if i.team else "",
            "teams": [e.team.name for e in i.efforts.all()], "product_area": i.product_area, "problem": i.problem,
            "hypothesis": i.hypothesis, "goal": i.goal.title if i.goal else "", "kpi": i.kpi.name if i.kpi else "",
            "expected_impact": i.expected_impact,
            "effort_weeks": round(effort_weeks(i), 2), "cost": round(cost(i), 2), "user_value": i.user_value,
            "business_value": i.business_value, "demand": i.demand_score,
            "requires": sorted(d.target_id for d in i.dependencies.all() if d.type == Dependency.Type.REQUIRES),
        }
        if (row["commitment"] in view.commitments and row["kind"] in view.kinds
                and row["horizon"] in view.horizons):
            rows.append({c: row[c] for c in columns})
    shown = sorted({r["quarter"] for r in rows} | {r["end_quarter"] for r in rows})
    span = quarters(shown[0], _quarter_index(shown[-1]) - _quarter_index(shown[0]) + 1) if shown else []
    return Roadmap(audience=str(audience or "leadership").lower(), quarters=span, columns=columns, rows=rows)


@dataclass(frozen=True)
class CapacityRow:
    """One team in one quarter: person-weeks planned against what it has, and the money they cost."""

    team: str
    quarter: str
    planned_weeks: float
    capacity_weeks: float
    cost: float

    @property
    def load(self) -> float:
        """Planned over capacity (1.0 is full; above is overbooked)."""
        return self.planned_weeks / self.capacity_weeks if self.capacity_weeks else float(self.planned_weeks > 0)


def capacity(actor: User | None, *, count: int = 4, start: str | None = None,
             today: date | None = None) -> list[CapacityRow]:
    """Planned person-weeks and cost per team and quarter: each initiative's effort spread evenly over the
    quarters it runs, from its start quarter on."""
    _check(actor, Perm.VIEW_WORKSPACE)
    span = quarters(start, count, today=today)
    first, last = _quarter_index(span[0]), _quarter_index(span[-1])
    planned: dict[tuple[str, str], float] = defaultdict(float)
    money: dict[tuple[str, str], float] = defaultdict(float)
    for effort in Effort.objects.filter(initiative__roadmap_item__isnull=False).values_list(
            "team__name", "initiative__roadmap_item__quarter", "initiative__duration", "weeks",
            "team__cost_per_week"):
        team, quarter, duration, weeks, rate = effort
        begin = _quarter_index(quarter)
        for index in range(max(begin, first), min(begin + duration - 1, last) + 1):
            planned[(team, _quarter_label(index))] += weeks / duration
            money[(team, _quarter_label(index))] += float(Decimal(str(weeks)) * rate) / duration
    return [CapacityRow(t.name, q, round(planned[(t.name, q)], 2), t.capacity_weeks, round(money[(t.name, q)], 2))
            for t in PlanningTeam.objects.order_by("name") for q in span]


def export_csv(actor: User | None, audience: str = "leadership", *, today: date | None = None) -> str:
    """The roadmap for an audience as CSV (lists joined with ``;``)."""
    view = roadmap(actor, audience, today=today)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(view.columns)
    for row in view.rows:
        writer.writerow([";".join(map(str, v)) if isinstance(v, list) else _csv_safe(v) for v in row.values()])
    return out.getvalue()


def _csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading quote."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def export_markdown(actor: User | None, audience: str = "leadership", *, today: date | None = None) -> str:
    """The roadmap for an audience as Markdown: one section per quarter, one bullet per item."""
    view = roadmap(actor, audience, today=today)
    lines = [f"# Roadmap ({view.audience})", ""]
    for quarter in view.quarters:
        rows = [r for r in view.rows if r["quarter"] == quarter]
        lines += [f"## {quarter} ({horizon(quarter, today=today)})", ""]
        for r in rows:
            extra = [f"{c.replace('_', ' ')}: {r[c]}" for c in ("team", "effort_weeks", "cost") if r.get(c)]
            if r["end_quarter"] != r["quarter"]:
                extra.insert(0, f"runs to {r['end_quarter']}")
            lines.append(f"- **{_md(r['title'])}** ({r['commitment']}, {r['kind']})"
                         + (f" · {_md(' · '.join(extra))}" if extra else ""))
        lines.append("" if rows else "- nothing planned\n")
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", str(text))


# --- import --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)


@transaction.atomic
def import_csv(actor: User | None, text: str, source: str, *, team: str | None = None) -> ImportReport:
    """Import initiatives from a Jira or Linear CSV export: all rows or none; errors name each bad line.

    A row whose issue key was imported before updates that initiative instead of adding a second one.
    """
    from headway.planning import importers

    _check(actor, Perm.EDIT_IDEAS)
    rows = importers.parse(text, source, default_team=team)
    teams = {t.name.lower(): t for t in PlanningTeam.objects.all()}
    problems = [{"line": r.line, "message": f"there is no team {r.team!r}: teams are "
                 f"{', '.join(sorted(t.name for t in teams.values())) or 'none yet'}"}
                for r in rows if r.team and r.team.lower() not in teams]
    if problems:
        raise importers.import_error(problems)
    report = ImportReport()
    for r in rows:
        fields = {"title": r.title, "problem": r.description, "stage": r.stage, "kind": r.kind,
                  "product_area": r.product_area, "team": teams[r.team.lower()] if r.team else None}
        effort = {teams[r.team.lower()].name: r.weeks} if r.team and r.weeks is not None else {}
        existing = Initiative.objects.filter(external_ref=r.key).first() if r.key else None
        if existing is not None:
            update_initiative(actor, existing.pk, effort=effort, **fields)
            report.updated.append(existing.pk)
        else:
            created = create_initiative(actor, effort=effort, **fields)
            Initiative.objects.filter(pk=created.pk).update(external_ref=r.key)
            report.created.append(created.pk)
    return report


def as_dict(obj: Any) -> dict[str, Any]:
    """A result dataclass as plain data (for JSON)."""
    return asdict(obj)


# --- the optimal portfolio -----------------------------------------------------------------------------


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


OBJECTIVES = "score (the primary setup, 0-100), score:SETUP, demand, or value (user x weight + business x weight)"


def _ids(values: Any, name: str, problems: dict[str, str]) -> tuple[int, ...]:
    items = values.split(",") if isinstance(values, str) else list(values or [])
    try:
        return tuple(int(str(v).strip().lstrip("#")) for v in items if str(v).strip())
    except ValueError:
        problems[name] = f"{values!r} is not a list of initiative ids"
        return ()


def _goal_ids(values: Any, problems: dict[str, str]) -> tuple[int, ...]:
    """Goals to cover, each given by id or title, resolved once to the workspace's goal rows (their ids)."""
    items = [values] if isinstance(values, str | int) else list(values or [])
    ids: list[int] = []
    for value in items:
        try:
            goal = resolve_goal(value)
        except ValidationError as exc:
            problems[f"cover_goals.{value}"] = exc.message.rstrip(".")
            continue
        if goal is not None and goal.pk not in ids:
            ids.append(goal.pk)
    return tuple(ids)


def _shares(values: Mapping[str, Any], name: str, problems: dict[str, str]) -> dict[str, float]:
    clean = {}
    for kind, share in (values or {}).items():
        if kind not in MIX_KINDS:
            problems[f"{name}.{kind}"] = f"the mix has {', '.join(MIX_KINDS)} (tech debt counts as maintain)"
            continue
        number = _number(share, f"{name}.{kind}", problems)
        if number > 1:
            number /= 100  # 70 means 70 %
        if not 0 <= number <= 1:
            problems[f"{name}.{kind}"] = "give a share between 0 and 1 (or a percentage)"
        clean[kind] = number
    return clean


def plan_request(data: Mapping[str, Any] | PlanRequest | None = None, **overrides: Any) -> PlanRequest:
    """Check an optimiser request given as plain data; one error lists every problem."""
    if isinstance(data, PlanRequest):
        return data
    raw = {**(data or {}), **{k: v for k, v in overrides.items() if v is not None}}
    problems: dict[str, str] = {}
    unknown = sorted(set(raw) - set(PlanRequest.__dataclass_fields__))
    for key in unknown:
        problems[key] = f"unknown option; the optimiser takes {', '.join(PlanRequest.__dataclass_fields__)}"
    budget = raw.get("budget")
    if budget not in (None, ""):
        budget = _number(budget, "budget", problems, low=None)
        if "budget" not in problems and budget < 0:
            problems["budget"] = f"a budget cannot be negative ({budget:g}): give the money available, e.g. 2000000"
    else:
        budget = None
    count = _number(raw.get("quarters", 4), "quarters", problems, low=1)
    if "quarters" not in problems and (count != int(count) or count > MAX_QUARTERS):
        problems["quarters"] = f"plan 1 to {MAX_QUARTERS} whole quarters"
    start = raw.get("start") or None
    if start:
        try:
            start = _quarter_label(_quarter_index(str(start)))
        except ValidationError as exc:
            problems["start"] = exc.message
    objective = str(raw.get("objective") or "score").strip()
    if objective not in ("score", "demand", "value") and not objective.startswith("score:"):
        problems["objective"] = f"{objective!r} is not an objective: use {OBJECTIVES}"
    extra = {}
    for team, people in (raw.get("extra_headcount") or {}).items():
        extra[str(team)] = int(_number(people, f"extra_headcount.{team}", problems, low=None))
    time_limit = _number(raw.get("time_limit", 10.0), "time_limit", problems, low=0.1)
    if time_limit > 600:
        problems["time_limit"] = "at most 600 seconds"
    request = PlanRequest(
        budget=budget, quarters=int(count) if "quarters" not in problems else 4, start=start, objective=objective,
        user_weight=_number(raw.get("user_weight", 1.0), "user_weight", problems),
        business_weight=_number(raw.get("business_weight", 1.0), "business_weight", problems),
        must=_ids(raw.get("must"), "must", problems), exclude=_ids(raw.get("exclude"), "exclude", problems),
        extra_headcount=extra, mix_min=_shares(raw.get("mix_min") or {}, "mix_min", problems),
        mix_max=_shares(raw.get("mix_max") or {}, "mix_max", problems),
        target_mix=str(raw.get("target_mix") or "70/20/10"),
        cover_goals=_goal_ids(raw.get("cover_goals"), problems),
        time_limit=time_limit,
    )
    try:
        parse_mix(request.target_mix)
    except ValidationError as exc:
        problems["target_mix"] = exc.message
    _raise(problems, "The optimiser request is not valid")
    return request


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


def build_portfolio(request: PlanRequest, *, today: date | None = None) -> tuple[Any, dict[int, Initiative]]:
    """The engine's :class:`Portfolio` for a request: every initiative not yet shipped is a candidate (parked ones,
    and ones running longer than the plan, only as must-not prerequisites), teams give their capacity each quarter
    and a multi-quarter initiative takes its effort evenly from every quarter it runs in."""
    from headway.planning.engine import portfolio as engine
    from headway.strategy import services as strategy

    span = quarters(request.start, request.quarters, today=today)
    live = [i for i in _with_relations(Initiative.objects.exclude(stage__in=[Stage.SHIPPED, Stage.MEASURED]))]
    by_pk = {i.pk: i for i in live}
    problems = {f"must.{pk}": f"there is no open initiative {pk}" for pk in request.must if pk not in by_pk}
    problems.update({f"exclude.{pk}": f"there is no open initiative {pk}" for pk in request.exclude
                     if pk not in by_pk})
    teams = {t.name: t for t in PlanningTeam.objects.all()}
    problems.update({f"extra_headcount.{t}": "there is no such team" for t in request.extra_headcount
                     if t not in teams})
    covered = {g.pk: g for g in strategy.list_goals(None).filter(pk__in=request.cover_goals)}
    problems.update({f"cover_goals.{pk}": f"there is no goal {pk} (`headway goal list` shows them)"
                     for pk in request.cover_goals if pk not in covered})
    problems.update({f"must.{pk}": f"#{pk} {by_pk[pk].title} runs {by_pk[pk].duration} quarters, longer than the "
                     f"{len(span)} planned: plan more quarters or leave it out of must-have"
                     for pk in request.must if pk in by_pk and by_pk[pk].duration > len(span)})
    _raise(problems, "The optimiser request names unknown things")
    values = _objective_values(request, live)
    too_long = {_key(i.pk) for i in live if i.duration > len(span)}
    items = [engine.Initiative(id=_key(i.pk), value=round(values[i.pk], 6), cost=cost(i),
                               effort={e.team.name: e.weeks for e in i.efforts.all()}, kind=mix_kind(i.kind),
                               duration=min(i.duration, len(span)),
                               goals=frozenset({_goal_key(i.goal)}) if i.goal else frozenset()) for i in live]
    requires, conflicts = [], []
    for dep in Dependency.objects.filter(source__in=live).values_list("source_id", "target_id", "type"):
        source, target, kind = dep
        if kind == Dependency.Type.REQUIRES and target in by_pk:
            requires.append((_key(source), _key(target)))
        elif kind == Dependency.Type.CONFLICTS and target in by_pk:
            conflicts.append((_key(source), _key(target)))
    parked = {_key(i.pk) for i in live if i.stage == Stage.PARKED}
    mix = [engine.MixBound(kind, request.mix_min.get(kind, 0.0), request.mix_max.get(kind, 1.0))
           for kind in MIX_KINDS if kind in request.mix_min or kind in request.mix_max]
    capacity = {name: t.capacity_weeks + request.extra_headcount.get(name, 0) * t.weeks_per_quarter
                for name, t in teams.items()}
    portfolio = engine.Portfolio(
        initiatives=items, quarters=span, budget=request.budget, capacity=capacity, requires=requires,
        conflicts=conflicts, must_have=frozenset(_key(pk) for pk in request.must),
        must_not=frozenset({_key(pk) for pk in request.exclude} | parked | too_long), mix=mix, mix_basis="cost",
        cover_goals=frozenset(_goal_key(covered[pk]) for pk in request.cover_goals))
    return portfolio, by_pk


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


def _what_if(what_if: Any, by_pk: Mapping[int, Initiative]) -> dict[str, Any] | None:
    """An engine what-if as plain data, with how sure it is: ``optimal`` (proven), the best ``bound`` on the
    value the change could bring, the relative ``gap`` to it and ``certainty`` in words."""
    if what_if is None:
        return None
    gap = 0.0 if what_if.optimal else _finite(what_if.gap, 6)
    return {"change": what_if.change, "value": round(what_if.value, 4), "delta": round(what_if.delta, 4),
            "added": [{"id": _pk(k), "title": by_pk[_pk(k)].title} for k in what_if.added],
            "removed": [{"id": _pk(k), "title": by_pk[_pk(k)].title} for k in what_if.removed],
            "optimal": what_if.optimal, "bound": _finite(what_if.value if what_if.optimal else what_if.bound),
            "gap": gap, "certainty": certainty(what_if.optimal, gap)}


def optimise(actor: User | None, request: Mapping[str, Any] | PlanRequest | None = None, *,
             scenario: str | None = None, explain: bool = True, today: date | None = None) -> dict[str, Any]:
    """The best plan under the request's constraints (HiGHS MILP through the planning engine), with its
    explanation; saved as a scenario when ``scenario`` is named (needs plans.edit)."""
    from headway.planning.engine import portfolio as engine

    _check(actor, Perm.EDIT_PLANS if scenario else Perm.VIEW_WORKSPACE)
    request = plan_request(request)
    problem, by_pk = build_portfolio(request, today=today)
    try:
        plan = engine.optimise(problem, time_limit=request.time_limit)
    except (engine.InfeasibleError, engine.CycleError) as exc:
        raise type(exc)(_names(exc.message, by_pk), details=exc.details) from None
    values = {_pk(i.id): i.value for i in problem.initiatives}
    items = [{"id": _pk(k), "title": by_pk[_pk(k)].title, "kind": by_pk[_pk(k)].kind,
              "team": by_pk[_pk(k)].team.name if by_pk[_pk(k)].team else "", "quarter": plan.start[k],
              "duration": by_pk[_pk(k)].duration,
              "cost": round(cost(by_pk[_pk(k)]), 2), "effort_weeks": effort_weeks(by_pk[_pk(k)]),
              "value": round(values[_pk(k)], 4)} for k in plan.selected]
    result: dict[str, Any] = {
        "scenario": scenario, "request": asdict(request), "quarters": list(problem.quarters),
        "value": round(plan.value, 4), "bound": round(plan.bound, 4), "gap": _finite(plan.gap, 6),
        "optimal": plan.optimal, "certainty": certainty(plan.optimal, _finite(plan.gap, 6)),
        "status": plan.status, "seconds": round(plan.seconds, 3),
        "cost": round(plan.cost, 2), "budget": request.budget, "items": items,
        "mix": [asdict(r) for r in _mix_of([by_pk[i["id"]] for i in items], request.target_mix)],
    }
    if explain:
        why = engine.explain(problem, plan, engineer_weeks=float(max(
            [t.weeks_per_quarter for t in PlanningTeam.objects.all()] or [12])), time_limit=request.time_limit)
        result["constraints"] = [{"name": _names(c.name, by_pk), "used": round(c.used, 4),
                                  "limit": round(c.limit, 4), "binding": c.binding} for c in why.constraints]
        result["binding"] = [c["name"] for c in result["constraints"] if c["binding"]]
        result["budget_plus_10"] = _what_if(why.budget_plus_10, by_pk)
        result["extra_engineer"] = {team: _what_if(w, by_pk) for team, w in why.extra_engineer.items()}
        result["left_out"] = [{"id": _pk(k), "title": by_pk[_pk(k)].title, "reason": _left_out_reason(
            by_pk[_pk(k)], _names(reason, by_pk), request, len(problem.quarters))}
            for k, reason in why.left_out.items() if by_pk[_pk(k)].stage != Stage.PARKED]
    if scenario:
        _save_scenario(actor, scenario, request, result)
    return result


def _left_out_reason(initiative: Initiative, reason: str, request: PlanRequest, planned: int) -> str:
    """The engine's reason, or why the service ruled an initiative out itself (too long for the plan)."""
    if initiative.pk not in request.exclude and initiative.duration > planned:
        return f"runs {initiative.duration} quarters, longer than the {planned} planned"
    return reason


def _mix_of(initiatives: list[Initiative], target: str) -> list[MixRow]:
    wanted = parse_mix(target)
    totals = dict.fromkeys(MIX_KINDS, 0.0)
    for i in initiatives:
        totals[mix_kind(i.kind)] += cost(i)
    whole = sum(totals.values())
    return [MixRow(k, round(totals[k], 2), round(totals[k] / whole, 4) if whole else 0.0, round(wanted[k], 4),
                   round((totals[k] / whole if whole else 0.0) - wanted[k], 4)) for k in MIX_KINDS]


@transaction.atomic
def _save_scenario(actor: User | None, name: str, request: PlanRequest, result: dict[str, Any]) -> Scenario:
    name = str(name).strip()
    if not 0 < len(name) <= 100:
        raise ValidationError("A scenario name is 1 to 100 characters.", details={"scenario": name})
    scenario, created = Scenario.objects.update_or_create(name=name, defaults={
        "constraints": asdict(request), "result": result, "value": result["value"], "optimal": result["optimal"],
        "gap": result["gap"] or 0.0, "created_by": _label(actor)})
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, scenario,
                 summary=f"scenario {name} saved: value {result['value']:g}, {len(result['items'])} initiatives")
    return scenario


def list_scenarios(actor: User | None) -> QuerySet[Scenario]:
    """Saved scenarios by name."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return Scenario.objects.order_by("name")


def get_scenario(actor: User | None, name: str) -> Scenario:
    """A saved scenario by name, or a NotFound listing them."""
    _check(actor, Perm.VIEW_WORKSPACE)
    scenario = Scenario.objects.filter(name=str(name).strip()).first()
    if scenario is None:
        known = ", ".join(Scenario.objects.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"There is no scenario {name!r}: scenarios are {known} "
                       "(save one with `headway plan optimize --scenario NAME`).")
    return scenario


@transaction.atomic
def delete_scenario(actor: User | None, name: str) -> None:
    """Delete a saved scenario."""
    _check(actor, Perm.EDIT_PLANS)
    scenario = get_scenario(None, name)
    audit.record(actor, AuditEvent.Action.DELETE, scenario, summary=f"scenario {scenario.name} deleted")
    scenario.delete()


def compare_scenarios(actor: User | None, names: Iterable[str]) -> dict[str, Any]:
    """Scenarios side by side: their constraints and totals, and the quarter each one gives each initiative."""
    _check(actor, Perm.VIEW_WORKSPACE)
    chosen = [get_scenario(None, n) for n in names]
    if not chosen:
        raise ValidationError("Name at least one scenario to compare.")
    summary = [{"name": s.name, "budget": s.result.get("budget"), "value": s.value, "cost": s.result.get("cost"),
                "optimal": s.optimal, "gap": s.gap, "initiatives": len(s.result.get("items", [])),
                "objective": s.constraints.get("objective"),
                "mix": {m["kind"]: m["share"] for m in s.result.get("mix", [])}} for s in chosen]
    titles: dict[int, str] = {}
    placed: dict[int, dict[str, str]] = defaultdict(dict)
    for s in chosen:
        for item in s.result.get("items", []):
            titles[item["id"]] = item["title"]
            placed[item["id"]][s.name] = item["quarter"]
    rows = [{"id": pk, "title": titles[pk], "quarters": [placed[pk].get(s.name) for s in chosen]}
            for pk in sorted(placed, key=lambda pk: (-len(placed[pk]), pk))]
    return {"scenarios": summary, "rows": rows}


@transaction.atomic
def apply_scenario(actor: User | None, name: str, commitment: str = "auto", *, today: date | None = None) -> int:
    """Put a scenario's plan on the roadmap: its initiatives in their quarters; items it leaves out come off
    unless committed. ``auto`` commits what starts now, marks next quarter likely and later ones exploring.
    Returns how many initiatives it placed."""
    _check(actor, Perm.EDIT_PLANS)
    scenario = get_scenario(None, name)
    problems: dict[str, str] = {}
    auto = str(commitment).strip().lower() == "auto"
    level = "" if auto else _choice(commitment, Commitment, "commitment", problems)
    _raise(problems, "Cannot apply the scenario (commitment is auto, committed, likely or exploring)")
    by_horizon = {"now": Commitment.COMMITTED, "next": Commitment.LIKELY, "later": Commitment.EXPLORING}
    items = {i["id"]: i["quarter"] for i in scenario.result.get("items", [])}
    existing = set(Initiative.objects.filter(pk__in=items).values_list("pk", flat=True))
    RoadmapItem.objects.exclude(initiative_id__in=items).exclude(commitment=Commitment.COMMITTED).delete()
    committed = set(RoadmapItem.objects.filter(commitment=Commitment.COMMITTED).values_list("initiative_id",
                                                                                           flat=True))
    RoadmapItem.objects.filter(initiative_id__in=existing).delete()
    RoadmapItem.objects.bulk_create([RoadmapItem(
        initiative_id=pk, quarter=quarter, scenario=scenario.name,
        commitment=Commitment.COMMITTED if pk in committed else
        by_horizon[horizon(quarter, today=today)] if auto else level) for pk, quarter in items.items()
        if pk in existing])
    audit.record(actor, AuditEvent.Action.UPDATE, scenario, summary=f"scenario {scenario.name} put on the roadmap")
    return len(existing)
