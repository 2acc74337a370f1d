"""Rolling-origin backtest: how well a forecaster would have done, judged against seasonal-naive.

The last ``folds * horizon`` slots are cut into ``folds`` consecutive windows. For each window the
forecaster sees only the slots before it and forecasts the window. Accuracy is measured by:

* ``mase``: the mean absolute error scaled by that of the seasonal-naive forecast (each slot repeats
  the slot one season earlier) made from the same origins for the same slots. Seasonal-naive itself
  scores exactly 1; below 1 the forecaster beats it (in the literature: the relative MAE);
* ``mase_in_sample``: Hyndman & Koehler's (2006) MASE, the error scaled by the mean absolute in-sample
  seasonal difference ``|y_t − y_{t−m}|`` of the slots the forecaster saw, averaged over folds (on a
  growing series even seasonal-naive scores above 1 on it: later errors are larger);
* sMAPE (0–200%) and the coverage of the prediction intervals (near ``level`` when calibrated).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from headway.core.errors import ValidationError
from headway.strategy.engine.ets import seasonal_naive, z_value
from headway.strategy.engine.forecast import check_level, choose_model


@dataclass(frozen=True)
class Prediction:
    """A forecaster's answer: mean and interval for each slot ahead, and the model's name."""

    mean: list[float]
    lower: list[float]
    upper: list[float]
    model: str


#: ``(history, horizon, period, level) -> Prediction``; the history may hold NaN for missing slots.
Forecaster = Callable[[list[float], int, int, float], Prediction]


def ets_forecaster(history: list[float], horizon: int, period: int, level: float) -> Prediction:
    """Headway's forecaster: the model :func:`~headway.strategy.engine.forecast.choose_model` picks."""
    model = choose_model(history, period)
    lower, upper = model.interval(horizon, level)
    return Prediction(model.predict(horizon), lower, upper, model.name)


def seasonal_naive_forecaster(history: list[float], horizon: int, period: int, level: float) -> Prediction:
    """The benchmark: each slot repeats the value one season (``period`` slots) earlier."""
    mean, std = seasonal_naive(history, horizon, period)
    z = z_value(level)
    return Prediction(
        mean, [m - z * s for m, s in zip(mean, std, strict=True)], [m + z * s for m, s in zip(mean, std, strict=True)],
        f"seasonal naive, period {period}",
    )


@dataclass(frozen=True)
class Fold:
    """One window: where it starts, the model used and its scores there."""

    origin: int
    model: str
    mae: float
    naive_mae: float
    scale: float
    mase: float
    mase_in_sample: float
    smape: float
    coverage: float


@dataclass(frozen=True)
class BacktestResult:
    """Scores over all folds: both MASEs, sMAPE in percent and the share of actuals inside the interval."""

    mase: float
    mase_in_sample: float
    smape: float
    coverage: float
    horizon: int
    period: int
    level: float
    folds: list[Fold]


def seasonal_scale(history: Sequence[float], period: int) -> float:
    """The mean absolute seasonal difference ``|y_t − y_{t−period}|`` over the pairs that have values."""
    diffs = [abs(history[t] - history[t - period]) for t in range(period, len(history))]
    present = [d for d in diffs if not math.isnan(d)]
    if not present:
        return math.nan
    return math.fsum(present) / len(present)


def smape(actual: float, predicted: float) -> float:
    """Symmetric absolute percentage error of one slot, 0–200 (0 when both are 0)."""
    denominator = abs(actual) + abs(predicted)
    return 0.0 if denominator == 0 else 200 * abs(actual - predicted) / denominator


def _ratio(numerator: float, denominator: float) -> float:
    if denominator == 0:
        return 0.0 if numerator == 0 else math.inf
    return numerator / denominator


def backtest(
    series: Sequence[float],
    horizon: int,
    folds: int,
    period: int = 7,
    level: float = 0.8,
    forecaster: Forecaster = ets_forecaster,
) -> BacktestResult:
    """Backtest ``forecaster`` on the last ``folds`` windows of ``horizon`` slots of a regular series
    (NaN = missing; missing actuals are not scored).

    Raises ValidationError when the first window leaves fewer than ``period + 1`` slots to learn from.
    """
    check_level(level)
    values = [float(v) for v in series]
    first = len(values) - folds * horizon
    if horizon < 1 or folds < 1:
        raise ValidationError(f"horizon {horizon} and folds {folds} must both be at least 1")
    if first < period + 1:
        raise ValidationError(
            f"{len(values)} slots leave {first} to learn from before the first of {folds} windows of {horizon}: "
            f"give at least {folds * horizon + period + 1} slots or ask for fewer folds",
            details={"slots": len(values), "needed": folds * horizon + period + 1},
        )
    results: list[Fold] = []
    errors: list[float] = []
    naive_errors: list[float] = []
    smapes: list[float] = []
    hits: list[bool] = []
    for k in range(folds):
        origin = first + k * horizon
        history, actual = values[:origin], values[origin : origin + horizon]
        guess = forecaster(history, horizon, period, level)
        naive = seasonal_naive(history, horizon, period)[0]
        scored = [i for i, a in enumerate(actual) if not math.isnan(a)]
        fold_errors = [abs(actual[i] - guess.mean[i]) for i in scored]
        fold_naive = [abs(actual[i] - naive[i]) for i in scored]
        fold_smape = [smape(actual[i], guess.mean[i]) for i in scored]
        fold_hits = [guess.lower[i] <= actual[i] <= guess.upper[i] for i in scored]
        if not scored:
            continue
        mae = math.fsum(fold_errors) / len(scored)
        naive_mae = math.fsum(fold_naive) / len(scored)
        scale = seasonal_scale(history, period)
        results.append(Fold(
            origin=origin, model=guess.model, mae=mae, naive_mae=naive_mae, scale=scale,
            mase=_ratio(mae, naive_mae), mase_in_sample=_ratio(mae, scale), smape=math.fsum(fold_smape) / len(scored),
            coverage=sum(fold_hits) / len(scored),
        ))
        errors += fold_errors
        naive_errors += fold_naive
        smapes += fold_smape
        hits += fold_hits
    if not results:
        raise ValidationError("every slot in the backtest windows is missing: give a series with recent values")
    return BacktestResult(
        mase=_ratio(math.fsum(errors), math.fsum(naive_errors)),
        mase_in_sample=math.fsum(f.mase_in_sample for f in results) / len(results),
        smape=math.fsum(smapes) / len(smapes),
        coverage=sum(hits) / len(hits),
        horizon=horizon, period=period, level=level, folds=results,
    )
