"""Strategy edit forms: create and edit a KPI or a goal, product areas, and CSV imports of KPI values or targets.

Only product leaders and admins reach these forms; the services check it again on every POST, so a direct POST
by anyone else gets the 403 page and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from headway.core import services as core
from headway.core.errors import HeadwayError, ValidationError
from headway.core.http import AuthedRequest
from headway.core.models import User
from headway.core.permissions import Perm, has_perm
from headway.core.validation import is_id
from headway.strategy import services
from headway.strategy.models import Goal, Kpi, ProductArea

KPI_FIELDS = ("name", "label", "description", "metric", "unit", "direction", "aggregation", "owner", "parent",
              "north_star")
GOAL_FIELDS = ("title", "description", "level", "period", "owner", "parent", "area", "key_results")
AREA_FIELDS = ("name", "kind", "parent", "description")
IMPORT_KINDS = {"values": "Daily values (date,value)", "targets": "Targets per period (period,target)"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def form_errors(exc: HeadwayError, fields: tuple[str, ...]) -> dict[str, str]:
    """A service error as the form's errors: on the fields its details name, else on the whole form.

    A refusal (403) is raised again, so it shows the error page."""
    if exc.status == 403:
        raise exc
    details = exc.details if isinstance(exc.details, dict) else {}
    return {key: exc.message for key in details if key in fields} or {"__all__": exc.message}


def _posted(request: HttpRequest, fields: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict[str, Any]:
    values: dict[str, Any] = {key: request.POST.get(key, "").strip() for key in fields if key not in lists}
    values.update({key: request.POST.getlist(key) for key in lists})
    return values


def _people(user: User) -> list[tuple[str, str]]:
    return [("", "No owner")] + [(u.username, f"{u.name} ({u.username})") for u in core.list_users(user)]


# --- KPIs ----------------------------------------------------------------------------------------------


def _kpi_context(user: User, values: dict[str, Any], errors: dict[str, str], kpi: Kpi | None) -> dict[str, Any]:
    others = [k for k in services.list_kpis(user) if kpi is None or k.pk != kpi.pk]
    return {
        "title": f"Edit {kpi.label}" if kpi else "New KPI", "kpi": kpi, "values": values, "errors": errors,
        "metrics": [("", "None: values are imported or entered by hand")]
        + [(name, f"{name}: {text}" if text else name) for name, text in services.metric_choices(user)],
        "units": Kpi.Unit.choices, "directions": Kpi.Direction.choices, "aggregations": Kpi.Aggregation.choices,
        "owners": _people(user), "parents": [("", "None: at the top of the tree")]
        + [(k.name, f"{'★ ' if k.is_north_star else ''}{k.label}") for k in others],
    }


@login_required
@require_http_methods(["GET", "POST"])
def kpi_new(request: AuthedRequest) -> HttpResponse:
    """Define a KPI: bound to a catalogue metric, or taking imported values."""
    user = request.user
    services.require_edit(user)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": "", "label": "", "description": "", "metric": "", "unit": "count",
                              "direction": "higher", "aggregation": "sum", "owner": user.username,
                              "parent": request.GET.get("parent", ""), "north_star": ""}
    if request.method == "POST":
        values = _posted(request, KPI_FIELDS)
        try:
            kpi = services.create_kpi(
                user, values["name"], values["label"], metric=values["metric"], unit=values["unit"],
                direction=values["direction"], aggregation=values["aggregation"], owner=values["owner"] or None,
                parent=values["parent"] or None, north_star=values["north_star"] == "on",
                description=values["description"])
        except HeadwayError as exc:
            errors = form_errors(exc, KPI_FIELDS)
        else:
            if kpi.metric:
                services.refresh_kpis(user, names=[kpi.name])
            messages.success(request, f"KPI {kpi.label} created."
                             + ("" if kpi.metric else " Import its values or set a target below."))
            return redirect("goals-kpi", name=kpi.name)
    return render(request, "strategy/kpi_form.html", _kpi_context(user, values, errors, None),
                  status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def kpi_edit(request: AuthedRequest, name: str) -> HttpResponse:
    """Change a KPI's definition: label, metric, unit, direction, aggregation, owner, place in the tree."""
    user = request.user
    services.require_edit(user)
    kpi = services.get_kpi(user, name)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": kpi.name, "label": kpi.label, "description": kpi.description, "metric": kpi.metric,
        "unit": kpi.unit, "direction": kpi.direction, "aggregation": kpi.aggregation,
        "owner": kpi.owner.username if kpi.owner else "", "parent": kpi.parent.name if kpi.parent else "",
        "north_star": "on" if kpi.is_north_star else ""}
    if request.method == "POST":
        values = {**_posted(request, KPI_FIELDS), "name": kpi.name}
        try:
            services.update_kpi(
                user, name, label=values["label"], description=values["description"], metric=values["metric"],
                unit=values["unit"], direction=values["direction"], aggregation=values["aggregation"],
                owner=values["owner"], parent=values["parent"] or None, north_star=values["north_star"] == "on")
        except HeadwayError as exc:
            errors = form_errors(exc, KPI_FIELDS)
        else:
            messages.success(request, f"KPI {values['label']} saved.")
            return redirect("goals-kpi", name=name)
    return render(request, "strategy/kpi_form.html", _kpi_context(user, values, errors, kpi),
                  status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def kpi_import(request: AuthedRequest, name: str) -> HttpResponse:
    """Import a KPI's daily values or its targets from a CSV file (or pasted text); every line is checked and
    the bad ones are listed with their line number; nothing is saved unless every line is good."""
    user = request.user
    services.require_edit(user)
    kpi = services.get_kpi(user, name)
    errors: dict[str, str] = {}
    lines: list[dict[str, Any]] = []
    values = {"what": request.GET.get("what") or ("targets" if kpi.metric else "values"), "csv": ""}
    if request.method == "POST":
        values = {"what": request.POST.get("what", ""), "csv": request.POST.get("csv", "")}
        upload = request.FILES.get("file")
        done = 0
        try:
            text = _csv_text(upload) if upload else values["csv"]
            if values["what"] == "targets":
                done = len(services.import_targets(user, name, text))
            elif values["what"] == "values":
                done = services.import_values(user, name, text)
                services.refresh_kpis(user, names=[name])
            else:
                errors = {"what": "Choose what the file holds: daily values or targets."}
        except HeadwayError as exc:
            lines = exc.details if isinstance(exc.details, list) else []
            errors = form_errors(exc, ("what", "file", "csv"))
        if not errors:
            messages.success(request, f"{done} {'target' if values['what'] == 'targets' else 'value'}"
                             f"{'' if done == 1 else 's'} imported into {kpi.label}.")
            return redirect("goals-kpi", name=name)
    return render(request, "strategy/kpi_import.html", {
        "title": f"Import into {kpi.label}", "kpi": kpi, "values": values, "errors": errors, "lines": lines,
        "kinds": [(key, label) for key, label in IMPORT_KINDS.items() if key == "targets" or not kpi.metric],
    }, status=422 if errors else 200)


def _csv_text(upload: UploadedFile) -> str:
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(f"The file is {size // 1024:,} KB: keep it under {MAX_UPLOAD_BYTES // 1024:,} KB "
                              "or split it.", details={"file": "too large"})
    try:
        return str(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError("The file is not UTF-8 text: save it as CSV (UTF-8) and upload it again.",
                              details={"file": "not UTF-8"}) from None


# --- goals ---------------------------------------------------------------------------------------------


def _goal_context(user: User, values: dict[str, Any], errors: dict[str, str], goal: Goal | None) -> dict[str, Any]:
    goals = [g for g in services.list_goals(user) if goal is None or g.pk != goal.pk]
    return {
        "title": f"Edit {goal.title}" if goal else "New goal", "goal": goal, "values": values, "errors": errors,
        "levels": Goal.Level.choices, "owners": _people(user),
        "periods": [p.name for p in services.list_periods(user)],
        "parents": [("", "None: a top-level goal")]
        + [(str(g.pk), f"{g.title} ({g.get_level_display().lower()}, {g.period.name})") for g in goals],
        "areas": [("", "No product area")] + [(a.name, f"{a.get_kind_display()}: {a.name}")
                                             for a in services.list_areas(user)],
        "kpis": services.list_kpis(user),
    }


def _goal_values(request: HttpRequest) -> dict[str, Any]:
    return _posted(request, GOAL_FIELDS, lists=("key_results",))


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: AuthedRequest) -> HttpResponse:
    """Add a company objective or a product goal with its key results."""
    user = request.user
    services.require_edit(user)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"title": "", "description": "", "level": "product",
                              "period": request.GET.get("period") or services.current_period().name,
                              "owner": user.username, "parent": request.GET.get("parent", ""), "area": "",
                              "key_results": []}
    if request.method == "POST":
        values = _goal_values(request)
        try:
            goal = services.create_goal(
                user, values["title"], period=values["period"] or "current", level=values["level"],
                owner=values["owner"] or None, parent=_goal_id(values["parent"]), area=values["area"] or None,
                description=values["description"], key_results=values["key_results"])
        except HeadwayError as exc:
            errors = form_errors(exc, GOAL_FIELDS)
        else:
            messages.success(request, f"Goal “{goal.title}” created.")
            return redirect("goals-detail", goal_id=goal.pk)
    return render(request, "strategy/goal_form.html", _goal_context(user, values, errors, None),
                  status=422 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthedRequest, goal_id: int) -> HttpResponse:
    """Change a goal: title, level, period, owner, the goal it supports, its area and key results."""
    user = request.user
    services.require_edit(user)
    goal = services.get_goal(user, goal_id)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "title": goal.title, "description": goal.description, "level": goal.level, "period": goal.period.name,
        "owner": goal.owner.username if goal.owner else "", "parent": str(goal.parent_id or ""),
        "area": goal.area.name if goal.area else "", "key_results": [kr.kpi.name for kr in goal.key_results.all()]}
    if request.method == "POST":
        values = _goal_values(request)
        try:
            services.update_goal(
                user, goal_id, title=values["title"], description=values["description"], level=values["level"],
                period=values["period"] or goal.period.name, owner=values["owner"],
                parent=_goal_id(values["parent"]), area=values["area"], key_results=values["key_results"])
        except HeadwayError as exc:
            errors = form_errors(exc, GOAL_FIELDS)
        else:
            messages.success(request, "Goal saved.")
            return redirect("goals-detail", goal_id=goal_id)
    return render(request, "strategy/goal_form.html", _goal_context(user, values, errors, goal),
                  status=422 if errors else 200)


def _goal_id(text: str) -> int | None:
    if not text:
        return None
    if not is_id(text):
        raise ValidationError(f"{text!r} is not a goal: choose the goal this one supports from the list.",
                              details={"parent": text})
    return int(text)


# --- product areas ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def areas_page(request: AuthedRequest) -> HttpResponse:
    """The product hierarchy (lines → products → areas), and a form to add to it for editors."""
    user = request.user
    errors: dict[str, str] = {}
    values = {"name": "", "kind": request.GET.get("kind", "line"), "parent": request.GET.get("parent", ""),
              "description": ""}
    if request.method == "POST":
        values = _posted(request, AREA_FIELDS)
        try:
            area = services.create_area(user, values["name"], values["kind"], parent=values["parent"] or None,
                                        description=values["description"])
        except HeadwayError as exc:
            errors = form_errors(exc, AREA_FIELDS)
        else:
            messages.success(request, f"{area.get_kind_display()} {area.name} added.")
            return redirect(reverse("goals-areas") + f"#area-{area.pk}")
    areas = list(services.list_areas(user))
    return render(request, "strategy/areas.html", {
        "title": "Product areas", "tree": _area_tree(areas), "values": values, "errors": errors,
        "kinds": ProductArea.Kind.choices, "can_edit": has_perm(user, Perm.EDIT_STRATEGY),
        "parents": [("", "None: a product line has no parent")]
        + [(a.name, f"{a.get_kind_display()}: {a.name}") for a in areas if a.kind != ProductArea.Kind.AREA],
    }, status=422 if errors else 200)


def _area_tree(areas: list[ProductArea]) -> list[dict[str, Any]]:
    children: dict[int | None, list[ProductArea]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)

    def node(area: ProductArea) -> dict[str, Any]:
        return {"area": area, "children": [node(c) for c in children.get(area.pk, [])]}

    return [node(a) for a in children.get(None, [])]
