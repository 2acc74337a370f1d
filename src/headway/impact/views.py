"""Impact pages: the impact ledger with calibration, experiments (create, results) and an initiative's read-out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from headway.core.errors import HeadwayError, NotFound, PermissionDenied
from headway.core.http import AuthedRequest
from headway.core.permissions import Perm, has_perm
from headway.impact import charts, services

LEDGER_FILTERS = ("quarter", "team", "kind", "product_area", "owner", "framework")


@login_required
@require_http_methods(["GET", "POST"])
def ledger_page(request: AuthedRequest) -> HttpResponse:
    """The impact ledger (filterable), the calibration of the team's bets, and the chart annotations (add or
    remove one, for those who may)."""
    can_edit = has_perm(request.user, Perm.EDIT_IDEAS)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Annotating needs the ideas.edit permission.")
        try:
            if request.POST.get("remove", "").isdigit():
                services.delete_annotation(request.user, int(request.POST["remove"]))
                messages.success(request, "Annotation removed.")
            else:
                kpi = request.POST.get("kpi", "").strip()
                services.add_annotation(request.user, request.POST.get("date", ""), request.POST.get("text", ""),
                                        scope="kpi" if kpi else "workspace", target=kpi)
                messages.success(request, "Annotation added.")
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
        return redirect("impact")
    filters = {k: request.GET.get(k) or None for k in LEDGER_FILTERS}
    rows = services.ledger(request.user, **filters)
    found = services.calibration(request.user, **filters)
    return render(request, "impact/ledger.html", {
        "title": "Impact ledger", "rows": rows, "calibration": found, "filters": filters,
        "calibration_chart": charts.calibration_chart(found), "releases": services.releases(request.user),
        "annotations": services.list_annotations(request.user), "can_edit": can_edit,
    })


@login_required
@require_http_methods(["GET", "POST"])
def experiments_page(request: AuthedRequest) -> HttpResponse:
    """Every experiment, and a form to create one (for those who may)."""
    can_edit = has_perm(request.user, Perm.EDIT_IDEAS)
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Creating experiments needs the ideas.edit permission.")
        form = request.POST
        spec = {
            "name": form.get("name", ""), "title": form.get("title", ""),
            "exposure_event": form.get("exposure_event") or "$exposure",
            "variant_property": form.get("variant_property", ""), "control": form.get("control") or "control",
            "metric": {"event": form.get("metric", ""), "math": form.get("math") or "conversion",
                       "property": form.get("metric_property", "")},
            "secondary": [{"event": e.strip()} for e in form.get("secondary", "").split(",") if e.strip()],
            "date_from": form.get("date_from") or None, "date_to": form.get("date_to") or None,
            "sequential": form.get("sequential") == "on",
            "initiative_id": int(form["initiative_id"]) if form.get("initiative_id", "").isdigit() else None,
        }
        try:
            from pydantic import ValidationError as SchemaError

            try:
                experiment = services.create_experiment(request.user, spec)
            except SchemaError as exc:
                raise HeadwayError("The experiment is not valid: " + "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())) from None
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error = exc.message
        else:
            messages.success(request, f"Experiment {experiment.name} created.")
            return redirect("impact-experiment", name=experiment.name)
    return render(request, "impact/experiments.html", {
        "title": "Experiments", "experiments": services.list_experiments(request.user), "can_edit": can_edit,
        "error": error, "form": request.POST if request.method == "POST" else {},
        "exposure_defaults": services.EXPOSURE_DEFAULTS,
    })


@login_required
def experiment_page(request: AuthedRequest, name: str) -> HttpResponse:
    """One experiment's results: per-arm table, lifts with intervals, SRM warning (or why there are none)."""
    experiment = services.get_experiment(request.user, name)
    result, problem = None, ""
    try:
        result = services.experiment_results(request.user, name)
    except NotFound:
        raise
    except HeadwayError as exc:
        problem = exc.message
    return render(request, "impact/experiment.html", {
        "title": experiment.title, "experiment": services.ExperimentView.of(experiment), "result": result,
        "problem": problem, "chart": charts.intervals_chart(result) if result else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def readout_page(request: AuthedRequest, initiative_id: int) -> HttpResponse:
    """A shipped initiative's read-out: actual against counterfactual, the verdict, the method in words."""
    can_edit = has_perm(request.user, Perm.EDIT_IDEAS)
    error = ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Measuring needs the ideas.edit permission.")
        try:
            days = request.POST.get("days", "")
            segment = request.POST.get("segment", "").strip()
            if segment:
                services.set_measurement(request.user, initiative_id, segment=segment)
            services.measure(request.user, initiative_id, days=int(days) if days.isdigit() else None,
                             controls=[c.strip() for c in request.POST.get("controls", "").split(",") if c.strip()]
                             or None)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            error = exc.message
        else:
            return redirect("impact-readout", initiative_id=initiative_id)
    try:
        readout = services.readout(request.user, initiative_id)
    except NotFound:
        readout = None
    return render(request, "impact/readout.html", {
        "title": readout.title if readout else f"Initiative #{initiative_id}", "readout": readout,
        "initiative_id": initiative_id, "can_edit": can_edit, "error": error,
        "segment": readout.segment if readout else request.POST.get("segment", ""),
        "chart": charts.readout_chart(readout) if readout and readout.series else None,
    })
