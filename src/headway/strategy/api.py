"""API for strategy, under /api/v1/strategy: /goals, /kpis (targets, values, progress), /alerts, the vision and
strategy document itself (/api/v1/strategy, /history) and the product areas (/areas).

Every answer is a service type (``services.GoalView``, ``services.KpiSummary``, ``services.AlertView``, ...):
the API answers the fields the CLI and the pages show.
"""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema, Status
from ninja.params.functions import Query as query_param

from headway.core.http import AuthedRequest, actor_of, invalid_when
from headway.core.request_rules import one_of, required_text, stated
from headway.strategy import services
from headway.strategy.models import Kpi, ProductArea

router = Router(tags=["strategy"])
MAX_SPARK_DAYS = 366


class GoalRequest(Schema):
    title: str
    period: str = "current"
    level: str = "product"
    owner: str | None = None
    parent: int | None = None
    area: str | None = None
    description: str = ""
    key_results: list[str] = []


class GoalUpdateRequest(Schema):
    status: str | None = None
    confidence: float | None = None
    comment: str = ""
    title: str | None = None
    owner: str | None = None
    period: str | None = None
    key_results: list[str] | None = None


#: a KPI's name as create_kpi takes it: what slugify keeps, with _ between words
KPI_NAME = rf"^\s*[a-z0-9]([a-z0-9_]{{0,{services.MAX_KPI_NAME - 2}}}[a-z0-9])?\s*$"


class KpiRequest(Schema):
    name: str = stated(pattern=KPI_NAME)
    label: str = required_text(200)
    metric: str = ""
    unit: str = one_of(Kpi.Unit.values, Kpi.Unit.COUNT.value)
    direction: str = one_of(Kpi.Direction.values, Kpi.Direction.HIGHER.value)
    aggregation: str = one_of(Kpi.Aggregation.values, Kpi.Aggregation.SUM.value)
    owner: str | None = None
    parent: str | None = None
    north_star: bool = False
    description: str = ""


class TargetRequest(Schema):
    period: str
    value: float | str


class KpiValueRequest(Schema):
    date: date
    value: float | str


class KpiCsvRequest(Schema):
    csv: str = stated(minLength=1)


class StrategyRequest(Schema):
    vision: str = ""
    body: str = ""
    area: str | None = None
    note: str = ""


class ProductAreaRequest(Schema):
    name: str = required_text(120)
    kind: str = one_of(ProductArea.Kind.values)
    parent: str | None = None
    description: str = ""


class ProductAreaPatch(Schema):
    name: str | None = None
    description: str | None = None


# --- goals ---------------------------------------------------------------------------------------------


@router.get("/goals", response=list[services.GoalView])
def goals(request: AuthedRequest, period: str | None = None) -> list[services.GoalView]:
    """Goals as an alignment tree (company objectives with the product goals that support them)."""
    user = actor_of(request)
    return services.goal_views(user, services.list_goals(user, period))


@router.post("/goals", response={201: services.GoalView})
def create_goal(request: AuthedRequest, body: GoalRequest) -> Status[services.GoalView]:
    """Add a goal (product leaders and admins)."""
    user = actor_of(request)
    goal = services.create_goal(user, **body.dict())
    return Status(201, services.goal_view(user, goal.pk))


@router.get("/goals/{goal_id}", response=services.GoalView)
def goal(request: AuthedRequest, goal_id: int) -> services.GoalView:
    """One goal with its key results' progress."""
    return services.goal_view(actor_of(request), goal_id)


@router.patch("/goals/{goal_id}", response=services.GoalView)
def update_goal(request: AuthedRequest, goal_id: int, body: GoalUpdateRequest) -> services.GoalView:
    """Change a goal; status or confidence with a comment is a check-in kept in its history."""
    user = actor_of(request)
    services.update_goal(user, goal_id, **body.dict())
    return services.goal_view(user, goal_id)


@router.get("/goals/{goal_id}/updates", response=list[services.GoalCheckIn])
def goal_updates(request: AuthedRequest, goal_id: int) -> list[services.GoalCheckIn]:
    """A goal's check-ins, newest first."""
    return services.goal_check_ins(actor_of(request), goal_id)


# --- KPIs ----------------------------------------------------------------------------------------------


@router.get("/kpis", response=list[services.KpiSummary])
def kpis(request: AuthedRequest, period: str | None = None,
         spark_days: int = query_param(0, ge=0, le=MAX_SPARK_DAYS)) -> list[services.KpiSummary]:
    """Every KPI with its progress for a period (default: the current fiscal quarter); ``spark_days``: the last
    days' values in ``spark``, as the dashboard's sparklines."""
    return services.kpi_summaries(actor_of(request), period, spark_days=spark_days)


@router.post("/kpis", response={201: services.KpiSummary},
             openapi_extra=invalid_when(f"the name is one the API reserves ({', '.join(services.RESERVED_KPI_NAMES)}), "
                                        "or the metric is not in the catalogue"))
def create_kpi(request: AuthedRequest, body: KpiRequest) -> Status[services.KpiSummary]:
    """Define a KPI bound to a catalogue metric, or (no metric) to imported / hand-entered values."""
    user = actor_of(request)
    kpi = services.create_kpi(user, **body.dict())
    return Status(201, services.kpi_summary(user, kpi.name))


# /kpis/refresh comes before /kpis/{name}, which would otherwise take it (and answer 405 to a POST).
@router.post("/kpis/refresh", response=services.RefreshReport)
def refresh(request: AuthedRequest, as_of: date | None = None) -> services.RefreshReport:
    """Recompute KPI values, progress and alerts (normally done hourly by the scheduler): needs strategy.edit.
    A reader who gives ``as_of`` gets a preview of that day's refresh (``preview: true``) that writes nothing."""
    return services.refresh_or_preview(actor_of(request), as_of=as_of)


@router.get("/kpis/{name}", response=services.KpiSummary)
def kpi(request: AuthedRequest, name: str, period: str | None = None) -> services.KpiSummary:
    """One KPI: current value, period to date, projection with interval, status and its rule."""
    return services.kpi_summary(actor_of(request), name, period)


@router.get("/kpis/{name}/targets", response=list[services.TargetView])
def targets(request: AuthedRequest, name: str) -> list[services.TargetView]:
    """A KPI's targets by period."""
    return [services.TargetView.from_model(t) for t in services.list_targets(actor_of(request), name)]


@router.put("/kpis/{name}/targets", response=services.TargetView)
def set_target(request: AuthedRequest, name: str, body: TargetRequest) -> services.TargetView:
    """Set a KPI's target for a period (product leaders and admins)."""
    return services.TargetView.from_model(services.set_target(actor_of(request), name, body.period, body.value))


@router.post("/kpis/{name}/targets/import", response=list[services.TargetView],
             openapi_extra=invalid_when("a line of the CSV is not `period,target` (the message names the lines)"))
def import_targets(request: AuthedRequest, name: str, body: KpiCsvRequest) -> list[services.TargetView]:
    """Set targets from CSV text (period,target): every line checked, all or nothing."""
    return [services.TargetView.from_model(t) for t in services.import_targets(actor_of(request), name, body.csv)]


@router.get("/kpis/{name}/values", response=list[services.KpiValueView])
def values(request: AuthedRequest, name: str, date_from: date | None = None,
           date_to: date | None = None) -> list[services.KpiValueView]:
    """A KPI's daily values (computed, imported or entered by hand)."""
    return [services.KpiValueView.from_model(v)
            for v in services.kpi_values(actor_of(request), name, date_from, date_to)]


@router.post("/kpis/{name}/values", response={201: services.KpiValueView})
def enter_value(request: AuthedRequest, name: str, body: KpiValueRequest) -> Status[services.KpiValueView]:
    """Enter one day's value by hand (KPIs without a metric)."""
    row = services.enter_value(actor_of(request), name, body.date, body.value)
    return Status(201, services.KpiValueView.from_model(row))


@router.post("/kpis/{name}/values/import", response=services.ImportedValues,
             openapi_extra=invalid_when("a line of the CSV is not `date,value` (the message names the lines)"))
def import_values(request: AuthedRequest, name: str, body: KpiCsvRequest) -> services.ImportedValues:
    """Import values from CSV text (date,value): every line checked, all or nothing."""
    return services.ImportedValues(imported=services.import_values(actor_of(request), name, body.csv))


# --- alerts --------------------------------------------------------------------------------------------


@router.get("/alerts", response=list[services.AlertView])
def alerts(request: AuthedRequest, open_only: bool = False, kpi: str | None = None) -> list[services.AlertView]:
    """The alerts inbox: open ones first, each with what moved, by how much, since when and why."""
    return services.alert_views(actor_of(request), include_acknowledged=not open_only, kpi=kpi)


@router.post("/alerts/{alert_id}/acknowledge", response=services.AlertView)
def acknowledge(request: AuthedRequest, alert_id: int) -> services.AlertView:
    """Mark an alert as seen."""
    return services.AlertView.from_model(services.acknowledge_alert(actor_of(request), alert_id))


# --- vision and strategy -------------------------------------------------------------------------------


@router.get("", response=services.StrategyView)
def strategy(request: AuthedRequest, area: str | None = None) -> services.StrategyView:
    """The current vision and strategy (of the workspace, or of a product area)."""
    return services.strategy_view(actor_of(request), area)


@router.put("", response=services.StrategyView,
            openapi_extra=invalid_when("both the vision and the strategy are blank"))
def save_strategy(request: AuthedRequest, body: StrategyRequest) -> services.StrategyView:
    """Save a new version of the vision and strategy (product leaders and admins)."""
    version = services.save_strategy(actor_of(request), vision=body.vision, body=body.body, area=body.area,
                                     note=body.note)
    return services.StrategyView.from_model(version)


@router.get("/history", response=list[services.StrategyView])
def strategy_history(request: AuthedRequest, area: str | None = None) -> list[services.StrategyView]:
    """Every version: who changed the strategy and when."""
    return [services.StrategyView.from_model(v) for v in services.strategy_history(actor_of(request), area)]


@router.get("/areas", response=list[services.AreaNode])
def areas(request: AuthedRequest) -> list[services.AreaNode]:
    """Product lines → products → areas, nested."""
    return services.area_tree(actor_of(request))


@router.post("/areas", response={201: services.AreaView},
             openapi_extra=invalid_when("the parent is not of the kind above (product line → product → area)"))
def create_area(request: AuthedRequest, body: ProductAreaRequest) -> Status[services.AreaView]:
    """Add a product line, product or area (product leaders and admins)."""
    return Status(201, services.AreaView.from_model(services.create_area(actor_of(request), **body.dict())))


@router.patch("/areas/{name}", response=services.AreaView)
def rename_area(request: AuthedRequest, name: str, body: ProductAreaPatch) -> services.AreaView:
    """Rename a product area or change its description (product leaders and admins)."""
    return services.AreaView.from_model(services.rename_area(actor_of(request), name, body.name, body.description))


@router.delete("/areas/{name}", response=services.AreaDeleted)
def delete_area(request: AuthedRequest, name: str) -> services.AreaDeleted:
    """Delete a product area with nothing inside it; its goals stay without an area (product leaders and
    admins)."""
    return services.delete_area(actor_of(request), name)
