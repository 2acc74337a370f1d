"""Deliveries: one message (a pack, an alert, a test) to a channel or to e-mail addresses, sent by a background
job (``reports.deliver``) retried with backoff. Each attempt is logged (sent / retrying with the reason / failed
with the reason); a recipient who got the message is never sent it again by a retry; secrets never reach the log.
"""

from __future__ import annotations

import datetime as dt
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core import mail, signing
from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from headway.conf.email import parse_email_url
from headway.core import jobs
from headway.core.errors import HeadwayError, NotFound, ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label
from headway.reports.engine import sign_body
from headway.reports.models import Channel, Delivery, OptOut, Pack, Subscription
from headway.reports.services.channels import get_channel, parse_addresses, shown_target

MAX_ATTEMPTS = 4
"""A delivery is tried this many times (waiting 30 s, 60 s, 120 s between them) before it is marked failed."""
UNSUBSCRIBE = "%%UNSUBSCRIBE_URL%%"
UNSUBSCRIBE_SALT = "headway.reports.unsubscribe"


class DeliveryFailed(HeadwayError):
    """A delivery that cannot succeed by trying again (a wrong password, a refused address, a 4xx answer)."""

    code = "delivery_failed"


class DeliveryRetry(Exception):
    """A delivery that failed for now (a server down, a timeout, a 5xx answer): the job runs it again later."""


class LogLine(BaseModel):
    """One line of a delivery's log."""

    at: dt.datetime
    event: str
    detail: str


class DeliveryView(BaseModel):
    """A delivery as the Deliveries page, the API and the CLI show it."""

    id: int
    subject: str
    channel: str
    channel_kind: str
    recipients: list[str]
    delivered_to: list[str]
    status: str
    attempts: int
    error: str
    log: list[LogLine]
    pack_id: int | None
    alert_id: int | None
    job_id: int | None
    created_by: str
    created_at: dt.datetime
    sent_at: dt.datetime | None

    @classmethod
    def of(cls, d: Delivery) -> DeliveryView:
        """The view of a stored delivery."""
        return cls(id=d.pk, subject=d.subject, channel=d.channel.name if d.channel else "", channel_kind=d.channel_kind,
                   recipients=list(d.recipients), delivered_to=list(d.delivered_to), status=d.status,
                   attempts=d.attempts, error=d.error, log=[LogLine(**line) for line in d.log], pack_id=d.pack_id,
                   alert_id=d.alert_id, job_id=d.job_id, created_by=d.created_by, created_at=d.created_at,
                   sent_at=d.sent_at)


# --- queueing ---------------------------------------------------------------------------------------------------


def queue_delivery(actor: User | None, *, subject: str, text: str, html: str = "", channel: Channel | None = None,
                   addresses: list[str] | None = None, pack: Pack | None = None,
                   subscription: Subscription | None = None, alert_id: int | None = None) -> Delivery:
    """Record a delivery and start its background job (the caller checked the actor's permission)."""
    if channel is None and not addresses:
        raise ValidationError("Send to e-mail addresses (--to) or to a channel (--channel).")
    kind = channel.kind if channel is not None else Channel.Kind.EMAIL
    if kind == Channel.Kind.EMAIL:
        recipients = parse_addresses(channel.target if channel is not None else list(addresses or []))
    else:
        recipients = [channel.name] if channel is not None else []
    with transaction.atomic():
        delivery = Delivery.objects.create(subject=subject[:300], text=text, html=html, channel=channel,
                                           channel_kind=kind, recipients=recipients, pack=pack,
                                           subscription=subscription, alert_id=alert_id,
                                           created_by=actor_label(actor))
    job = jobs.enqueue("reports.deliver", actor=actor, label=f"Deliver {subject[:120]}", delivery_id=delivery.pk)
    Delivery.objects.filter(pk=delivery.pk).update(job_id=job.pk)
    delivery.refresh_from_db()
    return delivery


def send_pack(actor: User | None, pack_id: int, *, to: list[str] | str | None = None,
              channel: str | None = None) -> Delivery:
    """Send a saved pack to addresses or a channel; the pack is then kept as sent."""
    from headway.reports.services.packs import PackView, get_pack, mark_sent, render

    check(actor, Perm.EDIT_PLANS)
    pack = get_pack(actor, pack_id)
    target = get_channel(actor, channel) if channel else None
    addresses = parse_addresses(to) if to and target is None else None
    if target is None and not addresses:
        raise ValidationError("Send to e-mail addresses (--to) or to a channel (--channel).")
    view = PackView.of(pack)
    delivery = queue_delivery(actor, subject=f"{pack.title} · {pack.period}", text=render(view, "md"),
                              html=render(view, "html", unsubscribe_url=UNSUBSCRIBE), channel=target,
                              addresses=addresses, pack=pack)
    mark_sent(pack)
    return delivery


def send_test(actor: User | None, channel: str) -> Delivery:
    """Send a short test message through a channel (``headway channel test``)."""
    check(actor, Perm.EDIT_PLANS)
    target = get_channel(actor, channel)
    text = f"A test message from Headway to the channel {target.name}: it works."
    return queue_delivery(actor, subject=f"Headway test: {target.name}", text=text,
                          html=f"<p>{text}</p><p><a href=\"{UNSUBSCRIBE}\">Unsubscribe</a></p>", channel=target)


def list_deliveries(actor: User | None, *, status: str | None = None, limit: int = 100) -> list[Delivery]:
    """The latest deliveries, newest first (optionally of one status)."""
    check(actor, Perm.VIEW_WORKSPACE)
    rows = Delivery.objects.select_related("channel")
    if status:
        if status not in Delivery.Status.values:
            raise ValidationError(f"Status {status!r} is not one of {', '.join(Delivery.Status.values)}.")
        rows = rows.filter(status=status)
    return list(rows[: max(1, min(limit, 500))])


def get_delivery(actor: User | None, delivery_id: int) -> Delivery:
    """One delivery, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    found = Delivery.objects.select_related("channel").filter(pk=delivery_id).first()
    if found is None:
        raise NotFound(f"There is no delivery {delivery_id}: the latest are under Settings → Deliveries.")
    return found


# --- unsubscribe links ------------------------------------------------------------------------------------------


def unsubscribe_url(*, subscription_id: int | None = None, address: str | None = None) -> str:
    """The one-click link that ends a subscription, or every message to an address."""
    payload = {"s": subscription_id} if subscription_id is not None else {"a": address}
    token = signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)
    return f"{settings.HEADWAY_BASE_URL}/reports/unsubscribe/{token}/"


# --- sending (the job's body) -----------------------------------------------------------------------------------


def _log(delivery: Delivery, event: str, detail: str = "") -> None:
    delivery.log = [*delivery.log, {"at": timezone.now().isoformat(), "event": event, "detail": detail[:500]}]


def deliver(delivery_id: int) -> str:
    """One attempt at a delivery: send to each recipient not reached yet; returns the delivery's status.

    Raises :class:`DeliveryRetry` when it should be tried again, :class:`DeliveryFailed` when it cannot succeed.
    """
    delivery = Delivery.objects.select_related("channel", "subscription").get(pk=delivery_id)
    if delivery.status in (Delivery.Status.SENT, Delivery.Status.FAILED):
        return delivery.status
    delivery.attempts += 1
    try:
        if delivery.channel_kind == Channel.Kind.EMAIL:
            _send_emails(delivery)
        else:
            _post_webhook(delivery)
    except DeliveryFailed as exc:
        _finish(delivery, Delivery.Status.FAILED, exc.message)
        raise
    except DeliveryRetry as exc:
        if delivery.attempts >= MAX_ATTEMPTS:
            reason = f"{exc} (gave up after {delivery.attempts} attempts)"
            _finish(delivery, Delivery.Status.FAILED, reason)
            raise DeliveryFailed(reason) from None
        delivery.status, delivery.error = Delivery.Status.RETRYING, str(exc)
        _log(delivery, "retrying", str(exc))
        delivery.save(update_fields=["status", "error", "log", "attempts"])
        raise
    _finish(delivery, Delivery.Status.SENT, "")
    return delivery.status


def _finish(delivery: Delivery, status: str, reason: str) -> None:
    delivery.status, delivery.error = status, reason
    if status == Delivery.Status.SENT:
        delivery.sent_at = timezone.now()
        _log(delivery, "sent", f"to {len(delivery.delivered_to)} of {len(delivery.recipients)} recipient(s)")
    else:
        _log(delivery, "failed", reason)
    delivery.save(update_fields=["status", "error", "sent_at", "log", "attempts", "delivered_to"])


def _link_for(delivery: Delivery, address: str | None) -> str:
    if delivery.subscription_id is not None:
        return unsubscribe_url(subscription_id=delivery.subscription_id)
    return unsubscribe_url(address=address) if address else ""


def _connection() -> Any:
    url = getattr(settings, "HEADWAY_EMAIL_URL", "")
    if not url:
        return mail.get_connection()
    server = parse_email_url(url)
    return mail.get_connection("django.core.mail.backends.smtp.EmailBackend", host=server.host, port=server.port,
                               username=server.username, password=server.password, use_tls=server.use_tls,
                               use_ssl=server.use_ssl, timeout=server.timeout, fail_silently=False)


def _where() -> str:
    url = getattr(settings, "HEADWAY_EMAIL_URL", "")
    if not url:
        return "the mail backend"
    server = parse_email_url(url)
    return f"the SMTP server {server.host}:{server.port}"


def _send_emails(delivery: Delivery) -> None:
    opted_out = set(OptOut.objects.filter(address__in=delivery.recipients).values_list("address", flat=True))
    remaining = [r for r in delivery.recipients if r not in delivery.delivered_to]
    if not remaining:
        return
    connection = _connection()
    where = _where()
    try:
        connection.open()
    except smtplib.SMTPAuthenticationError:
        raise DeliveryFailed(f"{where} refused the user name or password: fix them in HEADWAY_EMAIL_URL.") from None
    except (smtplib.SMTPNotSupportedError, ssl.SSLError) as exc:
        raise DeliveryFailed(f"{where} could not start TLS ({type(exc).__name__}): use smtps:// for TLS from the "
                             "start, smtp:// for STARTTLS, or ?tls=none for a trusted relay.") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryRetry(f"could not reach {where} ({type(exc).__name__}: {exc}): check HEADWAY_EMAIL_URL "
                            "and that the server is up") from None
    refused: list[str] = []
    try:
        for address in remaining:
            if address in opted_out:
                delivery.delivered_to = [*delivery.delivered_to, address]
                _log(delivery, "skipped", f"{address} unsubscribed")
                continue
            link = _link_for(delivery, address)
            message = mail.EmailMultiAlternatives(
                delivery.subject, delivery.text + (f"\n\nUnsubscribe: {link}\n" if link else ""),
                from_email=settings.HEADWAY_EMAIL_FROM, to=[address], connection=connection,
                headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
                if link else {})
            if delivery.html:
                message.attach_alternative(delivery.html.replace(UNSUBSCRIBE, link), "text/html")
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused:
                refused.append(address)
                continue
            except (OSError, smtplib.SMTPException) as exc:
                raise DeliveryRetry(f"{where} broke off while sending ({type(exc).__name__}); "
                                    f"{len(delivery.delivered_to)} of {len(delivery.recipients)} reached") from None
            delivery.delivered_to = [*delivery.delivered_to, address]
            Delivery.objects.filter(pk=delivery.pk).update(delivered_to=delivery.delivered_to)
    finally:
        connection.close()
    if refused:
        raise DeliveryFailed(f"{where} refused {', '.join(refused)}: check the address(es); the others were sent.")


def _payload(delivery: Delivery, link: str) -> dict[str, Any]:
    footer = f"\n\n<{link}|Unsubscribe>" if link and delivery.channel_kind == Channel.Kind.SLACK else (
        f"\n\n[Unsubscribe]({link})" if link else "")
    text = delivery.text[:35_000] + footer
    if delivery.channel_kind == Channel.Kind.TEAMS:
        return teams_card(delivery, link)
    if delivery.channel_kind == Channel.Kind.SLACK:
        return {"text": f"*{delivery.subject}*\n\n{text}"}
    return {"event": "alert" if delivery.alert_id else ("report" if delivery.pack_id else "test"),
            "delivery_id": delivery.pk, "subject": delivery.subject, "text": delivery.text,
            "html": delivery.html.replace(UNSUBSCRIBE, link), "pack_id": delivery.pack_id,
            "alert_id": delivery.alert_id, "unsubscribe_url": link}


def open_url(delivery: Delivery) -> str:
    """Where the message opens in Headway: the alert (signed link) or the pack's page; blank for a test."""
    if delivery.alert_id is not None:
        from headway.reports.services.subscriptions import alert_link

        return alert_link(delivery.alert_id)
    if delivery.pack_id is not None:
        return f"{settings.HEADWAY_BASE_URL}/reports/packs/{delivery.pack_id}/"
    return ""


def teams_card(delivery: Delivery, unsubscribe: str) -> dict[str, Any]:
    """A Microsoft Teams message with one Adaptive Card (what Teams incoming webhooks and Workflows accept): the
    subject as the title, the Markdown text, and buttons to open it in Headway and to unsubscribe."""
    actions = [{"type": "Action.OpenUrl", "title": title, "url": url}
               for title, url in (("Open in Headway", open_url(delivery)), ("Unsubscribe", unsubscribe)) if url]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "msteams": {"width": "Full"},
            "body": [{"type": "TextBlock", "text": delivery.subject, "weight": "Bolder", "size": "Medium",
                      "wrap": True},
                     {"type": "TextBlock", "text": delivery.text[:25_000], "wrap": True}],
            "actions": actions}
    return {"type": "message", "summary": delivery.subject,
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}


def _post_webhook(delivery: Delivery) -> None:
    channel = delivery.channel
    if channel is None:
        raise DeliveryFailed("The channel of this delivery was removed: send it again to another channel.")
    if channel.name in delivery.delivered_to:
        return
    link = _link_for(delivery, None)
    body = json.dumps(_payload(delivery, link), separators=(",", ":"), default=str).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Headway", "X-Headway-Delivery": str(delivery.pk)}
    if channel.kind == Channel.Kind.WEBHOOK:
        stamp = int(time.time())
        headers["X-Headway-Timestamp"] = str(stamp)
        headers["X-Headway-Signature"] = sign_body(channel.secret, stamp, body)
    where = shown_target(channel.kind, channel.target)
    timeout = float(getattr(settings, "HEADWAY_WEBHOOK_TIMEOUT", 10.0))
    request = urllib.request.Request(channel.target, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) checked on add)
            response.read(1024)
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise DeliveryRetry(f"{where} answered {exc.code}") from None
        raise DeliveryFailed(f"{where} refused the message with {exc.code}: check the channel's URL (and secret) "
                             "and add it again.") from None
    except TimeoutError:
        raise DeliveryRetry(f"{where} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise DeliveryRetry(f"{where} did not answer within {timeout:g} s") from None
        raise DeliveryRetry(f"could not reach {where} ({type(reason).__name__})") from None
    except OSError as exc:
        raise DeliveryRetry(f"could not reach {where} ({type(exc).__name__})") from None
    delivery.delivered_to = [*delivery.delivered_to, channel.name]
