"""Hints shown next to scoring inputs (impact and confidence), from apps above planning.

The impact app registers a source at start-up that answers with its calibration's suggested correction, so the
idea and scoring pages show it without importing impact. A hint is advice: the person decides, nothing changes.
"""

from __future__ import annotations

from typing import Any

#: Functions ``(actor) -> list[str]``
SCORING_HINT_SOURCES: list[Any] = []


def register_scoring_hints(source: Any) -> None:
    """Add a source of scoring hints (idempotent)."""
    if source not in SCORING_HINT_SOURCES:
        SCORING_HINT_SOURCES.append(source)


def scoring_hints(actor: Any) -> list[str]:
    """Every registered source's hints for ``actor``."""
    found: list[str] = []
    for source in SCORING_HINT_SOURCES:
        found.extend(source(actor))
    return found
