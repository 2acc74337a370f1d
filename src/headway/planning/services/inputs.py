"""Scoring inputs: numbers an initiative's scores read, each with its source and when it was set — estimates, reach
from analytics (persons who did an event), impact from the linked KPI — and the Kano category."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from headway.core import audit
from headway.core.errors import Conflict, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.engine import scoring
from headway.planning.models import Initiative
from headway.planning.services._common import one
from headway.planning.services.initiatives import cost, effort_weeks, update_initiative

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
INPUT_NAME = re.compile(r"[a-z_][a-z0-9_]{0,39}")
#: RICE impact from the linked KPI: the expected change as a share of the KPI's current value → impact.
IMPACT_FROM_KPI = ((0.10, 3.0, "massive"), (0.05, 2.0, "high"), (0.02, 1.0, "medium"), (0.01, 0.5, "low"),
                   (0.0, 0.25, "minimal"))
EXPECTED_NUMBER = re.compile(r"[-+−]?\s*\d+(?:[.,]\d+)?")


@transaction.atomic
def set_inputs(actor: User | None, initiative_id: int, values: Mapping[str, Any], *, source: str = "estimate",
               at: datetime | None = None, detail: str = "") -> Initiative:
    """Record scoring inputs (name → number); each keeps its source and when it was set, to flag stale ones."""
    check(actor, Perm.EDIT_IDEAS)
    initiative = one(Initiative.objects.all(), initiative_id)
    problems = Problems()
    when = (at or timezone.now()).isoformat()
    inputs = dict(initiative.inputs)
    for name, value in values.items():
        if not INPUT_NAME.fullmatch(str(name)) or name in DERIVED:
            problems[str(name)] = ("an input name is lower-case letters, digits and _ (not one of the derived "
                                   f"fields {', '.join(DERIVED)})")
            continue
        number = problems.number(value, name, low=None)
        if name not in problems:
            inputs[name] = {"value": number, "source": source, "at": when, **({"detail": detail} if detail else {})}
    problems.raise_if_any("The scoring inputs are not valid")
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

    check(actor, Perm.EDIT_IDEAS)
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


def impact_from_kpi(actor: User | None, initiative_id: int) -> Initiative:
    """Set RICE impact from evidence: the expected impact (a number in the linked KPI's unit, e.g. ``+120``, or
    points for a percent KPI: ``+2 pts``) as a share of the KPI's latest value — 10 % or more is massive (3),
    5 % high (2), 2 % medium (1), 1 % low (0.5), less minimal (0.25)."""
    from headway.strategy import services as strategy

    check(actor, Perm.EDIT_IDEAS)
    initiative = one(Initiative.objects.select_related("kpi"), initiative_id)
    if initiative.kpi is None:
        raise Conflict(f"#{initiative.pk} has no KPI: link one first (the idea form, or "
                              f"`headway idea link {initiative.pk} --kpi NAME`).", details={"kpi": ""})
    match = EXPECTED_NUMBER.search(initiative.expected_impact)
    if match is None:
        raise Conflict(f"#{initiative.pk}'s expected impact {initiative.expected_impact!r} has no number: "
                              "write it in the KPI's unit, e.g. +2 or -0.5.", details={"expected_impact": ""})
    expected = abs(float(match.group().replace("−", "-").replace(" ", "").replace(",", ".")))
    summary = strategy.kpi_summary(actor, initiative.kpi.name)
    if summary.unit == "percent" and re.search(r"%|\bpts?\b", initiative.expected_impact):
        expected /= 100  # a percent KPI holds shares: +2 pts is 0.02
    if not summary.current:
        raise Conflict(f"KPI {summary.name} has no value yet to compare the expected impact with: import "
                              "or compute its values first.", details={"kpi": summary.name})
    share = expected / abs(summary.current)
    impact, word = next((v, w) for low, v, w in IMPACT_FROM_KPI if share >= low)
    return set_inputs(actor, initiative.pk, {"impact": impact}, source="kpi",
                      detail=f"{word}: {match.group().strip()} on {summary.name} is {share:.1%} of its latest "
                             f"value {summary.current:g}")


def score_fields(initiative: Initiative) -> dict[str, float]:
    """Everything a formula may read for one initiative: its inputs and the derived fields."""
    values = {name: float(entry["value"]) for name, entry in initiative.inputs.items()}
    values.update(effort_weeks=effort_weeks(initiative), cost=cost(initiative), demand=initiative.demand_score,
                  user_value=initiative.user_value, business_value=initiative.business_value)
    return values


def known_fields() -> list[str]:
    """The names formulas and scorecards may use: the standard inputs, derived fields and custom inputs in use."""
    names = set(INPUTS) | set(DERIVED)
    for inputs in Initiative.objects.values_list("inputs", flat=True):
        names.update(inputs)
    return sorted(names)


@transaction.atomic
def set_kano(actor: User | None, initiative_id: int, functional: str, dysfunctional: str) -> Initiative:
    """Set the Kano category from the answer pair (like, expect, neutral, tolerate, dislike)."""
    return update_initiative(actor, initiative_id, kano=scoring.kano_category(functional, dysfunctional))


def reach_events(actor: User | None) -> list[str]:
    """The events reach from analytics can count (the events store's event names; none when it cannot be read)."""
    from headway.analytics import services as analytics
    from headway.core.errors import HeadwayError

    check(actor, Perm.VIEW_WORKSPACE)
    try:
        return analytics.event_names(actor)
    except HeadwayError:
        return []
