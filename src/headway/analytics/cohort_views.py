"""The cohort builder: list saved cohorts, define one rule by rule (behaviour or property), preview its size
with HTMX before saving, edit or delete it (its owner or an admin), and open an insight filtered by it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from headway.analytics import behaviour_views, services
from headway.analytics.models import Cohort
from headway.core.errors import HeadwayError
from headway.core.http import AuthedRequest, actor_of

RULE_ROWS = 3  # empty rule rows offered below the filled ones (at least this many rows in all)
RULE_FIELDS = ("rule_kind", "rule_event", "rule_min", "rule_max", "rule_days", "rule_where", "rule_property",
               "rule_op", "rule_value")
KINDS = (("", "— no rule —"), ("event", "did an event"), ("property", "has a property"))


def definition_from_post(params: QueryDict) -> dict[str, Any]:
    """The cohort definition the builder's rule rows describe, as plain data for the service (which validates
    it); a row whose kind is empty is left out."""
    columns = [params.getlist(name) for name in RULE_FIELDS]
    rules: list[dict[str, Any]] = []
    for kind, event, low, high, days, where, prop, op, value in zip(*columns, strict=False):
        if kind == "event":
            rule: dict[str, Any] = {"event": event.strip() or None, "min_count": _number(low, 1),
                                    "days": _number(days, 30),
                                    "where": [w.strip() for w in where.split(";") if w.strip()]}
            if high.strip():
                rule["max_count"] = _number(high, 0)
            rules.append(rule)
        elif kind == "property":
            rules.append({"property": f"{prop.strip()}:{op}:{value.strip()}"})
    return {"rules": rules, "match": params.get("match") or "all"}


def _number(text: str, default: int) -> Any:
    """A count or a number of days as typed; text that is not a whole number goes to the service as it is, so
    its validation names the field."""
    text = text.strip()
    if not text:
        return default
    return int(text) if text.isdigit() and len(text) < 10 else text


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The builder's rule rows for a definition (filled rows first, then empty ones)."""
    rows: list[dict[str, Any]] = []
    for rule in data.get("rules", []):
        if rule.get("property"):
            prop, op, value = [*str(rule["property"]).split(":", 2), "", ""][:3]
            rows.append({"kind": "property", "property": prop, "op": op, "value": value})
        else:
            rows.append({"kind": "event", "event": rule.get("event") or "", "min": rule.get("min_count", 1),
                         "max": rule.get("max_count", ""), "days": rule.get("days", 30),
                         "where": "; ".join(rule.get("where", []))})
    blank = {"kind": "", "event": "", "min": 1, "max": "", "days": 30, "where": "", "property": "", "op": "eq",
             "value": ""}
    rows = [{**blank, **row} for row in rows]
    return rows + [dict(blank) for _ in range(max(1, RULE_ROWS - len(rows)))]


def _form_context(request: AuthedRequest, values: dict[str, Any], data: dict[str, Any],
                  errors: dict[str, str]) -> dict[str, Any]:
    actor = actor_of(request)
    return {
        "values": values, "rows": _rows(data), "match": data.get("match", "all"), "errors": errors,
        "kinds": KINDS, "ops": services.OPS, "event_names": services.event_names(actor),
        "property_names": services.property_names(actor),
        "tabs": behaviour_views.TABS, "tab": "cohorts",
    }


def _posted(request: AuthedRequest) -> tuple[dict[str, str], dict[str, Any]]:
    values = {key: request.POST.get(key, "").strip() for key in ("name", "description")}
    return values, definition_from_post(request.POST)


def _errors(exc: HeadwayError) -> dict[str, str]:
    if exc.status == 403:
        raise exc
    details = exc.details if isinstance(exc.details, dict) else {}
    return {"name": exc.message} if "name" in details else {"__all__": exc.message}


@login_required
@require_http_methods(["GET", "POST"])
def cohorts_page(request: AuthedRequest) -> HttpResponse:
    """Every saved cohort with its definition in words, and the builder that saves a new one (anyone may; they
    own it)."""
    actor = actor_of(request)
    values: dict[str, str] = {"name": "", "description": ""}
    data: dict[str, Any] = {"rules": [], "match": "all"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, data = _posted(request)
        try:
            cohort = services.create_cohort(actor, values["name"], data, description=values["description"])
        except HeadwayError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"Cohort “{cohort.name}” saved.")
            return redirect("insights-cohort", cohort_id=cohort.pk)
    cohorts = [_listed(actor, c) for c in services.list_cohorts(actor)]
    context = _form_context(request, values, data, errors)
    context.update({"title": "Insights · Cohorts", "cohorts": cohorts})
    return render(request, "analytics/cohorts.html", context, status=422 if errors else 200)


def _listed(actor: Any, cohort: Cohort) -> dict[str, Any]:
    try:
        summary = services.describe(services.definition(cohort.definition))
    except HeadwayError as exc:
        summary = exc.message
    return {"cohort": cohort, "summary": summary, "can_change": services.can_change_cohort(actor, cohort)}


@login_required
@require_http_methods(["GET", "POST"])
def cohort_page(request: AuthedRequest, cohort_id: int) -> HttpResponse:
    """One cohort: its size now, a few of its persons, links to insights filtered by it, and (its owner or an
    admin) the builder to redefine or rename it and a Delete button."""
    actor = actor_of(request)
    cohort = services.get_cohort(actor, cohort_id)
    can_change = services.can_change_cohort(actor, cohort)
    values = {"name": cohort.name, "description": cohort.description}
    data: dict[str, Any] = dict(cohort.definition)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, data = _posted(request)
        try:
            cohort = services.update_cohort(actor, cohort_id, name=values["name"], data=data,
                                            description=values["description"])
        except HeadwayError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"Cohort “{cohort.name}” saved.")
            return redirect("insights-cohort", cohort_id=cohort.pk)
    context = _form_context(request, values, data, errors)
    try:
        persons = services.members(actor, cohort_id)
        preview_error = ""
    except HeadwayError as exc:
        persons, preview_error = [], exc.message
    context.update({"title": f"Cohort · {cohort.name}", "cohort": cohort, "can_change": can_change,
                    "size": len(persons), "sample": persons[:10], "preview_error": preview_error,
                    "summary": _listed(actor, cohort)["summary"]})
    return render(request, "analytics/cohort.html", context, status=422 if errors else 200)


@login_required
@require_POST
def cohort_preview(request: AuthedRequest) -> HttpResponse:
    """How many persons the builder's rules hold now (an HTMX partial); an invalid rule is the one-line error."""
    try:
        preview = services.preview_cohort(actor_of(request), definition_from_post(request.POST))
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        return render(request, "web/_error_line.html", {"message": exc.message})
    return render(request, "analytics/_cohort_preview.html", {"preview": preview})


@login_required
@require_POST
def cohort_delete(request: AuthedRequest, cohort_id: int) -> HttpResponse:
    """Delete a cohort (its owner or an admin); back to the list."""
    cohort = services.get_cohort(actor_of(request), cohort_id)
    services.delete_cohort(actor_of(request), cohort_id)
    messages.success(request, f"Cohort “{cohort.name}” deleted.")
    return redirect("insights-cohorts")
