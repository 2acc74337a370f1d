"""Feedback pages: the theme list with the progress bar, a theme's page, the inbox of new items."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from headway.core.errors import HeadwayError, NotFound, ValidationError
from headway.core.http import AuthedRequest
from headway.core.pagination import page_number
from headway.core.permissions import Perm, has_perm, require
from headway.core.validation import is_id
from headway.discovery import services
from headway.web.charts import to_spec

SPARK_WIDTH, SPARK_HEIGHT = 96, 24


def sparkline(weekly: list[int]) -> str:
    """SVG polyline points for a weekly series, scaled to the sparkline box."""
    top = max(weekly) if weekly and max(weekly) > 0 else 1
    step = SPARK_WIDTH / max(len(weekly) - 1, 1)
    return " ".join(f"{i * step:.1f},{SPARK_HEIGHT - 2 - (SPARK_HEIGHT - 4) * w / top:.1f}"
                    for i, w in enumerate(weekly))


def _row(metrics: services.ThemeMetrics) -> dict[str, Any]:
    return {"m": metrics, "spark": sparkline(metrics.weekly),
            "growth": "new" if metrics.growth is None else f"{metrics.growth:+.0%}"}


@login_required
def feedback_page(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    themes = services.theme_metrics(actor)
    parents = services.theme_metrics(actor, parents=True)
    query, mode = request.GET.get("q", "").strip(), request.GET.get("mode", "keyword")
    hits: list[services.SearchHit] = []
    search_error = ""
    if query:
        try:
            hits = services.search(actor, query, mode=mode, limit=30)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            search_error = exc.message
    run = services.latest_run()
    return render(request, "discovery/feedback.html", {
        "title": "Feedback",
        "rows": [_row(m) for m in themes],
        "parents": [_row(m) for m in parents],
        "unthemed": services.unthemed_count(actor),
        "inbox": services.list_feedback(actor, inbox=True).count(),
        "total": services.list_feedback(actor).count(),
        "run": run, "can_edit": has_perm(actor, Perm.EDIT_FEEDBACK),
        "query": query, "mode": mode, "hits": hits, "search_error": search_error,
        "contacts": services.can_see_contacts(actor),
        "spark_width": SPARK_WIDTH, "spark_height": SPARK_HEIGHT,
    })


@login_required
@require_POST
def start_run(request: AuthedRequest) -> HttpResponse:
    run = services.start_theme_run(request.user, method=request.POST.get("method", "auto"))
    if _htmx(request):
        return render(request, "discovery/_progress.html", {"run": run})
    messages.success(request, "Themes are being computed; the page shows the progress.")
    return redirect("feedback")


@login_required
def run_progress(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = services.get_run(request.user, run_id)
    response = render(request, "discovery/_progress.html", {"run": run})
    if not run.active and _htmx(request):
        response["HX-Refresh"] = "true"  # reload the theme list once the run has finished
    return response


QUOTES_PER_PAGE = 20


def _htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (django-htmx's middleware sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))


def _theme_url(theme_id: int, page: int = 1, search: str = "") -> str:
    """The theme page, at a page of quotes and a search within the theme."""
    query = urlencode({k: v for k, v in (("q", search), ("page", page if page > 1 else "")) if v})
    return reverse("feedback-theme", args=[theme_id]) + (f"?{query}" if query else "")


@login_required
def theme_page(request: AuthedRequest, theme_id: int) -> HttpResponse:
    actor = request.user
    search = " ".join(request.GET.get("q", "").split())[:200]
    detail = services.theme_detail(actor, theme_id, quotes=QUOTES_PER_PAGE,
                                   page=page_number(request.GET.get("page")), search=search)
    chart = to_spec({
        "title": "Feedback items per week",
        "data": {"values": [w.model_dump() for w in detail.weekly_series]},
        "mark": {"type": "bar"},
        "encoding": {"x": {"field": "week", "type": "ordinal", "timeUnit": "yearmonthdate", "title": "Week ending",
                           "axis": {"format": "%b %d", "labelAngle": 0}},
                     "y": {"field": "items", "type": "quantitative", "title": "Items"}},
    })
    quotes = [{"item": q, "person": services.person_view(actor, q.contact)} for q in detail.quotes]
    can_edit = has_perm(actor, Perm.EDIT_FEEDBACK)
    others = []
    if can_edit and not detail.metrics.is_parent:
        others = [(t.id, f"{t.label} ({t.size})") for t in services.theme_metrics(actor)
                  if t.id != theme_id]
    return render(request, "discovery/theme.html", {
        "title": detail.metrics.label, "d": detail, "m": detail.metrics, "chart": chart, "quotes": quotes,
        "children": [_row(c) for c in detail.children],
        "can_edit": can_edit, "contacts": services.can_see_contacts(actor),
        "importances": services.IMPORTANCE_CHOICES,
        "growth": _row(detail.metrics)["growth"], "others": others, "search": search,
        "first_shown": (detail.page - 1) * QUOTES_PER_PAGE + 1 if detail.quotes else 0,
        "last_shown": (detail.page - 1) * QUOTES_PER_PAGE + len(detail.quotes),
        "pages": [(n, _theme_url(theme_id, n, search)) for n in range(1, detail.pages + 1)],
    })


def _back(request: HttpRequest, theme_id: int) -> HttpResponse:
    """Back to the theme page, at the page of quotes and the search the form was sent from."""
    return redirect(_theme_url(theme_id, page_number(request.POST.get("page")),
                               " ".join(request.POST.get("q", "").split())[:200]))


def _back_with_error(request: HttpRequest, theme_id: int, exc: HeadwayError) -> HttpResponse:
    """Back to the theme page with the error on top (a refused permission is not caught: it is a 403)."""
    messages.error(request, exc.message)
    return _back(request, theme_id)


def _selected_items(request: HttpRequest, action: str) -> list[int]:
    ids = [int(i) for i in request.POST.getlist("item") if is_id(i)]
    if not ids:
        raise ValidationError(f"Tick at least one quote to {action}, then press the button again.")
    return ids


@login_required
@require_POST
def rename_theme(request: AuthedRequest, theme_id: int) -> HttpResponse:
    try:
        services.rename_theme(request.user, theme_id, request.POST.get("label", ""))
    except (ValidationError, NotFound) as exc:
        return _back_with_error(request, theme_id, exc)
    messages.success(request, "Theme renamed; later runs keep the new name.")
    return redirect("feedback-theme", theme_id=theme_id)


@login_required
@require_POST
def merge_theme(request: AuthedRequest, theme_id: int) -> HttpResponse:
    """Merge this theme into the theme chosen in the form; the page of that theme follows."""
    require(request.user, Perm.EDIT_FEEDBACK)
    target = request.POST.get("target", "")
    try:
        if not is_id(target):
            raise ValidationError("Choose the theme to merge this one into, then press Merge.")
        merged = services.merge_themes(request.user, int(target), [theme_id])
    except (ValidationError, NotFound) as exc:
        return _back_with_error(request, theme_id, exc)
    messages.success(request, f"Theme merged into “{merged.label}”; later runs keep them together.")
    return redirect("feedback-theme", theme_id=merged.pk)


@login_required
@require_POST
def split_theme(request: AuthedRequest, theme_id: int) -> HttpResponse:
    """Take the ticked quotes out of this theme into a new theme named in the form."""
    require(request.user, Perm.EDIT_FEEDBACK)
    try:
        ids = _selected_items(request, "split off")
        theme = services.split_theme(request.user, theme_id, ids, request.POST.get("label", ""))
    except (ValidationError, NotFound) as exc:
        return _back_with_error(request, theme_id, exc)
    messages.success(request, f"{len(ids)} item(s) split off into the new theme “{theme.label}”; "
                              "later runs leave them there.")
    return redirect("feedback-theme", theme_id=theme.pk)


@login_required
@require_POST
def move_items(request: AuthedRequest, theme_id: int) -> HttpResponse:
    """Move the ticked quotes of this theme to the theme chosen in the form."""
    require(request.user, Perm.EDIT_FEEDBACK)
    target = request.POST.get("target", "")
    try:
        ids = _selected_items(request, "move")
        if not is_id(target):
            raise ValidationError("Choose the theme to move the ticked quotes to, then press Move.")
        theme = services.move_items(request.user, ids, int(target))
    except (ValidationError, NotFound) as exc:
        return _back_with_error(request, theme_id, exc)
    messages.success(request, f"{len(ids)} item(s) moved to “{theme.label}”; later runs leave them there.")
    return _back(request, theme_id)


@login_required
def inbox_page(request: AuthedRequest) -> HttpResponse:
    actor = request.user
    get = request.GET
    board = services.inbox_page(actor, services.InboxQuery(
        search=get.get("q", ""), source=get.get("source", ""), sentiment=get.get("sentiment", ""),
        theme=get.get("theme", ""), sort=get.get("sort", "newest"), page=page_number(get.get("page"))))
    keep = {k: v for k, v in (("q", board.query.search), ("source", board.query.source),
                              ("sentiment", board.query.sentiment), ("theme", board.query.theme),
                              ("sort", "" if board.query.sort == "newest" else board.query.sort)) if v}
    return render(request, "discovery/inbox.html", {
        "title": "Feedback inbox", "count": board.unreviewed, "items": board.items, "board": board,
        "keep": urlencode(keep), "filtered": any(k != "sort" for k in keep), "sentiments": services.SENTIMENTS,
        "can_edit": has_perm(actor, Perm.EDIT_FEEDBACK), "contacts": services.can_see_contacts(actor),
        "sources": services.SOURCE_CHOICES, "importances": services.IMPORTANCE_CHOICES,
    })


@login_required
@require_POST
def mark_reviewed(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("item") if is_id(i)]
    count = services.mark_reviewed(request.user, ids)
    messages.success(request, f"{count} item(s) marked as reviewed.")
    return redirect("feedback-inbox")


@login_required
@require_POST
def add_feedback(request: AuthedRequest) -> HttpResponse:
    """Add one feedback item typed in the inbox's form (the same service as the API and the file import)."""
    form = request.POST
    record = {key: form.get(key, "").strip() for key in ("text", "account", "person_name", "date", "rating")}
    record = {key: value for key, value in record.items() if value}
    try:
        services.add_feedback(request.user, [record], default_source=form.get("source") or "support", origin="web")
    except ValidationError as exc:
        messages.error(request, _first_problem(exc))
        return redirect("feedback-inbox")
    messages.success(request, "Feedback added; it is in the inbox and joins its nearest theme.")
    return redirect("feedback-inbox")


def _first_problem(exc: ValidationError) -> str:
    """The message of a refused import, with its first line's reason when it has one."""
    details = exc.details if isinstance(exc.details, dict) else {}
    rows = details.get("rows") or details.get("problems") or []
    if rows and isinstance(rows, list) and isinstance(rows[0], dict) and rows[0].get("reason"):
        return f"{exc.message} {rows[0]['reason']}".strip()
    return exc.message


@login_required
@require_POST
def link_demand(request: AuthedRequest) -> HttpResponse:
    """Link a theme, or the feedback items ticked in the inbox, to an idea with an importance."""
    form = request.POST
    idea, importance = form.get("idea", "").strip(), form.get("importance", "important")
    theme = form.get("theme_id", "")
    items = [int(i) for i in form.getlist("item") if i.isdigit()]
    back = reverse("feedback-theme", args=[int(theme)]) if theme.isdigit() else reverse("feedback-inbox")
    try:
        if not idea:
            raise ValidationError("Give the idea's number (as on the backlog) to link to.")
        if theme.isdigit():
            services.link_demand(request.user, idea, importance=importance, theme_id=int(theme))
        elif items:
            for item in items:
                services.link_demand(request.user, idea, importance=importance, item_id=item)
        else:
            raise ValidationError("Tick at least one feedback item to link, then press the button again.")
    except (ValidationError, NotFound) as exc:
        messages.error(request, exc.message)
        return redirect(back)
    demand = services.demand_for(idea, actor=request.user)
    messages.success(request, f"Linked to idea {idea}: its demand score is now {demand.score:,.1f}.")
    return redirect(back)
