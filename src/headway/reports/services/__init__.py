"""Use cases of the reports app: report packs, channels, deliveries, subscriptions and share links.

Every face (CLI, API, web, Python) calls these functions. Reading packs needs ``workspace.view``; saving,
editing and sending packs, channels, subscriptions for others and share links need ``plans.edit`` (product
leaders and admins). ``actor=None`` is the system (the CLI operator, the scheduler, the demo builder).
"""

from __future__ import annotations

from headway.reports.services.builders import KINDS, build_document
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
    "FORMATS",
    "KINDS",
    "PackView",
    "build_document",
    "create_pack",
    "edit_notes",
    "get_pack",
    "list_packs",
    "mark_sent",
    "preview_pack",
    "render",
]
