"""Two-arm comparisons from sufficient statistics, with the formulas GrowthBook's gbstats documents.

Frequentist: Welch's t-test, absolute or relative (delta method), Welch's degrees of freedom. Bayesian: a normal
approximation with a flat prior (chance to win = P(effect > 0)). Sequential: the asymptotic confidence sequence
of Waudby-Smith et al. CUPED (Deng et al. 2013): theta pooled over both arms. Also the sample-ratio-mismatch
chi-square and Benjamini–Hochberg.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from headway.analytics.engine.sufficient import ArmStats, CupedStats, MeanStats, ProportionStats
from headway.impact.engine.errors import ImpactInputError

Method = Literal["frequentist", "bayesian"]


@dataclass(frozen=True)
class CompareResult:
    """One comparison of arm b against arm a (the control).

    ``effect`` is ``mean_b - mean_a`` (or relative to ``mean_a``); ``ci`` the interval (a credible interval for
    the Bayesian method, a confidence sequence when sequential); ``chance_to_win`` only for the Bayesian method;
    ``variance_reduction`` only with CUPED (1 - the adjusted variance of the effect over the unadjusted one).
    """

    effect: float
    ci: tuple[float, float]
    se: float
    p_value: float | None
    chance_to_win: float | None
    method: str
    relative: bool
    mean_a: float
    mean_b: float
    n_a: int
    n_b: int
    df: float
    sequential: bool = False
    variance_reduction: float | None = None
    theta: float | None = None

    @property
    def significant(self) -> bool:
        """Whether the interval excludes zero."""
        return self.ci[0] > 0 or self.ci[1] < 0


def _moments(arm: ArmStats) -> tuple[int, float, float]:
    if isinstance(arm, ProportionStats) and (arm.successes < 0 or arm.successes > arm.n):
        raise ImpactInputError(
            f"An arm has {arm.successes} successes out of {arm.n} persons; successes must lie in 0..n."
        )
    return arm.n, arm.mean, arm.variance


def cuped_theta(a: CupedStats, b: CupedStats) -> float:
    """Cov(pre, y) / Var(pre) over both arms pooled as one sample (0 when the covariate does not vary)."""
    n = a.n + b.n
    y_mean = (a.sum + b.sum) / n
    x_mean = (a.pre_sum + b.pre_sum) / n
    x_var = (a.pre_sum_squares + b.pre_sum_squares - n * x_mean * x_mean) / (n - 1)
    cov = (a.sum_products + b.sum_products - n * x_mean * y_mean) / (n - 1)
    if x_var <= 0:
        return 0.0
    return cov / x_var


def _cuped_moments(arm: CupedStats, theta: float, pooled_pre_mean: float) -> tuple[float, float]:
    mean = arm.mean - theta * (arm.pre_mean - pooled_pre_mean)
    variance = arm.variance + theta * theta * arm.pre_variance - 2 * theta * arm.covariance
    return mean, max(variance, 0.0)


def _welch_df(var_a: float, n_a: int, var_b: float, n_b: int) -> float:
    ua, ub = var_a / n_a, var_b / n_b
    denominator = ua * ua / (n_a - 1) + ub * ub / (n_b - 1)
    if denominator <= 0:
        return float(n_a + n_b - 2)
    return (ua + ub) ** 2 / denominator


def _effect_and_variance(
    n_a: int, mean_a: float, var_a: float, n_b: int, mean_b: float, var_b: float, relative: bool
) -> tuple[float, float]:
    if not relative:
        return mean_b - mean_a, var_b / n_b + var_a / n_a
    if mean_a == 0:
        raise ImpactInputError(
            "The control arm's mean is 0, so a relative effect is undefined; compare with relative=False."
        )
    effect = (mean_b - mean_a) / mean_a
    variance = var_b / (n_b * mean_a**2) + var_a * mean_b**2 / (n_a * mean_a**4)
    return effect, variance


def sequential_halfwidth(se: float, n: int, tuning: float, alpha: float) -> float:
    """The half-width of the asymptotic confidence sequence (GrowthBook's formula) at ``n`` observations."""
    log_a = -2.0 * math.log(alpha)
    rho = math.sqrt((log_a + math.log(log_a + 1.0)) / tuning)
    sigma = se * math.sqrt(n)
    nr2 = n * rho * rho
    return sigma * math.sqrt(2.0 * (nr2 + 1.0) / (n * n * rho * rho) * math.log(math.sqrt(nr2 + 1.0) / alpha))


def _sequential_p_value(effect: float, se: float, n: int, tuning: float) -> float:
    """The smallest alpha at which the confidence sequence excludes 0 (always-valid p-value)."""
    if effect == 0:
        return 1.0
    if sequential_halfwidth(se, n, tuning, 1.0 - 1e-12) >= abs(effect):
        return 1.0
    lo, hi = -40.0, math.log(1.0 - 1e-12)  # log alpha
    if sequential_halfwidth(se, n, tuning, math.exp(lo)) < abs(effect):
        return math.exp(lo)
    for _ in range(80):
        mid = (lo + hi) / 2
        if sequential_halfwidth(se, n, tuning, math.exp(mid)) < abs(effect):
            hi = mid
        else:
            lo = mid
    return min(1.0, math.exp(hi))


def compare(
    a: ArmStats,
    b: ArmStats,
    relative: bool = False,
    method: Method = "frequentist",
    alpha: float = 0.05,
    sequential_tuning: float | None = None,
) -> CompareResult:
    """Compare arm ``b`` with the control ``a`` from their sufficient statistics."""
    if method not in ("frequentist", "bayesian"):
        raise ImpactInputError(f"Unknown method {method!r}; use 'frequentist' or 'bayesian'.")
    if not 0 < alpha < 1:
        raise ImpactInputError(f"alpha must lie strictly between 0 and 1, not {alpha}.")
    if sequential_tuning is not None and sequential_tuning <= 0:
        raise ImpactInputError("sequential_tuning (N*) must be a positive number of observations.")
    for label, arm in (("control", a), ("treatment", b)):
        if arm.n < 2:
            raise ImpactInputError(
                f"The {label} arm has {arm.n} person(s); a comparison needs at least 2 in each arm — "
                "wait for more exposures."
            )
    n_a, n_b = a.n, b.n
    variance_reduction: float | None = None
    theta: float | None = None
    if isinstance(a, CupedStats) and isinstance(b, CupedStats):
        theta = cuped_theta(a, b)
        pooled_pre = (a.pre_sum + b.pre_sum) / (n_a + n_b)
        mean_a, var_a = _cuped_moments(a, theta, pooled_pre)
        mean_b, var_b = _cuped_moments(b, theta, pooled_pre)
        _, plain_variance = _effect_and_variance(n_a, a.mean, a.variance, n_b, b.mean, b.variance, relative)
    elif isinstance(a, CupedStats) or isinstance(b, CupedStats):
        raise ImpactInputError("CUPED needs CupedStats for both arms; pass MeanStats for both to skip CUPED.")
    else:
        _, mean_a, var_a = _moments(a)
        _, mean_b, var_b = _moments(b)
    effect, variance = _effect_and_variance(n_a, mean_a, var_a, n_b, mean_b, var_b, relative)
    if variance <= 0 or not math.isfinite(variance):
        raise ImpactInputError(
            "The metric does not vary in either arm, so no interval can be computed; pick a metric that varies "
            "or wait for more data."
        )
    if theta is not None:
        variance_reduction = 1.0 - variance / plain_variance if plain_variance > 0 else 0.0
    se = math.sqrt(variance)
    df = _welch_df(var_a, n_a, var_b, n_b)
    if method == "bayesian":
        z = float(stats.norm.ppf(1 - alpha / 2))
        return CompareResult(
            effect=effect, ci=(effect - z * se, effect + z * se), se=se, p_value=None,
            chance_to_win=float(stats.norm.sf(0.0, loc=effect, scale=se)), method=method, relative=relative,
            mean_a=mean_a, mean_b=mean_b, n_a=n_a, n_b=n_b, df=df,
            variance_reduction=variance_reduction, theta=theta,
        )
    if sequential_tuning is not None:
        half = sequential_halfwidth(se, n_a + n_b, sequential_tuning, alpha)
        p_value = _sequential_p_value(effect, se, n_a + n_b, sequential_tuning)
        return CompareResult(
            effect=effect, ci=(effect - half, effect + half), se=se, p_value=p_value, chance_to_win=None,
            method=method, relative=relative, mean_a=mean_a, mean_b=mean_b, n_a=n_a, n_b=n_b, df=df,
            sequential=True, variance_reduction=variance_reduction, theta=theta,
        )
    t = float(stats.t.ppf(1 - alpha / 2, df))
    p_value = float(2 * stats.t.sf(abs(effect) / se, df))
    return CompareResult(
        effect=effect, ci=(effect - t * se, effect + t * se), se=se, p_value=p_value, chance_to_win=None,
        method=method, relative=relative, mean_a=mean_a, mean_b=mean_b, n_a=n_a, n_b=n_b, df=df,
        variance_reduction=variance_reduction, theta=theta,
    )


def srm_p_value(exposures: Sequence[int], weights: Sequence[float] | None = None) -> float:
    """The sample-ratio-mismatch chi-square p-value of the arms' exposures against their planned weights."""
    observed = np.asarray(exposures, dtype=float)
    if observed.size < 2:
        raise ImpactInputError("A sample-ratio check needs at least two arms.")
    total = observed.sum()
    if total <= 0:
        return 1.0
    w = np.ones_like(observed) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != observed.shape or (w <= 0).any():
        raise ImpactInputError("Give one positive weight per arm for the sample-ratio check.")
    expected = total * w / w.sum()
    return float(stats.chisquare(observed, expected).pvalue)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return []
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return [float(x) for x in out]


__all__ = [
    "CompareResult",
    "CupedStats",
    "MeanStats",
    "ProportionStats",
    "benjamini_hochberg",
    "compare",
    "cuped_theta",
    "sequential_halfwidth",
    "srm_p_value",
]
