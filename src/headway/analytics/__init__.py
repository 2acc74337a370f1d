"""Event analytics. The Python API: ``from headway.analytics import EventStore, Filter``.

Importing this package needs no Django settings; the engine loads on first use. The requests every face sends
(``TrendsRequest``, ``FunnelRequest``, ``RetentionRequest``, ``StickinessRequest``, ``LifecycleRequest``,
``PathsRequest``, ``CohortDefinition``) come from :mod:`headway.analytics.services` on first use, which needs
Django set up (``headway.conf.bootstrap.setup_django()``); the engine's plans (``TrendsQuery``, ``FunnelQuery``,
...) stay inside the engine.
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
        ExperimentData,
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
    from headway.analytics.services import (
        CohortDefinition,
        FunnelRequest,
        LifecycleRequest,
        PathsRequest,
        RetentionRequest,
        StickinessRequest,
        TrendsRequest,
    )

_REQUESTS = (
    "CohortDefinition",
    "FunnelRequest",
    "LifecycleRequest",
    "PathsRequest",
    "RetentionRequest",
    "StickinessRequest",
    "TrendsRequest",
)

__all__ = [
    "BehaviourRule",
    "Cohort",
    "CohortDefinition",
    "EventSeries",
    "EventStore",
    "Exclusion",
    "ExperimentData",
    "Filter",
    "FunnelBreakdown",
    "FunnelRequest",
    "FunnelResult",
    "FunnelStep",
    "HistogramBin",
    "InCohort",
    "IngestReport",
    "InsightBreakdown",
    "LifecycleRequest",
    "LifecycleResult",
    "PathEdge",
    "PathsRequest",
    "PathsResult",
    "PersonCohort",
    "PropertyRule",
    "Rejected",
    "RetentionRequest",
    "RetentionResult",
    "Series",
    "Step",
    "StickinessRequest",
    "StickinessResult",
    "StoreStats",
    "TrendsRequest",
    "TrendsResult",
]


def __getattr__(name: str) -> Any:
    if name in _REQUESTS:
        from headway.analytics import services

        return getattr(services, name)
    if name in __all__:
        from headway.analytics import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'headway.analytics' has no attribute {name!r}")
