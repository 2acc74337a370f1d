"""Additive exponential smoothing (Holt-Winters) in its innovations state-space form, ETS(A,Ad,A).

For slot ``t`` with seasonal position ``i = t mod m``::

    prediction  ŷ = ℓ + φ·b + s[i]
    error       e = y − ŷ
    level       ℓ ← ℓ + φ·b + α·e
    trend       b ← φ·b + β·e
    season      s[i] ← s[i] + γ·e

The smoothing parameters are fitted by maximum likelihood (Gaussian errors: least squares on the one-step
errors, σ concentrated out); the initial states come from a regression on the first seasons. A missing
slot (NaN) updates nothing: the state is carried forward on its prediction. The h-step error is
``ε(h) + Σ c_j·ε(h−j)`` with ``c_j = α + β·φ(1−φ^j)/(1−φ) + γ·[j mod m = 0]``, which gives analytic
prediction intervals for single slots and for sums of slots (a period's total).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.stats import norm

from headway.core.errors import ValidationError

PHI_BOUNDS = (0.8, 0.98)
#: β is at most this share of α: a KPI's slope changes slowly, and a slope that chases one-day errors
#: turns a launch's level shift into a trend and extrapolates it (measured in benchmarks/strategy).
BETA_SHARE = 0.1


@dataclass(frozen=True)
class Spec:
    """Which components a model has: a damped additive trend, and a season of ``period`` slots (1: none)."""

    trend: bool
    period: int

    @property
    def name(self) -> str:
        """The ETS taxonomy name: ETS(A,Ad,A), ETS(A,N,A), ETS(A,Ad,N) or ETS(A,N,N)."""
        return f"ETS(A,{'Ad' if self.trend else 'N'},{'A' if self.period > 1 else 'N'})"


@dataclass(frozen=True)
class Params:
    """Smoothing parameters: level α, trend β, season γ and trend damping φ."""

    alpha: float
    beta: float = 0.0
    gamma: float = 0.0
    phi: float = 1.0


@dataclass(frozen=True)
class State:
    """Level, trend and the seasonal values by position (``season[t mod period]``)."""

    level: float
    trend: float
    season: tuple[float, ...]


@dataclass(frozen=True)
class FilterRun:
    """One pass over a series: the one-step prediction of every slot, its error (NaN where missing) and
    which slots were left out of the update as outliers; ``state`` is the state after the last slot."""

    predicted: list[float]
    errors: list[float]
    outliers: list[bool]
    state: State


def run_filter(y: Sequence[float], spec: Spec, params: Params, start: State, band: float | None = None) -> FilterRun:
    """Run the model over ``y`` from state ``start``.

    With ``band``, a slot whose one-step error exceeds it in absolute value is an outlier: it is reported
    and left out of the update, so the expected values keep following the pattern from before it.
    """
    m = spec.period
    a, b_, g, phi = params.alpha, params.beta, params.gamma, params.phi
    level, trend, season = start.level, start.trend, list(start.season)
    predicted: list[float] = []
    errors: list[float] = []
    outliers: list[bool] = []
    for t, value in enumerate(y):
        i = t % m
        damped = phi * trend
        guess = level + damped + season[i]
        predicted.append(guess)
        error = value - guess
        outlier = band is not None and abs(error) > band
        outliers.append(outlier)
        errors.append(error)
        if math.isnan(error) or outlier:
            level, trend = level + damped, damped
            continue
        level = level + damped + a * error
        trend = damped + b_ * error
        season[i] += g * error
    return FilterRun(predicted, errors, outliers, State(level, trend, tuple(season)))


def _sse(y: list[float], m: int, params: tuple[float, float, float, float], start: State) -> float:
    """The sum of squared one-step errors (the hot loop of the fit, kept lean)."""
    a, b_, g, phi = params
    level, trend, season = start.level, start.trend, list(start.season)
    total = 0.0
    for t, value in enumerate(y):
        i = t % m
        damped = phi * trend
        error = value - (level + damped + season[i])
        if error != error:  # NaN: a missing slot
            level, trend = level + damped, damped
            continue
        total += error * error
        level = level + damped + a * error
        trend = damped + b_ * error
        season[i] += g * error
    return total


def initial_state(y: Sequence[float], spec: Spec) -> State:
    """Initial states from the first seasons (up to four): a straight line through the seasons' means
    (whole seasons, so the seasonal pattern cancels) and the mean deviation from it at each position.
    Without a season the line is fitted to the first ten values; without a trend it is flat."""
    m = spec.period
    span = min(len(y), 4 * m if m > 1 else 10)
    span -= span % m
    window = np.asarray(y[:span], dtype=float)
    means = np.array([np.nanmean(chunk) if not np.isnan(chunk).all() else np.nan for chunk in window.reshape(-1, m)])
    centres = np.arange(len(means)) * m + (m - 1) / 2
    seen = ~np.isnan(means)
    if spec.trend and seen.sum() >= 2:
        slope, intercept = (float(v) for v in np.polyfit(centres[seen], means[seen], 1))
    else:
        slope, intercept = 0.0, float(means[seen][0])
    season = [0.0] * m
    if m > 1:
        deviations = window - (intercept + slope * np.arange(span))
        for i in range(m):
            at_i = deviations[i::m]
            at_i = at_i[~np.isnan(at_i)]
            season[i] = float(at_i.mean()) if at_i.size else 0.0
        centre = sum(season) / m
        season = [s - centre for s in season]
    return State(intercept - slope, slope, tuple(season))


@dataclass(frozen=True)
class FittedModel:
    """A model fitted to a series. With ``log`` it models the logarithm of the values (a multiplicative
    season and growth); forecasts are then medians, back-transformed. Ask it for :meth:`predict`,
    :meth:`interval` and :meth:`total`."""

    spec: Spec
    params: Params
    start: State
    run: FilterRun
    sigma: float
    observed: int
    n_params: int
    sse: float
    log: bool = False
    log_sum: float = 0.0
    label: str = ""

    @property
    def name(self) -> str:
        """The model's name with its fitted parameters, as shown to users."""
        if self.label:
            return self.label
        p = self.params
        parts = [f"α={p.alpha:.2f}"]
        if self.spec.trend:
            parts += [f"β={p.beta:.3f}", f"φ={p.phi:.2f}"]
        if self.spec.period > 1:
            parts.append(f"γ={p.gamma:.2f}")
        season = f"period {self.spec.period}" if self.spec.period > 1 else "no season"
        on = " on log values" if self.log else ""
        return f"{self.spec.name} Holt-Winters{on}, {season}, {' '.join(parts)}"

    @property
    def aicc(self) -> float:
        """Corrected Akaike information criterion of the values (lower is better); a log model pays the
        Jacobian ``2·Σ log y`` so it compares fairly with a model of the values themselves."""
        n, k = self.observed, self.n_params + 1
        fit_term = n * math.log(max(self.sse, 1e-12) / n) + 2 * self.log_sum
        return fit_term + 2 * k + (2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf)

    def to_model(self, value: float) -> float:
        """A value on the scale the model works on (its log for a log model; NaN if not positive)."""
        if not self.log:
            return value
        return math.log(value) if value > 0 else math.nan

    def from_model(self, value: float) -> float:
        """A model-scale number back on the scale of the values."""
        return math.exp(value) if self.log else value

    def path(self, horizon: int) -> list[float]:
        """The forecast of the next ``horizon`` slots on the model's scale."""
        s = self.run.state
        n, m, phi = len(self.run.predicted), self.spec.period, self.params.phi
        out: list[float] = []
        damp_sum = 0.0
        for h in range(1, horizon + 1):
            damp_sum += phi**h
            out.append(s.level + damp_sum * s.trend + s.season[(n + h - 1) % m])
        return out

    def predict(self, horizon: int) -> list[float]:
        """The point forecast of the next ``horizon`` slots (the median for a log model)."""
        return [self.from_model(v) for v in self.path(horizon)]

    def coefficients(self, horizon: int) -> list[float]:
        """``c_0 = 1`` and ``c_j`` for j < horizon: how much of a shock j slots back is still in a forecast."""
        p, m = self.params, self.spec.period
        out = [1.0]
        for j in range(1, horizon):
            c = p.alpha
            if self.spec.trend:
                c += p.beta * p.phi * (1 - p.phi**j) / (1 - p.phi)
            if m > 1 and j % m == 0:
                c += p.gamma
            out.append(c)
        return out

    def horizon_std(self, horizon: int) -> list[float]:
        """The standard deviation (on the model's scale) of the forecast error 1..horizon slots ahead."""
        c = self.coefficients(horizon)
        out, acc = [], 0.0
        for h in range(horizon):
            acc += c[h] ** 2
            out.append(self.sigma * math.sqrt(acc))
        return out

    def interval(self, horizon: int, level: float) -> tuple[list[float], list[float]]:
        """Lower and upper bounds of the central ``level`` interval for each of the next slots."""
        z = z_value(level)
        pairs = [(m - z * s, m + z * s) for m, s in zip(self.path(horizon), self.horizon_std(horizon), strict=True)]
        return [self.from_model(lo) for lo, _ in pairs], [self.from_model(hi) for _, hi in pairs]

    def total(self, first: int, last: int, level: float) -> tuple[float, float, float]:
        """The forecast *sum* of slots ``first..last`` ahead (1-based, inclusive) and its ``level`` interval.

        The error of the sum is ``Σ_k w·ε_k`` where a shock k slots ahead reaches every later slot h of
        the range with weight ``c_(h−k)`` (times the slot's forecast for a log model: the delta method),
        so shocks shared by several slots add up.
        """
        if last < first:
            return 0.0, 0.0, 0.0
        path = self.path(last)
        point = math.fsum(self.from_model(v) for v in path[first - 1 :])
        weights = np.array([self.from_model(v) if self.log else 1.0 for v in path])
        weights[: first - 1] = 0.0
        c = np.array(self.coefficients(last))
        reach = [float(weights[k:] @ c[: last - k]) for k in range(last)]
        spread = z_value(level) * self.sigma * math.sqrt(math.fsum(r * r for r in reach))
        return point, point - spread, point + spread


def z_value(level: float) -> float:
    """The two-sided normal quantile of a central interval holding ``level`` (0.8 → 1.2816)."""
    return float(norm.ppf((1 + level) / 2))


def fit(y: Sequence[float], spec: Spec, log: bool = False) -> FittedModel:
    """Fit ``spec`` to ``y`` (NaN = missing), or to ``log y`` with ``log``, by least squares on the
    one-step errors (maximum likelihood for Gaussian errors).

    The parameters are searched with α in (0, 1), 0 ≤ β ≤ 0.1·α, 0 ≤ γ ≤ 1 − α and φ in [0.8, 0.98]
    (the usual admissible region, β narrowed) by Nelder-Mead from the two best points of a small grid.
    """
    raw = [float(v) for v in y]
    if log and any(v <= 0 for v in raw if not math.isnan(v)):
        raise ValidationError("a log model needs positive values: fit the values themselves (log=False)")
    values = [math.log(v) if log and not math.isnan(v) else v for v in raw]
    if sum(1 for v in values if not math.isnan(v)) < 2 or len(values) < 2 * spec.period:
        raise ValidationError(
            f"{spec.name} needs two seasons ({2 * spec.period} slots) with values, got {len(values)} slots: "
            "use a model without season, or give more data"
        )
    start = initial_state(values, spec)
    m = spec.period
    free = ["alpha"] + (["beta", "phi"] if spec.trend else []) + (["gamma"] if m > 1 else [])

    def unpack(x: Sequence[float]) -> tuple[float, float, float, float]:
        named = {name: float(v) for name, v in zip(free, x, strict=True)}
        alpha = named["alpha"]
        beta = alpha * named.get("beta", 0.0)
        gamma = (1 - alpha) * named.get("gamma", 0.0)
        return alpha, beta, gamma, named.get("phi", 1.0)

    bounds = {"alpha": (1e-4, 0.9999), "beta": (0.0, BETA_SHARE), "gamma": (0.0, 1.0), "phi": PHI_BOUNDS}
    guesses = {"beta": 0.05, "gamma": 0.1, "phi": 0.95}

    def objective(x: Sequence[float]) -> float:
        return _sse(values, m, unpack(x), start)

    grid = [
        [a] + [g if name == "gamma" else guesses[name] for name in free[1:]]
        for a in (0.05, 0.2, 0.5, 0.9) for g in ((0.05, 0.4) if "gamma" in free else (0.0,))
    ]
    best = min(grid, key=objective)
    for x0 in sorted(grid, key=objective)[:2]:  # two starts: the surface has local minima
        result = minimize(objective, x0, method="Nelder-Mead", bounds=[bounds[name] for name in free])
        if objective(result.x) < objective(best):
            best = [float(v) for v in result.x]
    params = Params(*unpack(best))
    run = run_filter(values, spec, params, start)
    errors = [e for e in run.errors if not math.isnan(e)]
    sse = math.fsum(e * e for e in errors)
    settled = [e for e in run.errors[2 * m :] if not math.isnan(e)]  # after the initial states settle
    if len(settled) < max(m, 2 * len(free)):
        settled = errors
    sigma = math.sqrt(math.fsum(e * e for e in settled) / max(len(settled) - len(free), 1))
    log_sum = math.fsum(values[t] for t in range(len(values)) if not math.isnan(run.errors[t])) if log else 0.0
    return FittedModel(spec, params, start, run, sigma, len(errors), len(free), sse, log=log, log_sum=log_sum)


def constant(y: Sequence[float], label: str) -> FittedModel:
    """The mean of the values as the forecast of every later slot (for series too short to model);
    its spread is the values' sample standard deviation (0 for a single value)."""
    present = [float(v) for v in y if not math.isnan(v)]
    mean = math.fsum(present) / len(present)
    sd = float(np.std(present, ddof=1)) if len(present) > 1 else 0.0
    spec = Spec(trend=False, period=1)
    start = State(mean, 0.0, (0.0,))
    run = run_filter([float(v) for v in y], spec, Params(alpha=0.0), start)
    sse = sd * sd * max(len(present) - 1, 0)
    return FittedModel(spec, Params(alpha=0.0), start, run, sd, len(present), 0, sse, label=label)


def seasonal_naive(y: Sequence[float], horizon: int, period: int) -> tuple[list[float], list[float]]:
    """The seasonal-naive forecast (each slot repeats the last observed value one or more seasons back)
    and its error standard deviation ``σ·√(k+1)`` for a slot k whole seasons beyond the data, σ being
    the root mean square of the in-sample seasonal differences."""
    values = [float(v) for v in y]
    n = len(values)
    mean: list[float] = []
    for h in range(1, horizon + 1):
        back = n + h - 1 - period
        while back >= n or (back >= 0 and math.isnan(values[back])):
            back -= period
        mean.append(values[back] if back >= 0 else math.nan)
    diffs = [values[t] - values[t - period] for t in range(period, n)]
    diffs = [d for d in diffs if not math.isnan(d)]
    sigma = math.sqrt(math.fsum(d * d for d in diffs) / len(diffs)) if diffs else math.nan
    std = [sigma * math.sqrt((h - 1) // period + 1) for h in range(1, horizon + 1)]
    return mean, std
