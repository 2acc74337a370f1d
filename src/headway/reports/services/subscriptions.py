"""Subscriptions: a pack on a schedule (weekly on a weekday and hour in the workspace's time zone, monthly,
quarterly), alerts of chosen KPIs, or one's own reminders (daily or weekly), to an address or a channel; run by
the scheduler; one-click unsubscribe."""

from __future__ import annotations

import datetime as dt
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check, has_perm
from headway.core.services import get_workspace
from headway.core.validation import actor_label
from headway.reports.engine import next_run
from headway.reports.models import Delivery, OptOut, Subscription
from headway.reports.services.builders import KINDS
from headway.reports.services.channels import get_channel, parse_addresses
from headway.reports.services.deliveries import UNSUBSCRIBE, UNSUBSCRIBE_SALT, queue_delivery

CADENCES = tuple(Subscription.Cadence.values)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALERT_SALT = "headway.reports.alert"
REMINDERS = "reminders"


class SubscriptionView(BaseModel):
    """A subscription as the faces show it."""

    id: int
    what: str
    cadence: str
    when: str
    to: str
    kpis: list[str]
    next_due_at: dt.datetime | None
    active: bool
    created_by: str

    @classmethod
    def of(cls, s: Subscription) -> SubscriptionView:
        """The view of a stored subscription."""
        when = {"daily": f"every day at {s.hour:02d}:00",
                "weekly": f"{WEEKDAYS[s.weekday].title()}s at {s.hour:02d}:00",
                "monthly": f"the 1st of each month at {s.hour:02d}:00",
                "quarterly": f"the 1st of each quarter at {s.hour:02d}:00"}.get(s.cadence, "as raised")
        return cls(id=s.pk, what=s.pack_kind or "alerts", cadence=s.cadence, when=when,
                   to=s.address or (f"#{s.channel.name}" if s.channel else ""), kpis=list(s.kpis),
                   next_due_at=s.next_due_at, active=s.unsubscribed_at is None, created_by=s.created_by)


def _zone() -> ZoneInfo:
    return ZoneInfo(get_workspace().timezone or "UTC")


def _next(s: Subscription, after: dt.datetime) -> dt.datetime | None:
    if s.cadence == Subscription.Cadence.ALERTS:
        return None
    local = next_run(s.cadence, after.astimezone(_zone()), weekday=s.weekday, hour=s.hour,
                     fiscal_year_start_month=get_workspace().fiscal_year_start_month)
    return local.astimezone(dt.UTC)


def _weekday(value: str | int) -> int:
    text = str(value).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    for i, name in enumerate(WEEKDAYS):
        if text and name.startswith(text[:3]):
            return i
    raise ValidationError(f"{value!r} is not a weekday: use monday … sunday (or 0 for Monday … 6 for Sunday).")


@transaction.atomic
def add_subscription(actor: User | None, what: str, *, cadence: str = "", to: str = "", channel: str = "",
                     weekday: str | int = "monday", hour: int = 8, kpis: list[str] | None = None,
                     audience: str = "", start: dt.date | None = None) -> Subscription:
    """Subscribe an address or a channel to a pack (``weekly``, ``monthly``, ...) on a schedule, to ``alerts``,
    or to one's own ``reminders`` (daily by default, or weekly; sent only when something is due).

    Anyone may subscribe their own address; subscribing others or a channel needs ``plans.edit``.
    ``start`` (optional) is the first day it may run; a day in the past is refused.
    """
    check(actor, Perm.VIEW_WORKSPACE)
    what = (what or "").strip().lower()
    if what not in ("alerts", REMINDERS) and what not in KINDS:
        raise ValidationError(f"Subscribe to one of {', '.join(KINDS)}, alerts or reminders, not {what!r}.")
    if what == REMINDERS:
        if actor is None:
            raise ValidationError("Reminders are a person's own: subscribe as that person (--as USERNAME).")
        cadence = cadence or "daily"
        if cadence not in ("daily", "weekly"):
            raise ValidationError(f"Reminders come daily or weekly, not {cadence!r}.")
        if not to and not channel:
            to = actor.email or ""
    cadence = "alerts" if what == "alerts" else (cadence or {"weekly": "weekly", "okr": "quarterly",
                                                             "board": "quarterly"}.get(what, "monthly"))
    if cadence not in CADENCES or (what != "alerts" and cadence == "alerts") or (
            cadence == "daily" and what != REMINDERS):
        raise ValidationError(f"Cadence {cadence!r} is not one of weekly, monthly, quarterly.")
    if not 0 <= int(hour) <= 23:
        raise ValidationError(f"Hour {hour} is not 0 to 23 (the workspace's time zone).")
    if not to and not channel:
        raise ValidationError("Say where it goes: an e-mail address (--to) or a channel (--channel).")
    target = get_channel(actor, channel) if channel else None
    address = parse_addresses(to)[0] if to and target is None else ""
    own = actor is not None and address and address.lower() == (actor.email or "").lower()
    if not own and actor is not None and not has_perm(actor, Perm.EDIT_PLANS):
        raise PermissionDenied("You may subscribe your own e-mail address; subscribing others or a channel needs "
                               "a product leader or an admin.")
    if start is not None and start < timezone.now().astimezone(_zone()).date():
        raise ValidationError(f"The start day {start.isoformat()} is in the past: choose today or a later day.")
    sub = Subscription(pack_kind="" if what == "alerts" else what, audience=audience if what == "roadmap" else "",
                       cadence=cadence, weekday=_weekday(weekday), hour=int(hour), kpis=list(kpis or []),
                       address=address, channel=target, token=secrets.token_urlsafe(24),
                       user=actor if what == REMINDERS else None,
                       created_by=actor_label(actor))
    after = timezone.now()
    if start is not None:
        after = max(after, dt.datetime.combine(start, dt.time(0), tzinfo=_zone()) - dt.timedelta(seconds=1))
    sub.next_due_at = _next(sub, after)
    sub.save()
    audit.record(actor, AuditEvent.Action.CREATE, sub, summary=f"subscription to {what} for {address or channel}")
    return sub


def list_subscriptions(actor: User | None, *, active_only: bool = True) -> list[Subscription]:
    """Subscriptions (the active ones, unless ``active_only`` is off)."""
    check(actor, Perm.VIEW_WORKSPACE)
    rows = Subscription.objects.select_related("channel")
    if active_only:
        rows = rows.filter(unsubscribed_at__isnull=True)
    return list(rows)


@transaction.atomic
def remove_subscription(actor: User | None, subscription_id: int) -> None:
    """End a subscription (its own address's owner may; others need ``plans.edit``)."""
    check(actor, Perm.VIEW_WORKSPACE)
    sub = Subscription.objects.filter(pk=subscription_id, unsubscribed_at__isnull=True).first()
    if sub is None:
        raise NotFound(f"There is no active subscription {subscription_id}: `headway subscription list` shows them.")
    own = actor is not None and sub.address and sub.address.lower() == (actor.email or "").lower()
    if not own:
        check(actor, Perm.EDIT_PLANS)
    sub.unsubscribed_at = timezone.now()
    sub.save(update_fields=["unsubscribed_at"])
    audit.record(actor, AuditEvent.Action.DELETE, sub, summary="subscription ended")


@transaction.atomic
def unsubscribe(token: str) -> str:
    """Follow a one-click unsubscribe link: end that subscription, or stop every message to that address.
    Returns what was stopped; a tampered link is NotFound."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise NotFound("This unsubscribe link is not valid: use the link of the latest message.") from None
    if payload.get("s") is not None:
        sub = Subscription.objects.filter(pk=payload["s"]).first()
        if sub is None:
            raise NotFound("This subscription no longer exists.")
        if sub.unsubscribed_at is None:
            sub.unsubscribed_at = timezone.now()
            sub.save(update_fields=["unsubscribed_at"])
            audit.record(None, AuditEvent.Action.DELETE, sub, summary="unsubscribed by link")
        return f"the {sub.pack_kind or 'alerts'} subscription of {sub.address or sub.channel}"
    address = str(payload.get("a") or "")
    OptOut.objects.get_or_create(address=address)
    Subscription.objects.filter(address=address, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    audit.record(None, AuditEvent.Action.UPDATE, object_type="optout", object_id=address,
                 summary="unsubscribed from every message by link")
    return f"every message to {address}"


# --- running (the scheduler and the alert listener) ---------------------------------------------------------


def run_due(*, now: dt.datetime | None = None) -> list[Delivery]:
    """Build and send every subscribed pack that is due, moving each one's next run on (one claim per run)."""
    from headway.reports.services.packs import PackView, create_pack, render

    now = now or timezone.now()
    sent: list[Delivery] = []
    for sub_id in Subscription.objects.filter(unsubscribed_at__isnull=True, next_due_at__lte=now).exclude(
            cadence=Subscription.Cadence.ALERTS).values_list("pk", flat=True):
        with transaction.atomic():
            sub = Subscription.objects.select_for_update(of=("self",)).select_related("channel", "user").get(pk=sub_id)
            if sub.next_due_at is None or sub.next_due_at > now or sub.unsubscribed_at is not None:
                continue
            sub.next_due_at = _next(sub, now)
            sub.save(update_fields=["next_due_at"])
        if sub.pack_kind == REMINDERS:
            reminder = _reminders(sub, now)
            if reminder is not None:
                sent.append(reminder)
            continue
        pack = create_pack(None, sub.pack_kind, audience=sub.audience)
        view = PackView.of(pack)
        sent.append(queue_delivery(None, subject=f"{pack.title} · {pack.period}", text=render(view, "md"),
                                   html=render(view, "html", unsubscribe_url=UNSUBSCRIBE), channel=sub.channel,
                                   addresses=[sub.address] if sub.address else None, pack=pack, subscription=sub))
    return sent


def _reminders(sub: Subscription, now: dt.datetime) -> Delivery | None:
    """Send a reminder subscription's person their to-dos (read-outs since the previous run); nothing when none."""
    from headway.reports.services.reminders import reminders_for

    if sub.user is None or not sub.user.is_active:
        return None
    since = now - (dt.timedelta(days=7) if sub.cadence == "weekly" else dt.timedelta(days=1))
    found = reminders_for(sub.user, since=since)
    if not found.items:
        return None
    count = len(found.items)
    return queue_delivery(None, subject=f"Headway: {count} thing{'' if count == 1 else 's'} waiting for you",
                          text=found.text(), html=found.html(UNSUBSCRIBE), channel=sub.channel,
                          addresses=[sub.address] if sub.address else None, subscription=sub)


def alert_link(alert_id: int) -> str:
    """The signed link that opens an alert (after login), where it can be acknowledged."""
    token = signing.dumps({"alert": alert_id}, salt=ALERT_SALT)
    return f"{settings.HEADWAY_BASE_URL}/reports/alert/{token}/"


def alert_of_link(token: str) -> int:
    """The alert a signed link names; a tampered link is NotFound."""
    try:
        return int(signing.loads(token, salt=ALERT_SALT)["alert"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("This alert link is not valid: open the alert from the Goals → Alerts page.") from None


def deliver_alert(alert_id: int) -> list[Delivery]:
    """Send a raised alert to every alert subscription (of all KPIs, or of its KPI) and to the KPI's owner."""
    from headway.strategy import services as strategy

    view = strategy.AlertView.from_model(strategy.get_alert(None, alert_id))
    link = alert_link(alert_id)
    text = f"{view.message}\n\nOpen and acknowledge it: {link}"
    html = (f"<p><strong>{view.kpi}</strong>: {view.message}</p><p><a href=\"{link}\">Open and acknowledge "
            f"it</a></p><p><a href=\"{UNSUBSCRIBE}\">Unsubscribe</a></p>")
    sent = []
    reached: set[str] = set()
    for sub in Subscription.objects.filter(cadence=Subscription.Cadence.ALERTS,
                                           unsubscribed_at__isnull=True).select_related("channel"):
        if sub.kpis and view.kpi not in sub.kpis:
            continue
        reached.add(sub.address.lower())
        sent.append(queue_delivery(None, subject=f"Alert: {view.kpi}", text=text, html=html, channel=sub.channel,
                                   addresses=[sub.address] if sub.address else None, subscription=sub,
                                   alert_id=alert_id))
    owner = strategy.get_kpi(None, view.kpi).owner
    email = (owner.email or "").strip() if owner is not None else ""
    if email and email.lower() not in reached:  # the KPI's owner hears of it too (an unsubscribe link opts out)
        sent.append(queue_delivery(None, subject=f"Alert: {view.kpi}", text=text, html=html, addresses=[email],
                                   alert_id=alert_id))
    return sent
