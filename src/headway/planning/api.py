"""API for decisions and the roadmap: /api/v1/planning/..."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.params.functions import Body as body_param
from ninja.params.functions import Path as path_param
from ninja.params.functions import Query as query_param

from headway.core import jobs
from headway.core.errors import ValidationError
from headway.core.http import AuthedRequest, actor_of, declared, invalid_when
from headway.core.jobs import JobView
from headway.core.request_rules import NONBLANK, one_of, required_text, stated, text_pattern
from headway.planning import services
from headway.planning.engine.scoring import KANO_CATEGORIES
from headway.planning.models import Commitment, Dependency, Framework, Initiative, Kind, Stage

QUARTER = r"^\s*[0-9]{4}-[Qq][1-4]\s*$"  # services.quarter_index's YEAR-Qn
REFERENCES = "a goal, KPI, owner or team named in it does not exist"
OPTIMISE_RULES = ("the target mix is not like 70/20/10, a mix share is not a share of innovate, iterate or "
                  "maintain, time_limit is above your role's cap, or a goal, initiative or scoring setup named "
                  "does not exist")

router = Router(tags=["planning"])


class TeamRequest(Schema):
    cost_per_week: float | None = stated(None, minimum=0)
    headcount: int | None = stated(None, minimum=0, maximum=10_000)
    weeks_per_quarter: int | None = stated(None, minimum=0, maximum=10_000)


class TeamOut(Schema):
    name: str
    cost_per_week: float
    headcount: int
    weeks_per_quarter: int
    capacity_weeks: float
    attrition: float = 0.0


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


class InitiativeRequest(Schema):
    title: str = required_text(200)
    problem: str = ""
    hypothesis: str = ""
    product_area: str = ""
    owner: int | None = None
    team: str | None = None
    stage: str = one_of(Stage.values, Stage.IDEA.value)
    kind: str = one_of(Kind.values, Kind.ITERATE.value)
    duration: int = stated(1, minimum=1, maximum=services.MAX_QUARTERS)
    goal: int | str | None = Field(None, description=GOAL_HELP)
    kpi: int | str | None = Field(None, description=KPI_HELP)
    goal_ref: str | None = Field(None, description="Deprecated: the goal's title; use ``goal``.")
    kpi_ref: str | None = Field(None, description="Deprecated: the KPI's name; use ``kpi``.")
    expected_impact: str = ""
    demand_score: float = stated(0, minimum=0)
    user_value: float = stated(0, minimum=0, maximum=10)
    business_value: float = stated(0, minimum=0, maximum=10)
    kano: str = one_of(["", *KANO_CATEGORIES], "")
    effort: dict[str, float] = stated({}, additionalProperties={"type": "number", "minimum": 0})


class InitiativePatchRequest(Schema):
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


class DependencyRequest(Schema):
    target: int
    type: str = one_of(Dependency.Type.values, Dependency.Type.REQUIRES.value)


class CommentRequest(Schema):
    body: str = stated(pattern=NONBLANK)


class AttachmentRequest(Schema):
    title: str = ""
    url: str = stated(pattern=r"^\s*https?://[^\s\x1c-\x1f]{3,490}\s*$")  # add_attachment's rule


class ScoringRequest(Schema):
    name: str = required_text(60)
    framework: str = one_of(Framework.values)
    formula: str = ""
    weights: dict[str, float] = {}
    stale_after_days: int = stated(90, minimum=1)
    primary: bool = False


class ScoringOut(Schema):
    name: str
    framework: str
    formula: str
    weights: dict[str, float]
    stale_after_days: int
    primary: bool


class OptimiseRequest(Schema):
    budget: float | None = stated(None, minimum=0)
    quarters: int = stated(4, minimum=1, maximum=services.MAX_QUARTERS)
    start: str | None = stated(None, pattern=QUARTER)
    objective: str = stated("score", pattern=r"^\s*(score|demand|value)\s*$|^\s*score:")
    user_weight: float = stated(1.0, minimum=0)
    business_weight: float = stated(1.0, minimum=0)
    must: list[int] = []
    exclude: list[int] = []
    extra_headcount: dict[str, int] = {}
    mix_min: dict[str, float] = {}
    mix_max: dict[str, float] = {}
    target_mix: str = "70/20/10"
    cover_goals: list[int | str] = Field([], description="Goals at least one chosen initiative must serve, each "
                                         "by id or title.")
    time_limit: float = stated(10.0, minimum=0.1)
    hire: list[str] = Field([], description="Teams the plan may hire in (their roles, see GET /planning/roles).")
    decided: bool = Field(True, description="With hire: the hiring plan's approved and open openings are hires "
                                            "the plan makes for sure (false: leave them out).")
    scenario: str | None = None
    explain: bool = True



class ScenarioOut(Schema):
    name: str
    value: float
    optimal: bool
    gap: float
    created_by: str
    created_at: datetime
    constraints: dict[str, Any]
    result: dict[str, Any]


class PlaceRequest(Schema):
    quarter: str = stated(pattern=QUARTER)
    commitment: str = one_of(Commitment.values, Commitment.LIKELY.value)


class DependencyOut(Schema):
    source: int
    target: int
    type: str


# --- teams and initiatives -----------------------------------------------------------------------------


@router.get("/teams", response=list[TeamOut])
def list_teams(request: AuthedRequest) -> object:
    """Delivery teams with their loaded cost per person-week and capacity per quarter."""
    return services.list_teams(actor_of(request))


@router.put("/teams/{name}", response=TeamOut)
def save_team(request: AuthedRequest, payload: TeamRequest,
              name: str = declared(path_param(...), pattern=text_pattern(100))) -> object:
    """Create or change a team (needs plans.edit); a negative cost is refused."""
    return services.save_team(actor_of(request), name, **payload.dict(exclude_none=True))


@router.get("/initiatives", response=list[services.BacklogRow])
def backlog(request: AuthedRequest, model: str | None = None,
            sort: str = declared(query_param("score"), enum=services.BACKLOG_SORTS),
            descending: bool = True,
            open_only: bool = True) -> list[services.BacklogRow]:
    """The backlog: each initiative with its current score under a scoring setup (default the primary one)."""
    return services.backlog(actor_of(request), model_name=model, sort=sort, descending=descending,
                            open_only=open_only)


@router.post("/initiatives", response={201: services.InitiativeDetail}, by_alias=True,
             openapi_extra=invalid_when(REFERENCES))
def create_initiative(request: AuthedRequest, payload: InitiativeRequest) -> Status[Any]:
    """Propose an idea (needs ideas.edit); ``effort`` maps team name to person-weeks."""
    fields = _links(payload.dict())
    effort = fields.pop("effort")
    created = services.create_initiative(actor_of(request), effort=effort, **fields)
    return Status(201, services.initiative_detail(actor_of(request), created.pk))


@router.get("/initiatives/{int:initiative_id}", response=services.InitiativeDetail, by_alias=True)
def get_initiative(request: AuthedRequest, initiative_id: int) -> services.InitiativeDetail:
    """One initiative: fields, effort and cost, dependencies, scores with stale flags, history, comments."""
    return services.initiative_detail(actor_of(request), initiative_id)


@router.patch("/initiatives/{int:initiative_id}", response=services.InitiativeDetail, by_alias=True)
def update_initiative(request: AuthedRequest, initiative_id: int,
                      payload: InitiativePatchRequest) -> services.InitiativeDetail:
    """Change an initiative; a stage change is kept in its history (needs ideas.edit)."""
    fields = _links(payload.dict(exclude_unset=True))
    effort = fields.pop("effort", None)
    services.update_initiative(actor_of(request), initiative_id, effort=effort, **fields)
    return services.initiative_detail(actor_of(request), initiative_id)


@router.delete("/initiatives/{int:initiative_id}", response={204: None})
def delete_initiative(request: AuthedRequest, initiative_id: int) -> Status[Any]:
    """Delete an initiative (needs plans.edit)."""
    services.delete_initiative(actor_of(request), initiative_id)
    return Status(204, None)


@router.post("/initiatives/{initiative_id}/dependencies", response={201: DependencyOut},
             openapi_extra=invalid_when("the target is the initiative itself, or the link would make a cycle"))
def add_dependency(request: AuthedRequest, initiative_id: int, payload: DependencyRequest) -> Status[Any]:
    """``requires`` (a cycle is refused and named) or ``conflicts`` with another initiative."""
    dep = services.add_dependency(actor_of(request), initiative_id, payload.target, payload.type)
    return Status(201, DependencyOut(source=dep.source_id, target=dep.target_id, type=dep.type))


@router.delete("/initiatives/{initiative_id}/dependencies/{target_id}", response={204: None})
def remove_dependency(request: AuthedRequest, initiative_id: int, target_id: int) -> Status[Any]:
    """Remove the links from one initiative to another."""
    services.remove_dependency(actor_of(request), initiative_id, target_id)
    return Status(204, None)


@router.post("/initiatives/{initiative_id}/comments", response={201: services.CommentNote})
def add_comment(request: AuthedRequest, initiative_id: int, payload: CommentRequest) -> Status[Any]:
    """Comment on an initiative (needs comments.create)."""
    comment = services.add_comment(actor_of(request), initiative_id, payload.body)
    return Status(201, services.CommentNote.of(comment))


@router.post("/initiatives/{initiative_id}/attachments", response={201: services.AttachedLink})
def add_attachment(request: AuthedRequest, initiative_id: int, payload: AttachmentRequest) -> Status[Any]:
    """Attach a link (document, design, ticket)."""
    link = services.add_attachment(actor_of(request), initiative_id, payload.title, payload.url)
    return Status(201, services.AttachedLink(title=link.title, url=link.url))


Inputs = dict[str, dict[str, float | str]]
"""Scoring inputs: name → its ``value``, ``source``, ``at`` (ISO time) and ``detail``."""


def _inputs(initiative: Initiative) -> Inputs:
    """An initiative's scoring inputs (its JSON field, written only by ``services.set_inputs`` in this shape)."""
    return cast(Inputs, initiative.inputs)


@router.put("/initiatives/{initiative_id}/inputs", response=Inputs)
def set_inputs(request: AuthedRequest, initiative_id: int,
               payload: dict[str, float] = declared(body_param(...), propertyNames={
                   "pattern": r"^[a-z_][a-z0-9_]{0,39}$", "not": {"enum": sorted(services.DERIVED)}})) -> Inputs:
    """Set scoring inputs (name → number, e.g. ``{"reach": 1200, "impact": 2}``)."""
    return _inputs(services.set_inputs(actor_of(request), initiative_id, payload))


@router.post("/initiatives/{initiative_id}/reach", response=Inputs)
def reach_from_analytics(request: AuthedRequest, initiative_id: int,
                         event: str = declared(query_param(...), pattern=NONBLANK),
                         days: int = declared(query_param(30), enum=[7, 30])) -> Inputs:
    """Set reach to the persons who did ``event`` in the last 7 or 30 days (from the events store)."""
    return _inputs(services.reach_from_analytics(actor_of(request), initiative_id, event, days))


@router.post("/initiatives/{initiative_id}/impact", response=Inputs)
def impact_from_kpi(request: AuthedRequest, initiative_id: int) -> Inputs:
    """Set RICE impact from the expected impact on the linked KPI (a share of its latest value)."""
    return _inputs(services.impact_from_kpi(actor_of(request), initiative_id))


@router.post("/initiatives/import", response=services.ImportReport,
             openapi_extra=invalid_when("a row of the CSV is not valid or names a team that does not exist"))
def import_csv(request: AuthedRequest, source: str = declared(query_param(...), enum=["jira", "linear"]),
               team: str | None = None) -> services.ImportReport:
    """Import a Jira or Linear CSV export sent as the request body (``source=jira|linear``): all rows or none."""
    return services.import_csv(actor_of(request), request.body.decode("utf-8-sig", errors="replace"), source,
                               team=team)


# --- scoring and trade-offs ----------------------------------------------------------------------------


@router.get("/scoring", response=list[ScoringOut])
def list_scoring(request: AuthedRequest) -> object:
    """Scoring setups, the primary one first."""
    return services.list_scoring_models(actor_of(request))


@router.post("/scoring", response={201: ScoringOut}, openapi_extra=invalid_when(
    "the formula does not parse (the message names the token), or the framework's weights are missing"))
def save_scoring(request: AuthedRequest, payload: ScoringRequest) -> Status[Any]:
    """Create or change a scoring setup (needs plans.edit); a formula error names the wrong token and column."""
    return Status(201, services.save_scoring_model(actor_of(request), **payload.dict()))


@router.post("/scoring/run", response=services.ScoreRun)
def run_scoring(request: AuthedRequest, model: str | None = None) -> services.ScoreRun:
    """Score every open initiative with a setup and keep the history."""
    return services.score_all(actor_of(request), model)


@router.get("/tradeoffs", response=list[services.TradeoffPoint])
def tradeoffs(request: AuthedRequest, x: str = "user_value", y: str = "business_value") -> list[services.TradeoffPoint]:
    """Open initiatives on two axes (fields or ``score:SETUP``) with the Pareto frontier marked."""
    return services.tradeoffs(actor_of(request), x, y)


@router.get("/mix", response=list[services.MixRow])
def mix(request: AuthedRequest, ids: str, target: str = "70/20/10") -> list[services.MixRow]:
    """The innovate/iterate/maintain mix (shares of cost) of the initiatives ``ids`` (comma-separated)."""
    return services.mix(actor_of(request), services.initiative_ids(ids), target)


# --- optimiser and scenarios ---------------------------------------------------------------------------


@router.post("/optimise", response=services.OptimisedPlan, exclude_unset=True,
             openapi_extra=invalid_when(OPTIMISE_RULES))
def optimise(request: AuthedRequest, payload: OptimiseRequest) -> services.OptimisedPlan:
    """The optimal portfolio with its explanation; saved as a scenario when ``scenario`` is given."""
    data = payload.dict()
    scenario, explain = data.pop("scenario"), data.pop("explain")
    return services.optimise(actor_of(request), data, scenario=scenario, explain=explain)


@router.post("/optimise/runs", response={202: JobView}, openapi_extra=invalid_when(OPTIMISE_RULES))
def start_optimisation(request: AuthedRequest, payload: OptimiseRequest) -> Status[Any]:
    """Start an optimiser run in the background (for long time limits); follow it at
    ``/api/v1/planning/optimise/runs/{id}`` or ``/api/v1/jobs/{id}``."""
    data = payload.dict()
    scenario, explain = data.pop("scenario"), data.pop("explain")
    return Status(202, services.start_optimisation(actor_of(request), data, scenario=scenario, explain=explain))


@router.get("/optimise/runs/{job_id}", response={200: services.OptimisedPlan, 202: JobView})
def optimisation_result(request: AuthedRequest, job_id: int) -> Status[Any]:
    """The plan of a finished optimiser run (200), or the run's progress while it goes on (202)."""
    actor = actor_of(request)
    plan = services.optimisation_result(actor, job_id)
    return Status(200, plan) if plan is not None else Status(202, jobs.get_job(actor, job_id))


@router.get("/scenarios", response=list[ScenarioOut])
def list_scenarios(request: AuthedRequest) -> object:
    """Saved scenarios."""
    return services.list_scenarios(actor_of(request))


@router.get("/scenarios/compare", response=services.ScenarioComparison)
def compare(request: AuthedRequest,
            names: str = declared(query_param(...), pattern=r"[^,\s]")) -> services.ScenarioComparison:
    """Scenarios side by side (``names`` comma-separated)."""
    return services.compare_scenarios(actor_of(request), [n for n in names.split(",") if n.strip()])


@router.get("/scenarios/{name}", response=ScenarioOut)
def get_scenario(request: AuthedRequest, name: str) -> object:
    """One saved scenario with its constraints and plan."""
    return services.get_scenario(actor_of(request), name)


@router.post("/scenarios/{name}/apply", response=dict[str, int])
def apply_scenario(request: AuthedRequest, name: str, commitment: str = "auto") -> dict[str, int]:
    """Put a scenario's plan on the roadmap (needs plans.edit)."""
    return {"placed": services.apply_scenario(actor_of(request), name, commitment)}


@router.delete("/scenarios/{name}", response={204: None})
def delete_scenario(request: AuthedRequest, name: str) -> Status[Any]:
    """Delete a saved scenario."""
    services.delete_scenario(actor_of(request), name)
    return Status(204, None)


# --- roadmap -------------------------------------------------------------------------------------------


@router.get("/roadmap", response=services.Roadmap)
def roadmap(request: AuthedRequest, audience: str = "leadership") -> services.Roadmap:
    """The roadmap as one audience sees it: leadership, engineering, design, marketing or sales."""
    return services.roadmap(actor_of(request), audience)


@router.get("/roadmap/export")
def export(request: AuthedRequest, format: str = declared(query_param("csv"), enum=["csv", "md"]),
           audience: str = declared(query_param("leadership"), enum=list(services.AUDIENCES))
           ) -> HttpResponse:
    """The roadmap as CSV (``format=csv``) or Markdown (``format=md``)."""
    if format not in ("csv", "md"):
        raise ValidationError(f"There is no export format {format!r}: choose csv or md.")
    if format == "csv":
        body, kind = services.export_csv(actor_of(request), audience), "text/csv"
    else:
        body, kind = services.export_markdown(actor_of(request), audience), "text/markdown"
    response = HttpResponse(body, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roadmap-{audience}-{date.today()}.{format}"'
    return response


@router.put("/roadmap/{initiative_id}", response=dict[str, str], openapi_extra=invalid_when(
    "an initiative it requires is placed in a later quarter"))
def place(request: AuthedRequest, initiative_id: int, payload: PlaceRequest) -> dict[str, str]:
    """Put an initiative on the roadmap in a quarter with a commitment level (needs plans.edit)."""
    item = services.place(actor_of(request), initiative_id, payload.quarter, payload.commitment)
    return {"quarter": item.quarter, "commitment": item.commitment}


@router.delete("/roadmap/{initiative_id}", response={204: None})
def unplace(request: AuthedRequest, initiative_id: int) -> Status[Any]:
    """Take an initiative off the roadmap."""
    services.unplace(actor_of(request), initiative_id)
    return Status(204, None)


@router.get("/capacity", response=list[services.CapacityRow])
def capacity(request: AuthedRequest, quarters: int = 4, start: str | None = None) -> list[services.CapacityRow]:
    """Planned person-weeks, capacity and cost per team and quarter."""
    return services.capacity(actor_of(request), count=max(1, min(quarters, 8)), start=start)
