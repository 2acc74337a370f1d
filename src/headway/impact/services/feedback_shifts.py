"""Feedback after launch: the themes near a shipped initiative whose volume or sentiment changed after the ship
date, with their quotes.

"Near" is the feedback a keyword search for the initiative's title and hypothesis finds (discovery's public
search); each hit counts for its theme (or "Unthemed" when themes were not computed). For each theme, every item
received in the ``days`` before and after the ship date is counted and its sentiment averaged; a theme is listed
when its volume changed by half or more (at least 3 items after) or its mean sentiment moved by 0.2 or more.
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


class ThemeShift(BaseModel):
    """A theme whose feedback changed after the ship date."""

    theme_id: int | None
    theme: str
    before: int
    after: int
    sentiment_before: float | None
    sentiment_after: float | None
    quotes: list[str]


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def feedback_shifts(actor: User | None, title: str, hypothesis: str, ship: date, days: int = 28) -> list[ThemeShift]:
    """The themes near an initiative whose feedback volume or sentiment changed after ``ship``."""
    from headway.discovery import services as discovery

    query = " ".join(f"{title} {hypothesis}".split())
    try:
        hits = discovery.search(actor, query, mode="keyword", limit=500)
    except HeadwayError:
        return []
    groups: dict[int | None, list[Any]] = defaultdict(list)
    labels: dict[int | None, str] = {None: "Unthemed feedback"}
    for hit in hits:
        item = hit.item
        groups[item.theme_id].append(item)
        if item.theme_id is not None:
            labels[item.theme_id] = item.theme.label if item.theme else f"Theme #{item.theme_id}"
    start, end = ship - timedelta(days=days), ship + timedelta(days=days)
    shifts = []
    for theme_id, items in groups.items():
        before = [i for i in items if start <= i.received_on < ship]
        after = sorted((i for i in items if ship <= i.received_on < end), key=lambda i: i.sentiment)
        s_before, s_after = _mean([i.sentiment for i in before]), _mean([i.sentiment for i in after])
        volume = len(after) >= MIN_ITEMS and abs(len(after) - len(before)) >= VOLUME_CHANGE * max(len(before), 1)
        mood = s_before is not None and s_after is not None and abs(s_after - s_before) >= SENTIMENT_CHANGE
        if volume or mood:
            shifts.append(ThemeShift(theme_id=theme_id, theme=labels[theme_id], before=len(before), after=len(after),
                                     sentiment_before=s_before, sentiment_after=s_after,
                                     quotes=[i.text[:300] for i in after[:3]]))
    return sorted(shifts, key=lambda s: -(s.after - s.before))
