"""The pure event-analytics engine: EventStore over Ibis, ingestion, trends and metrics as code."""

from headway.analytics.engine.cohorts import BehaviourRule, InCohort, PersonCohort, PropertyRule
from headway.analytics.engine.insights_types import (
    Cohort,
    Exclusion,
    FunnelBreakdown,
    FunnelResult,
    FunnelStep,
    HistogramBin,
    InsightBreakdown,
    LifecycleResult,
    PathEdge,
    PathsResult,
    RetentionResult,
    Step,
    StickinessResult,
)
from headway.analytics.engine.store import EventStore
from headway.analytics.engine.sufficient import CupedStats, ExperimentData, MeanStats, ProportionStats
from headway.analytics.engine.types import (
    EventSeries,
    Filter,
    IngestReport,
    Rejected,
    Series,
    StoreStats,
    TrendsResult,
)

__all__ = [
    "BehaviourRule",
    "Cohort",
    "CupedStats",
    "EventSeries",
    "EventStore",
    "Exclusion",
    "ExperimentData",
    "Filter",
    "FunnelBreakdown",
    "FunnelResult",
    "FunnelStep",
    "HistogramBin",
    "InCohort",
    "IngestReport",
    "InsightBreakdown",
    "LifecycleResult",
    "MeanStats",
    "PathEdge",
    "PathsResult",
    "PersonCohort",
    "PropertyRule",
    "ProportionStats",
    "Rejected",
    "RetentionResult",
    "Series",
    "Step",
    "StickinessResult",
    "StoreStats",
    "TrendsResult",
]
