"""Impact: release markers, impact read-outs, experiments, the impact ledger and calibration.

The Python API needs no Django settings::

    from headway.impact import MeanStats, ProportionStats, CupedStats, compare, counterfactual, diff_in_diff

The names load from :mod:`headway.impact.engine` on first use, so that starting Django does not import
statsmodels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headway.impact.engine import (
        CompareResult,
        CounterfactualResult,
        CupedStats,
        DiffInDiffResult,
        ImpactInputError,
        MeanStats,
        ProportionStats,
        benjamini_hochberg,
        compare,
        counterfactual,
        diff_in_diff,
        srm_p_value,
    )

__all__ = [
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
    "diff_in_diff",
    "srm_p_value",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from headway.impact import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'headway.impact' has no attribute {name!r}")
