"""Sufficient statistics of an experiment arm: what a read-out needs, and nothing per person.

The analytics engine computes them from events (``EventStore.experiment``); the impact engine compares two arms
(``headway.impact.compare``). Plain dataclasses, so that neither needs the other's code.
"""

from __future__ import annotations

from dataclasses import dataclass


def _sample_variance(n: int, total: float, sum_squares: float) -> float:
    if n < 2:
        return 0.0
    return max((sum_squares - total * total / n) / (n - 1), 0.0)


@dataclass(frozen=True)
class MeanStats:
    """A metric's per-person values in one arm: their count, sum and sum of squares."""

    n: int
    sum: float
    sum_squares: float

    @property
    def mean(self) -> float:
        """The arm's mean (0 for an empty arm)."""
        return self.sum / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """The sample variance (n - 1 in the denominator)."""
        return _sample_variance(self.n, self.sum, self.sum_squares)


@dataclass(frozen=True)
class ProportionStats:
    """A conversion in one arm: persons and how many converted; variance p(1 - p)."""

    n: int
    successes: int

    @property
    def mean(self) -> float:
        """The conversion rate."""
        return self.successes / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """p(1 - p), with no n - 1 correction."""
        p = self.mean
        return p * (1.0 - p)

    @property
    def sum(self) -> float:
        """The number of conversions (as a sum of 0/1 values)."""
        return float(self.successes)

    @property
    def sum_squares(self) -> float:
        """The sum of squared 0/1 values, which is the number of conversions."""
        return float(self.successes)


@dataclass(frozen=True)
class CupedStats:
    """A metric and its pre-period covariate in one arm (CUPED): the sums CUPED's theta needs."""

    n: int
    sum: float
    sum_squares: float
    pre_sum: float
    pre_sum_squares: float
    sum_products: float

    @property
    def mean(self) -> float:
        """The arm's (unadjusted) mean of the metric."""
        return self.sum / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """The metric's sample variance."""
        return _sample_variance(self.n, self.sum, self.sum_squares)

    @property
    def pre_mean(self) -> float:
        """The covariate's mean."""
        return self.pre_sum / self.n if self.n else 0.0

    @property
    def pre_variance(self) -> float:
        """The covariate's sample variance."""
        return _sample_variance(self.n, self.pre_sum, self.pre_sum_squares)

    @property
    def covariance(self) -> float:
        """The sample covariance of the covariate and the metric."""
        if self.n < 2:
            return 0.0
        return (self.sum_products - self.sum * self.pre_sum / self.n) / (self.n - 1)


ArmStats = MeanStats | ProportionStats | CupedStats


@dataclass(frozen=True)
class ExperimentData:
    """An experiment's arms read from events (``EventStore.experiment``).

    ``arms``: per variant, the metric's sufficient statistics (``ProportionStats`` for ``math="conversion"``);
    ``cuped``: the same with the metric over the ``pre_period_days`` before each person's first exposure;
    ``exposures``: persons per variant (those in several variants left out, counted in ``excluded``);
    ``srm_p_value``: the chi-square p-value of the exposures against an equal split (None with one arm).
    """

    arms: dict[str, MeanStats | ProportionStats]
    cuped: dict[str, CupedStats]
    exposures: dict[str, int]
    excluded: int
    srm_p_value: float | None
    math: str
    metric_event: str
    pre_period_days: int
