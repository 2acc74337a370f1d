"""The Insights page: a trends builder, its chart and table (HTMX-refreshed), and saved insights."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

import altair as alt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from headway.analytics import behaviour_views, services
from headway.core import jobs
from headway.core.errors import HeadwayError
from headway.core.http import AuthedRequest, actor_of
from headway.core.permissions import Perm, has_perm
from headway.core.validation import is_id
from headway.web.charts import ChartMarker, chart_markers, marker_jumps, marker_layer

if TYPE_CHECKING:
    from headway.analytics.engine import TrendsResult

DISPLAYS = {"line": "Line", "bar": "Bar", "number": "Big number"}
MATH_LABELS = {
    "total": "Total events", "unique_users": "Unique users", "weekly_active": "Weekly active users",
    "monthly_active": "Monthly active users", "sum": "Sum of property", "avg": "Average of property",
    "min": "Minimum of property", "max": "Maximum of property", "median": "Median of property",
}
FILTER_ROWS = 3
SERIES_ROWS = 2
SERIES_LETTERS = ("B", "C")


def query_from_params(params: QueryDict, default_event: str = "") -> dict[str, Any]:
    """The trends query a builder form (or a shared URL) describes, as plain data for the service."""
    where = [f"{p.strip()}:{o}:{v.strip()}" for p, o, v in zip(
        params.getlist("where_property"), params.getlist("where_op"), params.getlist("where_value"), strict=False,
    ) if p.strip()]
    where += [w for w in params.getlist("where") if w.strip()]
    series = [":".join((e.strip(), m, p.strip())).rstrip(":") for e, m, p in zip(
        params.getlist("series_event"), params.getlist("series_math"), params.getlist("series_property"),
        strict=False) if e.strip()]
    series += [s for s in params.getlist("series") if s.strip()]
    return {
        "event": params.get("event") or default_event,
        "math": params.get("math") or "total",
        "math_property": params.get("math_property") or None,
        "interval": params.get("interval") or "day",
        "date_from": params.get("date_from") or None,
        "date_to": params.get("date_to") or None,
        "where": where,
        "breakdown": params.get("breakdown") or None,
        "cohort": params.get("cohort") or None,
        "breakdown_cohorts": [c for c in params.getlist("breakdown_cohorts") if c.strip()],
        "cumulative": params.get("cumulative") in {"1", "on", "true"},
        "series": series,
        "formula": params.get("formula") or None,
        "compare": params.get("compare") in {"1", "on", "true"},
    }


def query_params(query: services.TrendsRequest, display: str = "line") -> str:
    """The URL query string that reopens the builder on ``query``."""
    data = query.model_dump(mode="json", exclude_defaults=True)
    pairs: list[tuple[str, str]] = [(k, str(v)) for k, v in data.items()
                                    if k not in {"where", "series", "breakdown_cohorts"} and v is not None]
    pairs += [("where", w) for w in data.get("where", [])]
    pairs += [("breakdown_cohorts", str(c)) for c in data.get("breakdown_cohorts", [])]
    pairs += [("series", s.as_text()) for s in query.series]
    pairs.append(("display", display))
    return urlencode(pairs)


def trends_chart(query: services.TrendsRequest, result: TrendsResult, display: str,
                 markers: Sequence[ChartMarker] = ()) -> dict[str, Any]:
    """The Vega-Lite spec (built with Altair) of a trends result: line, bar or big number, with the release
    markers and annotations in its range as dashed rules."""
    rows = services.trends_rows(result)
    if query.interval == "hour":  # ISO with Z: the browser reads it as UTC, the axis shows it as UTC
        rows = [{**row, "interval": str(row["interval"]).replace(" ", "T") + "Z"} for row in rows]
    title = f"{query.formula or query.event} · {MATH_LABELS[query.math].lower()} per {query.interval}"
    if display == "number":
        value = services.big_number(query, result)
        return behaviour_views.spec(alt.Chart(behaviour_views.chart_data([{"metric": title, "value": value}]),
                                              title=title).mark_text(fontSize=56, fontWeight="bold").encode(
            text=alt.Text("value:Q", format=",.4~f")).properties(height=120))
    # Interval starts are wall-clock times of the workspace: draw them in UTC so no browser shifts them.
    time_unit: Literal["utcyearmonthdatehours", "utcyearmonthdate"] = \
        "utcyearmonthdatehours" if query.interval == "hour" else "utcyearmonthdate"
    x = alt.X("interval:T", title=None, timeUnit=time_unit, scale=alt.Scale(type="utc"))
    y = alt.Y("value:Q", title=MATH_LABELS[query.math])
    color = alt.Color("series:N", title=query.breakdown or "series")
    base = alt.Chart(behaviour_views.chart_data(rows), title=title)
    mark = base.mark_bar() if display == "bar" else base.mark_line(point=len(result.labels) <= 60)
    encoding = {"x": x, "y": y, "tooltip": ["interval:N", "series:N", alt.Tooltip("value:Q", format=",.4~f")]}
    if len(result.series) > 1:
        encoding["color"] = color
        if display == "bar":
            encoding["xOffset"] = alt.XOffset("series:N")
    if query.compare and display == "line":
        rows = [{**row, "period": "previous" if str(row["series"]).endswith("(previous period)") else "current"}
                for row in rows]
        base = alt.Chart(behaviour_views.chart_data(rows), title=title)
        mark = base.mark_line(point=len(result.labels) <= 60)
        encoding["strokeDash"] = alt.StrokeDash("period:N", title="period", sort=["current", "previous"])
    built = behaviour_views.spec(mark.encode(**encoding).properties(height=320))
    if markers and query.interval != "hour":
        top = {k: v for k, v in built.items() if k in ("$schema", "config", "datasets", "title", "height", "width")}
        view = {k: v for k, v in built.items() if k not in top}
        built = {**top, "layer": [view, marker_layer(markers, "interval", time_unit)]}
    return built


def _result_context(request: AuthedRequest, params: QueryDict) -> dict[str, Any]:
    """Run the query a request describes; errors become a message on the page, not a crash."""
    display = params.get("display") or "line"
    display = display if display in DISPLAYS else "line"
    names = services.event_names(actor_of(request))
    context: dict[str, Any] = {"event_names": names, "display": display, "error": None, "result": None}
    raw = query_from_params(params, names[0] if names else "")
    context["raw"] = raw
    if not raw["event"]:
        context["error"] = "There are no events yet: import an events file below, or send events to the API."
        return context
    try:
        query = services.trends_query(raw)
        result = services.trends(actor_of(request), query)
        date_from, date_to = services.resolve_dates(query)
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        context["error"] = exc.message
        return context
    context.update({
        "query": query, "result": result, "date_from": date_from, "date_to": date_to,
        "spec": trends_chart(query, result, display,
                             chart_markers(request.user, date_from=date_from, date_to=date_to)),
        "big_number": services.big_number(query, result), "math_label": MATH_LABELS[query.math],
        "previous_big_number": services.previous_big_number(query, result),
        "columns": [services.series_name(s) for s in result.series],
        "table": [(services.trends_label(label, result.interval), [s.data[i] for s in result.series])
                  for i, label in enumerate(result.labels)],
        "share_params": query_params(query, display),
        "chart_label": f"Trend of {query.formula or query.event}" + (" and the previous period" if query.compare else ""),
    })
    return context


@login_required
@require_GET
def insights(request: AuthedRequest) -> HttpResponse:
    """The Insights page: builder, result and saved insights; ``?insight=ID`` opens a saved one."""
    params = request.GET
    if params.get("insight"):
        try:
            saved = services.get_insight(actor_of(request), int(params["insight"]))
        except (ValueError, HeadwayError):
            messages.error(request, "That saved insight does not exist any more; pick one from the list.")
            return redirect("insights")
        if saved.kind != "trends":
            params = QueryDict(urlencode({"tab": saved.kind, "q": json.dumps(saved.query)}))
        else:
            params = QueryDict(query_params(services.trends_query(saved.query), params.get("display") or "line"))
    if params.get("tab") in behaviour_views.TABS and params.get("tab") != "trends":
        return render(request, "analytics/behaviour.html",
                      behaviour_views.page_context(request, params["tab"], params))
    context = _result_context(request, params)
    raw = context["raw"]
    filters = [w.split(":", 2) + [""] * (3 - len(w.split(":", 2))) for w in raw["where"]]
    filters += [["", "eq", ""]] * max(0, FILTER_ROWS - len(filters))
    series = [(services.parse_series(text)) for text in raw["series"]][:SERIES_ROWS]
    series += [{"event": "", "math": None, "math_property": None}] * (SERIES_ROWS - len(series))
    context.update({
        "title": "Insights",
        "maths": MATH_LABELS, "intervals": services.INTERVALS, "ops": services.OPS, "displays": DISPLAYS,
        "filters": filters, "series_rows": list(zip(SERIES_LETTERS, series, strict=True)),
        "property_names": services.property_names(actor_of(request)) if context["event_names"] else [],
        "saved": (listed := services.list_insights(actor_of(request))),
        "changeable": {s.pk for s in listed if services.can_change_insight(actor_of(request), s)},
        "cohorts": services.list_cohorts(actor_of(request)),
        "breakdown_cohorts": [int(c) for c in raw["breakdown_cohorts"] if is_id(str(c))],
        "tabs": behaviour_views.TABS, "tab": "trends",
        "can_import": has_perm(request.user, Perm.INGEST_EVENTS),
        "import_job": _import_job(request),
        "marker_jumps": marker_jumps(chart_markers(request.user)),
    })
    return render(request, "analytics/insights.html", context)


def _import_job(request: AuthedRequest) -> jobs.JobView | None:
    """The events import named by ``?import=ID`` (the page shows its progress), if there is one."""
    job_id = request.GET.get("import", "")
    if not is_id(job_id):
        return None
    try:
        return jobs.get_job(actor_of(request), int(job_id))
    except HeadwayError:
        return None


@login_required
@require_POST
def import_events(request: AuthedRequest) -> HttpResponse:
    """Take an uploaded events file and import it in the background; the Insights page follows the job."""
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose an events file to import (.csv, .jsonl, .json or .parquet).")
        return redirect("insights")
    try:
        job = services.import_uploaded_events(actor_of(request), upload.name or "", upload)
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect("insights")
    return redirect(reverse("insights") + f"?import={job.id}")


@login_required
@require_GET
def insights_result(request: AuthedRequest) -> HttpResponse:
    """The chart, big number and table for the builder's current query (HTMX swaps it in)."""
    return render(request, "analytics/_trends_result.html", _result_context(request, request.GET))


@login_required
@require_POST
def save_insight(request: AuthedRequest) -> HttpResponse:
    """Save the builder's query (trends, or a tab's query in ``q``) under a name."""
    kind = request.POST.get("kind") or "trends"
    try:
        if kind == "trends":
            query: Any = services.trends_query(query_from_params(request.POST))
        else:
            query = behaviour_views.query_from_params(kind, request.POST) if kind in behaviour_views.SCALARS \
                else {}
        insight = services.create_insight(actor_of(request), request.POST.get("name", ""), query,
                                          pinned=request.POST.get("pinned") == "on", kind=kind)
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect(f"{reverse('insights')}?{request.POST.get('share_params', '')}")
    messages.success(request, f"Insight “{insight.name}” saved.")
    return redirect(f"{reverse('insights')}?insight={insight.pk}")


@login_required
@require_POST
def change_insight(request: AuthedRequest, insight_id: int) -> HttpResponse:
    """Pin, unpin or delete a saved insight."""
    action = request.POST.get("action")
    try:
        if action == "delete":
            services.delete_insight(actor_of(request), insight_id)
            messages.success(request, "Insight deleted.")
        else:
            insight = services.update_insight(actor_of(request), insight_id, pinned=action == "pin")
            messages.success(request, f"Insight “{insight.name}” {'pinned' if insight.pinned else 'unpinned'}.")
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    return redirect("insights")
