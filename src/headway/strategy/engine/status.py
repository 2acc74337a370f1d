"""A KPI's progress over a period and whether it is on track, with the rule that decided it.

The projection to the period's end adds, by the period's aggregation, the values so far, the model's
estimate for any missing day so far, and the forecast of the days left, with the forecast's interval:

* higher is better: **on track** when the projection reaches the target; **at risk** when it falls
  short but the target is still inside the interval; **off track** when the target is above the
  interval's upper bound;
* lower is better: the mirror image (the target below the interval's lower bound is off track).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from headway.core.errors import ValidationError
from headway.strategy.engine.forecast import check_level, model_for
from headway.strategy.engine.series import How, combine, regular
from headway.strategy.engine.text import number, percent

Direction = Literal["higher", "lower"]
StatusName = Literal["on_track", "at_risk", "off_track"]


@dataclass(frozen=True)
class KpiStatus:
    """Where a KPI stands for a period, its projection with interval, and the status with its rule."""

    status: StatusName
    rule: str
    target: float
    direction: Direction
    aggregation: How
    level: float
    projection: float
    lower: float
    upper: float
    period_to_date: float | None
    current: float | None
    current_date: date | None
    days_elapsed: int
    days_total: int
    model: str


def judge(projection: float, lower: float, upper: float, target: float, direction: Direction,
          level: float) -> tuple[StatusName, str]:
    """The status of a projection against a target, and the rule that decided it, as text."""
    p, t, lo, hi, pct = number(projection), number(target), number(lower), number(upper), percent(level)
    if direction == "higher":
        if projection >= target:
            return "on_track", f"on track: projected {p} ≥ target {t}"
        if target <= upper:
            return "at_risk", f"at risk: projected {p} < target {t}, but the target is inside the {pct} interval ({lo}–{hi})"
        return "off_track", f"off track: target {t} is above the {pct} interval's upper bound {hi} (projected {p})"
    if projection <= target:
        return "on_track", f"on track: projected {p} ≤ target {t}"
    if target >= lower:
        return "at_risk", f"at risk: projected {p} > target {t}, but the target is inside the {pct} interval ({lo}–{hi})"
    return "off_track", f"off track: target {t} is below the {pct} interval's lower bound {lo} (projected {p})"


def _check(target: float, direction: str, aggregation: str, period_start: date, period_end: date) -> None:
    if not math.isfinite(target):
        raise ValidationError(f"target {target} is not a number: give a finite target")
    if direction not in ("higher", "lower"):
        raise ValidationError(f"direction {direction!r} is unknown: use 'higher' or 'lower' (which is better)")
    if aggregation not in ("sum", "mean", "last"):
        raise ValidationError(f"aggregation {aggregation!r} is unknown: use 'sum', 'mean' or 'last'")
    if period_end < period_start:
        raise ValidationError(
            f"period ends {period_end.isoformat()} before it starts {period_start.isoformat()}: swap the dates"
        )


def kpi_status(
    values: Sequence[float],
    dates: Sequence[date],
    target: float,
    period_start: date,
    period_end: date,
    direction: Direction = "higher",
    aggregation: How = "sum",
    level: float = 0.8,
    as_of: date | None = None,
) -> KpiStatus:
    """The status of a daily KPI for the period ``period_start..period_end`` (inclusive).

    ``values``/``dates`` are the KPI's daily history (before the period too: it teaches the model the
    weekly pattern); values after ``as_of`` (default: the last date) are ignored. ``aggregation`` says
    how days make the period's number: ``sum`` (orders), ``mean`` (daily active users) or ``last`` (a
    balance such as MRR).
    """
    _check(target, direction, aggregation, period_start, period_end)
    check_level(level)
    if as_of is not None:
        kept = [(d, v) for d, v in zip(dates, values, strict=True) if d <= as_of]
        dates, values = [d for d, _ in kept], [v for _, v in kept]
    series = regular(values, dates, "day")
    model = model_for(series)
    last = series.dates[-1]
    days_total = (period_end - period_start).days + 1

    so_far: list[float] = []  # observed values of the period's days up to the data's last day
    filled: list[float] = []  # the same days with missing ones estimated by the model
    for i, day in enumerate(series.dates):
        if period_start <= day <= period_end:
            value = series.values[i]
            so_far.append(value)
            filled.append(value if not math.isnan(value) else model.from_model(model.run.predicted[i]))
    first_h, last_h = max(1, (period_start - last).days), (period_end - last).days

    if aggregation == "last":
        if last_h >= 1:
            projection = model.predict(last_h)[-1]
            lows, highs = model.interval(last_h, level)
            lower, upper = lows[-1], highs[-1]
        else:
            projection = lower = upper = combine(filled, "last")
    else:
        ahead, ahead_low, ahead_high = model.total(first_h, last_h, level)
        done = math.fsum(filled)
        divisor = days_total if aggregation == "mean" else 1
        projection, lower, upper = ((done + x) / divisor for x in (ahead, ahead_low, ahead_high))

    status, rule = judge(projection, lower, upper, target, direction, level)
    to_date = combine(so_far, aggregation)
    observed = [(d, v) for d, v in zip(series.dates, series.values, strict=True) if not math.isnan(v)]
    elapsed = min(max((last - period_start).days + 1, 0), days_total)
    return KpiStatus(
        status=status, rule=rule, target=target, direction=direction, aggregation=aggregation, level=level,
        projection=projection, lower=lower, upper=upper,
        period_to_date=None if math.isnan(to_date) else to_date,
        current=observed[-1][1] if observed else None,
        current_date=observed[-1][0] if observed else None,
        days_elapsed=elapsed, days_total=days_total, model=model.name,
    )

