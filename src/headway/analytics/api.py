"""API for product events: ingest a batch, store stats, trends, saved insights and metrics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from headway.analytics import services
from headway.analytics.services import TrendsQuery
from headway.core.errors import ValidationError

router = Router(tags=["analytics"])
MAX_BATCH = 10_000


class EventsIn(Schema):
    events: list[dict[str, Any]] = Field(
        ..., description="Events: event, timestamp, distinct_id (or Segment's userId/anonymousId), "
                         "optional properties and uuid (the same uuid is ingested once).")


class RejectedOut(Schema):
    row: int
    reason: str


class IngestOut(Schema):
    ingested: int
    duplicates: int
    rejected: list[RejectedOut]


class StatsOut(Schema):
    events: int
    distinct_ids: int
    persons: int
    first: datetime | None = Field(None, description="First event (UTC).")
    last: datetime | None = Field(None, description="Last event (UTC).")
    by_event: dict[str, int]

    @staticmethod
    def resolve_first(obj: Any) -> datetime | None:
        return _utc(obj.first)

    @staticmethod
    def resolve_last(obj: Any) -> datetime | None:
        return _utc(obj.last)


def _utc(value: datetime | None) -> datetime | None:
    """The store's naive UTC timestamps as aware datetimes (RFC 3339 in JSON)."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class SeriesOut(Schema):
    label: str
    breakdown_value: str | None
    is_other: bool
    compare: str | None = Field(None, description="current or previous when the trend compares periods.")
    labels: list[str] = Field(default_factory=list, description="This series' own interval starts.")
    data: list[float]


class TrendsOut(Schema):
    interval: str
    timezone: str
    labels: list[str]
    series: list[SeriesOut]
    big_number: float
    previous_big_number: float | None = Field(None, description="The previous period's, with compare.")


class InsightIn(Schema):
    name: str
    query: TrendsQuery
    pinned: bool = False


class InsightPatch(Schema):
    name: str | None = None
    query: TrendsQuery | None = None
    pinned: bool | None = None


class InsightOut(Schema):
    id: int
    name: str
    kind: str
    query: dict[str, Any]
    owner: str | None
    pinned: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return obj.owner.username if obj.owner else None


class MetricOut(Schema):
    name: str
    kind: str
    description: str
    definition: dict[str, Any]


class MetricsIn(Schema):
    yaml: str = Field(..., description="A metrics-as-code YAML document (`metrics:` and a list).")


class MetricComputeIn(Schema):
    date_from: date
    date_to: date
    interval: str = "day"


class MetricValuesOut(Schema):
    name: str
    interval: str
    labels: list[str]
    values: list[float]


def _trends_out(query: TrendsQuery, result: Any) -> dict[str, Any]:
    body = result.as_dict()
    return {"interval": body["interval"], "timezone": body["timezone"],
            "labels": [services.trends_label(label, result.interval) for label in result.labels],
            "series": [{**s, "labels": [services.trends_label(label, result.interval) for label in series.labels]}
                       for s, series in zip(body["series"], result.series, strict=True)],
            "big_number": services.big_number(query, result),
            "previous_big_number": services.previous_big_number(query, result)}


@router.post("/events", response={200: IngestOut})
def ingest_events(request: HttpRequest, payload: EventsIn) -> Any:
    """Ingest a batch of up to 10,000 events; answers how many were added, already there, or rejected (and why)."""
    if len(payload.events) > MAX_BATCH:
        raise ValidationError(f"A batch holds at most {MAX_BATCH:,} events, this one {len(payload.events):,}: "
                              "split it into smaller batches.", details={"events": len(payload.events)})
    return services.ingest(request.user, payload.events)  # type: ignore[arg-type]


@router.get("/events/stats", response=StatsOut)
def events_stats(request: HttpRequest) -> Any:
    """What the events store holds: counts per event name, distinct ids, persons, first and last event."""
    return services.store_stats(request.user)  # type: ignore[arg-type]


@router.post("/insights/trends", response=TrendsOut)
def run_trends(request: HttpRequest, payload: TrendsQuery) -> Any:
    """A trend: one value per interval (zeros included) per series, in the workspace's time zone."""
    result = services.trends(request.user, payload)  # type: ignore[arg-type]
    return _trends_out(payload, result)


@router.get("/insights", response=list[InsightOut])
def list_insights(request: HttpRequest) -> Any:
    """Saved insights, pinned first."""
    return services.list_insights(request.user)  # type: ignore[arg-type]


@router.post("/insights", response={201: InsightOut})
def create_insight(request: HttpRequest, payload: InsightIn) -> Status:
    """Save a trends query under a name; you own it."""
    insight = services.create_insight(request.user, payload.name, payload.query,  # type: ignore[arg-type]
                                      pinned=payload.pinned)
    return Status(201, insight)


@router.get("/insights/{insight_id}", response=InsightOut)
def get_insight(request: HttpRequest, insight_id: int) -> Any:
    """One saved insight."""
    return services.get_insight(request.user, insight_id)  # type: ignore[arg-type]


@router.get("/insights/{insight_id}/result", response=TrendsOut)
def insight_result(request: HttpRequest, insight_id: int) -> Any:
    """Run a saved insight's query now."""
    insight = services.get_insight(request.user, insight_id)  # type: ignore[arg-type]
    query = services.insight_query(insight)
    return _trends_out(query, services.trends(request.user, query))  # type: ignore[arg-type]


@router.patch("/insights/{insight_id}", response=InsightOut)
def update_insight(request: HttpRequest, insight_id: int, payload: InsightPatch) -> Any:
    """Rename, change the query of, or (un)pin a saved insight (its owner or an admin)."""
    return services.update_insight(request.user, insight_id, name=payload.name,  # type: ignore[arg-type]
                                   query=payload.query, pinned=payload.pinned)


@router.delete("/insights/{insight_id}", response={204: None})
def delete_insight(request: HttpRequest, insight_id: int) -> Status:
    """Delete a saved insight (its owner or an admin)."""
    services.delete_insight(request.user, insight_id)  # type: ignore[arg-type]
    return Status(204, None)


@router.get("/metrics", response=list[MetricOut])
def list_metrics(request: HttpRequest) -> Any:
    """The metric catalogue, in the order of its file."""
    return services.list_metrics(request.user)  # type: ignore[arg-type]


@router.put("/metrics", response=list[MetricOut])
def load_metrics(request: HttpRequest, payload: MetricsIn) -> Any:
    """Replace the catalogue with a YAML document; every problem comes back with its line in ``details``."""
    return services.load_metrics(request.user, payload.yaml, source="api")  # type: ignore[arg-type]


@router.post("/metrics/{name}/compute", response=MetricValuesOut)
def compute_metric(request: HttpRequest, name: str, payload: MetricComputeIn) -> Any:
    """A metric's value per interval over an inclusive date range."""
    result = services.compute_metric(request.user, name, date_from=payload.date_from,  # type: ignore[arg-type]
                                     date_to=payload.date_to, interval=payload.interval)
    return {"name": result.name, "interval": payload.interval, "values": result.values,
            "labels": [services.trends_label(label, payload.interval) for label in result.labels]}
