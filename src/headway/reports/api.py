"""API for reports, under /api/v1/reports: /packs (preview, save, edit the free text, render, send),
/channels, /deliveries, /subscriptions and /shares.

Every answer is a service type (``services.PackView``, ``services.ChannelView``, ``services.DeliveryView``, ...).
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.params.functions import Query as query_param

from headway.core.http import AuthedRequest, actor_of, declared, invalid_when
from headway.core.request_rules import NONBLANK, one_of, required_text, stated
from headway.planning.services import AUDIENCES
from headway.reports import services
from headway.reports.models import Pack

router = Router(tags=["reports"])


PACK_AUDIENCES = ["", *AUDIENCES]  # the roadmap pack's stakeholder view (blank: leadership; ignored elsewhere)
PERIOD_RULE = ("the period is not current, next, previous, a fiscal quarter (FY2027 Q2), a date range "
               "START..END or a saved period's name")


class PackRequest(Schema):
    kind: str = one_of(services.KINDS)
    period: str = "current"
    audience: str = one_of(PACK_AUDIENCES, "")


class NotesRequest(Schema):
    notes: dict[str, str]


@router.get("/preview", response=services.PackView, openapi_extra=invalid_when(PERIOD_RULE))
def preview(request: AuthedRequest, kind: str = declared(query_param(...), enum=services.KINDS),
            period: str = "current",
            audience: str = declared(query_param(""), enum=PACK_AUDIENCES)) -> services.PackView:
    """A pack built now and not saved: its sections, tables and chart data."""
    return services.preview_pack(actor_of(request), kind, period=period, audience=audience)


@router.get("/packs", response=list[services.PackView])
def packs(request: AuthedRequest, status: str = declared(query_param(""), enum=["", *Pack.Status.values])
          ) -> list[services.PackView]:
    """Saved packs (drafts and the sent ones kept), newest first."""
    return [services.PackView.of(p) for p in services.list_packs(actor_of(request), status=status)]


@router.post("/packs", response={201: services.PackView}, openapi_extra=invalid_when(PERIOD_RULE))
def create_pack(request: AuthedRequest, body: PackRequest) -> Status[services.PackView]:
    """Build a pack and keep it as a draft (product leaders and admins)."""
    pack = services.create_pack(actor_of(request), body.kind, period=body.period, audience=body.audience)
    return Status(201, services.PackView.of(pack))


@router.get("/packs/{pack_id}", response=services.PackView)
def pack(request: AuthedRequest, pack_id: int) -> services.PackView:
    """One saved pack."""
    return services.PackView.of(services.get_pack(actor_of(request), pack_id))


@router.patch("/packs/{pack_id}", response=services.PackView)
def edit_pack(request: AuthedRequest, pack_id: int, body: NotesRequest) -> services.PackView:
    """Write a draft's free-text sections (``{"notes": {"decisions": "..."}}``)."""
    return services.PackView.of(services.edit_notes(actor_of(request), pack_id, body.notes))


@router.get("/packs/{pack_id}/render")
def render_pack(request: AuthedRequest, pack_id: int, format: str = "html") -> HttpResponse:
    """A saved pack as Markdown (``format=md``) or as a printable HTML page (``format=html``)."""
    view = services.PackView.of(services.get_pack(actor_of(request), pack_id))
    text = services.render(view, format)
    return HttpResponse(text, content_type="text/markdown; charset=utf-8" if format == "md" else "text/html")


class SendRequest(Schema):
    to: list[str] = []
    channel: str = ""


@router.post("/packs/{pack_id}/send", response={202: services.DeliveryView}, openapi_extra=invalid_when(
    "neither `to` nor `channel` is given, or an address is not an e-mail address"))
def send_pack(request: AuthedRequest, pack_id: int, body: SendRequest) -> Status[services.DeliveryView]:
    """Send a saved pack to addresses or a channel (a background job; follow it under /deliveries/{id})."""
    delivery = services.send_pack(actor_of(request), pack_id, to=body.to or None, channel=body.channel or None)
    delivery.refresh_from_db()
    return Status(202, services.DeliveryView.of(delivery))


class ChannelRequest(Schema):
    name: str = required_text(80)
    kind: str = one_of(services.CHANNEL_KINDS)
    target: str = stated(minLength=1, pattern=NONBLANK)
    secret: str = ""


@router.get("/channels", response=list[services.ChannelView])
def channels(request: AuthedRequest) -> list[services.ChannelView]:
    """Every channel (a webhook's host only, never its token or secret)."""
    return [services.ChannelView.of(c) for c in services.list_channels(actor_of(request))]


@router.post("/channels", response={201: services.ChannelView}, openapi_extra=invalid_when(
    "the target is not e-mail addresses (an email channel) or an http(s) URL (the others), or a webhook's signing "
    "secret is shorter than 16 characters"))
def add_channel(request: AuthedRequest, body: ChannelRequest) -> Status[services.ChannelView]:
    """Add a channel: email, slack, teams or webhook (with a signing secret)."""
    channel = services.add_channel(actor_of(request), body.name, body.kind, body.target, secret=body.secret)
    return Status(201, services.ChannelView.of(channel))


@router.post("/channels/{name}/test", response={202: services.DeliveryView})
def test_channel(request: AuthedRequest, name: str) -> Status[services.DeliveryView]:
    """Send a test message through a channel."""
    delivery = services.send_test(actor_of(request), name)
    delivery.refresh_from_db()
    return Status(202, services.DeliveryView.of(delivery))


@router.delete("/channels/{name}", response={204: None})
def remove_channel(request: AuthedRequest, name: str) -> Status[None]:
    """Remove a channel."""
    services.remove_channel(actor_of(request), name)
    return Status(204, None)


@router.get("/deliveries", response=list[services.DeliveryView])
def deliveries(request: AuthedRequest, status: str | None = None) -> list[services.DeliveryView]:
    """The latest deliveries with their attempts, recipients reached and log."""
    return [services.DeliveryView.of(d) for d in services.list_deliveries(actor_of(request), status=status)]


@router.get("/deliveries/{delivery_id}", response=services.DeliveryView)
def delivery(request: AuthedRequest, delivery_id: int) -> services.DeliveryView:
    """One delivery."""
    return services.DeliveryView.of(services.get_delivery(actor_of(request), delivery_id))


class SubscriptionRequest(Schema):
    what: str = one_of([*services.KINDS, "alerts", services.REMINDERS])
    to: str = ""
    channel: str = ""
    cadence: str = one_of(["", *services.CADENCES], "")
    weekday: str = one_of([*services.WEEKDAYS, *map(str, range(7))], "monday")
    hour: int = stated(8, minimum=0, maximum=23)
    kpis: list[str] = []
    audience: str = ""
    start: date | None = None


@router.get("/subscriptions", response=list[services.SubscriptionView])
def subscriptions(request: AuthedRequest) -> list[services.SubscriptionView]:
    """The active subscriptions."""
    return [services.SubscriptionView.of(s) for s in services.list_subscriptions(actor_of(request))]


@router.post("/subscriptions", response={201: services.SubscriptionView}, openapi_extra=invalid_when(
    "the cadence does not suit what is subscribed (reminders: daily or weekly; alerts: alerts; packs: weekly, "
    "monthly or quarterly), neither `to` nor `channel` is given, `to` is not an e-mail address, or `start` is in "
    "the past"))
def add_subscription(request: AuthedRequest, body: SubscriptionRequest) -> Status[services.SubscriptionView]:
    """Subscribe an address (one's own, or anyone's for leaders) or a channel to a pack or to alerts."""
    sub = services.add_subscription(actor_of(request), body.what, cadence=body.cadence, to=body.to,
                                    channel=body.channel, weekday=body.weekday, hour=body.hour, kpis=body.kpis,
                                    audience=body.audience, start=body.start)
    return Status(201, services.SubscriptionView.of(sub))


@router.delete("/subscriptions/{subscription_id}", response={204: None})
def remove_subscription(request: AuthedRequest, subscription_id: int) -> Status[None]:
    """End a subscription."""
    services.remove_subscription(actor_of(request), subscription_id)
    return Status(204, None)


class ShareRequest(Schema):
    what: str = one_of(["pack", "roadmap"])
    pack: int | None = None
    kind: str = one_of(["", *services.LIVE_KINDS], "")
    audience: str = one_of(PACK_AUDIENCES, "leadership")
    days: int = stated(14, minimum=1, maximum=services.MAX_DAYS)


@router.get("/shares", response=list[services.ShareView])
def shares(request: AuthedRequest) -> list[services.ShareView]:
    """Every share link with its state and openings (leaders and admins)."""
    return [services.ShareView.of(s) for s in services.list_shares(actor_of(request))]


@router.post("/shares", response={201: services.ShareView})
def create_share(request: AuthedRequest, body: ShareRequest) -> Status[services.ShareView]:
    """Create a read-only link to a saved pack or a roadmap audience view."""
    link = services.create_share(actor_of(request), body.what, pack_id=body.pack, kind=body.kind,
                                 audience=body.audience,
                                 days=body.days)
    return Status(201, services.ShareView.of(link))


@router.post("/shares/{share_id}/revoke", response=services.ShareView)
def revoke_share(request: AuthedRequest, share_id: int) -> services.ShareView:
    """Revoke a share link: it answers 404 from now on."""
    return services.ShareView.of(services.revoke_share(actor_of(request), share_id))
