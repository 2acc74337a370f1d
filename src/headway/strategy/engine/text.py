"""Numbers written for people, as the rules and alerts show them."""

from __future__ import annotations


def number(value: float) -> str:
    """``1,240`` for 100 and above; three significant digits below (``12.3``, ``0.0341``)."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def signed(value: float) -> str:
    """A change with its sign: ``+412``, ``−3.5``."""
    text = number(abs(value))
    return f"+{text}" if value >= 0 else f"−{text}"


def percent(share: float) -> str:
    """A share as a whole percent: 0.8 → ``80%``."""
    return f"{share * 100:.0f}%"
