"""What the KPI would have done without the change: a structural time-series model in the manner of CausalImpact.

Brodersen et al. (2015): a local level plus a regression on control series the change did not touch, fitted on
the pre-period. Here the model is statsmodels' ``UnobservedComponents`` with the controls as exogenous
regressors whose coefficients live in the state (so their uncertainty is carried forward), fitted by maximum
likelihood on the standardised pre-period. The post-period is simulated from the filtered state at the
intervention; the average and cumulative effect's intervals and the p-value come from those simulated paths,
never from averaging per-period intervals.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from headway.impact.engine.errors import ImpactInputError

MIN_PRE_PERIODS = 10


@dataclass(frozen=True)
class CounterfactualResult:
    """The post-period's actual values against the model's counterfactual.

    ``predicted``, ``lower`` and ``upper`` hold one value per post period (the mean and the central interval of
    the simulated paths); ``fitted`` the model's one-step predictions over the pre-period.
    """

    actual: list[float]
    fitted: list[float]
    predicted: list[float]
    lower: list[float]
    upper: list[float]
    average_effect: float
    average_ci: tuple[float, float]
    cumulative_effect: float
    cumulative_ci: tuple[float, float]
    relative_effect: float
    relative_ci: tuple[float, float]
    p_value: float
    intervention: int
    controls: int
    simulations: int
    alpha: float


def _as_series(y: Sequence[float] | Any) -> np.ndarray:
    values = np.asarray(y, dtype=float).reshape(-1)
    if values.size == 0:
        raise ImpactInputError("The KPI series is empty; give one value per period.")
    if not np.isfinite(values).all():
        missing = int((~np.isfinite(values)).sum())
        raise ImpactInputError(
            f"The KPI series has {missing} missing or non-finite value(s); fill the gaps (one value per period, "
            "no gaps) before measuring."
        )
    return values


def _as_controls(controls: Any, periods: int) -> np.ndarray | None:
    if controls is None:
        return None
    x = np.asarray(controls, dtype=float)
    if x.ndim == 1:
        x = x.reshape(-1, 1)
    if x.ndim != 2 or x.shape[0] != periods:
        raise ImpactInputError(
            f"The controls must be an array of {periods} periods by k series, not of shape {x.shape}."
        )
    if not np.isfinite(x).all():
        raise ImpactInputError("A control series has missing values; fill the gaps or leave that control out.")
    if x.shape[1] == 0:
        return None
    return x


def counterfactual(
    y: Sequence[float] | Any,
    intervention: int,
    controls: Any = None,
    alpha: float = 0.05,
    seed: int = 0,
    simulations: int = 1000,
) -> CounterfactualResult:
    """Estimate the effect of a change at index ``intervention`` on the series ``y``.

    ``controls`` is ``None`` or an (n_periods x k) array of series the change did not touch. Raises
    :class:`ImpactInputError` with what to change for too short a pre-period, an empty post-period, gaps, or a
    constant pre-period.
    """
    values = _as_series(y)
    n = values.size
    if not 0 < alpha < 1:
        raise ImpactInputError(f"alpha must lie strictly between 0 and 1, not {alpha}.")
    if intervention < MIN_PRE_PERIODS:
        raise ImpactInputError(
            f"The change comes at period {intervention}, leaving {max(intervention, 0)} pre-period(s); a "
            f"counterfactual needs at least {MIN_PRE_PERIODS}. Measure over a longer history."
        )
    if intervention >= n:
        raise ImpactInputError(
            f"The change comes at period {intervention} but the series has {n} periods, so there is no "
            "post-period yet; wait for data after the change."
        )
    x = _as_controls(controls, n)
    pre = values[:intervention]
    scale = float(pre.std())
    if scale == 0:
        raise ImpactInputError(
            "The KPI did not vary before the change (a constant series), so no model can say what it would "
            "have done; pick a KPI that moves, or a longer pre-period."
        )
    centre = float(pre.mean())
    ys = (values - centre) / scale
    xs: np.ndarray | None = None
    if x is not None:
        x_pre = x[:intervention]
        x_scale = x_pre.std(axis=0)
        keep = x_scale > 0
        if keep.any():
            xs = (x[:, keep] - x_pre[:, keep].mean(axis=0)) / x_scale[keep]
    paths, fitted = _simulate(ys, intervention, xs, simulations, seed)
    paths = paths * scale + centre
    actual_post = values[intervention:]
    predicted = paths.mean(axis=0)
    q = (alpha / 2, 1 - alpha / 2)
    lower, upper = np.quantile(paths, q, axis=0)
    sim_means = paths.mean(axis=1)
    effects = actual_post.mean() - sim_means
    average_effect = float(actual_post.mean() - predicted.mean())
    avg_lo, avg_hi = (float(v) for v in np.quantile(effects, q))
    horizon = actual_post.size
    baseline = float(predicted.mean())
    if baseline != 0:
        rel = effects / sim_means
        rel_lo, rel_hi = (float(v) for v in np.quantile(rel, q))
        relative = average_effect / baseline
    else:
        rel_lo = rel_hi = relative = float("nan")
    above = int((sim_means >= actual_post.mean()).sum())
    below = int((sim_means <= actual_post.mean()).sum())
    p_value = min(1.0, 2.0 * (min(above, below) + 1) / (simulations + 1))
    return CounterfactualResult(
        actual=[float(v) for v in values],
        fitted=[float(v) * scale + centre for v in fitted],
        predicted=[float(v) for v in predicted],
        lower=[float(v) for v in lower],
        upper=[float(v) for v in upper],
        average_effect=average_effect,
        average_ci=(avg_lo, avg_hi),
        cumulative_effect=average_effect * horizon,
        cumulative_ci=(avg_lo * horizon, avg_hi * horizon),
        relative_effect=relative,
        relative_ci=(rel_lo, rel_hi),
        p_value=p_value,
        intervention=intervention,
        controls=0 if xs is None else xs.shape[1],
        simulations=simulations,
        alpha=alpha,
    )


def _simulate(
    ys: np.ndarray, intervention: int, xs: np.ndarray | None, simulations: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated post-period paths (simulations x post periods) and the pre-period's fit, standardised."""
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    pre = ys[:intervention]
    horizon = ys.size - intervention
    model = UnobservedComponents(
        pre,
        level="llevel",
        exog=None if xs is None else xs[:intervention],
        mle_regression=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = model.fit(disp=False, maxiter=200)
        sims = result.simulate(
            horizon,
            repetitions=simulations,
            anchor="end",
            exog=None if xs is None else xs[intervention:],
            rng=np.random.default_rng(seed),
        )
    paths = np.asarray(sims, dtype=float).reshape(horizon, simulations)
    return paths.T, np.asarray(result.fittedvalues, dtype=float)


__all__ = ["MIN_PRE_PERIODS", "CounterfactualResult", "counterfactual"]
