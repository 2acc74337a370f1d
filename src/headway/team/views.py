"""The team page: the org chart as a server-drawn SVG picture, the people table and spans of control."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from headway.team import services
from headway.team.engine.layout import ChartLayout, wrap_text
from headway.team.engine.org import OrgNode
from headway.team.models import Department

COLLAPSED_DEPTH = 2
"""Depth of the last row shown when the chart is collapsed (CPO 0, VP 1, directors 2)."""


def _chart_boxes(chart: ChartLayout) -> list[dict[str, Any]]:
    """Boxes with their text already broken into lines that fit."""
    return [
        {
            "box": box,
            "name": wrap_text(box.name, 22, 1)[0] if box.name else "",
            "title_lines": wrap_text(box.title, 28, 2),
        }
        for box in chart.boxes
    ]


def _outline(nodes: list[OrgNode]) -> list[dict[str, Any]]:
    """The tree as nested dicts for the indented list shown on narrow screens."""
    return [{"node": n, "children": _outline(n.children)} for n in nodes]


@login_required
def team_page(request: HttpRequest) -> HttpResponse:
    department = request.GET.get("department") or ""
    collapsed = request.GET.get("chart") == "collapsed"
    actor = request.user
    tree = services.org_tree(actor)  # type: ignore[arg-type]
    chart = services.org_chart(actor, collapse_depth=COLLAPSED_DEPTH if collapsed else None)  # type: ignore[arg-type]
    people = services.list_people(actor, department=department or None)  # type: ignore[arg-type]
    spans = services.spans_of_control(actor)  # type: ignore[arg-type]
    return render(request, "team/team.html", {
        "title": "Team",
        "chart": chart,
        "chart_centre": chart.boxes[0].x + chart.boxes[0].width / 2 if chart.boxes else 0,
        "boxes": _chart_boxes(chart),
        "outline": _outline(tree),
        "collapsed": collapsed,
        "people": people,
        "department": department,
        "departments": Department.choices,
        "spans": spans,
    })
