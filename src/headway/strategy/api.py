"""API for strategy: /api/v1/goals, /kpis (targets, values, progress), /alerts and /strategy (document, areas)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from headway.strategy import services

router = Router(tags=["strategy"])
MAX_SPARK_DAYS = 366

# A goal (services.GoalView), a KPI (services.KpiSummary) and a refresh (services.RefreshReport) are described
# once, in the services: the API answers the fields the CLI and the pages show.


def _user(request: HttpRequest) -> Any:
    return request.user


class GoalIn(Schema):
    title: str
    period: str = "current"
    level: str = "product"
    owner: str | None = None
    parent: int | None = None
    area: str | None = None
    description: str = ""
    key_results: list[str] = []


class GoalPatch(Schema):
    status: str | None = None
    confidence: float | None = None
    comment: str = ""
    title: str | None = None
    owner: str | None = None
    period: str | None = None
    key_results: list[str] | None = None


class GoalUpdateOut(Schema):
    status: str
    confidence: int
    comment: str
    author: str
    at: datetime


class KpiIn(Schema):
    name: str
    label: str
    metric: str = ""
    unit: str = "count"
    direction: str = "higher"
    aggregation: str = "sum"
    owner: str | None = None
    parent: str | None = None
    north_star: bool = False
    description: str = ""


class TargetIn(Schema):
    period: str
    value: float | str


class TargetOut(Schema):
    kpi: str
    period: str
    period_start: date
    period_end: date
    value: float


class ValueOut(Schema):
    date: date
    value: float
    origin: str


class ValueIn(Schema):
    date: date
    value: float | str


class CsvIn(Schema):
    csv: str


class AlertOut(Schema):
    id: int
    kpi: str
    kind: str
    direction: str
    since: date
    until: date
    weeks_or_days: int
    actual: float
    expected: float
    delta: float
    delta_pct: float | None
    message: str
    breakdown: dict[str, Any] | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class StrategyOut(Schema):
    area: str | None
    version: int
    vision: str
    body: str
    html: str
    note: str
    author: str
    at: datetime


class StrategyIn(Schema):
    vision: str = ""
    body: str = ""
    area: str | None = None
    note: str = ""


class AreaIn(Schema):
    name: str
    kind: str
    parent: str | None = None
    description: str = ""


def _target(t: Any) -> dict[str, Any]:
    return {"kpi": t.kpi.name, "period": t.period.name, "period_start": t.period.start,
            "period_end": t.period.end, "value": t.value}


def _alert(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "kpi": a.kpi.name, "kind": a.kind, "direction": a.direction, "since": a.since,
            "until": a.until, "weeks_or_days": a.slots, "actual": a.actual, "expected": a.expected,
            "delta": a.delta, "delta_pct": a.delta_pct, "message": a.message, "breakdown": a.breakdown,
            "acknowledged_at": a.acknowledged_at,
            "acknowledged_by": a.acknowledged_by.username if a.acknowledged_by else None}


def _version(v: Any) -> dict[str, Any]:
    return {"area": v.area.name if v.area else None, "version": v.version, "vision": v.vision, "body": v.body,
            "html": services.render_markdown(v.body), "note": v.note,
            "author": v.author.username if v.author else "system", "at": v.created_at}


# --- goals ---------------------------------------------------------------------------------------------


@router.get("/goals", response=list[services.GoalView])
def goals(request: HttpRequest, period: str | None = None) -> Any:
    """Goals as an alignment tree (company objectives with the product goals that support them)."""
    user = _user(request)
    return services.goal_views(user, services.list_goals(user, period))


@router.post("/goals", response={201: services.GoalView})
def create_goal(request: HttpRequest, body: GoalIn) -> Any:
    """Add a goal (product leaders and admins)."""
    user = _user(request)
    goal = services.create_goal(user, **body.dict())
    return 201, services.goal_views(user, [services.get_goal(user, goal.pk)])[0]


@router.get("/goals/{goal_id}", response=services.GoalView)
def goal(request: HttpRequest, goal_id: int) -> Any:
    """One goal with its key results' progress."""
    user = _user(request)
    return services.goal_views(user, [services.get_goal(user, goal_id)])[0]


@router.patch("/goals/{goal_id}", response=services.GoalView)
def update_goal(request: HttpRequest, goal_id: int, body: GoalPatch) -> Any:
    """Change a goal; status or confidence with a comment is a check-in kept in its history."""
    user = _user(request)
    services.update_goal(user, goal_id, **body.dict())
    return services.goal_views(user, [services.get_goal(user, goal_id)])[0]


@router.get("/goals/{goal_id}/updates", response=list[GoalUpdateOut])
def goal_updates(request: HttpRequest, goal_id: int) -> Any:
    """A goal's check-ins, newest first."""
    return [{"status": u.status, "confidence": u.confidence, "comment": u.comment,
             "author": u.author.username if u.author else "system", "at": u.created_at}
            for u in services.goal_updates(_user(request), goal_id)]


# --- KPIs ----------------------------------------------------------------------------------------------


@router.get("/kpis", response=list[services.KpiSummary])
def kpis(request: HttpRequest, period: str | None = None,
         spark_days: int = Query(0, ge=0, le=MAX_SPARK_DAYS)) -> Any:
    """Every KPI with its progress for a period (default: the current fiscal quarter); ``spark_days``: the last
    days' values in ``spark``, as the dashboard's sparklines."""
    return services.kpi_summaries(_user(request), period, spark_days=spark_days)


@router.post("/kpis", response={201: services.KpiSummary})
def create_kpi(request: HttpRequest, body: KpiIn) -> Any:
    """Define a KPI bound to a catalogue metric, or (no metric) to imported / hand-entered values."""
    user = _user(request)
    kpi = services.create_kpi(user, **body.dict())
    return 201, services.kpi_summary(user, kpi.name)


# /kpis/refresh comes before /kpis/{name}, which would otherwise take it (and answer 405 to a POST).
@router.post("/kpis/refresh", response=services.RefreshReport)
def refresh(request: HttpRequest, as_of: date | None = None) -> Any:
    """Recompute KPI values, progress and alerts (normally done daily by `headway kpi refresh`)."""
    return services.refresh_kpis(_user(request), as_of=as_of)


@router.get("/kpis/{name}", response=services.KpiSummary)
def kpi(request: HttpRequest, name: str, period: str | None = None) -> Any:
    """One KPI: current value, period to date, projection with interval, status and its rule."""
    return services.kpi_summary(_user(request), name, period)


@router.get("/kpis/{name}/targets", response=list[TargetOut])
def targets(request: HttpRequest, name: str) -> Any:
    """A KPI's targets by period."""
    return [_target(t) for t in services.list_targets(_user(request), name)]


@router.put("/kpis/{name}/targets", response=TargetOut)
def set_target(request: HttpRequest, name: str, body: TargetIn) -> Any:
    """Set a KPI's target for a period (product leaders and admins)."""
    return _target(services.set_target(_user(request), name, body.period, body.value))


@router.post("/kpis/{name}/targets/import", response=list[TargetOut])
def import_targets(request: HttpRequest, name: str, body: CsvIn) -> Any:
    """Set targets from CSV text (period,target): every line checked, all or nothing."""
    return [_target(t) for t in services.import_targets(_user(request), name, body.csv)]


@router.get("/kpis/{name}/values", response=list[ValueOut])
def values(request: HttpRequest, name: str, date_from: date | None = None, date_to: date | None = None) -> Any:
    """A KPI's daily values (computed, imported or entered by hand)."""
    return [{"date": v.date, "value": v.value, "origin": v.origin}
            for v in services.kpi_values(_user(request), name, date_from, date_to)]


@router.post("/kpis/{name}/values", response={201: ValueOut})
def enter_value(request: HttpRequest, name: str, body: ValueIn) -> Any:
    """Enter one day's value by hand (KPIs without a metric)."""
    row = services.enter_value(_user(request), name, body.date, body.value)
    return 201, {"date": row.date, "value": row.value, "origin": row.origin}


@router.post("/kpis/{name}/values/import", response=dict[str, int])
def import_values(request: HttpRequest, name: str, body: CsvIn) -> Any:
    """Import values from CSV text (date,value): every line checked, all or nothing."""
    return {"imported": services.import_values(_user(request), name, body.csv)}


# --- alerts --------------------------------------------------------------------------------------------


@router.get("/alerts", response=list[AlertOut])
def alerts(request: HttpRequest, open_only: bool = False, kpi: str | None = None) -> Any:
    """The alerts inbox: open ones first, each with what moved, by how much, since when and why."""
    return [_alert(a) for a in services.list_alerts(_user(request), include_acknowledged=not open_only, kpi=kpi)]


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut)
def acknowledge(request: HttpRequest, alert_id: int) -> Any:
    """Mark an alert as seen."""
    return _alert(services.acknowledge_alert(_user(request), alert_id))


# --- vision and strategy -------------------------------------------------------------------------------


@router.get("/strategy", response=StrategyOut)
def strategy(request: HttpRequest, area: str | None = None) -> Any:
    """The current vision and strategy (of the workspace, or of a product area)."""
    from headway.core.errors import NotFound

    version = services.current_strategy(_user(request), area)
    if version is None:
        raise NotFound("No strategy written yet: PUT /api/v1/strategy with a vision and a body.")
    return _version(version)


@router.put("/strategy", response=StrategyOut)
def save_strategy(request: HttpRequest, body: StrategyIn) -> Any:
    """Save a new version of the vision and strategy (product leaders and admins)."""
    return _version(services.save_strategy(_user(request), vision=body.vision, body=body.body, area=body.area,
                                           note=body.note))


@router.get("/strategy/history", response=list[StrategyOut])
def strategy_history(request: HttpRequest, area: str | None = None) -> Any:
    """Every version: who changed the strategy and when."""
    return [_version(v) for v in services.strategy_history(_user(request), area)]


@router.get("/strategy/areas", response=list[dict[str, Any]])
def areas(request: HttpRequest) -> Any:
    """Product lines → products → areas, nested."""
    return services.area_tree(_user(request))


@router.post("/strategy/areas", response={201: dict[str, Any]})
def create_area(request: HttpRequest, body: AreaIn) -> Any:
    """Add a product line, product or area (product leaders and admins)."""
    area = services.create_area(_user(request), **body.dict())
    return 201, {"name": area.name, "kind": area.kind, "parent": area.parent.name if area.parent else None}
