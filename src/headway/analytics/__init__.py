"""Event analytics. The Python API: ``from headway.analytics import EventStore, Filter``.

Importing this package needs no Django settings; the engine loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headway.analytics.engine import (
        BehaviourRule,
        Cohort,
        EventSeries,
        EventStore,
        Exclusion,
        Filter,
        FunnelBreakdown,
        FunnelResult,
        FunnelStep,
        HistogramBin,
        InCohort,
        IngestReport,
        InsightBreakdown,
        LifecycleResult,
        PathEdge,
        PathsResult,
        PersonCohort,
        PropertyRule,
        Rejected,
        RetentionResult,
        Series,
        Step,
        StickinessResult,
        StoreStats,
        TrendsResult,
    )

__all__ = [
    "BehaviourRule",
    "Cohort",
    "EventSeries",
    "EventStore",
    "Exclusion",
    "Filter",
    "FunnelBreakdown",
    "FunnelResult",
    "FunnelStep",
    "HistogramBin",
    "InCohort",
    "IngestReport",
    "InsightBreakdown",
    "LifecycleResult",
    "PathEdge",
    "PathsResult",
    "PersonCohort",
    "PropertyRule",
    "Rejected",
    "RetentionResult",
    "Series",
    "Step",
    "StickinessResult",
    "StoreStats",
    "TrendsResult",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from headway.analytics import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'headway.analytics' has no attribute {name!r}")
