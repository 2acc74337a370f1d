"""Channels: where messages go — an e-mail list, a Slack or Microsoft Teams incoming webhook, or a generic
webhook signed with HMAC-SHA256. A channel's URL and secret are never shown or logged in full."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label
from headway.reports.models import Channel

CHANNEL_KINDS = tuple(Channel.Kind.values)


class ChannelView(BaseModel):
    """A channel as the faces show it: the webhook's host only, never its full URL or secret."""

    id: int
    name: str
    kind: str
    kind_label: str
    target: str
    signed: bool
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, channel: Channel) -> ChannelView:
        """The view of a stored channel."""
        return cls(id=channel.pk, name=channel.name, kind=channel.kind, kind_label=Channel.Kind(channel.kind).label,
                   target=shown_target(channel.kind, channel.target), signed=bool(channel.secret),
                   created_by=channel.created_by, created_at=channel.created_at)


def shown_target(kind: str, target: str) -> str:
    """What may be shown of a target: the addresses of an e-mail list; a webhook's scheme and host (its path
    holds the Slack or Teams token)."""
    if kind == Channel.Kind.EMAIL:
        return target
    parts = urlsplit(target)
    return f"{parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}/…"


def parse_addresses(text: str | list[str]) -> list[str]:
    """E-mail addresses from a comma-separated text or a list; a bad one is refused by name."""
    items = text if isinstance(text, list) else str(text or "").replace(";", ",").split(",")
    addresses = [a.strip() for a in items if a.strip()]
    if not addresses:
        raise ValidationError("No e-mail address given: list one or more, comma-separated.")
    bad = []
    for a in addresses:
        try:
            validate_email(a)
        except DjangoValidationError:
            bad.append(a)
    if bad:
        raise ValidationError(f"Not an e-mail address: {', '.join(bad)}. Fix or remove it and retry.",
                              details={"addresses": bad})
    return list(dict.fromkeys(addresses))


def check_webhook_url(url: str) -> str:
    """A webhook URL, which must be http(s) with a host."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError("The webhook URL must start with https:// (or http://) and name a host: copy it "
                              "from the Slack, Teams or receiving app's settings.")
    return url.strip()


@transaction.atomic
def add_channel(actor: User | None, name: str, kind: str, target: str, *, secret: str = "") -> Channel:
    """Add a channel: ``email`` (comma-separated addresses), ``slack``, ``teams`` or ``webhook`` (a URL; a
    webhook needs a signing secret)."""
    check(actor, Perm.EDIT_PLANS)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError("A channel needs a name of 1 to 80 characters, such as leadership or product-slack.")
    if kind not in CHANNEL_KINDS:
        raise ValidationError(f"There is no channel kind {kind!r}: choose one of {', '.join(CHANNEL_KINDS)}.")
    if Channel.objects.filter(name=name).exists():
        raise Conflict(f"There is a channel named {name} already: choose another name or remove it first.")
    target = ", ".join(parse_addresses(target)) if kind == Channel.Kind.EMAIL else check_webhook_url(target)
    if kind == Channel.Kind.WEBHOOK and len(secret) < 16:
        raise ValidationError("A webhook channel needs a signing secret of at least 16 characters (--secret), "
                              "which the receiver uses to verify X-Headway-Signature.")
    channel = Channel.objects.create(name=name, kind=kind, target=target, secret=secret,
                                     created_by=actor_label(actor))
    audit.record(actor, AuditEvent.Action.CREATE, channel, summary=f"{kind} channel {name}")
    return channel


def get_channel(actor: User | None, name: str) -> Channel:
    """A channel by name (or id), or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    found = Channel.objects.filter(name=str(name)).first()
    if found is None and str(name).isdigit():
        found = Channel.objects.filter(pk=int(name)).first()
    if found is None:
        raise NotFound(f"There is no channel {name!r}: the channels are under Settings → Channels "
                       "(or `headway channel list`).")
    return found


def list_channels(actor: User | None) -> list[Channel]:
    """Every channel, by name."""
    check(actor, Perm.VIEW_WORKSPACE)
    return list(Channel.objects.all())


@transaction.atomic
def remove_channel(actor: User | None, name: str) -> None:
    """Remove a channel (its deliveries stay in the log; its subscriptions go)."""
    check(actor, Perm.EDIT_PLANS)
    channel = get_channel(actor, name)
    audit.record(actor, AuditEvent.Action.DELETE, channel, summary=f"channel {channel.name} removed")
    channel.delete()
