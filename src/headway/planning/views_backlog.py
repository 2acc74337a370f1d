"""The backlog page: search, filters, sort and paging, trade-offs and the mix, and each row's scoring inputs for
every framework (RICE, ICE, WSJF) and its Kano category, saved per row with HTMX (or a plain POST without script).
The numbers come from :mod:`headway.planning.services`, the same functions the API and CLI call."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from headway.core import formatting
from headway.core.errors import HeadwayError
from headway.core.http import AuthedRequest
from headway.core.pagination import page_number
from headway.core.permissions import Perm, has_perm
from headway.planning import charts, services
from headway.planning.views import page_with_tabs
from headway.web.hints import scoring_hints

COLUMNS = [("id", "#"), ("title", "Initiative"), ("cost", "Cost"), ("effort_weeks", "Person-weeks"),
           ("demand", "Demand"), ("user_value", "User value"), ("business_value", "Business value"),
           ("score", "Score")]
FILTERS = ("q", "stage", "kind", "team", "area", "model")
"""The query parameters that choose what the backlog shows (kept across sorting and paging)."""


def _filters(request: AuthedRequest) -> services.BacklogFilters:
    get = request.GET
    return services.BacklogFilters(search=get.get("q", "").strip()[:200], stage=get.get("stage", ""),
                                   kind=get.get("kind", ""), team=get.get("team", ""),
                                   product_area=get.get("area", ""))


def _row_context(actor: Any, entry: services.BacklogEntry, *, model: str = "", posted: dict[str, str] | None = None,
                 **extra: Any) -> dict[str, Any]:
    """What one backlog row's template needs: the row, its inputs by framework (as posted, after an error) and the
    controls allowed."""
    shown: dict[str, Any] = {**entry.inputs, **(posted or {})}
    groups = [(framework, [(name, services.INPUTS[name], formatting.editable(shown.get(name, ""))) for name in names])
              for framework, names in services.FRAMEWORK_FIELDS.items()]
    return {"r": entry.row, "entry": entry, "groups": groups, "model": model,
            "kanos": services.idea_form_choices(actor)["kano"],
            "can_score": has_perm(actor, Perm.EDIT_IDEAS), **extra}


@login_required
def backlog_page(request: AuthedRequest) -> HttpResponse:
    """The backlog: search, filters, sort and paging; inline scoring inputs for the roles that may enter them."""
    actor = request.user
    sort = request.GET.get("sort") or "score"
    descending = request.GET.get("order", "desc") != "asc"
    model = request.GET.get("model") or None
    error: HeadwayError | None = None
    try:
        found = services.backlog_page(actor, _filters(request), model_name=model, sort=sort, descending=descending,
                                      page=page_number(request.GET.get("page")))
    except HeadwayError as exc:  # an unknown sort or scoring setup: say so, show the default backlog
        error, sort, descending, model = exc, "score", True, None
        found = services.backlog_page(actor, services.BacklogFilters(), page=1)
    kept = {k: request.GET.get(k, "") for k in FILTERS if request.GET.get(k, "") and not (k == "model" and error)}
    x, y = request.GET.get("x") or "user_value", request.GET.get("y") or "business_value"
    points = services.tradeoffs(actor, x, y)
    roadmap_ids = [int(str(r["id"])) for r in services.roadmap(actor).rows]
    target = request.GET.get("target") or "70/20/10"
    hints = scoring_hints(actor)
    return page_with_tabs(request, "planning/backlog.html", "roadmap-backlog", {
        "title": "Backlog", "found": found, "error": error,
        "rows": [_row_context(actor, e, model=model or "", hints=hints) for e in found.entries],
        "sort": sort, "descending": descending, "model": model or "", "filters": kept,
        "query": urlencode(kept), "sort_query": urlencode({**kept, "sort": sort, "order": "desc" if descending
                                                           else "asc"}),
        "models": services.list_scoring_models(actor), "columns": COLUMNS,
        "x": x, "y": y, "axes": services.known_fields(),
        "tradeoff_spec": charts.tradeoff_spec(points, x.replace("_", " "), y.replace("_", " ")),
        "frontier": [p for p in points if p.frontier],
        "mix": services.mix(actor, roadmap_ids, target), "target": target,
        "can_propose": has_perm(actor, Perm.EDIT_IDEAS), "hints": hints,
    })


@login_required
@require_POST
def backlog_row(request: AuthedRequest, initiative_id: int) -> HttpResponse:
    """Save one backlog row's scoring inputs and Kano category, then score it again; answers the row (HTMX) or
    goes back to the backlog."""
    actor = request.user
    post = request.POST
    model = post.get("model", "").strip()
    values = {name: post.get(name, "") for name in services.INPUTS if name in post}
    message, error = "", ""
    try:
        saved = services.save_backlog_row(actor, initiative_id, values,
                                          kano=post.get("kano") if "kano" in post else None,
                                          model_name=model or None)
    except HeadwayError as exc:
        if exc.status == 403 or exc.status == 404:
            raise
        error = exc.message
        details = exc.details if isinstance(exc.details, dict) else {}
        if details:
            error += " (" + "; ".join(f"{k}: {v}" for k, v in details.items()) + ")"
    else:
        done = ", ".join(saved.saved) or "nothing new"
        score = f"score {formatting.number(saved.score)}" if saved.score is not None else f"not scored: {saved.not_scored}"
        message = f"#{initiative_id} saved ({done}; Kano {saved.kano or 'not classified'}); {score}"
    if not request.headers.get("HX-Request"):
        (messages.error if error else messages.success)(request, error or message)
        back = post.get("next", "")
        return redirect(back if back.startswith("/roadmap/backlog/") else reverse("roadmap-backlog"))
    entry = services.backlog_entry(actor, initiative_id, model or None)
    context = _row_context(actor, entry, model=model, hints=scoring_hints(actor), row_message=message, row_error=error,
                           posted=values if error else {})
    return render(request, "planning/_backlog_row.html", context)
