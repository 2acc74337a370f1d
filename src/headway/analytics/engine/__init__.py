"""The pure event-analytics engine: EventStore over Ibis, ingestion, trends and metrics as code."""

from headway.analytics.engine.store import EventStore
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
    "EventSeries",
    "EventStore",
    "Filter",
    "IngestReport",
    "Rejected",
    "Series",
    "StoreStats",
    "TrendsResult",
]
