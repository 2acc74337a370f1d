"""Web pages of the reports area: Reports (preview, save, edit the free text, send, schedule, share, history),
Settings → Channels and Deliveries, the one-click unsubscribe page, the alert link and the read-only share page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from headway.core.errors import HeadwayError, NotFound
from headway.core.http import AuthedRequest, actor_of
from headway.core.permissions import Perm, has_perm
from headway.reports import services
from headway.reports.engine.render import render_body

KIND_LABELS = [("weekly", "Weekly digest"), ("monthly", "Monthly product review"),
               ("okr", "Quarterly OKR scorecard"), ("board", "Board pack, product section"),
               ("roadmap", "Roadmap one-pager"), ("release-notes", "Release notes")]
AUDIENCES = ("leadership", "engineering", "design", "marketing", "sales")


@login_required
def reports_page(request: AuthedRequest) -> HttpResponse:
    """Reports: the packs to preview, the saved ones (drafts and sent), the subscriptions."""
    actor = actor_of(request)
    return render(request, "reports/reports.html", {
        "title": "Reports", "kinds": KIND_LABELS, "audiences": AUDIENCES,
        "packs": services.list_packs(actor), "can_edit": has_perm(actor, Perm.EDIT_PLANS),
        "subscriptions": [services.SubscriptionView.of(s) for s in services.list_subscriptions(actor)],
        "channels": services.list_channels(actor), "weekdays": services.WEEKDAYS,
        "live_kinds": list(services.LIVE_KINDS.items()),
    })


@login_required
def preview_page(request: AuthedRequest) -> HttpResponseBase:
    """A pack built now (not saved), with a button to save it as a draft."""
    actor = actor_of(request)
    kind, period = request.GET.get("kind", "weekly"), request.GET.get("period", "current") or "current"
    audience = request.GET.get("audience", "")
    try:
        view = services.preview_pack(actor, kind, period=period, audience=audience)
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect("reports")
    body = mark_safe(render_body(services.document_of(view)))  # noqa: S308 (escaped by the engine)
    return render(request, "reports/pack.html", {"title": view.title, "pack": view, "body": body, "preview": True,
                                                 "can_edit": has_perm(actor, Perm.EDIT_PLANS)})


@login_required
@require_http_methods(["POST"])
def create_pack(request: AuthedRequest) -> HttpResponseBase:
    """Save the previewed pack as a draft."""
    try:
        pack = services.create_pack(actor_of(request), request.POST.get("kind", ""),
                                    period=request.POST.get("period", "current"),
                                    audience=request.POST.get("audience", ""))
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect("reports")
    messages.success(request, f"Saved {pack.title} as a draft: write its free text, then send it.")
    return redirect("reports-pack", pack_id=pack.pk)


@login_required
def pack_page(request: AuthedRequest, pack_id: int) -> HttpResponseBase:
    """A saved pack: the document, its free text (drafts), send, share, print."""
    actor = actor_of(request)
    view = services.PackView.of(services.get_pack(actor, pack_id))
    body = mark_safe(render_body(services.document_of(view), view.notes))  # noqa: S308 (escaped)
    deliveries = [d for d in services.list_deliveries(actor) if d.pack_id == pack_id]
    return render(request, "reports/pack.html", {
        "title": view.title, "pack": view, "body": body, "preview": False,
        "can_edit": has_perm(actor, Perm.EDIT_PLANS), "channels": services.list_channels(actor),
        "deliveries": deliveries, "share": request.session.pop("share_url", ""),
    })


@login_required
@require_http_methods(["POST"])
def pack_action(request: AuthedRequest, pack_id: int) -> HttpResponseBase:
    """Edit the free text, send, or share a pack."""
    actor = actor_of(request)
    action = request.POST.get("action", "")
    try:
        if action == "notes":
            view = services.PackView.of(services.get_pack(actor, pack_id))
            services.edit_notes(actor, pack_id, {k: request.POST.get(f"note-{k}", "") for k in view.editable})
            messages.success(request, "Saved the free text.")
        elif action == "send":
            delivery = services.send_pack(actor, pack_id, to=request.POST.get("to") or None,
                                          channel=request.POST.get("channel") or None)
            messages.success(request, f"Delivery {delivery.pk}: {delivery.get_status_display().lower()}.")
        elif action == "share":
            link = services.create_share(actor, "pack", pack_id=pack_id, days=int(request.POST.get("days") or 14))
            request.session["share_url"] = services.share_url(link)
        else:
            messages.error(request, "Choose save, send or share.")
    except (HeadwayError, ValueError) as exc:
        if isinstance(exc, HeadwayError) and exc.status == 403:
            raise
        messages.error(request, exc.message if isinstance(exc, HeadwayError) else "Days must be a whole number.")
    return redirect("reports-pack", pack_id=pack_id)


@login_required
def pack_print(request: AuthedRequest, pack_id: int) -> HttpResponse:
    """A saved pack as a standalone page with its print stylesheet (print it to PDF from the browser)."""
    view = services.PackView.of(services.get_pack(actor_of(request), pack_id))
    return HttpResponse(services.render(view, "html"))


@login_required
@require_http_methods(["POST"])
def subscribe(request: AuthedRequest) -> HttpResponseBase:
    """Add a subscription from the Reports page."""
    p = request.POST
    try:
        services.add_subscription(actor_of(request), p.get("what", ""), cadence=p.get("cadence", ""),
                                  to=p.get("to", ""), channel=p.get("channel", ""), weekday=p.get("weekday", "monday"),
                                  hour=int(p.get("hour") or 8), kpis=[k for k in p.get("kpis", "").split(",") if k],
                                  audience=p.get("audience", ""))
        messages.success(request, "Subscribed.")
    except (HeadwayError, ValueError) as exc:
        if isinstance(exc, HeadwayError) and exc.status == 403:
            raise
        messages.error(request, exc.message if isinstance(exc, HeadwayError) else "The hour is a number 0 to 23.")
    return redirect("reports")


@login_required
@require_http_methods(["POST"])
def end_subscription(request: AuthedRequest, subscription_id: int) -> HttpResponseBase:
    """End a subscription from the Reports page."""
    try:
        services.remove_subscription(actor_of(request), subscription_id)
        messages.success(request, "Subscription ended.")
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    return redirect("reports")


@login_required
@require_http_methods(["POST"])
def share_roadmap(request: AuthedRequest) -> HttpResponseBase:
    """The roadmap's Share button: a read-only link to the audience view shown."""
    actor = actor_of(request)
    audience = request.POST.get("audience", "leadership")
    try:
        link = services.create_share(actor, "roadmap", audience=audience, days=int(request.POST.get("days") or 14))
        messages.success(request, f"Read-only link to the {audience} roadmap, valid until "
                                  f"{link.expires_at:%Y-%m-%d}: {services.share_url(link)}")
    except (HeadwayError, ValueError) as exc:
        if isinstance(exc, HeadwayError) and exc.status == 403:
            raise
        messages.error(request, exc.message if isinstance(exc, HeadwayError) else "Days must be a whole number.")
    return redirect(f"/roadmap/?for={audience}")


@login_required
@require_http_methods(["POST"])
def share_live(request: AuthedRequest) -> HttpResponseBase:
    """The Reports page's "Share a live pack": a read-only link rebuilt from the day's numbers at each opening."""
    kind = request.POST.get("kind", "")
    try:
        link = services.create_share(actor_of(request), "pack", kind=kind, days=int(request.POST.get("days") or 14))
        messages.success(request, f"Read-only link to the live {kind} pack, valid until "
                                  f"{link.expires_at:%Y-%m-%d}: {services.share_url(link)}")
    except (HeadwayError, ValueError) as exc:
        if isinstance(exc, HeadwayError) and exc.status == 403:
            raise
        messages.error(request, exc.message if isinstance(exc, HeadwayError) else "Days must be a whole number.")
    return redirect("reports")


@login_required
@require_http_methods(["POST"])
def revoke_share(request: AuthedRequest, share_id: int) -> HttpResponseBase:
    """Revoke a share link from Settings → Channels: it answers 404 from now on."""
    try:
        services.revoke_share(actor_of(request), share_id)
        messages.success(request, f"Share link {share_id} revoked: it no longer opens.")
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    return redirect("settings-channels")


@login_required
def channels_page(request: AuthedRequest) -> HttpResponseBase:
    """Settings → Channels: list, add, test and remove."""
    actor = actor_of(request)
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("action") == "add":
                services.add_channel(actor, p.get("name", ""), p.get("kind", ""), p.get("target", ""),
                                     secret=p.get("secret", ""))
                messages.success(request, f"Channel {p.get('name')} added.")
            elif p.get("action") == "test":
                d = services.send_test(actor, p.get("name", ""))
                messages.success(request, f"Test delivery {d.pk}: {d.get_status_display().lower()}.")
            elif p.get("action") == "remove":
                services.remove_channel(actor, p.get("name", ""))
                messages.success(request, f"Channel {p.get('name')} removed.")
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
        return redirect("settings-channels")
    return render(request, "reports/channels.html", {
        "title": "Channels", "channels": [services.ChannelView.of(c) for c in services.list_channels(actor)],
        "kinds": services.CHANNEL_KINDS, "can_edit": has_perm(actor, Perm.EDIT_PLANS),
        "shares": [services.ShareView.of(s) for s in services.list_shares(actor)]
        if has_perm(actor, Perm.EDIT_PLANS) else [],
    })


@login_required
def deliveries_page(request: AuthedRequest) -> HttpResponse:
    """Settings → Deliveries: each message, its status, attempts, recipients reached and the reason it failed."""
    actor = actor_of(request)
    status = request.GET.get("status", "")
    try:
        rows = services.list_deliveries(actor, status=status or None)
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        rows, status = services.list_deliveries(actor), ""
    return render(request, "reports/deliveries.html", {
        "title": "Deliveries", "deliveries": [services.DeliveryView.of(d) for d in rows], "status": status,
        "statuses": ("queued", "retrying", "sent", "failed")})


@never_cache
@csrf_exempt  # RFC 8058 one-click: mail clients POST without a session; the signed token is the proof
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponseBase:
    """The unsubscribe link of every message: a button (a GET never changes anything, as mail scanners follow
    links); its POST — or the mail client's one-click POST — unsubscribes."""
    if request.method == "POST":
        try:
            what = services.unsubscribe(token)
        except NotFound:
            return HttpResponseNotFound("Not found", content_type="text/plain")
        return render(request, "reports/unsubscribed.html", {"title": "Unsubscribed", "what": what, "done": True})
    return render(request, "reports/unsubscribed.html", {"title": "Unsubscribe", "done": False})


@login_required
def alert_page(request: AuthedRequest, token: str) -> HttpResponseBase:
    """A signed alert link from a message: the alert, and a button that acknowledges it (recording who)."""
    from headway.strategy import services as strategy

    try:
        alert_id = services.alert_of_link(token)
    except NotFound:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    actor = actor_of(request)
    if request.method == "POST":
        strategy.acknowledge_alert(actor, alert_id)
        messages.success(request, "Alert acknowledged.")
        return redirect(request.path)
    alert = strategy.AlertView.from_model(strategy.get_alert(actor, alert_id))
    return render(request, "reports/alert.html", {"title": f"Alert on {alert.kpi}", "alert": alert})


@never_cache
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    """A read-only share link: the pack or roadmap view as a standalone page; 404 with nothing else otherwise."""
    try:
        page = services.open_share(token, visitor=request.META.get("REMOTE_ADDR", ""))
    except NotFound:
        return HttpResponseNotFound("Not found", content_type="text/plain")
    response = HttpResponse(page)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
