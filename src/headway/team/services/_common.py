"""Private helpers shared by the team's service modules (never imported by faces)."""

from __future__ import annotations

from datetime import date
from typing import Any

from headway.core.errors import Conflict
from headway.team.models import ReviewCycle

MAX_ID = 2**63 - 1
"""The largest id a database row can have: a bigger one is simply not found."""


def plain(value: Any) -> Any:
    """A value as JSON-ready data: dates as ISO text, anything else as it is."""
    return value.isoformat() if isinstance(value, date) else value


def require_state(cycle: ReviewCycle, *states: str, doing: str) -> None:
    """Refuse ``doing`` unless the review cycle is in one of ``states``."""
    if cycle.state not in states:
        names = " or ".join(states)
        raise Conflict(f"Cannot {doing} while cycle {cycle.name!r} is {cycle.state}: that needs it {names}.")
