"""The team page: the org chart as a server-drawn SVG picture that opens collapsed to the top of the organisation
(a box with people below expands on click or Enter), the people list with search, filters, sort and pages, the
form to add a person and the spans of control."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from headway.core.http import AuthedRequest, actor_of
from headway.core.pagination import page_number
from headway.core.validation import is_id
from headway.team import services
from headway.team.engine.layout import ChartLayout, wrap_text
from headway.team.engine.org import OrgNode
from headway.team.models import Department
from headway.team.review_views import act
from headway.team.services.directory import SORTS, PeoplePage, PeopleQuery, people_page
from headway.team.views import person_fields, person_form_context

COLLAPSED_DEPTH = 1
"""Depth of the last row shown when the chart opens (CPO 0, the heads reporting to the CPO 1)."""
FILTERS = ("q", "department", "team", "level", "manager", "sort")


def _chart_boxes(chart: ChartLayout, expanded: frozenset[int], params: QueryDict,
                 page: PeoplePage) -> list[dict[str, Any]]:
    """Boxes with their text broken into lines that fit, and where a click on each goes: a box with people
    below opens them (or closes them when open); any other box goes to the person's row in the people list (on
    the list's page that holds it), or to their page when the filters leave them out of the list."""
    out = []
    for box in chart.boxes:
        toggled = expanded ^ {box.id}
        query = params.copy()
        query.setlist("open", [str(i) for i in sorted(toggled)])
        if box.hidden_reports or box.id in expanded:
            href = f"?{query.urlencode()}#org-heading"
            action = "Show" if box.hidden_reports else "Hide"
            label = f"{action} the {box.hidden_reports or ''} people below {box.name}".replace("  ", " ")
        elif page.page_of.get(box.id) == page.page:
            href, label = f"#person-{box.id}", f"{box.name}: go to their row"
        elif box.id in page.page_of:
            query.setlist("open", [str(i) for i in sorted(expanded)])
            query["page"] = str(page.page_of[box.id])
            href, label = f"?{query.urlencode()}#person-{box.id}", f"{box.name}: go to their row"
        else:
            href, label = reverse("team-person", args=[box.id]), f"{box.name}: open their page"
        out.append({"box": box, "href": href, "label": label,
                    "name": wrap_text(box.name, 22, 1)[0] if box.name else "",
                    "title_lines": wrap_text(box.title, 28, 2)})
    return out


def _outline(nodes: list[OrgNode]) -> list[dict[str, Any]]:
    """The tree as nested dicts for the indented list shown on narrow screens."""
    return [{"node": n, "children": _outline(n.children)} for n in nodes]


def _query(request: AuthedRequest) -> PeopleQuery:
    get = request.GET
    manager = get.get("manager", "")
    return PeopleQuery(search=get.get("q", ""), department=get.get("department", ""), team=get.get("team", ""),
                       level=get.get("level", ""), manager=int(manager) if is_id(manager) else None,
                       sort=get.get("sort", "") or "name", page=page_number(get.get("page")))


@login_required
def team_page(request: AuthedRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        def add() -> str:
            services.create_person(actor, **person_fields(request))
            return "Person added."

        return act(request, add, redirect(request.get_full_path()))
    everyone = request.GET.get("chart") == "all"
    expanded = frozenset(int(v) for v in request.GET.getlist("open") if is_id(v))
    chart = services.org_chart(actor, collapse_depth=None if everyone else COLLAPSED_DEPTH, expanded=expanded)
    query = _query(request)
    page = people_page(actor, query)
    keep = QueryDict(mutable=True)
    for key in FILTERS:
        if request.GET.get(key):
            keep[key] = request.GET[key]
    chart_params = keep.copy()
    if everyone:
        chart_params["chart"] = "all"
    return render(request, "team/team.html", {
        "title": "Team",
        "chart": chart, "everyone": everyone, "expanded": sorted(expanded),
        "chart_centre": chart.boxes[0].x + chart.boxes[0].width / 2 if chart.boxes else 0,
        "boxes": _chart_boxes(chart, expanded, chart_params, page),
        "outline": _outline(services.org_tree(actor)),
        "filters": keep.urlencode(), "query": query, "page": page, "sorts": SORTS,
        "rows": [(p, dict(page.levels).get(p.level, p.level)) for p in page.people],
        "department": query.department, "departments": Department.choices,
        "spans": services.spans_of_control(actor),
        **person_form_context(actor),
    })
