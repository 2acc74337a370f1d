"""Calendar quarters: the plan's time unit (``2026-Q3``), and the now / next / later horizon of each."""

from __future__ import annotations

import re
from datetime import date

from django.utils import timezone

from headway.core.errors import ValidationError


def quarter_of(day: date) -> str:
    """The calendar quarter of a day, as ``2026-Q3``."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_index(label: str) -> int:
    """A quarter as a number that counts quarters (``2026-Q1`` is 2026 x 4), or a ValidationError."""
    match = re.fullmatch(r"(\d{4})-Q([1-4])", label.strip().upper())
    if not match:
        raise ValidationError(f"{label!r} is not a quarter: write it as YEAR-Qn, e.g. 2026-Q3.",
                              details={"quarter": label})
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def quarter_label(index: int) -> str:
    """The quarter a :func:`quarter_index` number stands for, as ``2026-Q3``."""
    return f"{index // 4}-Q{index % 4 + 1}"


def quarters(start: str | None = None, count: int = 4, *, today: date | None = None) -> list[str]:
    """``count`` consecutive quarters from ``start`` (default: the current one)."""
    first = quarter_index(start or quarter_of(today or timezone.localdate()))
    return [quarter_label(first + i) for i in range(count)]


def horizon(quarter: str, *, today: date | None = None) -> str:
    """``now`` for the current (or a past) quarter, ``next`` for the following one, ``later`` beyond."""
    offset = quarter_index(quarter) - quarter_index(quarter_of(today or timezone.localdate()))
    return "now" if offset <= 0 else "next" if offset == 1 else "later"
