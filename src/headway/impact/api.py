"""API for impact, under /api/v1/impact: /markers and /annotations, /initiatives/{id}/readout (GET the stored
read-out, POST to measure), /experiments (create, list, one, /results), /ledger and /calibration.

Every answer is a service type; the CLI and the pages show the same fields.
"""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema, Status

from headway.core.http import AuthedRequest, actor_of, invalid_when
from headway.core.request_rules import one_of, required_text
from headway.impact import services
from headway.impact.models import Annotation, Method

router = Router(tags=["impact"])


class AnnotationRequest(Schema):
    date: date
    text: str = required_text(300)
    scope: str = one_of(Annotation.Scope.values, Annotation.Scope.WORKSPACE.value)
    target: str = ""


class MeasureRequest(Schema):
    method: str | None = one_of([None, "", *Method.values, *services.METHOD_ALIASES], None)
    days: int | None = Field(None, ge=1, le=365)
    controls: list[str] | None = None
    shipped_on: date | None = None
    segment: str | None = Field(None, max_length=200,
                                description="property=value of the part that got the change (difference-in-differences)")


@router.get("/markers", response=list[services.Marker])
def markers(request: AuthedRequest, kpi: str | None = None, date_from: date | None = None,
            date_to: date | None = None) -> list[services.Marker]:
    """Release markers and annotations in a date range (``kpi``: that KPI's notes and the workspace's)."""
    return services.markers(actor_of(request), kpi=kpi, date_from=date_from, date_to=date_to)


@router.post("/annotations", response={201: services.Marker},
             openapi_extra=invalid_when("a kpi or insight annotation names no target"))
def add_annotation(request: AuthedRequest, body: AnnotationRequest) -> Status[services.Marker]:
    """Add a dated note (ideas.edit)."""
    note = services.add_annotation(actor_of(request), body.date, body.text, scope=body.scope, target=body.target)
    return Status(201, services.Marker(date=note.date, text=note.text, kind="annotation", scope=note.scope,
                                       target=note.target, annotation_id=note.pk))


@router.delete("/annotations/{annotation_id}", response={204: None})
def delete_annotation(request: AuthedRequest, annotation_id: int) -> Status[None]:
    """Remove an annotation (ideas.edit)."""
    services.delete_annotation(actor_of(request), annotation_id)
    return Status(204, None)


@router.get("/initiatives/{initiative_id}/readout", response=services.ReadOut)
def readout(request: AuthedRequest, initiative_id: int) -> services.ReadOut:
    """The stored read-out of a shipped initiative."""
    return services.readout(actor_of(request), initiative_id)


@router.post("/initiatives/{initiative_id}/readout", response=services.ReadOut, openapi_extra=invalid_when(
    "the method needs what the request does not give: control KPIs for a counterfactual, a segment for "
    "difference-in-differences; or the segment is not property=value"))
def measure(request: AuthedRequest, initiative_id: int, body: MeasureRequest) -> services.ReadOut:
    """Measure a shipped initiative now (ideas.edit) and move it to measured."""
    user = actor_of(request)
    if body.shipped_on is not None or body.segment is not None:
        services.set_measurement(user, initiative_id, shipped_on=body.shipped_on, segment=body.segment)
    return services.measure(user, initiative_id, method=body.method, days=body.days, controls=body.controls)


@router.get("/experiments", response=list[services.ExperimentView])
def list_experiments(request: AuthedRequest) -> list[services.ExperimentView]:
    """Every experiment, the latest first."""
    return [services.ExperimentView.of(e) for e in services.list_experiments(actor_of(request))]


@router.post("/experiments", response={201: services.ExperimentView}, openapi_extra=invalid_when(
    "date_to is before date_from, the name is taken, a metric names an event the store does not hold, or math sum "
    "has no property"))
def create_experiment(request: AuthedRequest, body: services.ExperimentSpec) -> Status[services.ExperimentView]:
    """Create an experiment read from exposure events (ideas.edit)."""
    return Status(201, services.ExperimentView.of(services.create_experiment(actor_of(request), body)))


@router.get("/experiments/{name}", response=services.ExperimentView)
def get_experiment(request: AuthedRequest, name: str) -> services.ExperimentView:
    """One experiment."""
    return services.ExperimentView.of(services.get_experiment(actor_of(request), name))


@router.get("/experiments/{name}/results", response=services.ExperimentReadout)
def experiment_results(request: AuthedRequest, name: str) -> services.ExperimentReadout:
    """Per-arm exposures and metric, lifts with intervals, p-values, chance to win, the SRM check."""
    return services.experiment_results(actor_of(request), name)


@router.get("/ledger", response=list[services.LedgerRow])
def ledger(request: AuthedRequest, quarter: str | None = None, team: str | None = None, kind: str | None = None,
           product_area: str | None = None, owner: str | None = None,
           framework: str | None = None) -> list[services.LedgerRow]:
    """Every measured initiative: expected against measured, interval and verdict."""
    return services.ledger(actor_of(request), quarter=quarter, team=team, kind=kind, product_area=product_area,
                           owner=owner, framework=framework)


@router.get("/calibration", response=services.Calibration)
def calibration(request: AuthedRequest) -> services.Calibration:
    """Hit rate by confidence bucket, the median measured/expected ratio and the suggested correction."""
    return services.calibration(actor_of(request))
