"""Dated KPI values as a regular series: one slot per day, week or month, missing slots as NaN.

A KPI arrives as ``(date, value)`` pairs with gaps; the models need a regular grid. :func:`regular`
lays the values on the grid of their frequency (inferred from the dates when not given), and
:func:`aggregate` rolls daily values up to weeks (starting Monday) or calendar months.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Literal

from headway.core.errors import ValidationError

Freq = Literal["day", "week", "month"]
How = Literal["sum", "mean", "last"]

#: The seasonal period of each frequency: a week of days, a year of weeks, a year of months.
SEASONAL_PERIOD: dict[str, int] = {"day": 7, "week": 52, "month": 12}


@dataclass(frozen=True)
class Series:
    """Values on a regular grid: ``dates[i]`` is the start of slot ``i``; a missing slot holds NaN."""

    dates: list[date]
    values: list[float]
    freq: Freq

    @property
    def period(self) -> int:
        """The seasonal period of this frequency (7, 52 or 12)."""
        return SEASONAL_PERIOD[self.freq]

    @property
    def observed(self) -> int:
        """How many slots hold a value."""
        return sum(1 for v in self.values if not math.isnan(v))


def step(day: date, freq: Freq, n: int = 1) -> date:
    """The slot start ``n`` slots after ``day``."""
    if freq == "day":
        return day + timedelta(days=n)
    if freq == "week":
        return day + timedelta(weeks=n)
    months = day.year * 12 + day.month - 1 + n
    return date(months // 12, months % 12 + 1, 1)


def slot_start(day: date, freq: Freq) -> date:
    """The start of the slot that holds ``day``: itself, its week's Monday or its month's first day."""
    if freq == "day":
        return day
    if freq == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def slots_between(first: date, last: date, freq: Freq) -> int:
    """How many slots from ``first`` to ``last`` (both slot starts): 0 when they are equal."""
    if freq == "day":
        return (last - first).days
    if freq == "week":
        return (last - first).days // 7
    return (last.year - first.year) * 12 + last.month - first.month


def infer_freq(dates: Sequence[date]) -> Freq:
    """``month`` when every date is a first of month, ``week`` when all fall on one weekday a week or
    more apart, otherwise ``day``."""
    if len(dates) < 2:
        return "day"
    ordered = sorted(dates)
    gaps = [(b - a).days for a, b in pairwise(ordered)]
    if all(d.day == 1 for d in ordered) and min(gaps) >= 28:
        return "month"
    if len({d.weekday() for d in ordered}) == 1 and min(gaps) >= 7:
        return "week"
    return "day"


def regular(values: Sequence[float], dates: Sequence[date], freq: Freq | None = None) -> Series:
    """Lay ``values`` on the regular grid of ``freq`` from the first to the last date.

    Slots without a value, and non-finite values, become NaN (the models treat them as missing).
    Raises ValidationError when the lengths differ, there is no value, or two values share a slot.
    """
    if len(values) != len(dates):
        raise ValidationError(
            f"{len(values)} values but {len(dates)} dates: give exactly one date per value",
            details={"values": len(values), "dates": len(dates)},
        )
    if not dates:
        raise ValidationError("no values to model: enter or import at least one dated value")
    freq = freq or infer_freq(dates)
    pairs = sorted(zip((slot_start(d, freq) for d in dates), values, strict=True))
    first = pairs[0][0]
    grid = [math.nan] * (slots_between(first, pairs[-1][0], freq) + 1)
    seen: set[date] = set()
    for day, value in pairs:
        if day in seen:
            raise ValidationError(
                f"two values for the {freq} of {day.isoformat()}: keep one value per {freq} "
                "(sum or average them first)",
                details={"date": day.isoformat()},
            )
        seen.add(day)
        number = float(value)
        grid[slots_between(first, day, freq)] = number if math.isfinite(number) else math.nan
    return Series(dates=[step(first, freq, i) for i in range(len(grid))], values=grid, freq=freq)


def combine(values: Sequence[float], how: How) -> float:
    """``values`` rolled into one number (NaNs ignored): their sum, mean or last value; NaN if none."""
    present = [v for v in values if not math.isnan(v)]
    if not present:
        return math.nan
    if how == "sum":
        return math.fsum(present)
    if how == "mean":
        return math.fsum(present) / len(present)
    return present[-1]


def aggregate(daily: Series, freq: Literal["week", "month"], how: How = "sum", *, complete_only: bool = True) -> Series:
    """Roll a daily series up to weeks (Monday starts) or calendar months with ``how``.

    With ``complete_only`` the first and last buckets are dropped when the daily series does not cover
    them whole (a partial week would look like a drop). A bucket whose days are all missing is NaN.
    """
    if daily.freq != "day":
        raise ValidationError(f"aggregate needs a daily series, got a {daily.freq}ly one: pass daily values")
    buckets: dict[date, list[float]] = {}
    for day, value in zip(daily.dates, daily.values, strict=True):
        buckets.setdefault(slot_start(day, freq), []).append(value)
    starts = sorted(buckets)
    if complete_only and daily.dates:
        first, last = daily.dates[0], daily.dates[-1]
        starts = [s for s in starts if s >= first and step(s, freq) - timedelta(days=1) <= last]
    if not starts:
        raise ValidationError(
            f"no complete {freq} in {len(daily.dates)} days of values: pass more days or complete_only=False"
        )
    return regular([combine(buckets[s], how) for s in starts], starts, freq)
