"""Scenarios: optimiser plans saved by name, listed, compared side by side, deleted, and put on the roadmap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems, actor_label
from headway.planning.models import Commitment, Initiative, RoadmapItem, Scenario
from headway.planning.services.quarters import horizon

if TYPE_CHECKING:
    from headway.planning.services.portfolio import OptimisedPlan


@transaction.atomic
def save_scenario(actor: User | None, name: str, plan: OptimisedPlan) -> Scenario:
    """Keep an optimised plan under a name (1 to 100 characters), replacing a scenario of that name."""
    check(actor, Perm.EDIT_PLANS)
    name = str(name).strip()
    if not 0 < len(name) <= 100:
        raise ValidationError("A scenario name is 1 to 100 characters.", details={"scenario": name})
    scenario, created = Scenario.objects.update_or_create(name=name, defaults={
        "constraints": asdict(plan.request), "result": plan.model_dump(mode="json", exclude_unset=True),
        "value": plan.value, "optimal": plan.optimal, "gap": plan.gap or 0.0, "created_by": actor_label(actor)})
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, scenario,
                 summary=f"scenario {name} saved: value {plan.value:g}, {len(plan.items)} initiatives")
    return scenario


def list_scenarios(actor: User | None) -> QuerySet[Scenario]:
    """Saved scenarios by name."""
    check(actor, Perm.VIEW_WORKSPACE)
    return Scenario.objects.order_by("name")


def get_scenario(actor: User | None, name: str) -> Scenario:
    """A saved scenario by name, or a NotFound listing them."""
    check(actor, Perm.VIEW_WORKSPACE)
    scenario = Scenario.objects.filter(name=str(name).strip()).first()
    if scenario is None:
        known = ", ".join(Scenario.objects.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"There is no scenario {name!r}: scenarios are {known} "
                       "(save one with `headway plan optimise --scenario NAME`).")
    return scenario


@transaction.atomic
def delete_scenario(actor: User | None, name: str) -> None:
    """Delete a saved scenario."""
    check(actor, Perm.EDIT_PLANS)
    scenario = get_scenario(None, name)
    audit.record(actor, AuditEvent.Action.DELETE, scenario, summary=f"scenario {scenario.name} deleted")
    scenario.delete()


class ScenarioSummary(BaseModel):
    """One scenario's totals: budget, value, cost, how sure, how many initiatives, objective and mix."""

    name: str
    budget: float | None
    value: float
    cost: float | None
    optimal: bool
    gap: float
    initiatives: int
    objective: str | None
    mix: dict[str, float]
    hires: int = 0
    hire_cost: float | None = None


class ComparedInitiative(BaseModel):
    """An initiative some of the compared scenarios choose, with the quarter each gives it (None: left out)."""

    id: int
    title: str
    quarters: list[str | None]


class ScenarioComparison(BaseModel):
    """Scenarios side by side."""

    scenarios: list[ScenarioSummary]
    rows: list[ComparedInitiative]


def compare_scenarios(actor: User | None, names: Iterable[str]) -> ScenarioComparison:
    """Scenarios side by side: their constraints and totals, and the quarter each one gives each initiative."""
    check(actor, Perm.VIEW_WORKSPACE)
    chosen = [get_scenario(None, n) for n in names]
    if not chosen:
        raise ValidationError("Name at least one scenario to compare.")
    summary = [ScenarioSummary(
        name=s.name, budget=s.result.get("budget"), value=s.value, cost=s.result.get("cost"), optimal=s.optimal,
        gap=s.gap, initiatives=len(s.result.get("items", [])), objective=s.constraints.get("objective"),
        mix={m["kind"]: m["share"] for m in s.result.get("mix", [])},
        hires=sum(h["count"] for h in (s.result.get("hiring") or {}).get("hires", [])),
        hire_cost=(s.result.get("hiring") or {}).get("hire_cost")) for s in chosen]
    titles: dict[int, str] = {}
    placed: dict[int, dict[str, str]] = defaultdict(dict)
    for s in chosen:
        for item in s.result.get("items", []):
            titles[item["id"]] = item["title"]
            placed[item["id"]][s.name] = item["quarter"]
    rows = [ComparedInitiative(id=pk, title=titles[pk], quarters=[placed[pk].get(s.name) for s in chosen])
            for pk in sorted(placed, key=lambda pk: (-len(placed[pk]), pk))]
    return ScenarioComparison(scenarios=summary, rows=rows)


@transaction.atomic
def apply_scenario(actor: User | None, name: str, commitment: str = "auto", *, today: date | None = None) -> int:
    """Put a scenario's plan on the roadmap: its initiatives in their quarters; items it leaves out come off
    unless committed. ``auto`` commits what starts now, marks next quarter likely and later ones exploring.
    Returns how many initiatives it placed."""
    check(actor, Perm.EDIT_PLANS)
    scenario = get_scenario(None, name)
    problems = Problems()
    auto = str(commitment).strip().lower() == "auto"
    level = "" if auto else problems.choice(commitment, Commitment, "commitment")
    problems.raise_if_any("Cannot apply the scenario (commitment is auto, committed, likely or exploring)")
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
