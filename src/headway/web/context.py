"""Template context shared by every page: the workspace and the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from headway import __version__
from headway.core.models import Workspace

NAVIGATION = [
    ("dashboard", "Dashboard"),
    ("insights", "Insights"),
    ("feedback", "Feedback"),
    ("roadmap", "Ideas & Roadmap"),
    ("goals", "Goals"),
    ("team", "Team"),
    ("settings", "Settings"),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    """The workspace name and the navigation entries with the current one marked."""
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    section = current.split("-", 1)[0] if current else ""
    return {
        "workspace": Workspace.objects.order_by("pk").first(),
        "navigation": [{"name": n, "label": label, "current": section == n} for n, label in NAVIGATION],
        "headway_version": __version__,
    }
