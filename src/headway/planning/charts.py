"""Pictures of the plan: the trade-off scatter and capacity bars as Vega-Lite specs, and the quarterly Gantt
(teams as swimlanes, dependencies as arrows) laid out here and drawn as SVG by the roadmap template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from headway.web.charts import Spec, to_spec


def _inline(rows: list[dict[str, Any]]) -> Any:
    """Rows as Vega-Lite inline data (``alt.Data`` has no type annotations, so it is called untyped here)."""
    import altair as alt

    data: Any = alt.Data
    return data(values=rows)


KIND_COLOURS = {"innovate": "#2563eb", "iterate": "#059669", "maintain": "#d97706", "tech_debt": "#7c3aed"}


def tradeoff_spec(points: Sequence[Any], x_title: str, y_title: str) -> Spec:
    """A scatter of initiatives on two axes, the Pareto frontier joined by a line and drawn larger."""
    import altair as alt

    rows = [{"id": p.id, "title": p.title, "kind": p.kind, "x": p.x, "y": p.y,
             "frontier": "Pareto frontier" if p.frontier else "dominated"} for p in points]
    base = alt.Chart(_inline(rows), title=f"{y_title} against {x_title}", height=360)
    dots = base.mark_point(filled=True, opacity=0.8).encode(
        x=alt.X("x:Q", title=x_title), y=alt.Y("y:Q", title=y_title),
        color=alt.Color("kind:N", title="Kind", scale=alt.Scale(domain=list(KIND_COLOURS),
                                                                range=list(KIND_COLOURS.values()))),
        size=alt.Size("frontier:N", title="", scale=alt.Scale(domain=["Pareto frontier", "dominated"],
                                                               range=[140, 40])),
        tooltip=[alt.Tooltip("title:N", title="Initiative"), alt.Tooltip("x:Q", title=x_title),
                 alt.Tooltip("y:Q", title=y_title), alt.Tooltip("frontier:N", title="On the frontier")],
    )
    line = base.transform_filter("datum.frontier == 'Pareto frontier'").mark_line(color="#111827").encode(
        x="x:Q", y="y:Q", order=alt.Order("x:Q"))
    return to_spec(alt.layer(line, dots))


def capacity_spec(rows: Sequence[Any], title: str = "Capacity per team and quarter") -> Spec:
    """Capacity bars per team, one small chart per quarter: the team's own person-weeks and, stacked on them, what
    hires add on their ramp (less their mentoring; ``hire_weeks`` of each row), with the planned person-weeks as a
    thinner bar over them (red where the plan needs more than the team and its hires have)."""
    import altair as alt

    data: list[dict[str, Any]] = []
    for r in rows:
        hires = float(getattr(r, "hire_weeks", 0.0) or 0.0)
        available = r.capacity_weeks + hires
        common = {"team": r.team, "quarter": r.quarter, "planned": r.planned_weeks, "available": available,
                  "hires": hires, "cost": float(getattr(r, "cost", 0.0) or 0.0)}
        data.append({**common, "layer": "capacity", "part": "team", "weeks": r.capacity_weeks, "order": 0})
        data.append({**common, "layer": "capacity", "part": "hires on their ramp", "weeks": hires, "order": 1})
        data.append({**common, "layer": "planned", "weeks": r.planned_weeks,
                     "part": "planned, over capacity" if r.planned_weeks > available + 1e-9 else "planned"})
    base = alt.Chart(_inline(data), height=30 * max(1, len({r.team for r in rows})), width=180)
    tooltip = [alt.Tooltip("team:N", title="Team"), alt.Tooltip("quarter:N", title="Quarter"),
               alt.Tooltip("planned:Q", title="Planned"), alt.Tooltip("available:Q", title="Capacity with hires"),
               alt.Tooltip("hires:Q", title="Added by hires"), alt.Tooltip("cost:Q", title="Cost", format=",.0f")]
    colour = alt.Color("part:N", title="", scale=alt.Scale(
        domain=["team", "hires on their ramp", "planned", "planned, over capacity"],
        range=["#cbd5e1", "#16a34a", "#2563eb", "#dc2626"]))
    capacity = base.transform_filter("datum.layer == 'capacity'").mark_bar(size=18).encode(
        y=alt.Y("team:N", title=None), x=alt.X("weeks:Q", title="person-weeks", stack="zero"), color=colour,
        order=alt.Order("order:Q"), tooltip=tooltip)
    planned = base.transform_filter("datum.layer == 'planned'").mark_bar(size=7).encode(
        y="team:N", x=alt.X("weeks:Q", stack=None), color=colour, tooltip=tooltip)
    chart = alt.layer(capacity, planned).facet(column=alt.Column("quarter:N", title=None))
    spec = to_spec(chart)
    spec["title"] = f"{title} (wide bar: the team's capacity, green: what hires add on their ramp; thin bar: planned)"
    return spec


@dataclass(frozen=True)
class GanttBar:
    id: int
    title: str
    kind: str
    commitment: str
    x: float
    y: float
    width: float
    height: float
    span: str = ""
    """The quarters it runs: ``2026-Q3`` or ``2026-Q3 to 2026-Q4``."""


@dataclass(frozen=True)
class GanttLane:
    team: str
    y: float
    height: float


@dataclass(frozen=True)
class Gantt:
    """The timeline's geometry: quarter columns, team swimlanes, one bar per item, an arrow per dependency."""

    width: float
    height: float
    quarters: list[tuple[str, float]]
    lanes: list[GanttLane]
    bars: list[GanttBar]
    arrows: list[str]


LABEL_WIDTH, COLUMN, ROW, HEADER = 150.0, 190.0, 26.0, 28.0


def gantt(quarters: Sequence[str], rows: Sequence[dict[str, Any]]) -> Gantt:
    """Lay out roadmap rows: one lane per lead team (rows stacked inside it), bars from their start quarter to
    the end of their last quarter, and an elbow arrow from each prerequisite on the chart to the item requiring
    it."""
    column = {q: LABEL_WIDTH + i * COLUMN for i, q in enumerate(quarters)}
    lanes: list[GanttLane] = []
    bars: list[GanttBar] = []
    y = HEADER
    teams = sorted({r.get("team") or "No team" for r in rows})
    for team in teams:
        members = [r for r in rows if (r.get("team") or "No team") == team]
        lane_top = y
        for r in members:
            start, end = column[r["quarter"]], column.get(r.get("end_quarter", r["quarter"]), column[r["quarter"]])
            last = r.get("end_quarter", r["quarter"])
            bars.append(GanttBar(r["id"], r["title"], r["kind"], r["commitment"], start + 4, y + 3,
                                 end - start + COLUMN - 8, ROW - 6,
                                 r["quarter"] if last == r["quarter"] else f"{r['quarter']} to {last}"))
            y += ROW
        lanes.append(GanttLane(team, lane_top, y - lane_top))
        y += 6
    where = {b.id: b for b in bars}
    arrows = []
    for r in rows:
        for prerequisite in r.get("requires", []):
            if prerequisite in where and r["id"] in where:
                a, b = where[prerequisite], where[r["id"]]
                y1, y2 = a.y + a.height / 2, b.y + b.height / 2
                if b.x > a.x:  # a later quarter: down from the prerequisite, then right into the item
                    arrows.append(f"M{a.x + 12:.0f},{a.y + a.height:.0f} V{y2:.0f} H{b.x:.0f}")
                else:  # the same quarter: round the left edge
                    arrows.append(f"M{a.x:.0f},{y1:.0f} H{a.x - 4:.0f} V{y2:.0f} H{b.x:.0f}")
    return Gantt(width=LABEL_WIDTH + COLUMN * len(quarters), height=y + 4,
                 quarters=[(q, column[q]) for q in quarters], lanes=lanes, bars=bars, arrows=arrows)
