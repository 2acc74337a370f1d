"""Strategy pages: the dashboard, goals, a goal, a KPI, the vision and strategy document, the alerts inbox."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from headway.core import services as core
from headway.core.errors import HeadwayError, ValidationError
from headway.core.http import AuthedRequest
from headway.core.permissions import Perm, Role, has_perm
from headway.strategy import services
from headway.strategy.picture import kpi_tree_svg, sparkline_svg
from headway.web.charts import ChartMarker, bar_chart, chart_markers, marker_jumps, marker_layer, to_spec
from headway.web.context import current_workspace
from headway.web.views import AREAS, MONTHS, PERM_LABELS

STATUS_COLOURS = {"on_track": "#1a7f37", "at_risk": "#9a6700", "off_track": "#cf222e"}


def _can_edit(request: HttpRequest) -> bool:
    return has_perm(request.user, Perm.EDIT_STRATEGY)


def _kpi_link(name: str) -> str:
    return reverse("goals-kpi", args=[name])


class _DashboardParts:
    """What the dashboard's shared fragments show, computed only when a fragment is not cached yet for the data
    version (the page template caches them by version; what differs per person is not in here)."""

    def __init__(self, user: Any, version: str) -> None:
        self.user, self.version = user, version

    @cached_property
    def board(self) -> services.Dashboard:
        return services.dashboard(self.user, self.version)

    @cached_property
    def north(self) -> services.KpiSummary | None:
        return self.board.north_star

    @cached_property
    def north_spark(self) -> SafeString | str:
        north = self.north
        return sparkline_svg(north.spark, f"{north.label}, last {len(north.spark)} days", 320, 60) if north else ""

    @cached_property
    def tree(self) -> SafeString:
        return kpi_tree_svg(self.board.kpis, _kpi_link)

    @cached_property
    def kpi_rows(self) -> list[tuple[services.KpiSummary, SafeString]]:
        return [(k, sparkline_svg(k.spark, f"{k.label}, last {len(k.spark)} days")) for k in self.board.kpis]

    @cached_property
    def people(self) -> Counter[str]:
        return Counter(user.role for user in core.list_users(self.user))

    @cached_property
    def people_chart(self) -> Any:
        return bar_chart([{"role": role.label, "people": self.people.get(role.value, 0)} for role in Role],
                         category="role", value="people", title="People by role", value_title="People")

    @cached_property
    def people_total(self) -> int:
        return sum(self.people.values())

    @cached_property
    def fiscal_month(self) -> str:
        return MONTHS[core.get_workspace().fiscal_year_start_month - 1]


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The first page a leader opens: North Star, KPI tree, goals, alerts, pinned insights, the workspace.

    The parts every reader sees alike are cached per data version (one query decides whether they are still
    current); the reader's name, role, rights and a running refresh are read for each request."""
    version = services.dashboard_version(request.user)
    return render(request, "strategy/dashboard.html", {
        "title": "Dashboard", "version": version, "parts": _DashboardParts(request.user, version),
        "workspace": services.cached("workspace", version, current_workspace),  # its columns are in the version
        # computed only when the role's fragment is not cached yet (a template calls a callable)
        "can_do": lambda: [label for perm, label in PERM_LABELS.items() if has_perm(request.user, perm)],
        "areas": lambda: [{"name": name, "label": label, "blurb": blurb} for name, (label, blurb) in AREAS.items()],
        "can_edit": _can_edit(request), "refresh_job": services.latest_kpi_refresh(request.user),
    })


@login_required
@require_http_methods(["POST"])
def kpis_refresh(request: AuthedRequest) -> HttpResponse:
    """Start a KPI refresh in the background; the dashboard shows its progress, then reloads itself."""
    job = services.start_kpi_refresh(request.user)
    if not request.headers.get("HX-Request"):
        messages.success(request, "The KPIs are being refreshed in the background.")
        return redirect("dashboard")
    return render(request, "web/_job.html", {"job": job, "next": reverse("dashboard")})


@login_required
def goals_page(request: AuthedRequest) -> HttpResponse:
    """The goals of a period as an alignment tree, with the period's KPIs."""
    period = request.GET.get("period") or None
    user = request.user
    chosen = services.resolve_period(user, period) if period else services.current_period()
    goals = services.goal_views(user, services.list_goals(user, chosen.name))
    return render(request, "strategy/goals.html", {
        "title": "Goals", "period": chosen, "goals": goals,
        "periods": services.list_periods(user),
        "kpis": services.kpi_summaries(user, chosen.name),
        "open_alerts": services.open_alert_count(user),
        "can_edit": _can_edit(request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def goal_page(request: AuthedRequest, goal_id: int) -> HttpResponse:
    """One goal with its key results and check-ins; a POST is a check-in."""
    user = request.user
    goal = services.get_goal(user, goal_id)
    errors: dict[str, str] = {}
    values = {"status": goal.status, "confidence": str(goal.confidence), "comment": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            services.update_goal(user, goal_id, status=values["status"],
                                 confidence=values["confidence"], comment=values["comment"])
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            details = exc.details if isinstance(exc.details, dict) else {}
            errors = {k: exc.message for k in details if k in values} or {"__all__": exc.message}
        else:
            messages.success(request, "Check-in saved.")
            return redirect("goals-detail", goal_id=goal_id)
    view = services.goal_views(user, [goal])[0]
    return render(request, "strategy/goal.html", {
        "title": goal.title, "goal": goal, "view": view, "updates": services.goal_updates(user, goal_id),
        "statuses": [(s.value, s.label) for s in goal.Status], "errors": errors, "values": values,
        "can_edit": _can_edit(request),
    }, status=422 if errors else 200)


def kpi_chart(data: services.KpiChart, markers: Sequence[ChartMarker] = ()) -> dict[str, Any]:
    """The KPI detail chart: actuals, the forecast with its 80% interval, the target as a rule, and the release
    markers and annotations in its range as dashed rules."""
    summary = data.summary
    title = f"{summary.label}: {'running total' if data.cumulative else 'daily value'}, {summary.period}"
    rows = [{key: value for key, value in asdict(point).items() if value is not None}
            for point in data.actual + data.forecast]
    fmt = ".1%" if summary.unit == "percent" else ",.0f" if summary.unit in ("count", "currency") else ",.2f"
    x = {"field": "date", "type": "temporal", "title": None, "axis": {"grid": False, "format": "%b %-d"}}
    y_title = summary.label + (" (running total)" if data.cumulative else "")
    layers: list[dict[str, Any]] = [
        {"transform": [{"filter": "datum.series === 'forecast'"}],
         "mark": {"type": "area", "opacity": 0.25, "color": "#6e7781"},
         "encoding": {"x": x, "y": {"field": "lower", "type": "quantitative", "title": y_title},
                      "y2": {"field": "upper"}}},
        {"mark": {"type": "line", "point": False},
         "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": y_title,
                                    "axis": {"format": fmt}},
                      "color": {"field": "series", "type": "nominal", "title": "Series",
                                "scale": {"domain": ["actual", "forecast"], "range": ["#0969da", "#6e7781"]}},
                      "strokeDash": {"field": "series", "type": "nominal", "legend": None,
                                     "scale": {"domain": ["actual", "forecast"], "range": [[1, 0], [4, 3]]}},
                      "tooltip": [{"field": "date", "type": "temporal", "title": "Day"},
                                  {"field": "series", "type": "nominal", "title": "Series"},
                                  {"field": "value", "type": "quantitative", "title": "Value", "format": fmt},
                                  {"field": "lower", "type": "quantitative", "title": "Lower (80%)", "format": fmt},
                                  {"field": "upper", "type": "quantitative", "title": "Upper (80%)", "format": fmt}]}},
    ]
    if data.target is not None:
        layers.append({"data": {"values": [{"target": data.target}]},
                       "mark": {"type": "rule", "color": "#cf222e", "strokeWidth": 2},
                       "encoding": {"y": {"field": "target", "type": "quantitative", "title": y_title}}})
    if markers:
        layers.append(marker_layer(markers))
    return to_spec({"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title, "height": 280,
                    "width": "container", "autosize": {"type": "fit", "contains": "padding"},
                    "data": {"values": rows}, "layer": layers})


def _markers(user: object, name: str, data: services.KpiChart) -> list[ChartMarker]:
    days = [p.date for p in data.actual + data.forecast]
    if not days:
        return []
    return chart_markers(user, kpi=name, date_from=min(days), date_to=max(days))


@login_required
@require_http_methods(["GET", "POST"])
def kpi_page(request: AuthedRequest, name: str) -> HttpResponse:
    """One KPI: its numbers, the chart, targets, inputs and alerts; a POST sets a target, or (``form=value``, a
    KPI without a metric) enters one day's value by hand."""
    user = request.user
    period = request.GET.get("period") or None
    errors: dict[str, str] = {}
    values = {"period": period or "", "target": ""}
    entry = {"date": services.today().isoformat(), "value": ""}
    if request.method == "POST" and request.POST.get("form") == "value":
        entry = {"date": request.POST.get("date", "").strip(), "value": request.POST.get("value", "").strip()}
        try:
            row = services.enter_value(user, name, _day(entry["date"]), entry["value"])
            services.refresh_kpis(user, names=[name])
        except HeadwayError as exc:
            if exc.status in (403, 409):  # refused, or a KPI with a metric: the error page says why
                raise
            errors = {"date" if "date" in str(exc.details) else "value": exc.message}
        else:
            messages.success(request, f"Value for {row.date.isoformat()} saved.")
            return redirect("goals-kpi", name=name)
    elif request.method == "POST":
        values = {"period": request.POST.get("period", ""), "target": request.POST.get("target", "")}
        try:
            target = services.set_target(user, name, values["period"], values["target"])
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            errors = {"target" if "target" in str(exc.details) else "period": exc.message}
        else:
            messages.success(request, f"Target for {target.period.name} saved.")
            return redirect(f"{reverse('goals-kpi', args=[name])}?period={target.period.name}")
    data = services.kpi_chart_data(user, name, period)
    summary = data.summary
    if not values["period"]:
        values["period"] = summary.period
    return render(request, "strategy/kpi.html", {
        "title": summary.label, "k": summary, "chart": kpi_chart(data, _markers(user, name, data)),
        "targets": services.list_targets(user, name),
        "alerts": services.list_alerts(user, kpi=name)[:10],
        "inputs": [k for k in services.kpi_summaries(user, summary.period) if k.parent == name],
        "errors": errors, "values": values, "can_edit": _can_edit(request), "entry": entry,
        "marker_jumps": marker_jumps(chart_markers(user, kpi=name)),
    }, status=422 if errors else 200)


def _day(text: str) -> date:
    """A day as the date field sends it (YYYY-MM-DD), or a ValidationError that says so."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text[:40]!r} is not a day: give it as YYYY-MM-DD, e.g. 2026-05-31.",
                              details={"date": text[:100]}) from None


@login_required
@require_http_methods(["GET", "POST"])
def strategy_page(request: AuthedRequest) -> HttpResponse:
    """The vision and strategy document with every version's changes; a POST saves a new version."""
    user = request.user
    area = request.GET.get("area") or None
    errors: dict[str, str] = {}
    current = services.current_strategy(user, area)
    values = {"vision": current.vision if current else "", "body": current.body if current else "", "note": ""}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            services.save_strategy(user, vision=values["vision"], body=values["body"], area=area,
                                   note=values["note"])
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            errors = {"__all__": exc.message}
        else:
            messages.success(request, "Strategy saved as a new version.")
            return redirect(f"{reverse('goals-strategy')}{'?area=' + area if area else ''}")
    changes = services.strategy_changes(user, area)
    return render(request, "strategy/strategy.html", {
        "title": "Vision and strategy", "area": area, "current": current,
        "html": SafeString(services.render_markdown(current.body)) if current else "",  # escaped by markdown-it
        "changes": changes, "areas": services.list_areas(user), "errors": errors, "values": values,
        "can_edit": _can_edit(request),
    }, status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def alerts_page(request: AuthedRequest) -> HttpResponse:
    """The alerts inbox; a POST acknowledges one."""
    user = request.user
    if request.method == "POST":
        try:
            alert_id = int(request.POST.get("acknowledge", ""))
        except ValueError:
            alert_id = 0
        alert = services.acknowledge_alert(user, alert_id)
        messages.success(request, f"Alert on {alert.kpi.label} acknowledged.")
        return redirect("goals-alerts")
    alerts = list(services.list_alerts(user).select_related("kpi", "acknowledged_by"))
    return render(request, "strategy/alerts.html", {
        "title": "Alerts", "alerts": alerts,
        "may_ack": {a.pk for a in alerts if services.may_acknowledge(user, a)},
    })
