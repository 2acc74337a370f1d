"""Forecast a KPI's dated values with weekly (or yearly) seasonality, trend and prediction intervals.

:func:`choose_model` picks the model a series can support: Holt-Winters with or without a damped
trend, on the values or (when all are positive) on their logarithm, by AICc, when it spans two seasons; Holt's damped trend or simple exponential smoothing
when shorter; the plain mean when there are fewer than four values. The choice is named in
``Forecast.model``. Missing slots, zeros and level shifts (a launch) need no special handling: a missing
slot is skipped, the additive model accepts zeros, and the level adapts after a shift.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from headway.core.errors import ValidationError
from headway.strategy.engine.ets import FittedModel, Spec, constant, fit
from headway.strategy.engine.series import Freq, Series, regular, step

#: Fewer observed values than this are forecast by their mean.
MIN_VALUES_FOR_MODEL = 4


@dataclass(frozen=True)
class Forecast:
    """The forecast of the ``horizon`` slots after the data, with a central ``level`` interval."""

    dates: list[date]
    mean: list[float]
    lower: list[float]
    upper: list[float]
    level: float
    model: str
    freq: Freq


def check_level(level: float) -> None:
    """Raise ValidationError unless ``level`` is a probability strictly between 0 and 1."""
    if not 0 < level < 1:
        raise ValidationError(f"interval level {level} is not between 0 and 1: use e.g. 0.8 for an 80% interval")


def choose_model(y: Sequence[float], period: int) -> FittedModel:
    """The fitted model ``y`` supports (NaN = missing), its name saying which and why.

    Seasonal models need two whole seasons (``2 * period`` slots) and ``period + 3`` observed values.
    """
    observed = sum(1 for v in y if not math.isnan(v))
    if observed == 0:
        raise ValidationError("no values to forecast: enter or import at least one value")
    if observed < MIN_VALUES_FOR_MODEL:
        return constant(y, f"mean of {observed} value{'s' if observed > 1 else ''} (too few for a model)")
    seasonal = period > 1 and len(y) >= 2 * period and observed >= period + 3
    season = period if seasonal else 1
    positive = all(v > 0 for v in y if not math.isnan(v))
    candidates = [
        fit(y, Spec(trend=trend, period=season), log=log)
        for log in ((False, True) if positive else (False,))
        for trend in (False, True)
    ]
    best = min(candidates, key=lambda model: model.aicc)
    if period > 1 and not seasonal:
        return replace(best, label=f"{best.name} (fewer than 2 seasons of {period}: no seasonality)")
    return best


def model_for(series: Series) -> FittedModel:
    """The model :func:`choose_model` fits to a regular series, with the series' seasonal period.

    The fit is deterministic, so a series fitted before (a KPI's progress after a new target, its chart,
    an alert checked with and without segments) reuses that fit; the model is shared: do not change it.
    """
    return _chosen(tuple(series.values), series.period)


@lru_cache(maxsize=256)
def _chosen(values: tuple[float, ...], period: int) -> FittedModel:
    return choose_model(values, period)


def project(model: FittedModel, series: Series, horizon: int, level: float = 0.8) -> Forecast:
    """The ``horizon`` slots after ``series`` forecast by ``model`` (fitted to it) with intervals."""
    if horizon < 1:
        raise ValidationError(f"horizon {horizon} is not positive: ask for at least 1 slot ahead")
    check_level(level)
    lower, upper = model.interval(horizon, level)
    last = series.dates[-1]
    return Forecast(
        dates=[step(last, series.freq, h) for h in range(1, horizon + 1)],
        mean=model.predict(horizon),
        lower=lower,
        upper=upper,
        level=level,
        model=model.name,
        freq=series.freq,
    )


def forecast(
    values: Sequence[float], dates: Sequence[date], horizon: int, level: float = 0.8, freq: Freq | None = None
) -> Forecast:
    """Forecast ``horizon`` slots after the last date of a KPI's values.

    ``freq`` (day, week or month) is inferred from the dates when not given; its seasonal period is
    7, 52 or 12. Missing dates are treated as missing values; a date given twice is a ValidationError.
    """
    series = regular(values, dates, freq)
    return project(model_for(series), series, horizon, level)
