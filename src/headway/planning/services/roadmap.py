"""The roadmap: initiatives placed in quarters with a commitment level, stakeholder views (what each audience
sees), team capacity and cost per quarter, and exports (CSV, Markdown)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import ValidationError
from headway.core.exports import csv_text
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.models import (
    Commitment,
    Dependency,
    Effort,
    Initiative,
    Kind,
    PlanningTeam,
    RoadmapItem,
    Stage,
)
from headway.planning.services._common import with_relations
from headway.planning.services.initiatives import cost, effort_weeks, get_initiative
from headway.planning.services.quarters import horizon, quarter_index, quarter_label, quarters


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
                   "user_value", "business_value", "demand", "requires")
RoadmapValue = str | int | float | list[str] | list[int]
"""A roadmap cell: text, a number, the teams (names) or the prerequisites (initiative ids)."""
RoadmapRow = dict[str, RoadmapValue]
"""One item on the roadmap: the audience's columns (of :data:`ROADMAP_COLUMNS`) and their values."""


def _audience(name: str) -> Audience:
    key = str(name or "leadership").strip().lower()
    if key not in AUDIENCES:
        raise ValidationError(f"There is no stakeholder view {name!r}: choose one of {', '.join(AUDIENCES)}.",
                              details={"audience": name})
    return AUDIENCES[key]


def _prerequisites_in_order(initiative: Initiative, quarter: str) -> None:
    index = quarter_index(quarter)
    for dep in initiative.dependencies.all():
        if dep.type != Dependency.Type.REQUIRES or dep.target.stage in (Stage.SHIPPED, Stage.MEASURED):
            continue
        item = RoadmapItem.objects.filter(initiative=dep.target).first()
        if item is None or quarter_index(item.quarter) > index:
            where = "is not on the roadmap" if item is None else f"starts later, in {item.quarter}"
            raise ValidationError(
                f"#{initiative.pk} requires {dep.target.title} (#{dep.target.pk}), which {where}: place the "
                f"prerequisite in {quarter} or earlier first.", details={"requires": dep.target.pk})


@transaction.atomic
def place(actor: User | None, initiative_id: int, quarter: str, commitment: str = "likely") -> RoadmapItem:
    """Put an initiative on the roadmap in a quarter with a commitment level; prerequisites must start no later."""
    check(actor, Perm.EDIT_PLANS)
    problems = Problems()
    level = problems.choice(commitment, Commitment, "commitment")
    problems.raise_if_any("The roadmap place is not valid")
    quarter = quarter_label(quarter_index(quarter))
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
    check(actor, Perm.EDIT_PLANS)
    count, _ = RoadmapItem.objects.filter(initiative_id=initiative_id).delete()
    if count:
        audit.record(actor, AuditEvent.Action.DELETE, object_type="roadmapitem", object_id=initiative_id,
                     summary=f"#{initiative_id} taken off the roadmap")


class Roadmap(BaseModel):
    """The roadmap for one audience: its quarters (from the first start to the last end), rows (hidden fields left
    out) and the columns shown."""

    audience: str
    quarters: list[str]
    columns: list[str]
    rows: list[RoadmapRow]

    def board(self) -> dict[str, list[RoadmapRow]]:
        """Rows in the now / next / later columns."""
        return {h: [r for r in self.rows if r["horizon"] == h] for h in ("now", "next", "later")}


def roadmap(actor: User | None, audience: str = "leadership", *, today: date | None = None) -> Roadmap:
    """The roadmap as one stakeholder group should see it (``leadership`` sees everything)."""
    check(actor, Perm.VIEW_WORKSPACE)
    view = _audience(audience)
    columns = [c for c in ROADMAP_COLUMNS if c not in view.hidden]
    items = RoadmapItem.objects.select_related("initiative").order_by("quarter", "initiative_id")
    initiatives = {i.pk: i for i in with_relations(Initiative.objects.filter(pk__in=items.values("initiative")))}
    rows = []
    for item in items:
        i = initiatives[item.initiative_id]
        row: RoadmapRow = {
            "id": i.pk, "title": i.title, "quarter": item.quarter,
            "end_quarter": quarter_label(quarter_index(item.quarter) + i.duration - 1),
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
    shown = sorted({str(r["quarter"]) for r in rows} | {str(r["end_quarter"]) for r in rows})
    span = quarters(shown[0], quarter_index(shown[-1]) - quarter_index(shown[0]) + 1) if shown else []
    return Roadmap(audience=str(audience or "leadership").lower(), quarters=span, columns=columns, rows=rows)


class CapacityRow(BaseModel):
    """One team in one quarter: person-weeks planned against what it has, and the money they cost."""

    team: str
    quarter: str
    planned_weeks: float
    capacity_weeks: float
    cost: float
    load: float
    """Planned over capacity (1.0 is full; above is overbooked)."""
    hire_weeks: float = 0.0
    """Person-weeks the hiring plan's approved and open openings add (on their ramp, less mentoring)."""


def capacity(actor: User | None, *, count: int = 4, start: str | None = None,
             today: date | None = None) -> list[CapacityRow]:
    """Planned person-weeks and cost per team and quarter: each initiative's effort spread evenly over the
    quarters it runs, from its start quarter on."""
    check(actor, Perm.VIEW_WORKSPACE)
    span = quarters(start, count, today=today)
    first, last = quarter_index(span[0]), quarter_index(span[-1])
    planned: dict[tuple[str, str], float] = defaultdict(float)
    money: dict[tuple[str, str], float] = defaultdict(float)
    for effort in Effort.objects.filter(initiative__roadmap_item__isnull=False).values_list(
            "team__name", "initiative__roadmap_item__quarter", "initiative__duration", "weeks",
            "team__cost_per_week"):
        team, quarter, duration, weeks, rate = effort
        begin = quarter_index(quarter)
        for index in range(max(begin, first), min(begin + duration - 1, last) + 1):
            planned[(team, quarter_label(index))] += weeks / duration
            money[(team, quarter_label(index))] += float(Decimal(str(weeks)) * rate) / duration
    from headway.planning.services.openings import hire_weeks

    hires = hire_weeks(first, last)
    rows = []
    for t in PlanningTeam.objects.order_by("name"):
        for q in span:
            weeks = round(planned[(t.name, q)], 2)
            rows.append(CapacityRow(team=t.name, quarter=q, planned_weeks=weeks, capacity_weeks=t.capacity_weeks,
                                    cost=round(money[(t.name, q)], 2), load=_load(weeks, t.capacity_weeks),
                                    hire_weeks=round(hires.get((t.name, q), 0.0), 2)))
    return rows


def _load(planned: float, capacity: float) -> float:
    """Planned over capacity (1.0 is full; above is overbooked; any plan on no capacity is 1.0)."""
    return planned / capacity if capacity else float(planned > 0)


def export_csv(actor: User | None, audience: str = "leadership", *, today: date | None = None) -> str:
    """The roadmap for an audience as CSV (lists joined with ``;``)."""
    view = roadmap(actor, audience, today=today)
    return csv_text(view.columns, [list(row.values()) for row in view.rows])


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
            lines.append(f"- **{_md(str(r['title']))}** ({r['commitment']}, {r['kind']})"
                         + (f" · {_md(' · '.join(extra))}" if extra else ""))
        lines.append("" if rows else "- nothing planned\n")
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", str(text))
