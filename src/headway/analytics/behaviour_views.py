"""The Insights page's tabs for funnels, retention, stickiness, lifecycle and paths, and the persons drill-down.

Each tab is a GET form; its result (chart, table, links to the persons behind each number) refreshes with HTMX.
A query travels as form fields or, once validated, as JSON in ``q`` (share links, saving, drill-down).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import altair as alt
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from headway.analytics import sankey, services
from headway.core.errors import HeadwayError
from headway.core.http import AuthedRequest, actor_of
from headway.core.validation import is_id

TABS = {"trends": "Trends", "funnel": "Funnels", "retention": "Retention", "stickiness": "Stickiness",
        "lifecycle": "Lifecycle", "paths": "Paths"}
LISTS = {"step": "steps", "where": "where", "include": "include_events", "breakdown_cohort": "breakdown_cohorts"}
SCALARS = {
    "funnel": ("date_from", "date_to", "window", "window_unit", "order", "breakdown", "cohort"),
    "retention": ("target_event", "returning_event", "period", "intervals", "date_to", "kind", "mode", "cohort"),
    "stickiness": ("event", "interval", "date_from", "date_to", "cohort"),
    "lifecycle": ("event", "interval", "date_from", "date_to", "cohort"),
    "paths": ("date_from", "date_to", "event_type", "path_property", "max_steps", "cohort", "start_point",
              "end_point"),
}
LIFECYCLE_COLORS = {"new": "#2f7d32", "returning": "#1f5fa8", "resurrecting": "#b26a00", "dormant": "#b3261e"}
STEP_ROWS = 5
SANKEY_EDGES = 40  # the most frequent transitions drawn (and listed) on the page


def query_from_params(kind: str, params: QueryDict) -> dict[str, Any]:
    """The query a tab's form (or a link with ``q``) describes, as plain data for the service."""
    text = params.get("q") or ""
    if text:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
    query: dict[str, Any] = {name: params[name] for name in SCALARS[kind] if params.get(name, "").strip()}
    for field, name in LISTS.items():
        values = [v.strip() for v in params.getlist(field) if v.strip()]
        if values:
            query[name] = values
    return query


def query_json(answer: services.Answer[Any, Any]) -> str:
    """The validated query as compact JSON (for ``q``)."""
    return json.dumps(answer.query.model_dump(mode="json", exclude_defaults=True), separators=(",", ":"))


def persons_url(kind: str, q: str, **at: Any) -> str:
    """The drill-down URL of one number."""
    return reverse("insights-persons") + "?" + urlencode({"tab": kind, "q": q, **{k: v for k, v in at.items() if v is not None}})


# --- charts --------------------------------------------------------------------------------------------

_Data: Callable[..., alt.Data] = alt.Data  # altair's Data takes untyped keywords


def chart_data(values: Sequence[Mapping[str, Any]]) -> alt.Data:
    """Rows as the inline data of a chart (kept inline in the spec, where the page's table reads them)."""
    return _Data(values=list(values))


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of an Altair chart."""
    built: dict[str, Any] = chart.to_dict()
    return built


def funnel_chart(rows: list[services.Row]) -> dict[str, Any]:
    """Bars of persons per step, with the drop-off stacked on top and the conversion rate in the tooltip."""
    data = []
    for r in rows:
        if r.get("breakdown", "(all)") != "(all)":
            continue
        label = f"{r['step']}. {r['name']}"
        data.append({"step": label, "status": "converted", "persons": r["persons"], "conversion": r["conversion"]})
        data.append({"step": label, "status": "dropped off", "persons": r["dropped"], "conversion": r["conversion"]})
    chart = alt.Chart(chart_data(data), title="Persons per step").mark_bar().encode(
        x=alt.X("step:N", sort=None, title=None),
        y=alt.Y("persons:Q", title="Persons", stack="zero"),
        color=alt.Color("status:N", title=None, scale=alt.Scale(domain=["converted", "dropped off"],
                                                                range=["#1f5fa8", "#d9d9d9"])),
        order=alt.Order("status:N", sort="ascending"),
        tooltip=["step:N", "status:N", "persons:Q", alt.Tooltip("conversion:Q", title="conversion from step 1 %")],
    ).properties(height=300)
    return spec(chart)


def retention_heatmap(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Cohort × interval cells coloured by the retained share, with the percentage written in."""
    base = alt.Chart(chart_data(rows), title="Retention by cohort").encode(
        x=alt.X("interval:O", title="periods later"), y=alt.Y("cohort:O", title="cohort", sort=None))
    cells = base.mark_rect().encode(
        color=alt.Color("rate:Q", title="retained %", scale=alt.Scale(domain=[0, 100], scheme="blues")),
        tooltip=["cohort:N", "interval:O", "persons:Q", "size:Q", alt.Tooltip("rate:Q", title="retained %")])
    text = base.mark_text(baseline="middle").encode(
        text=alt.Text("rate:Q", format=".0f"),
        color=alt.condition(alt.datum.rate > 50, alt.value("white"), alt.value("black")))
    chart = (cells + text).properties(height=max(120, 26 * len({r["cohort"] for r in rows})))
    return spec(chart)


def retention_curve_chart(curve: list[dict[str, Any]]) -> dict[str, Any]:
    """The share retained per interval over every cohort that reached it."""
    chart = alt.Chart(chart_data(curve), title="Retention curve").mark_line(point=True).encode(
        x=alt.X("interval:O", title="periods later"), y=alt.Y("rate:Q", title="retained %",
                                                             scale=alt.Scale(domain=[0, 100])),
        tooltip=["interval:O", "persons:Q", "of:Q", alt.Tooltip("rate:Q", title="retained %")],
    ).properties(height=240)
    return spec(chart)


def stickiness_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars of persons by the number of intervals they were active in."""
    chart = alt.Chart(chart_data(rows), title="Persons by intervals active").mark_bar().encode(
        x=alt.X("label:N", sort=None, title=None), y=alt.Y("persons:Q", title="Persons"),
        tooltip=["label:N", "persons:Q"]).properties(height=280)
    return spec(chart)


def lifecycle_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars per interval: new, returning and resurrecting above the axis, dormant below."""
    chart = alt.Chart(chart_data(rows), title="Lifecycle").mark_bar().encode(
        x=alt.X("interval:N", title=None), y=alt.Y("persons:Q", title="Persons", stack="zero"),
        color=alt.Color("status:N", title=None, sort=list(LIFECYCLE_COLORS),
                        scale=alt.Scale(domain=list(LIFECYCLE_COLORS), range=list(LIFECYCLE_COLORS.values()))),
        tooltip=["interval:N", "status:N", "persons:Q"]).properties(height=300)
    return spec(chart)


# --- views ---------------------------------------------------------------------------------------------


def _kind(params: QueryDict) -> str:
    kind = params.get("tab", "")
    if kind not in services.KINDS:
        raise Http404("Unknown insight tab: use funnel, retention, stickiness, lifecycle or paths.")
    return kind


def result_context(request: AuthedRequest, kind: str, params: QueryDict,
                   raw: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the tab's query (``raw``, else the one ``params`` describe); errors become a message, not a crash."""
    raw = raw if raw is not None else query_from_params(kind, params)
    context: dict[str, Any] = {"kind": kind, "error": None, "answer": None, "raw": raw}
    try:
        answer = services.run(actor_of(request), kind, context["raw"])
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        context["error"] = exc.message
        return context
    q = query_json(answer)
    rows = answer.rows
    whole = [r for r in rows if r.get("breakdown", "(all)") == "(all)"]  # what the charts draw
    groups: list[tuple[str, Any]] = [("(all)", answer.result)]
    for part in getattr(answer.result, "breakdowns", []):
        # a funnel's breakdown carries its own steps; every other insight's carries a whole result
        groups.append((services.NONE_GROUP if part.value is None else str(part.value), getattr(part, "result", part)))
    context["groups"] = len(groups) > 1
    context.update({"answer": answer, "q": q, "rows": rows, "share": urlencode({"tab": kind, "q": q})})
    if kind == "funnel":
        context["spec"] = funnel_chart(rows)
        context["cells"] = [{**r, "url": persons_url(kind, q, step=r["step"], breakdown=_breakdown(r)),
                             "dropped_url": persons_url(kind, q, step=r["step"], dropped="true",
                                                        breakdown=_breakdown(r)) if _after_first(r) else ""}
                            for r in rows]
    elif kind == "retention":
        context["spec"] = retention_heatmap(whole)
        curve = services.retention_curve(answer.result)
        context.update({"curve": curve, "curve_spec": retention_curve_chart(curve)})
        context["table"] = [
            (_in_group(services.trends_label(c.start, answer.result.period), group),
             [{"persons": v, "rate": services.percent(v, c.values[0]),
               "url": persons_url(kind, q, cohort=i, interval=j, breakdown=_group(group))}
              for j, v in enumerate(c.values)])
            for group, result in groups for i, c in enumerate(result.cohorts)]
        context["width"] = range(max((len(c.values) for c in answer.result.cohorts), default=0))
    elif kind == "stickiness":
        context["spec"] = stickiness_chart(whole)
        context["cells"] = [{**r, "url": persons_url(kind, q, intervals=r["intervals"], breakdown=_breakdown(r))}
                            for r in rows]
    elif kind == "lifecycle":
        context["spec"] = lifecycle_chart(whole)
        labels = [services.trends_label(label) for label in answer.result.labels]
        context["table"] = [(_in_group(status, group),
                             [{"persons": getattr(result, status)[i],
                               "url": persons_url(kind, q, interval=i, status=status, breakdown=_group(group))}
                              for i in range(len(labels))])
                            for group, result in groups for status in services.LIFECYCLE_STATUSES]
        context["labels"] = labels
    else:
        edges = sorted(answer.result.edges, key=lambda e: -e.count)[:SANKEY_EDGES]  # PostHog's edge limit
        layout = sankey.layout(edges)
        context["sankey"] = layout
        context["hidden_edges"] = len(answer.result.edges) - len(edges)
        context["links"] = [(link, persons_url(kind, q, step=link.step, source=link.source, target=link.target))
                            for link in layout.links]
        context["group_edges"] = [
            (group, edge, persons_url(kind, q, step=edge.step, source=edge.source, target=edge.target,
                                      breakdown=group)) for group, result in groups[1:] for edge in result.edges]
    return context


def _after_first(row: services.Row) -> bool:
    """Whether a funnel row is a step after the first (which has a drop-off)."""
    step = row["step"]
    return isinstance(step, int) and step > 1


def _group(name: str) -> str | None:
    """The ``breakdown`` of a drill-down link: None for the whole, else the group's name."""
    return None if name == "(all)" else name


def _in_group(label: str, group: str) -> str:
    """A table row's label, with its breakdown group after it when it is not the whole."""
    return label if group == "(all)" else f"{label} · {group}"


def _breakdown(row: dict[str, Any]) -> str | None:
    value = row.get("breakdown")
    return None if value in (None, "(all)") else value


def page_context(request: AuthedRequest, kind: str, params: QueryDict) -> dict[str, Any]:
    """The whole tab: builder choices, the result and the saved insights."""
    names = services.event_names(actor_of(request))
    raw = query_from_params(kind, params)
    if names and not params.get("q"):  # a first visit: start from the most frequent events
        if kind == "funnel" and not raw.get("steps"):
            raw["steps"] = names[:3]
        elif kind == "retention":
            raw.setdefault("target_event", names[0])
        elif kind in ("stickiness", "lifecycle"):
            raw.setdefault("event", names[0])
    context = result_context(request, kind, params, raw)
    steps = [s if isinstance(s, str) else s.get("event", "") for s in raw.get("steps", [])]
    context.update({
        "title": f"Insights · {TABS[kind]}", "tabs": TABS, "tab": kind, "tab_label": TABS[kind],
        "event_names": names, "window_units": list(services.WINDOW_UNITS), "orders": ("ordered", "strict", "unordered"),
        "periods": ("hour", "day", "week", "month"), "activity_intervals": ("day", "week", "month"),
        "steps": (steps + [""] * STEP_ROWS)[:max(STEP_ROWS, len(steps))],
        "where_text": raw.get("where", []) + [""] * max(0, 2 - len(raw.get("where", []))),
        "cohorts": services.list_cohorts(actor_of(request)),
        "breakdown_cohorts": [int(c) for c in raw.get("breakdown_cohorts", []) if is_id(str(c))],
        "saved": [s for s in services.list_insights(actor_of(request)) if s.kind == kind],
    })
    return context


@login_required
@require_GET
def behaviour_result(request: AuthedRequest) -> HttpResponse:
    """The chart and table of a tab's current query (HTMX swaps it in)."""
    kind = _kind(request.GET)
    return render(request, "analytics/_behaviour_result.html", result_context(request, kind, request.GET))


@login_required
@require_GET
def behaviour_persons(request: AuthedRequest) -> HttpResponse:
    """The persons behind one number (HTMX swaps the list in beside the table)."""
    kind = _kind(request.GET)
    at: dict[str, Any] = {}
    for key in ("step", "cohort", "interval", "intervals"):
        if is_id(request.GET.get(key, "").removeprefix("-")):
            at[key] = int(request.GET[key])
    for key in ("status", "source", "target", "breakdown"):
        if key in request.GET:
            at[key] = request.GET[key]
    if request.GET.get("dropped") == "true":
        at["dropped"] = True
    context: dict[str, Any] = {"kind": kind, "at": at, "error": None, "persons": []}
    try:
        context["persons"] = services.persons(actor_of(request), kind,
                                               query_from_params(kind, request.GET), **at)
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        context["error"] = exc.message
    context["limit"] = services.PERSONS_LIMIT
    return render(request, "analytics/_persons.html", context)
