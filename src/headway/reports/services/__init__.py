"""Use cases of the reports app: report packs, channels, deliveries, subscriptions and share links.

Every face (CLI, API, web, Python) calls these functions. Reading packs needs ``workspace.view``; saving,
editing and sending packs, channels, subscriptions for others and share links need ``plans.edit`` (product
leaders and admins). ``actor=None`` is the system (the CLI operator, the scheduler, the demo builder).
"""

from __future__ import annotations

from headway.reports.services.builders import KINDS, build_document
from headway.reports.services.channels import (
    CHANNEL_KINDS,
    ChannelView,
    add_channel,
    get_channel,
    list_channels,
    parse_addresses,
    remove_channel,
)
from headway.reports.services.deliveries import (
    MAX_ATTEMPTS,
    DeliveryFailed,
    DeliveryRetry,
    DeliveryView,
    deliver,
    get_delivery,
    list_deliveries,
    queue_delivery,
    send_pack,
    send_test,
    unsubscribe_url,
)
from headway.reports.services.packs import (
    FORMATS,
    PackView,
    create_pack,
    edit_notes,
    get_pack,
    list_packs,
    mark_sent,
    preview_pack,
    render,
)

__all__ = [
    "CHANNEL_KINDS",
    "FORMATS",
    "KINDS",
    "MAX_ATTEMPTS",
    "ChannelView",
    "DeliveryFailed",
    "DeliveryRetry",
    "DeliveryView",
    "PackView",
    "add_channel",
    "build_document",
    "create_pack",
    "deliver",
    "edit_notes",
    "get_channel",
    "get_delivery",
    "get_pack",
    "list_channels",
    "list_deliveries",
    "list_packs",
    "mark_sent",
    "parse_addresses",
    "preview_pack",
    "queue_delivery",
    "remove_channel",
    "render",
    "send_pack",
    "send_test",
    "unsubscribe_url",
]
