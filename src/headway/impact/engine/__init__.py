"""The pure impact engine: A/B statistics, counterfactual (CausalImpact-style) and difference-in-differences.

Plain values in, typed results out: numpy, scipy and statsmodels, no Django. The arm statistics are the
analytics engine's plain dataclasses, so an experiment's read-out from ``EventStore.experiment`` goes straight
into :func:`compare`.
"""

from headway.analytics.engine.sufficient import CupedStats, MeanStats, ProportionStats
from headway.impact.engine.abtest import (
    CompareResult,
    benjamini_hochberg,
    compare,
    cuped_theta,
    sequential_halfwidth,
    srm_p_value,
)
from headway.impact.engine.counterfactual import MIN_PRE_PERIODS, CounterfactualResult, counterfactual
from headway.impact.engine.did import DiffInDiffResult, diff_in_diff
from headway.impact.engine.errors import ImpactInputError

__all__ = [
    "MIN_PRE_PERIODS",
    "CompareResult",
    "CounterfactualResult",
    "CupedStats",
    "DiffInDiffResult",
    "ImpactInputError",
    "MeanStats",
    "ProportionStats",
    "benjamini_hochberg",
    "compare",
    "counterfactual",
    "cuped_theta",
    "diff_in_diff",
    "sequential_halfwidth",
    "srm_p_value",
]
