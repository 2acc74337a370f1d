"""Template context shared by every page: the workspace, the navigation and the settings tabs."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from headway import __version__
from headway.core.models import Workspace
from headway.core.permissions import Perm, has_perm

log = logging.getLogger(__name__)

NAVIGATION = [
    ("dashboard", "Dashboard"),
    ("insights", "Insights"),
    ("feedback", "Feedback"),
    ("roadmap", "Ideas & Roadmap"),
    ("goals", "Goals"),
    ("impact", "Impact"),
    ("team", "Team"),
    ("reports", "Reports"),
    ("settings", "Settings"),
]

# (url name, label, permission needed to see the tab or None)
SETTINGS_TABS = [
    ("settings", "Workspace", None),
    ("settings-users", "Users", Perm.VIEW_USERS),
    ("settings-tokens", "API tokens", Perm.USE_API_TOKENS),
    ("settings-password", "Password", None),
    ("settings-audit", "Audit log", Perm.VIEW_AUDIT),
    ("settings-jobs", "Background jobs", Perm.VIEW_WORKSPACE),
    ("settings-channels", "Channels", Perm.VIEW_WORKSPACE),
    ("settings-deliveries", "Deliveries", Perm.VIEW_WORKSPACE),
]


def current_workspace() -> Workspace | None:
    """The workspace; None when there is none yet or the database cannot be read (error pages still render)."""
    try:
        return Workspace.objects.order_by("pk").first()
    except DatabaseError:
        log.warning("workspace unavailable while rendering a page", exc_info=True)
        return None


def settings_tabs(user: object, current: str) -> list[dict[str, Any]]:
    """The settings tabs ``user`` may open, the one named ``current`` marked."""
    return [
        {"name": n, "label": label, "current": current == n}
        for n, label, perm in SETTINGS_TABS
        if perm is None or has_perm(user, perm)
    ]


def shell(request: HttpRequest) -> dict[str, Any]:
    """The workspace, the navigation with the current area marked, and the settings tabs (computed lazily: the
    workspace is read when a template first shows it, and not at all when the view passes its own)."""
    match = getattr(request, "resolver_match", None)
    current = (match.url_name or "") if match else ""
    section = current.split("-", 1)[0]
    user = getattr(request, "user", None)
    return {
        "workspace": SimpleLazyObject(current_workspace),
        "section": section,  # the base template caches the navigation per section
        "navigation": [{"name": n, "label": label, "current": section == n} for n, label in NAVIGATION],
        "settings_tabs": lambda: settings_tabs(user, current),
        "headway_version": __version__,
    }
