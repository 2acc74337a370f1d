"""The vision and strategy document of the workspace or of a product area: versions, their differences and
the Markdown rendered safely."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.validation import actor_label
from headway.strategy.models import StrategyVersion
from headway.strategy.services._common import edit, read, text
from headway.strategy.services.areas import get_area


@dataclass
class StrategyView:
    """One version of the vision and strategy, with its Markdown rendered as safe HTML."""

    area: str | None
    version: int
    vision: str
    body: str
    html: str
    note: str
    author: str
    at: dt.datetime

    @classmethod
    def from_model(cls, version: StrategyVersion) -> StrategyView:
        """The view of a stored version."""
        return cls(area=version.area.name if version.area else None, version=version.version,
                   vision=version.vision, body=version.body, html=render_markdown(version.body), note=version.note,
                   author=actor_label(version.author), at=version.created_at)


@dataclass
class StrategyChange:
    """A version and what it changed against the one before it."""

    version: StrategyVersion
    diff: list[str]


def strategy_history(actor: User | None, area: str | None = None) -> QuerySet[StrategyVersion]:
    """Every version of the workspace's (or an area's) document, newest first."""
    read(actor)
    scope = get_area(actor, area) if area else None
    return StrategyVersion.objects.filter(area=scope).select_related("author")


def current_strategy(actor: User | None, area: str | None = None) -> StrategyVersion | None:
    """The latest version of the document, or None before the first."""
    return strategy_history(actor, area).first()


def strategy_view(actor: User | None, area: str | None = None) -> StrategyView:
    """The current version as a view, or a NotFound that says how to write the first."""
    version = current_strategy(actor, area)
    if version is None:
        raise NotFound("No strategy written yet: PUT /api/v1/strategy with a vision and a body.")
    return StrategyView.from_model(version)


def strategy_changes(actor: User | None, area: str | None = None) -> list[StrategyChange]:
    """Every version, newest first, with what it changed."""
    history = list(strategy_history(actor, area))
    return [StrategyChange(v, strategy_diff(history[i + 1] if i + 1 < len(history) else None, v))
            for i, v in enumerate(history)]


@transaction.atomic
def save_strategy(actor: User | None, *, vision: str, body: str, area: str | None = None,
                  note: str = "") -> StrategyVersion:
    """Save a new version of the vision and strategy (Markdown); unchanged text adds no version."""
    edit(actor)
    vision = text(vision, "vision", 2000, required=False)
    body = text(body, "strategy", 100_000, required=False)
    if not vision and not body:
        raise ValidationError("Write a vision or a strategy: both are empty.", details={"vision": "required"})
    scope = get_area(actor, area) if area else None
    latest = StrategyVersion.objects.filter(area=scope).first()
    if latest is not None and latest.vision == vision and latest.body == body:
        return latest
    version = StrategyVersion.objects.create(
        area=scope, version=(latest.version + 1) if latest else 1, vision=vision, body=body,
        note=text(note, "note", 300, required=False), author=actor,
    )
    audit.record(actor, AuditEvent.Action.UPDATE, version,
                 summary=f"strategy of {scope or 'the workspace'} saved as version {version.version}")
    return version


def strategy_diff(old: StrategyVersion | None, new: StrategyVersion) -> list[str]:
    """What a version changed, as unified-diff lines of the vision and the document."""
    before = ((old.vision + "\n\n" + old.body) if old else "").splitlines()
    after = (new.vision + "\n\n" + new.body).splitlines()
    name = f"version {old.version}" if old else "empty"
    return list(difflib.unified_diff(before, after, name, f"version {new.version}", lineterm="", n=1))[2:]


def render_markdown(text: str) -> str:
    """Markdown as safe HTML: raw HTML in the text is escaped, links limited to safe schemes."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(text or ""))
