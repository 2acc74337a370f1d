"""One initiative as every face shows it: its fields, effort and cost, links, current scores with stale flags,
roadmap place, pipeline history, comments, attached links and the demand evidence behind it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from headway.core.models import User
from headway.planning.models import Comment, Dependency, Initiative, Score, ScoringModel
from headway.planning.services.initiatives import cost, effort_weeks, get_initiative
from headway.planning.services.scoring import stale_flags


class DemandEvidence(BaseModel):
    """Who asks for an initiative, from the feedback linked to it in the discovery area."""

    score: float
    accounts: int
    arr: float
    items: int
    links: int
    by_importance: dict[str, int]


class DependencyLink(BaseModel):
    """A link to another initiative: ``requires``, ``conflicts`` or ``required by``."""

    type: str
    id: int
    title: str


class CurrentScore(BaseModel):
    """An initiative's latest score under one setup, and why it may be out of date."""

    model: str
    framework: str
    value: float
    normalised: float
    computed_at: datetime
    stale: list[str]


class StageStep(BaseModel):
    """One step of the pipeline history (``from`` is blank for the first)."""

    model_config = ConfigDict(serialize_by_alias=True)

    from_stage: str = Field(alias="from")
    to: str
    at: datetime
    by: str


class CommentNote(BaseModel):
    """A comment on an initiative."""

    author: str
    body: str
    at: datetime

    @classmethod
    def of(cls, comment: Comment) -> CommentNote:
        """The note of a comment row."""
        return cls(author=comment.author_label, body=comment.body, at=comment.at)


class AttachedLink(BaseModel):
    """A document, design or ticket attached by link."""

    title: str
    url: str


class InitiativeDetail(BaseModel):
    """One initiative with everything known about it (the API's, the CLI's and the idea page's view)."""

    demand_evidence: DemandEvidence
    id: int
    title: str
    problem: str
    hypothesis: str
    product_area: str
    owner: str | None
    owner_id: int | None
    team: str | None
    team_id: int | None
    stage: str
    kind: str
    duration: int
    goal_id: int | None
    goal: str | None
    kpi_id: int | None
    kpi: str | None
    kpi_label: str | None
    expected_impact: str
    demand: float
    user_value: float
    business_value: float
    kano: str
    effort: dict[str, float]
    effort_weeks: float
    cost: float
    inputs: dict[str, dict[str, float | str]]
    dependencies: list[DependencyLink]
    scores: list[CurrentScore]
    quarter: str | None
    commitment: str | None
    history: list[StageStep]
    comments: list[CommentNote]
    attachments: list[AttachedLink]


def initiative_detail(actor: User | None, initiative_id: int, *, now: datetime | None = None) -> InitiativeDetail:
    """One initiative: fields, effort and cost, links, current scores with stale flags, history."""
    i = get_initiative(actor, initiative_id)
    scores = []
    for model in ScoringModel.objects.order_by("-primary", "name"):
        latest = Score.objects.filter(initiative=i, model=model).order_by("-computed_at", "-id").first()
        if latest is not None:
            scores.append(CurrentScore(model=model.name, framework=model.framework, value=round(latest.value, 4),
                                       normalised=round(latest.normalised, 1), computed_at=latest.computed_at,
                                       stale=stale_flags(i, model, latest.computed_at, now=now)))
    links = [DependencyLink(type=d.type, id=d.target_id, title=d.target.title) for d in i.dependencies.all()]
    links += [DependencyLink(type="required by" if d.type == Dependency.Type.REQUIRES else d.type, id=d.source_id,
                             title=d.source.title) for d in i.dependents.select_related("source")]
    item = getattr(i, "roadmap_item", None)
    return InitiativeDetail(
        demand_evidence=_demand_evidence(actor, i),
        id=i.pk, title=i.title, problem=i.problem, hypothesis=i.hypothesis,
        product_area=i.product_area, owner=i.owner.name if i.owner else None, owner_id=i.owner_id,
        team=i.team.name if i.team else None, team_id=i.team_id, stage=i.stage, kind=i.kind,
        duration=i.duration, goal_id=i.goal_id, goal=i.goal.title if i.goal else None,
        kpi_id=i.kpi_id, kpi=i.kpi.name if i.kpi else None, kpi_label=i.kpi.label if i.kpi else None,
        expected_impact=i.expected_impact, demand=i.demand_score,
        user_value=i.user_value, business_value=i.business_value, kano=i.kano,
        effort={e.team.name: e.weeks for e in i.efforts.all()}, effort_weeks=effort_weeks(i),
        cost=cost(i), inputs=i.inputs, dependencies=links, scores=scores,
        quarter=item.quarter if item else None, commitment=item.commitment if item else None,
        history=[StageStep.model_validate({"from": h.from_stage, "to": h.to_stage, "at": h.at, "by": h.actor_label})
                 for h in i.stage_history.all()],
        comments=[CommentNote.of(c) for c in i.comments.all()],
        attachments=[AttachedLink(title=a.title, url=a.url) for a in i.attachments.all()],
    )


def _demand_evidence(actor: User | None, initiative: Initiative) -> DemandEvidence:
    """Who asks for an initiative, from the feedback linked to it in the discovery area."""
    from headway.discovery import services as discovery

    demand = discovery.demand_for(initiative, actor=actor)
    return DemandEvidence(score=demand.score, accounts=demand.accounts, arr=demand.arr, items=demand.items,
                          links=demand.links, by_importance=demand.by_importance)
