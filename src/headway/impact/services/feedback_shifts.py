"""Feedback after launch: the themes linked to (or near) a shipped initiative whose volume or sentiment changed
after the ship date, with their quotes.

Two sources, both discovery's public services: the **demand links** of the initiative (a whole theme linked to it
counts with all its items; a linked item counts for its theme, or "Unthemed feedback"), and **nearness**: a
semantic search for the initiative's title and hypothesis when themes with embeddings were computed, else a
keyword search (each hit counts for its theme). For each theme, every counted item received in the ``days``
before and after the ship date is counted and its sentiment averaged; a theme is listed when its volume changed
by half or more (at least 3 items on one side: a linked complaint that stops after the launch is listed) or its
mean sentiment moved by 0.2 or more. Quotes are the most negative items after the ship date (before it, when
none came after).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel

from headway.core.errors import HeadwayError
from headway.core.models import User

MIN_ITEMS = 3
VOLUME_CHANGE = 0.5
SENTIMENT_CHANGE = 0.2
NEAR_LIMIT = 500


class ThemeShift(BaseModel):
    """A theme whose feedback changed after the ship date (``linked``: linked to the initiative in discovery)."""

    theme_id: int | None
    theme: str
    before: int
    after: int
    sentiment_before: float | None
    sentiment_after: float | None
    quotes: list[str]
    linked: bool = False


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _label(item: Any) -> str:
    return str(item.theme.label) if item.theme is not None else f"Theme #{item.theme_id}"


def _near(actor: User | None, query: str) -> list[Any]:
    """The feedback items a search for ``query`` finds: semantic when a theme model exists, else keyword."""
    from headway.discovery import services as discovery

    for mode in ("semantic", "keyword"):
        try:
            return [hit.item for hit in discovery.search(actor, query, mode=mode, limit=NEAR_LIMIT)
                    if mode == "keyword" or hit.score >= 0.5]
        except HeadwayError:
            continue
    return []


def _linked(actor: User | None, initiative_id: int | None) -> tuple[list[Any], set[int | None]]:
    """The items of the initiative's demand links and the theme ids linked as a whole."""
    from headway.discovery import services as discovery

    if initiative_id is None:
        return [], set()
    try:
        links = discovery.demand_links(actor, initiative_id)
    except HeadwayError:
        return [], set()
    items: list[Any] = []
    themes: set[int | None] = set()
    for link in links:
        if link.theme_id is not None:
            items.extend(discovery.list_feedback(actor, theme_id=link.theme_id))
            themes.add(link.theme_id)
        elif link.item is not None:
            items.append(link.item)
            themes.add(link.item.theme_id)
    return items, themes


def feedback_shifts(actor: User | None, title: str, hypothesis: str, ship: date, days: int = 28, *,
                    initiative_id: int | None = None) -> list[ThemeShift]:
    """The themes linked to or near an initiative whose feedback volume or sentiment changed after ``ship``."""
    linked_items, linked_themes = _linked(actor, initiative_id)
    query = " ".join(f"{title} {hypothesis}".split())
    near = _near(actor, query) if query else []
    groups: dict[int | None, dict[int, Any]] = defaultdict(dict)
    labels: dict[int | None, str] = {None: "Unthemed feedback"}
    for item in [*linked_items, *near]:
        groups[item.theme_id][item.pk] = item
        if item.theme_id is not None:
            labels[item.theme_id] = _label(item)
    start, end = ship - timedelta(days=days), ship + timedelta(days=days)
    shifts = []
    for theme_id, by_pk in groups.items():
        items = list(by_pk.values())
        before = sorted((i for i in items if start <= i.received_on < ship), key=lambda i: i.sentiment)
        after = sorted((i for i in items if ship <= i.received_on < end), key=lambda i: i.sentiment)
        s_before, s_after = _mean([i.sentiment for i in before]), _mean([i.sentiment for i in after])
        volume = max(len(after), len(before)) >= MIN_ITEMS and \
            abs(len(after) - len(before)) >= VOLUME_CHANGE * max(len(before), 1)
        mood = s_before is not None and s_after is not None and abs(s_after - s_before) >= SENTIMENT_CHANGE
        if volume or mood:
            quoted = after or before
            shifts.append(ThemeShift(theme_id=theme_id, theme=labels[theme_id], before=len(before), after=len(after),
                                     sentiment_before=s_before, sentiment_after=s_after,
                                     quotes=[i.text[:300] for i in quoted[:3]], linked=theme_id in linked_themes))
    return sorted(shifts, key=lambda s: (not s.linked, -abs(s.after - s.before), s.theme))
