"""The hiring plan: openings of roles, each planned, approved by the leader, open, then filled (the starter becomes
a person in the org chart through the team app) or cancelled; and openings proposed from an optimiser plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label
from headway.planning.engine import portfolio as engine
from headway.planning.models import Opening, OpeningStatus
from headway.planning.services.hiring import engine_role, get_role, role_view
from headway.planning.services.quarters import quarter_index, quarter_label

DECIDED = (OpeningStatus.APPROVED, OpeningStatus.OPEN)
"""Openings the plan takes as given: approved by the leader, or open (being recruited)."""

NEXT = {OpeningStatus.PLANNED: OpeningStatus.APPROVED, OpeningStatus.APPROVED: OpeningStatus.OPEN,
        OpeningStatus.OPEN: OpeningStatus.FILLED}


class OpeningView(BaseModel):
    """One opening of the hiring plan: the role, when it should start and open, where it stands, who approved it and
    who filled it."""

    id: int
    role: str
    role_id: int
    team: str
    level: str
    title: str
    status: str
    start_quarter: str
    open_by: str
    annual_cost: float
    note: str
    scenario: str
    approved_by: str
    person_id: int | None
    person: str | None


class HiringPlan(BaseModel):
    """The openings and their totals: how many in each status and the yearly cost of the ones not cancelled."""

    openings: list[OpeningView]
    counts: dict[str, int]
    annual_cost: float


def opening_view(opening: Opening) -> OpeningView:
    """The plain view of an opening."""
    role = role_view(opening.role)
    return OpeningView(
        id=opening.pk, role=role.key, role_id=role.id, team=role.team, level=role.level, title=role.title,
        status=opening.status, start_quarter=opening.start_quarter,
        open_by=quarter_label(quarter_index(opening.start_quarter) - role.lead_quarters),
        annual_cost=role.annual_cost, note=opening.note, scenario=opening.scenario, approved_by=opening.approved_by,
        person_id=opening.person_id, person=opening.person.name if opening.person else None)


def hiring_plan(actor: User | None, status: str | None = None) -> HiringPlan:
    """The hiring plan (openings of one ``status``, when given), by start quarter."""
    check(actor, Perm.VIEW_WORKSPACE)
    openings = Opening.objects.select_related("role__team", "person")
    if status:
        if status not in OpeningStatus.values:
            raise ValidationError(f"{status!r} is not a status: use one of {', '.join(OpeningStatus.values)}.")
        openings = openings.filter(status=status)
    views = [opening_view(o) for o in openings]
    counts = {s: sum(1 for v in views if v.status == s) for s in OpeningStatus.values}
    return HiringPlan(openings=views, counts=counts,
                      annual_cost=sum(v.annual_cost for v in views if v.status != OpeningStatus.CANCELLED))


def get_opening(actor: User | None, opening_id: int) -> Opening:
    """An opening by id, or a NotFound that says how to list them."""
    check(actor, Perm.VIEW_WORKSPACE)
    try:
        return Opening.objects.select_related("role__team", "person").get(pk=int(opening_id))
    except (Opening.DoesNotExist, ValueError, OverflowError):
        raise NotFound(f"There is no opening {opening_id}: `headway hire list` shows the hiring plan.") from None


@transaction.atomic
def plan_opening(actor: User | None, role: int | str, start_quarter: str, *, note: str = "",
                 scenario: str = "") -> OpeningView:
    """Propose one hire of ``role`` starting in ``start_quarter`` (``2026-Q3``): planned until the leader approves."""
    check(actor, Perm.EDIT_IDEAS)
    chosen = get_role(actor, role)
    quarter = quarter_label(quarter_index(str(start_quarter)))
    opening = Opening.objects.create(role=chosen, start_quarter=quarter, note=str(note or "")[:2000],
                                     scenario=str(scenario or "")[:100], created_by=actor_label(actor))
    audit.record(actor, AuditEvent.Action.CREATE, opening, summary=f"opening planned: {chosen.key} in {quarter}")
    return opening_view(opening)


def _move(actor: User | None, opening: Opening, to: str, **fields: Any) -> OpeningView:
    before = opening.status
    if to != OpeningStatus.CANCELLED and NEXT.get(OpeningStatus(before)) != to:
        steps = " -> ".join(OpeningStatus.values[:4])
        raise ValidationError(f"Opening {opening.pk} is {before}: it cannot become {to} (an opening goes {steps}).",
                              details={"status": before})
    opening.status = to
    for key, value in fields.items():
        setattr(opening, key, value)
    opening.save()
    audit.record(actor, AuditEvent.Action.UPDATE, opening, summary=f"opening {opening.pk} {before} -> {to}")
    return opening_view(opening)


@transaction.atomic
def approve_opening(actor: User | None, opening_id: int) -> OpeningView:
    """The leader approves a planned opening."""
    check(actor, Perm.EDIT_PLANS)
    return _move(actor, get_opening(actor, opening_id), OpeningStatus.APPROVED, approved_by=actor_label(actor),
                 approved_at=timezone.now())


@transaction.atomic
def open_opening(actor: User | None, opening_id: int) -> OpeningView:
    """Start recruiting for an approved opening."""
    check(actor, Perm.EDIT_PLANS)
    return _move(actor, get_opening(actor, opening_id), OpeningStatus.OPEN)


@transaction.atomic
def fill_opening(actor: User | None, opening_id: int, name: str, *, start_date: date | str | None = None,
                 email: str = "", manager: int | None = None) -> OpeningView:
    """Fill an open opening: the starter becomes a person in the org chart (the team app checks the actor may add
    people) with the role's title, level, team and location."""
    from headway.team import services as team

    check(actor, Perm.MANAGE_TEAM)
    opening = get_opening(actor, opening_id)
    if opening.status != OpeningStatus.OPEN:
        raise ValidationError(f"Opening {opening.pk} is {opening.status}: only an open opening can be filled "
                              "(approve it and open it first).", details={"status": opening.status})
    role = opening.role
    fields: dict[str, Any] = {"name": name, "title": role.title, "level": role.level, "team": role.team.name,
                              "location": role.location, "email": email}
    if start_date:
        fields["start_date"] = start_date
    if manager:
        fields["manager"] = manager
    person = team.create_person(actor, **fields)
    return _move(actor, opening, OpeningStatus.FILLED, person_id=person.pk)


@transaction.atomic
def cancel_opening(actor: User | None, opening_id: int) -> OpeningView:
    """Cancel an opening that is not filled."""
    check(actor, Perm.EDIT_PLANS)
    opening = get_opening(actor, opening_id)
    if opening.status in (OpeningStatus.FILLED, OpeningStatus.CANCELLED):
        raise ValidationError(f"Opening {opening.pk} is {opening.status} already.", details={"status": opening.status})
    return _move(actor, opening, OpeningStatus.CANCELLED)


def hire_weeks(first: int, last: int) -> dict[tuple[str, str], float]:
    """(team, quarter) -> person-weeks the approved and open openings add from their start quarter on, on their
    role's ramp, less the mentor weeks of their first quarter (quarters ``first``..``last`` as quarter indexes).
    Filled openings are people already: their team's headcount counts them."""
    from headway.planning.services.hiring import weeks_per_person

    added: dict[tuple[str, str], float] = {}
    for opening in Opening.objects.select_related("role__team").filter(
            status__in=[OpeningStatus.APPROVED, OpeningStatus.OPEN]):
        role, start = opening.role, quarter_index(opening.start_quarter)
        ramp = [float(v) for v in role.ramp]
        for index in range(max(start, first), last + 1):
            k = index - start
            weeks = weeks_per_person(role) * (ramp[k] if k < len(ramp) else 1.0) - (role.mentor_weeks if k == 0 else 0)
            key = (role.team.name, quarter_label(index))
            added[key] = added.get(key, 0.0) + weeks
    return added


def decided_hires(span: list[str], roles: list[engine.Role]) -> tuple[list[engine.Role], list[engine.Hire]]:
    """The approved and open openings as the optimiser's fixed hires within the quarters ``span``: the roles they
    need beyond ``roles`` (the plan may not hire more of those: cap 0) and one fixed hire per role and start. An
    opening whose start quarter has passed starts in the plan's first quarter; one after the plan is left out."""
    known = {r.id for r in roles}
    extra: dict[str, engine.Role] = {}
    counts: dict[tuple[str, str], int] = {}
    first, last = quarter_index(span[0]), quarter_index(span[-1])
    for opening in Opening.objects.filter(status__in=DECIDED).select_related("role__team"):
        index = max(quarter_index(opening.start_quarter), first)
        if index > last:
            continue
        key = opening.role.key
        if key not in known and key not in extra:
            extra[key] = engine_role(opening.role, max_per_quarter=0)
        counts[(key, quarter_label(index))] = counts.get((key, quarter_label(index)), 0) + 1
    return list(extra.values()), [engine.Hire(role, start, n) for (role, start), n in sorted(counts.items())]
