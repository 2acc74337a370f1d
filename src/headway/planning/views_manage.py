"""Managing what the roadmap stands on: delivery teams and their capacity, deleting an idea (after a
confirmation), importing ideas from a Jira or Linear export with a per-line error report, and applying or deleting
a saved scenario. Each control is shown to the roles that may use it; the services check again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from headway.core.errors import HeadwayError, PermissionDenied, ValidationError
from headway.core.http import AuthedRequest
from headway.core.permissions import Perm, has_perm, require
from headway.planning import services
from headway.planning.views import page_with_tabs

TEAM_FIELDS = ("cost_per_week", "headcount", "weeks_per_quarter")
MAX_IMPORT_BYTES = 5 * 1024 * 1024
"""The largest export file the import form takes (the service takes at most 5,000 issues)."""
IMPORT_SOURCES = [("jira", "Jira (CSV export)"), ("linear", "Linear (CSV export)")]


def _field_errors(exc: HeadwayError) -> dict[str, str]:
    details = exc.details if isinstance(exc.details, dict) else {}
    return {str(k): str(v) for k, v in details.items()}


@login_required
@require_http_methods(["GET", "POST"])
def teams_page(request: AuthedRequest) -> HttpResponse:
    """Delivery teams: cost per person-week, headcount, weeks per quarter and the capacity they give; product
    leaders add and change them."""
    actor = request.user
    can_edit = has_perm(actor, Perm.EDIT_PLANS)
    error: HeadwayError | None = None
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {k: request.POST.get(k, "").strip() for k in ("name", *TEAM_FIELDS)}
        try:
            fields = {k: v for k, v in posted.items() if k != "name" and v != ""}
            team = services.save_team(actor, posted["name"], **fields)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error, errors = exc, _field_errors(exc)
        else:
            messages.success(request, f"Team {team.name} saved: {team.capacity_weeks:g} person-weeks a quarter.")
            return redirect(reverse("roadmap-teams") + f"#team-{team.pk}")
    teams = list(services.list_teams(actor))
    return page_with_tabs(request, "planning/teams.html", "roadmap-teams", {
        "title": "Teams and capacity", "teams": teams, "can_edit": can_edit, "error": error, "errors": errors,
        "posted": posted, "capacity": services.capacity(actor, count=4),
    }, status=200 if error is None else error.status)


@login_required
@require_http_methods(["GET", "POST"])
def idea_delete(request: AuthedRequest, initiative_id: int) -> HttpResponse:
    """Delete an idea: a page that says what goes with it, then the POST that deletes it (needs plans.edit)."""
    actor = request.user
    require(actor, Perm.EDIT_PLANS)
    idea = services.initiative_detail(actor, initiative_id)
    if request.method == "POST":
        services.delete_initiative(actor, initiative_id)
        messages.success(request, f"Idea #{initiative_id} {idea.title} deleted.")
        return redirect("roadmap-backlog")
    return page_with_tabs(request, "planning/idea_delete.html", "roadmap-backlog", {
        "title": f"Delete #{idea.id} {idea.title}?", "idea": idea,
    })


def _import_rows(exc: HeadwayError) -> list[dict[str, Any]]:
    """The bad lines of a refused import, one row each (line and reason)."""
    if isinstance(exc.details, list):
        return [{"line": d.get("line", ""), "message": d.get("message", "")} for d in exc.details
                if isinstance(d, dict)]
    return []


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: AuthedRequest) -> HttpResponse:
    """Import ideas from a Jira or Linear CSV export: all rows or none, with every bad line reported."""
    actor = request.user
    require(actor, Perm.EDIT_IDEAS)
    values = {"source": request.POST.get("source", "jira"), "team": request.POST.get("team", "")}
    error: HeadwayError | None = None
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("Choose the CSV file exported from Jira or Linear, then import.",
                                      details={"file": "required"})
            if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
                raise ValidationError(f"The file is {upload.size / 1024 / 1024:.1f} MB; the import takes up to 5 MB: "
                                      "split the export and import each part.", details={"file": "too large"})
            text = upload.read().decode("utf-8-sig", errors="replace")
            report = services.import_csv(actor, text, values["source"], team=values["team"] or None)
        except PermissionDenied:
            raise
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error = exc
        else:
            messages.success(request, f"Imported {len(report.created)} new idea{'s' * (len(report.created) != 1)} "
                                      f"and updated {len(report.updated)}.")
    return page_with_tabs(request, "planning/import.html", "roadmap-backlog", {
        "title": "Import ideas", "values": values, "sources": IMPORT_SOURCES, "teams": services.list_teams(actor),
        "error": error, "bad_lines": _import_rows(error) if error else [], "report": report,
        "imported": services.list_initiatives(actor).filter(pk__in=report.created + report.updated)
        if report else [],
    }, status=200 if error is None else error.status)


@login_required
@require_POST
def scenario_action(request: AuthedRequest, name: str) -> HttpResponse:
    """Apply a saved scenario to the roadmap or delete it (needs plans.edit); back to the optimiser."""
    actor = request.user
    action = request.POST.get("action", "")
    try:
        if action == "apply":
            placed = services.apply_scenario(actor, name, request.POST.get("commitment", "auto"))
            messages.success(request, f"Scenario {name} is on the roadmap: {placed} initiative"
                                      f"{'s' * (placed != 1)} placed.")
            return redirect("roadmap")
        if action == "delete":
            if request.POST.get("confirm") != "yes":
                raise ValidationError(f"Tick the box next to Delete to confirm deleting scenario {name}.")
            services.delete_scenario(actor, name)
            messages.success(request, f"Scenario {name} deleted.")
        else:
            raise ValidationError(f"There is no scenario action {action!r}: apply or delete.")
    except PermissionDenied:
        raise
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    return redirect(reverse("roadmap-optimise") + "#scenarios")
