"""A deterministic daily KPI shaped like the demo company's: growth, a weekly rhythm, noise and a launch.

Used by the tests and the forecasting benchmark, so both judge the forecaster on the same series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

#: Relative level by weekday, Monday first: busier at the weekend, as in the demo's events.
WEEKLY_SHAPE = (0.92, 0.88, 0.9, 0.95, 1.05, 1.25, 1.2)


@dataclass(frozen=True)
class SyntheticKpi:
    """Dated daily values and the facts they were built from."""

    dates: list[date]
    values: list[float]
    launch_day: date
    lift: float


def demo_like_kpi(
    days: int = 180,
    start: date = date(2025, 1, 6),
    base: float = 400.0,
    growth: float = 2.5,
    lift: float = 0.2,
    seed: int = 7,
) -> SyntheticKpi:
    """``days`` daily counts starting on ``start``: a level of ``base`` growing ``growth``-fold over the
    period, times the weekday shape, times ``1 + lift`` from the launch halfway through, Poisson noise
    plus 3% day-to-day multiplicative noise, all from a generator seeded with ``seed``."""
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    dates = [start + timedelta(days=int(i)) for i in t]
    shape = np.array([WEEKLY_SHAPE[d.weekday()] for d in dates])
    launch = days // 2
    mean = base * growth ** (t / days) * shape * np.where(t >= launch, 1 + lift, 1.0)
    mean = mean * rng.lognormal(0.0, 0.03, size=days)
    values = rng.poisson(mean).astype(float)
    return SyntheticKpi(dates=dates, values=[float(v) for v in values], launch_day=dates[launch], lift=lift)
