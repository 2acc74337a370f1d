"""Fiscal quarters from the workspace's fiscal-year start month, and period names (pure date arithmetic).

A fiscal year is named by the calendar year it ends in (a year from February 2026 to January 2027 is
FY2027); when it starts in January it is the calendar year. Quarter 1 starts in the start month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from headway.core.errors import ValidationError

QUARTER_NAME = re.compile(r"^\s*FY\s*(\d{4})\s*[- ]?\s*Q([1-4])\s*$", re.IGNORECASE)
CUSTOM_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class PeriodSpan:
    name: str
    start: date
    end: date
    kind: str  # quarter or custom


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def quarter_span(fiscal_year: int, quarter: int, start_month: int) -> PeriodSpan:
    """The dates of quarter ``quarter`` (1–4) of fiscal year ``fiscal_year``."""
    first_year = fiscal_year if start_month == 1 else fiscal_year - 1
    y, m = _add_months(first_year, start_month, 3 * (quarter - 1))
    ey, em = _add_months(y, m, 3)
    return PeriodSpan(f"FY{fiscal_year} Q{quarter}", date(y, m, 1), date(ey, em, 1) - timedelta(days=1), "quarter")


def quarter_of(day: date, start_month: int) -> PeriodSpan:
    """The fiscal quarter that holds ``day``."""
    offset = (day.month - start_month) % 12
    first_year = day.year if day.month >= start_month else day.year - 1
    fiscal_year = first_year if start_month == 1 else first_year + 1
    return quarter_span(fiscal_year, offset // 3 + 1, start_month)


def shift_quarter(span: PeriodSpan, n: int, start_month: int) -> PeriodSpan:
    """The quarter ``n`` quarters after (or before, when negative) ``span``."""
    y, m = _add_months(span.start.year, span.start.month, 3 * n)
    return quarter_of(date(y, m, 1), start_month)


def parse_period(text: str, today: date, start_month: int) -> PeriodSpan | None:
    """``current``/``next``/``previous``, ``FY2027 Q2`` or ``2026-05-01..2026-07-31``; None for other text
    (which may be the name of a saved custom period)."""
    key = text.strip().lower()
    if key in {"current", "this", "now"}:
        return quarter_of(today, start_month)
    if key in {"next", "previous", "last"}:
        return shift_quarter(quarter_of(today, start_month), 1 if key == "next" else -1, start_month)
    match = QUARTER_NAME.match(text)
    if match:
        return quarter_span(int(match.group(1)), int(match.group(2)), start_month)
    match = CUSTOM_RANGE.match(text)
    if match:
        try:
            start, end = date.fromisoformat(match.group(1)), date.fromisoformat(match.group(2))
        except ValueError as exc:
            raise ValidationError(f"The period {text.strip()!r} has an impossible date ({exc}): use YYYY-MM-DD.",
                                  details={"period": text}) from None
        if end < start:
            raise ValidationError(
                f"The period {text.strip()!r} ends before it starts: write START..END, e.g. 2026-05-01..2026-07-31.",
                details={"period": text})
        if (end - start).days > 3 * 366:
            raise ValidationError(f"The period {text.strip()!r} is longer than three years: use a shorter span.",
                                  details={"period": text})
        return PeriodSpan(f"{start.isoformat()}..{end.isoformat()}", start, end, "custom")
    return None
