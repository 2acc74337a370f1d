"""API for decisions and the roadmap: /api/v1/planning/..."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Field, Router, Schema, Status

from headway.planning import services

router = Router(tags=["planning"])


class TeamIn(Schema):
    cost_per_week: float | None = None
    headcount: int | None = None
    weeks_per_quarter: int | None = None


class TeamOut(Schema):
    name: str
    cost_per_week: float
    headcount: int
    weeks_per_quarter: int
    capacity_weeks: float


GOAL_HELP = ("The goal it serves: a goal's id, or its title (refused when no goal or several goals have it); "
             "see GET /strategy/goals.")
KPI_HELP = "The KPI it should move: a KPI's name (e.g. ``conversion``, see GET /strategy/kpis) or id."


def _links(fields: dict[str, Any]) -> dict[str, Any]:
    """``goal_ref`` / ``kpi_ref`` (the old text fields, still accepted) become ``goal`` / ``kpi``."""
    for old, new in (("goal_ref", "goal"), ("kpi_ref", "kpi")):
        if old in fields:
            value = fields.pop(old)
            if new not in fields or fields[new] is None:
                fields[new] = value
    return fields


class InitiativeIn(Schema):
    title: str
    problem: str = ""
    hypothesis: str = ""
    product_area: str = ""
    owner: int | None = None
    team: str | None = None
    stage: str = "idea"
    kind: str = "iterate"
    duration: int = 1
    goal: int | str | None = Field(None, description=GOAL_HELP)
    kpi: int | str | None = Field(None, description=KPI_HELP)
    goal_ref: str | None = Field(None, description="Deprecated: the goal's title; use ``goal``.")
    kpi_ref: str | None = Field(None, description="Deprecated: the KPI's name; use ``kpi``.")
    expected_impact: str = ""
    demand_score: float = 0
    user_value: float = 0
    business_value: float = 0
    kano: str = ""
    effort: dict[str, float] = {}


class InitiativePatch(Schema):
    title: str | None = None
    problem: str | None = None
    hypothesis: str | None = None
    product_area: str | None = None
    owner: int | None = None
    team: str | None = None
    stage: str | None = None
    kind: str | None = None
    duration: int | None = None
    goal: int | str | None = Field(None, description=GOAL_HELP + " ``null`` or ``\"\"`` unlinks it.")
    kpi: int | str | None = Field(None, description=KPI_HELP + " ``null`` or ``\"\"`` unlinks it.")
    goal_ref: str | None = Field(None, description="Deprecated: the goal's title; use ``goal``.")
    kpi_ref: str | None = Field(None, description="Deprecated: the KPI's name; use ``kpi``.")
    expected_impact: str | None = None
    demand_score: float | None = None
    user_value: float | None = None
    business_value: float | None = None
    kano: str | None = None
    effort: dict[str, float] | None = None


class BacklogOut(Schema):
    id: int
    title: str
    stage: str
    kind: str
    team: str
    product_area: str
    effort_weeks: float
    duration: int
    cost: float
    demand: float
    user_value: float
    business_value: float
    score: float | None
    normalised: float | None
    stale: list[str]
    quarter: str


class DependencyIn(Schema):
    target: int
    type: str = "requires"


class CommentIn(Schema):
    body: str


class AttachmentIn(Schema):
    title: str = ""
    url: str


class ScoringIn(Schema):
    name: str
    framework: str
    formula: str = ""
    weights: dict[str, float] = {}
    stale_after_days: int = 90
    primary: bool = False


class ScoringOut(Schema):
    name: str
    framework: str
    formula: str
    weights: dict[str, float]
    stale_after_days: int
    primary: bool


class ScoreRunOut(Schema):
    model: str
    scores: dict[int, float]
    normalised: dict[int, float]
    skipped: dict[int, str]


class TradeoffOut(Schema):
    id: int
    title: str
    kind: str
    x: float
    y: float
    frontier: bool


class MixOut(Schema):
    kind: str
    cost: float
    share: float
    target: float
    difference: float


class PlanIn(Schema):
    budget: float | None = None
    quarters: int = 4
    start: str | None = None
    objective: str = "score"
    user_weight: float = 1.0
    business_weight: float = 1.0
    must: list[int] = []
    exclude: list[int] = []
    extra_headcount: dict[str, int] = {}
    mix_min: dict[str, float] = {}
    mix_max: dict[str, float] = {}
    target_mix: str = "70/20/10"
    cover_goals: list[int | str] = Field([], description="Goals at least one chosen initiative must serve, each "
                                         "by id or title.")
    time_limit: float = 10.0
    scenario: str | None = None
    explain: bool = True


class NamedInitiativeOut(Schema):
    id: int
    title: str


class WhatIfOut(Schema):
    """The best plan after one change, and how sure it is."""

    change: str
    value: float
    delta: float
    added: list[NamedInitiativeOut]
    removed: list[NamedInitiativeOut]
    optimal: bool = Field(description="proven optimal")
    bound: float | None = Field(description="the highest value the change could bring (None: no bound found)")
    gap: float | None = Field(description="(bound - value) / value; 0 when proven")
    certainty: str = Field(description="'proven', 'within 0.1 %' or 'bound unknown'")


class PlanItemOut(Schema):
    id: int
    title: str
    kind: str
    team: str
    quarter: str
    duration: int = Field(description="quarters it runs, from its start quarter")
    cost: float
    effort_weeks: float
    value: float


class ConstraintOut(Schema):
    name: str
    used: float
    limit: float
    binding: bool


class LeftOutOut(Schema):
    id: int
    title: str
    reason: str


class PlanOut(Schema):
    """The optimal plan; with ``explain`` also the constraints, what-ifs and why each left-out item is out."""

    scenario: str | None
    request: dict[str, Any]
    quarters: list[str]
    value: float
    bound: float
    gap: float | None
    optimal: bool
    certainty: str
    status: str
    seconds: float
    cost: float
    budget: float | None
    items: list[PlanItemOut]
    mix: list[MixOut]
    constraints: list[ConstraintOut] | None = None
    binding: list[str] | None = None
    budget_plus_10: WhatIfOut | None = None
    extra_engineer: dict[str, WhatIfOut] | None = None
    left_out: list[LeftOutOut] | None = None


class ScenarioOut(Schema):
    name: str
    value: float
    optimal: bool
    gap: float
    created_by: str
    created_at: datetime
    constraints: dict[str, Any]
    result: dict[str, Any]


class PlaceIn(Schema):
    quarter: str
    commitment: str = "likely"


class RoadmapOut(Schema):
    audience: str
    quarters: list[str]
    columns: list[str]
    rows: list[dict[str, Any]]


class CapacityOut(Schema):
    team: str
    quarter: str
    planned_weeks: float
    capacity_weeks: float
    cost: float
    load: float


def _actor(request: HttpRequest) -> Any:
    return request.user


# --- teams and initiatives -----------------------------------------------------------------------------


@router.get("/teams", response=list[TeamOut])
def list_teams(request: HttpRequest) -> object:
    """Delivery teams with their loaded cost per person-week and capacity per quarter."""
    return services.list_teams(_actor(request))


@router.put("/teams/{name}", response=TeamOut)
def save_team(request: HttpRequest, name: str, payload: TeamIn) -> object:
    """Create or change a team (needs plans.edit); a negative cost is refused."""
    return services.save_team(_actor(request), name, **payload.dict(exclude_none=True))


@router.get("/initiatives", response=list[BacklogOut])
def backlog(request: HttpRequest, model: str | None = None, sort: str = "score", descending: bool = True,
            open_only: bool = True) -> object:
    """The backlog: each initiative with its current score under a scoring setup (default the primary one)."""
    return services.backlog(_actor(request), model_name=model, sort=sort, descending=descending,
                            open_only=open_only)


@router.post("/initiatives", response={201: dict[str, Any]})
def create_initiative(request: HttpRequest, payload: InitiativeIn) -> Status:
    """Propose an idea (needs ideas.edit); ``effort`` maps team name to person-weeks."""
    fields = _links(payload.dict())
    effort = fields.pop("effort")
    created = services.create_initiative(_actor(request), effort=effort, **fields)
    return Status(201, services.initiative_detail(_actor(request), created.pk))


@router.get("/initiatives/{int:initiative_id}", response=dict[str, Any])
def get_initiative(request: HttpRequest, initiative_id: int) -> dict[str, Any]:
    """One initiative: fields, effort and cost, dependencies, scores with stale flags, history, comments."""
    return services.initiative_detail(_actor(request), initiative_id)


@router.patch("/initiatives/{int:initiative_id}", response=dict[str, Any])
def update_initiative(request: HttpRequest, initiative_id: int, payload: InitiativePatch) -> dict[str, Any]:
    """Change an initiative; a stage change is kept in its history (needs ideas.edit)."""
    fields = _links(payload.dict(exclude_unset=True))
    effort = fields.pop("effort", None)
    services.update_initiative(_actor(request), initiative_id, effort=effort, **fields)
    return services.initiative_detail(_actor(request), initiative_id)


@router.delete("/initiatives/{int:initiative_id}", response={204: None})
def delete_initiative(request: HttpRequest, initiative_id: int) -> Status:
    """Delete an initiative (needs plans.edit)."""
    services.delete_initiative(_actor(request), initiative_id)
    return Status(204, None)


@router.post("/initiatives/{initiative_id}/dependencies", response={201: dict[str, Any]})
def add_dependency(request: HttpRequest, initiative_id: int, payload: DependencyIn) -> Status:
    """``requires`` (a cycle is refused and named) or ``conflicts`` with another initiative."""
    dep = services.add_dependency(_actor(request), initiative_id, payload.target, payload.type)
    return Status(201, {"source": dep.source_id, "target": dep.target_id, "type": dep.type})


@router.delete("/initiatives/{initiative_id}/dependencies/{target_id}", response={204: None})
def remove_dependency(request: HttpRequest, initiative_id: int, target_id: int) -> Status:
    """Remove the links from one initiative to another."""
    services.remove_dependency(_actor(request), initiative_id, target_id)
    return Status(204, None)


@router.post("/initiatives/{initiative_id}/comments", response={201: dict[str, Any]})
def add_comment(request: HttpRequest, initiative_id: int, payload: CommentIn) -> Status:
    """Comment on an initiative (needs comments.create)."""
    comment = services.add_comment(_actor(request), initiative_id, payload.body)
    return Status(201, {"author": comment.author_label, "body": comment.body, "at": comment.at})


@router.post("/initiatives/{initiative_id}/attachments", response={201: dict[str, Any]})
def add_attachment(request: HttpRequest, initiative_id: int, payload: AttachmentIn) -> Status:
    """Attach a link (document, design, ticket)."""
    link = services.add_attachment(_actor(request), initiative_id, payload.title, payload.url)
    return Status(201, {"title": link.title, "url": link.url})


@router.put("/initiatives/{initiative_id}/inputs", response=dict[str, Any])
def set_inputs(request: HttpRequest, initiative_id: int, payload: dict[str, float] = Body(...)) -> dict[str, Any]:
    """Set scoring inputs (name → number, e.g. ``{"reach": 1200, "impact": 2}``)."""
    return services.set_inputs(_actor(request), initiative_id, payload).inputs


@router.post("/initiatives/{initiative_id}/reach", response=dict[str, Any])
def reach_from_analytics(request: HttpRequest, initiative_id: int, event: str, days: int = 30) -> dict[str, Any]:
    """Set reach to the persons who did ``event`` in the last 7 or 30 days (from the events store)."""
    return services.reach_from_analytics(_actor(request), initiative_id, event, days).inputs


@router.post("/initiatives/{initiative_id}/impact", response=dict[str, Any])
def impact_from_kpi(request: HttpRequest, initiative_id: int) -> dict[str, Any]:
    """Set RICE impact from the expected impact on the linked KPI (a share of its latest value)."""
    return services.impact_from_kpi(_actor(request), initiative_id).inputs


@router.post("/initiatives/import", response=services.ImportReport)
def import_csv(request: HttpRequest, source: str, team: str | None = None) -> object:
    """Import a Jira or Linear CSV export sent as the request body (``source=jira|linear``): all rows or none."""
    return services.import_csv(_actor(request), request.body.decode("utf-8-sig", errors="replace"), source,
                               team=team)


# --- scoring and trade-offs ----------------------------------------------------------------------------


@router.get("/scoring", response=list[ScoringOut])
def list_scoring(request: HttpRequest) -> object:
    """Scoring setups, the primary one first."""
    return services.list_scoring_models(_actor(request))


@router.post("/scoring", response={201: ScoringOut})
def save_scoring(request: HttpRequest, payload: ScoringIn) -> Status:
    """Create or change a scoring setup (needs plans.edit); a formula error names the wrong token and column."""
    return Status(201, services.save_scoring_model(_actor(request), **payload.dict()))


@router.post("/scoring/run", response=ScoreRunOut)
def run_scoring(request: HttpRequest, model: str | None = None) -> object:
    """Score every open initiative with a setup and keep the history."""
    return services.score_all(_actor(request), model)


@router.get("/tradeoffs", response=list[TradeoffOut])
def tradeoffs(request: HttpRequest, x: str = "user_value", y: str = "business_value") -> object:
    """Open initiatives on two axes (fields or ``score:SETUP``) with the Pareto frontier marked."""
    return services.tradeoffs(_actor(request), x, y)


@router.get("/mix", response=list[MixOut])
def mix(request: HttpRequest, ids: str, target: str = "70/20/10") -> object:
    """The innovate/iterate/maintain mix (shares of cost) of the initiatives ``ids`` (comma-separated)."""
    problems: dict[str, str] = {}
    chosen = services._ids(ids, "ids", problems)
    services._raise(problems, "The ids are not valid")
    return services.mix(_actor(request), chosen, target)


# --- optimiser and scenarios ---------------------------------------------------------------------------


@router.post("/optimize", response=PlanOut, exclude_unset=True)
def optimize(request: HttpRequest, payload: PlanIn) -> dict[str, Any]:
    """The optimal portfolio with its explanation; saved as a scenario when ``scenario`` is given."""
    data = payload.dict()
    scenario, explain = data.pop("scenario"), data.pop("explain")
    return services.optimise(_actor(request), data, scenario=scenario, explain=explain)


@router.get("/scenarios", response=list[ScenarioOut])
def list_scenarios(request: HttpRequest) -> object:
    """Saved scenarios."""
    return services.list_scenarios(_actor(request))


@router.get("/scenarios/compare", response=dict[str, Any])
def compare(request: HttpRequest, names: str) -> dict[str, Any]:
    """Scenarios side by side (``names`` comma-separated)."""
    return services.compare_scenarios(_actor(request), [n for n in names.split(",") if n.strip()])


@router.get("/scenarios/{name}", response=ScenarioOut)
def get_scenario(request: HttpRequest, name: str) -> object:
    """One saved scenario with its constraints and plan."""
    return services.get_scenario(_actor(request), name)


@router.post("/scenarios/{name}/apply", response=dict[str, int])
def apply_scenario(request: HttpRequest, name: str, commitment: str = "auto") -> dict[str, int]:
    """Put a scenario's plan on the roadmap (needs plans.edit)."""
    return {"placed": services.apply_scenario(_actor(request), name, commitment)}


@router.delete("/scenarios/{name}", response={204: None})
def delete_scenario(request: HttpRequest, name: str) -> Status:
    """Delete a saved scenario."""
    services.delete_scenario(_actor(request), name)
    return Status(204, None)


# --- roadmap -------------------------------------------------------------------------------------------


@router.get("/roadmap", response=RoadmapOut)
def roadmap(request: HttpRequest, audience: str = "leadership") -> object:
    """The roadmap as one audience sees it: leadership, engineering, design, marketing or sales."""
    return services.roadmap(_actor(request), audience)


@router.get("/roadmap/export")
def export(request: HttpRequest, format: str = "csv", audience: str = "leadership") -> HttpResponse:
    """The roadmap as CSV (``format=csv``) or Markdown (``format=md``)."""
    from headway.core.errors import ValidationError

    if format not in ("csv", "md"):
        raise ValidationError(f"There is no export format {format!r}: choose csv or md.")
    if format == "csv":
        body, kind = services.export_csv(_actor(request), audience), "text/csv"
    else:
        body, kind = services.export_markdown(_actor(request), audience), "text/markdown"
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roadmap-{audience}-{date.today()}.{format}"'
    return response


@router.put("/roadmap/{initiative_id}", response=dict[str, str])
def place(request: HttpRequest, initiative_id: int, payload: PlaceIn) -> dict[str, str]:
    """Put an initiative on the roadmap in a quarter with a commitment level (needs plans.edit)."""
    item = services.place(_actor(request), initiative_id, payload.quarter, payload.commitment)
    return {"quarter": item.quarter, "commitment": item.commitment}


@router.delete("/roadmap/{initiative_id}", response={204: None})
def unplace(request: HttpRequest, initiative_id: int) -> Status:
    """Take an initiative off the roadmap."""
    services.unplace(_actor(request), initiative_id)
    return Status(204, None)


@router.get("/capacity", response=list[CapacityOut])
def capacity(request: HttpRequest, quarters: int = 4, start: str | None = None) -> object:
    """Planned person-weeks, capacity and cost per team and quarter."""
    return services.capacity(_actor(request), count=max(1, min(quarters, 8)), start=start)
