"""API for product events (mounted at /api/v1/analytics): ingest a batch, store stats, every insight, saved
insights, cohorts and metrics. The response schemas are the services' own result types."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import File, Router, Schema, Status, UploadedFile
from ninja.params.functions import Path as path_param
from pydantic import Field

from headway.analytics import services
from headway.analytics.engine.types import IngestReport
from headway.analytics.models import Cohort, MetricDefinition, SavedInsight
from headway.analytics.services import (
    CohortDefinition,
    FunnelRequest,
    InsightAnswer,
    LifecycleRequest,
    MetricValues,
    PathsRequest,
    PersonList,
    RetentionRequest,
    StickinessRequest,
    StoreSummary,
    TrendsAnswer,
    TrendsRequest,
)
from headway.core.http import AuthedRequest, actor_of, declared, invalid_when
from headway.core.jobs import JobView
from headway.core.request_rules import one_of, required_text

router = Router(tags=["analytics"])

#: what an insight's query can break beyond its schema (each message names the field and the fix)
FILTERS = "a where filter does not parse (property operator value, e.g. plan = pro), date_from is after date_to"
PERSONS_KINDS = [kind for kind, runner in services.RUNNERS.items() if runner.persons_at is not None]
QUERY = f"the query does not fit its kind: {FILTERS}, or fields that go together are missing or clash"


class EventsIn(Schema):
    events: list[dict[str, Any]] = Field(
        ..., description="Events: event, timestamp, distinct_id (or Segment's userId/anonymousId), "
                         "optional properties and uuid (the same uuid is ingested once).")


class InsightIn(Schema):
    name: str = required_text(200)
    kind: str = one_of(services.RUNNERS, "trends", description="trends, funnel, retention, stickiness, lifecycle "
                       "or paths.")
    query: dict[str, Any] = Field(..., description="The query of that kind, as its endpoint takes it.")
    pinned: bool = False


class InsightPatch(Schema):
    name: str | None = required_text(200, default=None)
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
    def resolve_owner(obj: SavedInsight) -> str | None:
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


@router.post("/events", response={200: IngestReport},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": EventsIn.model_json_schema()}}}})
def ingest_events(request: AuthedRequest) -> IngestReport:
    """Ingest a batch of up to 10,000 events (413 beyond); answers how many were added, already there (by uuid,
    whatever the timestamp), or rejected (and why). It answers once the events are durably stored.

    The body is ``EventsIn`` as JSON; it is handed to the events engine as text (no Python object per event)."""
    return services.ingest_json(actor_of(request), request.body)


@router.post("/events/import", response={202: JobView},
             openapi_extra=invalid_when("the file is not .csv, .jsonl, .json or .parquet"))
def import_events_file(request: AuthedRequest, file: File[UploadedFile]) -> Status[JobView]:
    """Import an events file (.csv, .jsonl, .json or .parquet, multipart field ``file``) in the background;
    follow the job at ``/api/v1/jobs/{id}`` (its result: ingested, duplicates, rejected)."""
    return Status(202, services.import_uploaded_events(actor_of(request), file.name or "", file))


@router.get("/events/stats", response=StoreSummary)
def events_stats(request: AuthedRequest) -> StoreSummary:
    """What the events store holds: counts per event name, distinct ids, persons, first and last event."""
    return services.store_stats(actor_of(request))


@router.post("/insights/trends", response=TrendsAnswer, openapi_extra=invalid_when(
    f"{FILTERS}, the formula does not parse, a math that adds up a property names none, or breakdown and "
    "breakdown_cohorts are both given"))
def run_trends(request: AuthedRequest, payload: TrendsRequest) -> InsightAnswer | TrendsAnswer:
    """A trend: one value per interval (zeros included) per series, in the workspace's time zone."""
    return services.answer_body(services.run(actor_of(request), "trends", payload))


@router.get("/insights", response=list[InsightOut])
def list_insights(request: AuthedRequest) -> list[SavedInsight]:
    """Saved insights, pinned first."""
    return list(services.list_insights(actor_of(request)))


@router.post("/insights", response={201: InsightOut}, openapi_extra=invalid_when(QUERY))
def create_insight(request: AuthedRequest, payload: InsightIn) -> Status[SavedInsight]:
    """Save an insight's query under a name; you own it."""
    insight = services.create_insight(actor_of(request), payload.name, payload.query, pinned=payload.pinned,
                                      kind=payload.kind)
    return Status(201, insight)


@router.get("/insights/{int:insight_id}", response=InsightOut)
def get_insight(request: AuthedRequest, insight_id: int) -> SavedInsight:
    """One saved insight."""
    return services.get_insight(actor_of(request), insight_id)


@router.get("/insights/{int:insight_id}/result", response=TrendsAnswer | InsightAnswer)
def insight_result(request: AuthedRequest, insight_id: int) -> InsightAnswer | TrendsAnswer:
    """Run a saved insight's query now: the body its kind's endpoint answers."""
    actor = actor_of(request)
    insight = services.get_insight(actor, insight_id)
    return services.answer_body(services.run(actor, insight.kind, services.insight_query(insight)))


@router.patch("/insights/{int:insight_id}", response=InsightOut, openapi_extra=invalid_when(QUERY))
def update_insight(request: AuthedRequest, insight_id: int, payload: InsightPatch) -> SavedInsight:
    """Rename, change the query of, or (un)pin a saved insight (its owner or an admin)."""
    return services.update_insight(actor_of(request), insight_id, name=payload.name, query=payload.query,
                                   pinned=payload.pinned)


@router.delete("/insights/{int:insight_id}", response={204: None})
def delete_insight(request: AuthedRequest, insight_id: int) -> Status[None]:
    """Delete a saved insight (its owner or an admin)."""
    services.delete_insight(actor_of(request), insight_id)
    return Status(204, None)


@router.get("/metrics", response=list[MetricOut])
def list_metrics(request: AuthedRequest) -> list[MetricDefinition]:
    """The metric catalogue, in the order of its file."""
    return list(services.list_metrics(actor_of(request)))


@router.put("/metrics", response=list[MetricOut], openapi_extra=invalid_when(
    "the YAML is not a metric catalogue (`metrics:` and a list; the message names each line)"))
def load_metrics(request: AuthedRequest, payload: MetricsIn) -> list[MetricDefinition]:
    """Replace the catalogue with a YAML document; every problem comes back with its line in ``details``."""
    return services.load_metrics(actor_of(request), payload.yaml, source="api")


@router.post("/metrics/{name}/compute", response=MetricValues)
def compute_metric(request: AuthedRequest, name: str, payload: MetricComputeIn) -> MetricValues:
    """A metric's value per interval over an inclusive date range."""
    return services.metric_values(actor_of(request), name, date_from=payload.date_from, date_to=payload.date_to,
                                  interval=payload.interval)


# --- behavioural insights -----------------------------------------------------------------------------


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


def _answer(request: AuthedRequest, kind: str, payload: FunnelRequest | RetentionRequest | StickinessRequest |
            PathsRequest) -> InsightAnswer | TrendsAnswer:
    return services.answer_body(services.run(actor_of(request), kind, payload))


@router.post("/insights/funnel", response=InsightAnswer, openapi_extra=invalid_when(
    f"{FILTERS}, an exclusion's steps are not in the funnel, or breakdown and breakdown_cohorts are both given"))
def run_funnel(request: AuthedRequest, payload: FunnelRequest) -> InsightAnswer | TrendsAnswer:
    """A funnel: persons per step, conversion from the first and the previous step, drop-off and times."""
    return _answer(request, "funnel", payload)


@router.post("/insights/retention", response=InsightAnswer, openapi_extra=invalid_when(FILTERS))
def run_retention(request: AuthedRequest, payload: RetentionRequest) -> InsightAnswer | TrendsAnswer:
    """Retention cohorts: rows (cohort, size, interval, persons, rate) and the average curve."""
    return _answer(request, "retention", payload)


@router.post("/insights/stickiness", response=InsightAnswer, openapi_extra=invalid_when(FILTERS))
def run_stickiness(request: AuthedRequest, payload: StickinessRequest) -> InsightAnswer | TrendsAnswer:
    """Persons by the number of intervals they did the event in."""
    return _answer(request, "stickiness", payload)


@router.post("/insights/lifecycle", response=InsightAnswer, openapi_extra=invalid_when(FILTERS))
def run_lifecycle(request: AuthedRequest, payload: LifecycleRequest) -> InsightAnswer | TrendsAnswer:
    """New, returning, resurrecting and dormant (negative) persons per interval."""
    return _answer(request, "lifecycle", payload)


@router.post("/insights/paths", response=InsightAnswer, openapi_extra=invalid_when(FILTERS))
def run_paths(request: AuthedRequest, payload: PathsRequest) -> InsightAnswer | TrendsAnswer:
    """The most frequent transitions between consecutive page views or custom events."""
    return _answer(request, "paths", payload)


@router.post("/insights/{kind}/persons", response=PersonList, openapi_extra=invalid_when(
    f"{QUERY}; or the number it points at (step, cohort row, interval, status, edge) is not in its result"))
def insight_persons(request: AuthedRequest, payload: PersonsIn,
                    kind: str = declared(path_param(...), enum=PERSONS_KINDS)) -> PersonList:
    """The persons behind one number of an insight (at most 200), e.g. a funnel step's drop-off."""
    at = payload.model_dump(exclude={"query"}, exclude_none=True)
    return PersonList(persons=services.persons(actor_of(request), kind, payload.query, **at))


# --- cohorts -------------------------------------------------------------------------------------------


class CohortIn(Schema):
    name: str = required_text(200)
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
    def resolve_owner(obj: Cohort) -> str | None:
        return obj.owner.username if obj.owner else None

    @staticmethod
    def resolve_summary(obj: Cohort) -> str:
        return services.describe(services.definition(obj.definition))


@router.get("/cohorts", response=list[CohortOut])
def list_cohorts(request: AuthedRequest) -> list[Cohort]:
    """Saved cohorts, by name."""
    return list(services.list_cohorts(actor_of(request)))


@router.post("/cohorts", response={201: CohortOut}, openapi_extra=invalid_when(
    f"a rule has both or neither an event and a property filter, min_count is above max_count, or {FILTERS}"))
def create_cohort(request: AuthedRequest, payload: CohortIn) -> Status[Cohort]:
    """Save a cohort (persons who did an event at least N times in the last D days, or matching filters)."""
    cohort = services.create_cohort(actor_of(request), payload.name, payload.definition,
                                    description=payload.description)
    return Status(201, cohort)


@router.get("/cohorts/{int:cohort_id}", response=CohortOut)
def get_cohort(request: AuthedRequest, cohort_id: int) -> Cohort:
    """One cohort."""
    return services.get_cohort(actor_of(request), cohort_id)


@router.get("/cohorts/{int:cohort_id}/persons", response=PersonList)
def cohort_persons(request: AuthedRequest, cohort_id: int) -> PersonList:
    """The persons in a cohort now (at most 200)."""
    found = services.members(actor_of(request), cohort_id)
    return PersonList(persons=found[:services.PERSONS_LIMIT])


@router.patch("/cohorts/{int:cohort_id}", response=CohortOut)
def update_cohort(request: AuthedRequest, cohort_id: int, payload: CohortPatch) -> Cohort:
    """Rename, describe or redefine a cohort (its owner or an admin)."""
    return services.update_cohort(actor_of(request), cohort_id, name=payload.name, data=payload.definition,
                                  description=payload.description)


@router.delete("/cohorts/{int:cohort_id}", response={204: None})
def delete_cohort(request: AuthedRequest, cohort_id: int) -> Status[None]:
    """Delete a cohort (its owner or an admin)."""
    services.delete_cohort(actor_of(request), cohort_id)
    return Status(204, None)
