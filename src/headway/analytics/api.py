"""API for product events: ingest a batch, store stats, trends, saved insights and metrics."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from headway.analytics import behaviour, cohorts, services
from headway.analytics.behaviour import (
    FunnelQuery,
    LifecycleQuery,
    PathsQuery,
    RetentionQuery,
    StickinessQuery,
)
from headway.analytics.cohorts import CohortDefinition
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
    kind: str = Field("trends", description="trends, funnel, retention, stickiness, lifecycle or paths.")
    query: dict[str, Any] = Field(..., description="The query of that kind, as its endpoint takes it.")
    pinned: bool = False


class InsightPatch(Schema):
    name: str | None = None
    query: dict[str, Any] | None = None
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
                                      pinned=payload.pinned, kind=payload.kind)
    return Status(201, insight)


@router.get("/insights/{int:insight_id}", response=InsightOut)
def get_insight(request: HttpRequest, insight_id: int) -> Any:
    """One saved insight."""
    return services.get_insight(request.user, insight_id)  # type: ignore[arg-type]


@router.get("/insights/{int:insight_id}/result", response=dict[str, Any])
def insight_result(request: HttpRequest, insight_id: int) -> Any:
    """Run a saved insight's query now: the body its kind's endpoint answers."""
    insight = services.get_insight(request.user, insight_id)  # type: ignore[arg-type]
    query = services.insight_query(insight)
    if insight.kind == "trends":
        return _trends_out(query, services.trends(request.user, query))  # type: ignore[arg-type]
    return behaviour.as_json(behaviour.run(request.user, insight.kind, query))  # type: ignore[arg-type]


@router.patch("/insights/{int:insight_id}", response=InsightOut)
def update_insight(request: HttpRequest, insight_id: int, payload: InsightPatch) -> Any:
    """Rename, change the query of, or (un)pin a saved insight (its owner or an admin)."""
    return services.update_insight(request.user, insight_id, name=payload.name,  # type: ignore[arg-type]
                                   query=payload.query, pinned=payload.pinned)


@router.delete("/insights/{int:insight_id}", response={204: None})
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


# --- behavioural insights -----------------------------------------------------------------------------


class InsightRowsOut(Schema):
    kind: str
    timezone: str
    rows: list[dict[str, Any]] = Field(..., description="The table every face shows (see docs/analytics.md).")
    result: dict[str, Any] = Field(..., description="The engine's result as JSON.")
    curve: list[dict[str, Any]] | None = Field(None, description="Retention only: retained share per interval.")


class PersonsIn(Schema):
    query: dict[str, Any] = Field(..., description="The insight's query, as its endpoint takes it.")
    step: int | None = Field(None, description="funnel: the 1-based step; paths: the source's step.")
    dropped: bool | None = Field(None, description="funnel: the persons who dropped off before this step.")
    breakdown: str | None = Field(None, description="funnel: one breakdown value.")
    cohort: int | None = Field(None, description="retention: the 0-based cohort row.")
    interval: int | None = Field(None, description="retention: the 0-based column; lifecycle: the 0-based "
                                                   "interval.")
    intervals: int | None = Field(None, description="stickiness: persons active in exactly this many intervals.")
    status: str | None = Field(None, description="lifecycle: new, returning, resurrecting or dormant.")
    source: str | None = Field(None, description="paths: the edge's source.")
    target: str | None = Field(None, description="paths: the edge's target.")


class PersonsOut(Schema):
    persons: list[str]
    limit: int


def _answer(request: HttpRequest, kind: str, payload: Any) -> Any:
    return behaviour.as_json(behaviour.run(request.user, kind, payload))  # type: ignore[arg-type]


@router.post("/insights/funnel", response=InsightRowsOut)
def run_funnel(request: HttpRequest, payload: FunnelQuery) -> Any:
    """A funnel: persons per step, conversion from the first and the previous step, drop-off and times."""
    return _answer(request, "funnel", payload)


@router.post("/insights/retention", response=InsightRowsOut)
def run_retention(request: HttpRequest, payload: RetentionQuery) -> Any:
    """Retention cohorts: rows (cohort, size, interval, persons, rate) and the average curve."""
    return _answer(request, "retention", payload)


@router.post("/insights/stickiness", response=InsightRowsOut)
def run_stickiness(request: HttpRequest, payload: StickinessQuery) -> Any:
    """Persons by the number of intervals they did the event in."""
    return _answer(request, "stickiness", payload)


@router.post("/insights/lifecycle", response=InsightRowsOut)
def run_lifecycle(request: HttpRequest, payload: LifecycleQuery) -> Any:
    """New, returning, resurrecting and dormant (negative) persons per interval."""
    return _answer(request, "lifecycle", payload)


@router.post("/insights/paths", response=InsightRowsOut)
def run_paths(request: HttpRequest, payload: PathsQuery) -> Any:
    """The most frequent transitions between consecutive page views or custom events."""
    return _answer(request, "paths", payload)


@router.post("/insights/{kind}/persons", response=PersonsOut)
def insight_persons(request: HttpRequest, kind: str, payload: PersonsIn) -> Any:
    """The persons behind one number of an insight (at most 200), e.g. a funnel step's drop-off."""
    at = payload.dict(exclude={"query"}, exclude_none=True)
    found = behaviour.persons(request.user, kind, payload.query, **at)  # type: ignore[arg-type]
    return {"persons": found, "limit": behaviour.PERSONS_LIMIT}


# --- cohorts -------------------------------------------------------------------------------------------


class CohortIn(Schema):
    name: str
    description: str = ""
    definition: CohortDefinition


class CohortPatch(Schema):
    name: str | None = None
    description: str | None = None
    definition: CohortDefinition | None = None


class CohortOut(Schema):
    id: int
    name: str
    description: str
    definition: dict[str, Any]
    summary: str
    owner: str | None
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return obj.owner.username if obj.owner else None

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return cohorts.describe(cohorts.definition(obj.definition))


@router.get("/cohorts", response=list[CohortOut])
def list_cohorts(request: HttpRequest) -> Any:
    """Saved cohorts, by name."""
    return cohorts.list_cohorts(request.user)  # type: ignore[arg-type]


@router.post("/cohorts", response={201: CohortOut})
def create_cohort(request: HttpRequest, payload: CohortIn) -> Status:
    """Save a cohort (persons who did an event at least N times in the last D days, or matching filters)."""
    cohort = cohorts.create_cohort(request.user, payload.name, payload.definition,  # type: ignore[arg-type]
                                   description=payload.description)
    return Status(201, cohort)


@router.get("/cohorts/{int:cohort_id}", response=CohortOut)
def get_cohort(request: HttpRequest, cohort_id: int) -> Any:
    """One cohort."""
    return cohorts.get_cohort(request.user, cohort_id)  # type: ignore[arg-type]


@router.get("/cohorts/{int:cohort_id}/persons", response=PersonsOut)
def cohort_persons(request: HttpRequest, cohort_id: int) -> Any:
    """The persons in a cohort now (at most 200)."""
    found = cohorts.members(request.user, cohort_id)  # type: ignore[arg-type]
    return {"persons": found[:behaviour.PERSONS_LIMIT], "limit": behaviour.PERSONS_LIMIT}


@router.patch("/cohorts/{int:cohort_id}", response=CohortOut)
def update_cohort(request: HttpRequest, cohort_id: int, payload: CohortPatch) -> Any:
    """Rename, describe or redefine a cohort (its owner or an admin)."""
    return cohorts.update_cohort(request.user, cohort_id, name=payload.name,  # type: ignore[arg-type]
                                 data=payload.definition, description=payload.description)


@router.delete("/cohorts/{int:cohort_id}", response={204: None})
def delete_cohort(request: HttpRequest, cohort_id: int) -> Status:
    """Delete a cohort (its owner or an admin)."""
    cohorts.delete_cohort(request.user, cohort_id)  # type: ignore[arg-type]
    return Status(204, None)
