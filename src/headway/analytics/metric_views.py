"""The metric catalogue: every metric with its type and description, one metric's YAML, and (product leaders
and admins) the catalogue's YAML to edit: Validate shows each problem with its line in place (HTMX), Save
replaces the catalogue (all or nothing), Add a metric opens the editor with a new metric's entry appended."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from headway.analytics import behaviour_views, services
from headway.core.errors import HeadwayError
from headway.core.http import AuthedRequest, actor_of
from headway.core.permissions import Perm, has_perm, require

MAX_YAML = 200_000  # characters: a catalogue of a few hundred metrics

NEW_METRIC = """\
  - name: {name}
    type: simple
    event: {event}
    math: unique_users
    description: Describe what it counts.
"""


def _issues(text: str) -> list[dict[str, Any]]:
    """Every problem of a YAML document as (line, message); a document that is too long is one problem."""
    if len(text) > MAX_YAML:
        return [{"line": 1, "message": f"The document has {len(text):,} characters: keep it under "
                                       f"{MAX_YAML:,}."}]
    return [{"line": issue.line, "message": issue.message} for issue in services.validate_metrics(text)]


def _new_entry(request: AuthedRequest, names: set[str]) -> str:
    events = services.event_names(actor_of(request))
    name = next(f"new_metric_{n}" if n else "new_metric" for n in range(len(names) + 1)
                if (f"new_metric_{n}" if n else "new_metric") not in names)
    return NEW_METRIC.format(name=name, event=events[0] if events else "purchase")


@login_required
@require_http_methods(["GET", "POST"])
def metrics_page(request: AuthedRequest) -> HttpResponse:
    """The catalogue and, for those who may change it, its YAML editor; a POST replaces the catalogue."""
    actor = actor_of(request)
    can_edit = has_perm(request.user, Perm.EDIT_STRATEGY)
    metrics = list(services.list_metrics(actor))
    text = services.metrics_yaml(actor)
    if not metrics:
        text = "metrics:\n"
    issues: list[dict[str, Any]] = []
    error = ""
    if request.method == "POST":
        require(request.user, Perm.EDIT_STRATEGY)
        text = request.POST.get("yaml", "")
        issues = _issues(text)
        if not issues:
            try:
                loaded = services.load_metrics(actor, text, source="web")
            except HeadwayError as exc:
                if exc.status == 403:
                    raise
                error = exc.message
            else:
                messages.success(request, f"Metric catalogue saved: {len(loaded)} metrics.")
                return redirect("insights-metrics")
    elif request.GET.get("add") and can_edit:
        text = text.rstrip("\n") + "\n" + _new_entry(request, {m.name for m in metrics})
    failed = bool(issues or error)
    return render(request, "analytics/metrics.html", {
        "title": "Insights · Metrics", "metrics": metrics, "yaml": text, "issues": issues, "error": error,
        "can_edit": can_edit, "rows": min(40, max(12, text.count("\n") + 2)),
        "tabs": behaviour_views.TABS, "tab": "metrics",
    }, status=422 if failed else 200)


@login_required
@require_GET
def metric_page(request: AuthedRequest, name: str) -> HttpResponse:
    """One metric: its type, description and its entry of the catalogue's YAML."""
    actor = actor_of(request)
    metric = next((m for m in services.list_metrics(actor) if m.name == name), None)
    text = services.metrics_yaml(actor, name)
    return render(request, "analytics/metric.html", {
        "title": f"Metric · {name}", "metric": metric, "yaml": text,
        "can_edit": has_perm(request.user, Perm.EDIT_STRATEGY),
        "tabs": behaviour_views.TABS, "tab": "metrics",
    })


@login_required
@require_POST
def metrics_validate(request: AuthedRequest) -> HttpResponse:
    """Check the editor's YAML without saving it (an HTMX partial): every problem with its line, or that it is
    valid and how many metrics it defines."""
    text = request.POST.get("yaml", "")
    issues = _issues(text)
    count = 0 if issues else len(services.metric_catalog(text).metrics)
    return render(request, "analytics/_metric_check.html", {"issues": issues, "count": count, "checked": True})
