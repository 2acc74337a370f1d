"""Delivery teams: their loaded cost per person-week and their capacity (headcount x working weeks)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from headway.core import audit
from headway.core.errors import NotFound
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.models import PlanningTeam


def list_teams(actor: User | None) -> QuerySet[PlanningTeam]:
    """Delivery teams by name."""
    check(actor, Perm.VIEW_WORKSPACE)
    return PlanningTeam.objects.order_by("name")


def get_team(name: str) -> PlanningTeam:
    """A team by name (any case), or a NotFound listing the teams."""
    team = PlanningTeam.objects.filter(name__iexact=str(name).strip()).first()
    if team is None:
        known = ", ".join(PlanningTeam.objects.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"There is no team {name!r}: teams are {known} (add one with `headway plan team`).")
    return team


def _team_fields(fields: dict[str, Any]) -> dict[str, Any]:
    problems = Problems()
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "name":
            clean[key] = str(value or "").strip()
            if not 0 < len(clean[key]) <= 100:
                problems[key] = "give a name of 1 to 100 characters"
        elif key == "cost_per_week":
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                problems[key] = f"{value!r} is not an amount"
                continue
            clean[key] = amount
            if not amount.is_finite() or amount < 0:
                problems[key] = "a cost cannot be negative: give the loaded cost of one person-week, e.g. 4000"
        elif key in ("headcount", "weeks_per_quarter"):
            number = problems.number(value, key)
            if key not in problems and (number != int(number) or number > 10_000):
                problems[key] = "give a whole number"
            clean[key] = int(number) if key not in problems else 0
        else:
            problems[key] = "unknown field; a team has name, cost_per_week, headcount, weeks_per_quarter"
    problems.raise_if_any("The team is not valid")
    return clean


@transaction.atomic
def save_team(actor: User | None, name: str, **fields: Any) -> PlanningTeam:
    """Create a team or change it: loaded cost per person-week, headcount, working weeks per quarter."""
    check(actor, Perm.EDIT_PLANS)
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
