"""Initiatives (ideas): propose, change, move along the pipeline, delete; their effort and cost, dependencies,
comments and attached links; and the idea form, which saves all of it at once or nothing."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from headway.core import audit
from headway.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check, has_perm
from headway.core.validation import Problems, actor_label
from headway.planning.engine import scoring
from headway.planning.models import (
    Attachment,
    Comment,
    Commitment,
    Dependency,
    Effort,
    Initiative,
    Kind,
    PlanningTeam,
    Stage,
    StageChange,
)
from headway.planning.services._common import MAX_QUARTERS, OPEN_STAGES, one, with_relations
from headway.planning.services.links import resolve_goal, resolve_kpi
from headway.planning.services.quarters import quarter_index, quarters
from headway.planning.services.teams import get_team

INITIATIVE_FIELDS = ("title", "problem", "hypothesis", "product_area", "owner", "team", "stage", "kind", "duration",
                     "goal", "kpi", "expected_impact", "demand_score", "user_value", "business_value", "kano")
NUMBER_FIELDS = ("demand_score", "user_value", "business_value")
LINK_FIELDS = ("owner", "team", "goal", "kpi")
"""Fields that link a row (a person, a team, a goal, a KPI): written by id, as ``<field>_id``."""


def list_initiatives(actor: User | None, *, stage: str | None = None, kind: str | None = None,
                     team: str | None = None, open_only: bool = False) -> QuerySet[Initiative]:
    """Initiatives by id, optionally of one stage, kind or lead team, or only the open ones."""
    check(actor, Perm.VIEW_WORKSPACE)
    qs = with_relations(Initiative.objects.all())
    problems = Problems()
    if stage:
        qs = qs.filter(stage=problems.choice(stage, Stage, "stage"))
    if kind:
        qs = qs.filter(kind=problems.choice(kind, Kind, "kind"))
    problems.raise_if_any("Unknown filter")
    if team:
        qs = qs.filter(team=get_team(team))
    if open_only:
        qs = qs.filter(stage__in=OPEN_STAGES)
    return qs.order_by("id")


def get_initiative(actor: User | None, initiative_id: int) -> Initiative:
    """One initiative with its team, owner, effort and dependencies, or a NotFound that says how to find ids."""
    check(actor, Perm.VIEW_WORKSPACE)
    return one(with_relations(Initiative.objects.all()), initiative_id)


def effort_weeks(initiative: Initiative) -> float:
    """Person-weeks over all teams."""
    return float(sum(e.weeks for e in initiative.efforts.all()))


def cost(initiative: Initiative) -> float:
    """Money: each team's person-weeks times its loaded cost per person-week."""
    return float(sum(Decimal(str(e.weeks)) * e.team.cost_per_week for e in initiative.efforts.all()))


def _link_id(actor: User | None, key: str, value: Any) -> int | None:
    """The id of the row a link field names (a ValidationError or NotFound when there is none)."""
    from headway.team import services as team_services

    if key == "goal":
        goal = resolve_goal(actor, value)
        return None if goal is None else int(goal.pk)
    if key == "kpi":
        kpi = resolve_kpi(actor, value)
        return None if kpi is None else int(kpi.pk)
    if value in (None, ""):
        return None
    if key == "team":
        return value.pk if isinstance(value, PlanningTeam) else get_team(str(value)).pk
    try:
        person = int(value.pk) if hasattr(value, "pk") else int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{value!r} is not a person id (see `headway team list`)") from None
    return int(team_services.get_person(actor, person).pk)


def _clean_initiative(actor: User | None, fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    problems = Problems()
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "title":
            clean[key] = str(value or "").strip()
            if not 0 < len(clean[key]) <= 200:
                problems[key] = "give a title of 1 to 200 characters"
        elif key in ("problem", "hypothesis"):
            clean[key] = str(value or "").strip()
        elif key in LINK_FIELDS:
            try:
                clean[key] = _link_id(actor, key, value)
            except (ValidationError, NotFound) as exc:
                problems[key] = exc.message.rstrip(".") if key in ("goal", "kpi") else exc.message
        elif key in ("product_area", "expected_impact"):
            clean[key] = str(value or "").strip()[:300 if key == "expected_impact" else 120]
        elif key == "stage":
            clean[key] = problems.choice(value, Stage, key)
        elif key == "kind":
            clean[key] = problems.choice(value, Kind, key)
        elif key == "kano":
            text = str(value or "").strip().lower()
            if text and text not in scoring.KANO_CATEGORIES:
                problems[key] = f"{value!r} is not one of {', '.join(scoring.KANO_CATEGORIES)} (or blank)"
            clean[key] = text
        elif key == "duration":
            number = problems.number(value, key, low=1)
            if key not in problems and (number != int(number) or number > MAX_QUARTERS):
                problems[key] = f"give a whole number of quarters from 1 to {MAX_QUARTERS}"
            clean[key] = int(number) if key not in problems else 1
        elif key in NUMBER_FIELDS:
            clean[key] = problems.number(value, key)
            if key in ("user_value", "business_value") and clean[key] > 10:
                problems[key] = f"rate it from 0 to 10, got {clean[key]:g}"
        else:
            problems[key] = f"unknown field; an initiative has {', '.join(INITIATIVE_FIELDS)}"
    if creating and "title" not in clean:
        problems["title"] = "an initiative needs a title"
    problems.raise_if_any("The initiative is not valid")
    return clean


def _columns(clean: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned fields as model columns: links by id."""
    return {f"{k}_id" if k in LINK_FIELDS else k: v for k, v in clean.items()}


def _clean_effort(effort: Mapping[str, Any]) -> dict[PlanningTeam, float]:
    problems = Problems()
    clean: dict[PlanningTeam, float] = {}
    for name, weeks in effort.items():
        number = problems.number(weeks, f"effort.{name}")
        if f"effort.{name}" in problems:
            problems[f"effort.{name}"] += " (effort is person-weeks, 0 or more)"
            continue
        try:
            clean[get_team(name)] = number
        except NotFound as exc:
            problems[f"effort.{name}"] = exc.message
    problems.raise_if_any("The effort is not valid")
    return clean


def _write_effort(initiative: Initiative, effort: dict[PlanningTeam, float]) -> None:
    for team, weeks in effort.items():
        if weeks == 0:
            Effort.objects.filter(initiative=initiative, team=team).delete()
        else:
            Effort.objects.update_or_create(initiative=initiative, team=team, defaults={"weeks": weeks})


@transaction.atomic
def create_initiative(actor: User | None, *, effort: Mapping[str, Any] | None = None, **fields: Any) -> Initiative:
    """Propose an idea (any field of :data:`INITIATIVE_FIELDS`; ``effort`` maps team name to person-weeks)."""
    check(actor, Perm.EDIT_IDEAS)
    clean = _clean_initiative(actor, fields, creating=True)
    clean_effort = _clean_effort(effort or {})
    initiative = Initiative.objects.create(**_columns(clean))
    _write_effort(initiative, clean_effort)
    StageChange.objects.create(initiative=initiative, from_stage="", to_stage=initiative.stage,
                               actor_label=actor_label(actor))
    audit.record(actor, AuditEvent.Action.CREATE, initiative, summary=f"initiative {initiative.title} proposed")
    return initiative


def may_change(actor: User | None, initiative: Initiative) -> bool:
    """Whether ``actor`` may change ``initiative``: those who edit plans may change any; those who edit ideas
    may change any but an initiative committed on the roadmap, which only its owner (or a plan editor) changes."""
    from headway.team import services as team_services

    if actor is None or has_perm(actor, Perm.EDIT_PLANS):
        return True
    if not has_perm(actor, Perm.EDIT_IDEAS):
        return False
    item = getattr(initiative, "roadmap_item", None)
    if item is None or item.commitment != Commitment.COMMITTED:
        return True
    me = team_services.person_of(actor)
    return me is not None and initiative.owner_id == me.pk


def check_may_change(actor: User | None, initiative: Initiative) -> None:
    """Refuse a change :func:`may_change` does not allow, saying who may make it."""
    if not may_change(actor, initiative):
        raise PermissionDenied(f"#{initiative.pk} {initiative.title} is committed on the roadmap: only its owner "
                               "or a product leader may change it.")


@transaction.atomic
def update_initiative(actor: User | None, initiative_id: int, *, effort: Mapping[str, Any] | None = None,
                      **fields: Any) -> Initiative:
    """Change an initiative's fields (a stage change is kept in its history) and, with ``effort``, its effort."""
    check(actor, Perm.EDIT_IDEAS)
    initiative = get_initiative(None, initiative_id)
    check_may_change(actor, initiative)
    clean = _clean_initiative(actor, fields, creating=False)
    clean_effort = _clean_effort(effort or {})
    before = {k: getattr(initiative, column) for k, column in zip(clean, _columns(clean), strict=True)}
    for column, value in _columns(clean).items():
        setattr(initiative, column, value)
    initiative.save()
    _write_effort(initiative, clean_effort)
    if "stage" in clean and before["stage"] != clean["stage"]:
        StageChange.objects.create(initiative=initiative, from_stage=before["stage"], to_stage=clean["stage"],
                                   actor_label=actor_label(actor))
    changes = audit.diff(before, clean)
    changes.update({f"effort.{t.name}": [None, w] for t, w in clean_effort.items()})
    if changes:
        audit.record(actor, AuditEvent.Action.UPDATE, initiative, summary=f"initiative {initiative.title} changed",
                     changes=changes)
    return get_initiative(None, initiative.pk)


def _problems_of(step: Callable[[], object]) -> Problems:
    """Run a cleaning step; the problems its ValidationError names (to report them all at once)."""
    try:
        step()
    except ValidationError as exc:
        details = exc.details if isinstance(exc.details, dict) else {"__all__": exc.message}
        return Problems({str(k): str(v) for k, v in details.items()})
    return Problems()


@transaction.atomic
def save_idea(actor: User | None, initiative_id: int | None, fields: Mapping[str, Any],
              effort: Mapping[str, Any], *, quarter: str | None = None, commitment: str = "likely") -> Initiative:
    """Propose an idea (``initiative_id`` None) or change one from a form, all or nothing: its fields, effort
    per team (0 removes a team) and, with ``quarter``, its roadmap place (``""`` takes it off; needs plans.edit).

    One ValidationError names every problem, keyed by field (``effort.TEAM`` for a team's effort)."""
    from headway.planning.services.roadmap import place, unplace  # the roadmap needs initiatives: import late

    check(actor, Perm.EDIT_IDEAS)
    if quarter is not None:
        check(actor, Perm.EDIT_PLANS)
    if initiative_id is not None:
        check_may_change(actor, get_initiative(None, initiative_id))
    problems = _problems_of(lambda: _clean_initiative(actor, fields, creating=initiative_id is None))
    problems.update(_problems_of(lambda: _clean_effort(effort)))
    if quarter:
        try:
            quarter_index(quarter)
        except ValidationError as exc:
            problems["quarter"] = exc.message
        problems.choice(commitment, Commitment, "commitment")
    problems.raise_if_any("The idea is not saved")
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

    check(actor, Perm.VIEW_WORKSPACE)
    goals = sorted(strategy.list_goals(actor), key=lambda g: (g.title, g.period.start, g.pk))
    kpis = sorted(strategy.list_kpis(actor), key=lambda k: (k.name, k.pk))
    return {
        "owners": [("", "No owner")] + [(str(p.pk), p.name) for p in team_services.list_people(actor)],
        "teams": [("", "No lead team")] + [(t.name, t.name) for t in PlanningTeam.objects.order_by("name")],
        "kinds": [(str(v), str(label)) for v, label in Kind.choices],
        "kano": [("", "Not classified")] + [(k, k) for k in scoring.KANO_CATEGORIES],
        "durations": [(str(n), f"{n} quarter{'s' if n > 1 else ''}") for n in range(1, MAX_QUARTERS + 1)],
        "commitments": [(str(v), str(label)) for v, label in Commitment.choices],
        "goals": [("", "No goal")] + [(str(g.pk), f"{g.title} ({g.period.name})") for g in goals],
        "kpis": [("", "No KPI")] + [(str(k.pk), f"{k.label} ({k.name})") for k in kpis],
        "quarters": [(q, q) for q in quarters(count=MAX_QUARTERS)],
    }


def set_stage(actor: User | None, initiative_id: int, stage: str) -> Initiative:
    """Move an initiative along the pipeline (idea → discovery → planned → in progress → shipped → measured, or
    parked); the step is kept in its history."""
    return update_initiative(actor, initiative_id, stage=stage)


@transaction.atomic
def delete_initiative(actor: User | None, initiative_id: int) -> None:
    """Delete an initiative with its scores, comments and roadmap place (needs plans.edit)."""
    check(actor, Perm.EDIT_PLANS)
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
    check(actor, Perm.EDIT_IDEAS)
    problems = Problems()
    kind = problems.choice(type, Dependency.Type, "type")
    problems.raise_if_any("The dependency is not valid")
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
        audit.record(actor, AuditEvent.Action.CREATE, dependency, summary=f"#{source.pk} {kind} #{target.pk}")
    return dependency


@transaction.atomic
def remove_dependency(actor: User | None, initiative_id: int, target_id: int) -> int:
    """Remove every link from ``initiative`` to ``target``; returns how many went."""
    check(actor, Perm.EDIT_IDEAS)
    count, _ = Dependency.objects.filter(source_id=initiative_id, target_id=target_id).delete()
    if count:
        audit.record(actor, AuditEvent.Action.DELETE, object_type="dependency", object_id=f"{initiative_id}-{target_id}",
                     summary=f"#{initiative_id} no longer depends on #{target_id}")
    return count


@transaction.atomic
def add_comment(actor: User | None, initiative_id: int, body: str) -> Comment:
    """Comment on an initiative."""
    check(actor, Perm.COMMENT)
    initiative = one(Initiative.objects.all(), initiative_id)
    text = str(body or "").strip()
    if not text:
        raise ValidationError("A comment needs some text.", details={"body": "empty"})
    comment = Comment.objects.create(initiative=initiative, author=actor if actor and actor.pk else None,
                                     author_label=actor_label(actor), body=text[:5000])
    audit.record(actor, AuditEvent.Action.CREATE, comment, summary=f"comment on #{initiative.pk}")
    return comment


@transaction.atomic
def add_attachment(actor: User | None, initiative_id: int, title: str, url: str) -> Attachment:
    """Attach a document, design or ticket by link (http or https)."""
    check(actor, Perm.EDIT_IDEAS)
    initiative = one(Initiative.objects.all(), initiative_id)
    url = str(url or "").strip()
    if not re.fullmatch(r"https?://\S{3,490}", url):
        raise ValidationError(f"{url!r} is not a web link: give an http(s) URL.", details={"url": url})
    attachment = Attachment.objects.create(initiative=initiative, title=str(title or url).strip()[:200], url=url)
    audit.record(actor, AuditEvent.Action.CREATE, attachment, summary=f"link on #{initiative.pk}")
    return attachment
