"""Roles a team can hire for (team x ladder level x location, with cost, lead time, ramp, mentor time and a cap on
starters a quarter), a team's annual attrition, and the engine's roles for the teams the optimiser may hire in."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.engine import portfolio as engine
from headway.planning.models import HiringRole, PlanningTeam
from headway.planning.services._common import MAX_QUARTERS
from headway.planning.services.teams import get_team

ROLE_FIELDS = ("title", "annual_cost", "hiring_cost", "lead_quarters", "ramp", "mentor_weeks", "max_per_quarter",
               "weeks_per_person")


class RoleView(BaseModel):
    """A role as every face shows it: what it costs, how long it takes to fill and how fast a starter ramps up."""

    id: int
    key: str
    team: str
    level: str
    location: str
    title: str
    annual_cost: float
    cost_per_quarter: float
    hiring_cost: float
    lead_quarters: int
    ramp: list[float]
    mentor_weeks: float
    max_per_quarter: int | None
    weeks_per_person: float


def role_view(role: HiringRole) -> RoleView:
    """The plain view of a role."""
    return RoleView(id=role.pk, key=role.key, team=role.team.name, level=role.level, location=role.location,
                    title=role.title, annual_cost=float(role.annual_cost), cost_per_quarter=float(role.annual_cost) / 4,
                    hiring_cost=float(role.hiring_cost), lead_quarters=role.lead_quarters, ramp=list(role.ramp),
                    mentor_weeks=role.mentor_weeks, max_per_quarter=role.max_per_quarter,
                    weeks_per_person=weeks_per_person(role))


def weeks_per_person(role: HiringRole) -> float:
    """Person-weeks one full-speed starter gives a quarter: the role's, or the team's working weeks."""
    return float(role.weeks_per_person if role.weeks_per_person is not None else role.team.weeks_per_quarter)


def list_roles(actor: User | None, team: str | None = None) -> list[RoleView]:
    """Every role (of ``team``, when named), by team, level and location."""
    check(actor, Perm.VIEW_WORKSPACE)
    roles = HiringRole.objects.select_related("team")
    if team:
        roles = roles.filter(team=get_team(team))
    return [role_view(r) for r in roles]


def get_role(actor: User | None, role_id: int | str) -> HiringRole:
    """A role by id or key (``web engineer``), or a NotFound that says how to list them."""
    check(actor, Perm.VIEW_WORKSPACE)
    roles = HiringRole.objects.select_related("team")
    text = str(role_id).strip()
    role = roles.filter(pk=int(text)).first() if text.isdigit() and int(text) < 2**63 else None
    role = role or next((r for r in roles if r.key.lower() == text.lower()), None)
    if role is None:
        raise NotFound(f"There is no role {role_id!r}: `headway role list` shows them.")
    return role


def _ramp(value: Any, problems: Problems) -> list[float]:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text) if text.startswith("[") else [v for v in text.replace(",", " ").split() if v]
        except json.JSONDecodeError:
            value = None
    if not isinstance(value, list | tuple) or not value:
        problems["ramp"] = "give the share of full speed in each of the starter's quarters, e.g. 0.5,1.0"
        return []
    shares = [problems.number(v, "ramp", low=None) for v in value]
    if "ramp" not in problems and any(not 0 <= s <= 1 for s in shares):
        problems["ramp"] = (f"{', '.join(f'{s:g}' for s in shares)}: each share of full speed is between 0 and 1 "
                            "(0.5 is half speed)")
    return shares


MAX_COST = 9_999_999_999.0  # the money columns hold ten digits before the point; beyond is a typing slip
MAX_WEEKS = 1_000.0  # person-weeks a quarter: far above any team's


def _role_fields(fields: dict[str, Any]) -> dict[str, Any]:
    problems, clean = Problems(), dict[str, Any]()
    for key, value in fields.items():
        if key not in ROLE_FIELDS:
            problems[key] = f"unknown field; a role has {', '.join(ROLE_FIELDS)}"
        elif key == "title":
            clean[key] = problems.text(value, key, 150)
        elif key in ("annual_cost", "hiring_cost"):
            number = problems.number(value, key, low=None, high=MAX_COST)
            if key not in problems and number < 0:
                problems[key] = f"a cost cannot be negative ({number:g}): give the loaded cost, e.g. 120000"
            clean[key] = Decimal(str(round(number, 2)))
        elif key == "lead_quarters":
            number = problems.number(value, key, low=None)
            if key not in problems and (number != int(number) or not 0 <= number < MAX_QUARTERS):
                problems[key] = (f"a lead time of {number:g} quarters: give whole quarters from 0 to "
                                 f"{MAX_QUARTERS - 1} (the longest plan is {MAX_QUARTERS} quarters)")
            clean[key] = int(number) if key not in problems else 1
        elif key == "ramp":
            clean[key] = _ramp(value, problems)
        elif key in ("mentor_weeks", "weeks_per_person"):
            if key == "weeks_per_person" and value in (None, ""):
                clean[key] = None
                continue
            number = problems.number(value, key, low=None, high=MAX_WEEKS)
            if key not in problems and number < 0:
                problems[key] = f"{number:g} is negative: give person-weeks >= 0"
            clean[key] = number
        elif key == "max_per_quarter":
            if value in (None, ""):
                clean[key] = None
                continue
            number = problems.number(value, key, low=None)
            if key not in problems and (number != int(number) or number < 0):
                problems[key] = "give a whole number of starters a quarter (or leave it blank for no cap)"
            clean[key] = int(number) if key not in problems else None
    problems.raise_if_any("The role is not valid")
    return clean


def _level(actor: User | None, level: str) -> str:
    from headway.team import services as team

    text = str(level or "").strip()
    if not text:
        return ""
    slugs = [slug for slug, _ in team.ladders.level_choices(actor)]
    key = text.lower().replace("-", "_").replace(" ", "_")
    if key not in slugs:
        raise ValidationError(f"{level!r} is not a level of the ladder: use one of {', '.join(slugs)} (or none for a "
                              "role outside the ladder).", details={"level": level})
    return key


@transaction.atomic
def save_role(actor: User | None, team: str, level: str = "", location: str = "", **fields: Any) -> RoleView:
    """Create the role of ``team`` at ``level`` (a ladder level, or blank) in ``location``, or change it."""
    check(actor, Perm.EDIT_PLANS)
    planning_team = get_team(team)
    slug, where = _level(actor, level), str(location or "").strip()[:100]
    clean = _role_fields(fields)
    role = HiringRole.objects.filter(team=planning_team, level=slug, location=where).first()
    if role is None:
        defaults = {"title": slug.replace("_", " ") or "engineer", "ramp": [0.5, 1.0]}
        role = HiringRole.objects.create(team=planning_team, level=slug, location=where, **{**defaults, **clean})
        audit.record(actor, AuditEvent.Action.CREATE, role, summary=f"role {role.key} added")
    else:
        before = {k: getattr(role, k) for k in clean}
        for key, value in clean.items():
            setattr(role, key, value)
        role.save()
        audit.record(actor, AuditEvent.Action.UPDATE, role, summary=f"role {role.key} changed",
                     changes={k: [str(v[0]), str(v[1])] for k, v in audit.diff(before, clean).items()})
    return role_view(HiringRole.objects.select_related("team").get(pk=role.pk))


@transaction.atomic
def delete_role(actor: User | None, role_id: int | str) -> None:
    """Remove a role no opening of the hiring plan uses."""
    check(actor, Perm.EDIT_PLANS)
    role = get_role(actor, role_id)
    if role.openings.exists():
        raise ValidationError(f"Role {role.key} has openings in the hiring plan: cancel them, or keep the role.")
    audit.record(actor, AuditEvent.Action.DELETE, role, summary=f"role {role.key} deleted")
    role.delete()


@transaction.atomic
def set_attrition(actor: User | None, team: str, rate: Any) -> PlanningTeam:
    """A team's annual attrition rate: 0.12 or 12 (per cent); below 100 %."""
    check(actor, Perm.EDIT_PLANS)
    planning_team = get_team(team)
    problems = Problems()
    number = problems.number(rate, "attrition", low=None)
    if "attrition" not in problems and 1 <= number < 100:
        number /= 100  # 12 means 12 %
    if "attrition" not in problems and not 0 <= number < 1:
        problems["attrition"] = f"{rate!r}: give an annual rate from 0 up to (not including) 100 %, e.g. 12 or 0.12"
    problems.raise_if_any(f"Cannot set the attrition of {planning_team.name}")
    before = planning_team.attrition
    planning_team.attrition = number
    planning_team.save(update_fields=["attrition"])
    audit.record(actor, AuditEvent.Action.UPDATE, planning_team, summary=f"team {planning_team.name} attrition "
                 f"{before:.1%} -> {number:.1%}")
    return planning_team


def engine_roles(teams: Iterable[str]) -> list[engine.Role]:
    """The optimiser's roles for the teams it may hire in (each team by name, any case)."""
    names = [get_team(t).name for t in teams]
    roles = HiringRole.objects.select_related("team").filter(team__name__in=names)
    missing = sorted(set(names) - {r.team.name for r in roles})
    if missing:
        raise ValidationError(f"Team {', '.join(missing)} has no roles to hire for: add one with `headway role add`.",
                              details={"hire": missing})
    return [engine_role(r) for r in roles]


def engine_role(role: HiringRole, *, max_per_quarter: int | None = -1) -> engine.Role:
    """The optimiser's role for ``role`` (``max_per_quarter``: a cap other than the role's own, 0 for a role the
    plan may not hire more of)."""
    cap = role.max_per_quarter if max_per_quarter == -1 else max_per_quarter
    return engine.Role(id=role.key, team=role.team.name, weeks_per_person=weeks_per_person(role),
                       cost_per_quarter=float(role.annual_cost) / 4, hiring_cost=float(role.hiring_cost),
                       lead_quarters=role.lead_quarters, ramp=tuple(float(v) for v in role.ramp) or (1.0,),
                       mentor_weeks=role.mentor_weeks, max_per_quarter=cap)


def attrition_rates() -> dict[str, float]:
    """Each team's annual attrition rate, for the teams that have one."""
    return {t.name: t.attrition for t in PlanningTeam.objects.all() if t.attrition and math.isfinite(t.attrition)}
