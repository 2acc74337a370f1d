"""Scoring: scoring setups (RICE, ICE, WSJF, value vs effort, weighted scorecards, formulas), score runs kept as
history and normalised 0-100, stale-input flags, and the backlog ranked by the current scores."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.engine import expressions, scoring
from headway.planning.models import Framework, Initiative, Score, ScoringModel
from headway.planning.services._common import OPEN_STAGES, with_relations
from headway.planning.services.initiatives import cost, effort_weeks, get_initiative, list_initiatives
from headway.planning.services.inputs import known_fields, score_fields

FRAMEWORK_INPUTS = {
    Framework.RICE: ("reach", "impact", "confidence", "effort_weeks"),
    Framework.ICE: ("ice_impact", "ice_confidence", "ease"),
    Framework.WSJF: ("user_business_value", "time_criticality", "risk_reduction", "effort_weeks"),
    Framework.VALUE_EFFORT: ("user_value", "business_value", "effort_weeks"),
}
VALUE_EFFORT_THRESHOLD_WEEKS = 8.0
"""Value vs effort: an initiative of this many person-weeks or more is high effort."""
BACKLOG_SORTS = ("score", "cost", "effort_weeks", "demand", "user_value", "business_value", "id", "title")


def compute_score(model: ScoringModel, values: Mapping[str, float]) -> float:
    """One initiative's score under a model (engine formulas); a missing input is a ValidationError naming it."""
    needed: Iterable[str] = FRAMEWORK_INPUTS.get(Framework(model.framework), ())
    if model.framework == Framework.WEIGHTED:
        needed = tuple(model.weights)
    elif model.framework == Framework.FORMULA:
        needed = tuple(sorted(expressions.parse(model.formula).fields))
    missing = [n for n in needed if n not in values]
    if missing:
        raise ValidationError(f"missing input {', '.join(missing)}: enter it with the idea's scoring inputs",
                              details={"missing": missing})
    v = values
    match model.framework:
        case Framework.RICE:
            return scoring.rice(v["reach"], v["impact"], v["confidence"], v["effort_weeks"])
        case Framework.ICE:
            return scoring.ice(v["ice_impact"], v["ice_confidence"], v["ease"])
        case Framework.WSJF:
            return scoring.wsjf(v["user_business_value"], v["time_criticality"], v["risk_reduction"],
                                v["effort_weeks"])
        case Framework.VALUE_EFFORT:
            return scoring.value_vs_effort((v["user_value"] + v["business_value"]) / 2, v["effort_weeks"],
                                           effort_threshold=VALUE_EFFORT_THRESHOLD_WEEKS).ratio
        case Framework.WEIGHTED:
            return scoring.weighted_score(v, model.weights)
    return expressions.parse(model.formula, values.keys()).evaluate(values)


def list_scoring_models(actor: User | None) -> QuerySet[ScoringModel]:
    """Scoring setups, the primary one first."""
    check(actor, Perm.VIEW_WORKSPACE)
    return ScoringModel.objects.order_by("-primary", "name")


def get_scoring_model(actor: User | None, name: str | None = None) -> ScoringModel:
    """A scoring setup by name, or the primary one."""
    check(actor, Perm.VIEW_WORKSPACE)
    qs = ScoringModel.objects.order_by("-primary", "name")
    model = qs.filter(name__iexact=name.strip()).first() if name else qs.first()
    if model is None:
        known = ", ".join(qs.values_list("name", flat=True)) or "none yet"
        raise NotFound(f"There is no scoring setup {name or '(primary)'!r}: setups are {known}; add one on the "
                       "scoring page or with POST /api/v1/planning/scoring.")
    return model


@transaction.atomic
def save_scoring_model(actor: User | None, name: str, framework: str, *, formula: str = "",
                       weights: Mapping[str, object] | None = None, stale_after_days: int | str = 90,
                       primary: bool = False) -> ScoringModel:
    """Create or change a scoring setup; a formula is checked here, its errors naming the wrong token."""
    check(actor, Perm.EDIT_PLANS)
    problems = Problems()
    name = str(name or "").strip()
    if not 0 < len(name) <= 60:
        problems["name"] = "give a name of 1 to 60 characters"
    framework = problems.choice(framework, Framework, "framework")
    fields = known_fields()
    clean_weights: dict[str, float] = {}
    if framework == Framework.FORMULA:
        expressions.parse(formula, fields)  # raises FormulaError at the wrong token
    elif framework == Framework.WEIGHTED:
        if not weights:
            problems["weights"] = "a weighted scorecard needs weights, e.g. user_value=2, business_value=1"
        for key, weight in (weights or {}).items():
            if key not in fields:
                problems[f"weights.{key}"] = f"unknown field {key!r}: known fields are {', '.join(fields)}"
            clean_weights[key] = problems.number(weight, f"weights.{key}", low=None)
    days = problems.number(stale_after_days, "stale_after_days", low=1)
    problems.raise_if_any("The scoring setup is not valid")
    if primary:
        ScoringModel.objects.update(primary=False)
    model, created = ScoringModel.objects.update_or_create(
        name=name, defaults={"framework": framework, "formula": formula.strip() if framework == "formula" else "",
                             "weights": clean_weights, "stale_after_days": int(days),
                             "primary": primary or not ScoringModel.objects.exclude(name=name).exists()})
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, model,
                 summary=f"scoring setup {model.name} ({model.framework}) saved")
    return model


class ScoreRun(BaseModel):
    """What a scoring run did: scores by initiative id (raw and 0-100), and the initiatives it had to skip."""

    model: str
    scores: dict[int, float]
    normalised: dict[int, float]
    skipped: dict[int, str]


@transaction.atomic
def score_all(actor: User | None, model_name: str | None = None, *, ids: Iterable[int] | None = None) -> ScoreRun:
    """Score the open initiatives (or ``ids``) with a setup, normalise 0-100 over the run, keep the history."""
    check(actor, Perm.EDIT_IDEAS)
    model = get_scoring_model(None, model_name)
    qs = with_relations(Initiative.objects.all())
    qs = qs.filter(pk__in=list(ids)) if ids is not None else qs.filter(stage__in=OPEN_STAGES)
    raw: dict[int, float] = {}
    inputs: dict[int, dict[str, float]] = {}
    skipped: dict[int, str] = {}
    for initiative in qs:
        values = score_fields(initiative)
        try:
            raw[initiative.pk] = compute_score(model, values)
            inputs[initiative.pk] = values
        except ValidationError as exc:
            skipped[initiative.pk] = exc.message
    normalised = {int(k): v for k, v in scoring.normalise({str(k): v for k, v in raw.items()}).items()}
    Score.objects.bulk_create([Score(initiative_id=pk, model=model, value=value, normalised=normalised[pk],
                                     inputs=inputs[pk]) for pk, value in raw.items()])
    audit.record(actor, AuditEvent.Action.UPDATE, model, summary=f"{len(raw)} initiatives scored with {model.name}")
    return ScoreRun(model=model.name, scores=raw, normalised=normalised, skipped=skipped)


def score_one(actor: User | None, initiative_id: int, model_name: str | None = None) -> float:
    """Score one initiative with a setup (the error says which input is missing or wrong)."""
    check(actor, Perm.EDIT_IDEAS)
    model = get_scoring_model(None, model_name)
    initiative = get_initiative(None, initiative_id)
    value = compute_score(model, score_fields(initiative))
    Score.objects.create(initiative=initiative, model=model, value=value, inputs=score_fields(initiative),
                         normalised=_normalised_against_latest(model, initiative.pk, value))
    return value


def _normalised_against_latest(model: ScoringModel, initiative_id: int, value: float) -> float:
    latest = latest_scores(model)
    latest[initiative_id] = (value, timezone.now())
    return scoring.normalise({str(k): v for k, (v, _) in latest.items()})[str(initiative_id)]


def latest_scores(model: ScoringModel) -> dict[int, tuple[float, datetime]]:
    """Each initiative's current (latest) score under a setup, with when it was computed."""
    latest: dict[int, tuple[float, datetime]] = {}
    for pk, value, at in Score.objects.filter(model=model).order_by("computed_at", "id").values_list(
            "initiative_id", "value", "computed_at"):
        latest[pk] = (value, at)
    return latest


def score_history(actor: User | None, initiative_id: int, model_name: str | None = None) -> list[Score]:
    """Every score an initiative got under a setup, newest first."""
    check(actor, Perm.VIEW_WORKSPACE)
    model = get_scoring_model(None, model_name)
    return list(Score.objects.filter(initiative_id=initiative_id, model=model).order_by("-computed_at", "-id"))


def stale_flags(initiative: Initiative, model: ScoringModel, scored_at: datetime | None,
                *, now: datetime | None = None) -> list[str]:
    """Why an initiative's score may be out of date: inputs older than the setup allows, or changed since."""
    now = now or timezone.now()
    flags = []
    for name, entry in sorted(initiative.inputs.items()):
        at = datetime.fromisoformat(entry["at"])
        age = (now - at).days
        if age > model.stale_after_days:
            flags.append(f"{name} is {age} days old")
        elif scored_at is not None and at > scored_at:
            flags.append(f"{name} changed after the score")
    return flags


class BacklogRow(BaseModel):
    """One initiative as the backlog shows it."""

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


def backlog(actor: User | None, *, model_name: str | None = None, sort: str = "score", descending: bool = True,
            open_only: bool = True, now: datetime | None = None) -> list[BacklogRow]:
    """The backlog with each initiative's current score under a setup (none: not scored), sorted."""
    check(actor, Perm.VIEW_WORKSPACE)
    if sort not in BACKLOG_SORTS:
        raise ValidationError(f"Cannot sort by {sort!r}: choose one of {', '.join(BACKLOG_SORTS)}.",
                              details={"sort": sort})
    model = ScoringModel.objects.order_by("-primary", "name").first() if model_name is None \
        else get_scoring_model(None, model_name)
    latest: dict[int, tuple[float, float, datetime]] = {}
    if model is not None:
        for pk, value, norm, at in Score.objects.filter(model=model).order_by("computed_at", "id").values_list(
                "initiative_id", "value", "normalised", "computed_at"):
            latest[pk] = (value, norm, at)
    rows = []
    for i in list_initiatives(None, open_only=open_only):
        found = latest.get(i.pk)
        item = getattr(i, "roadmap_item", None)
        rows.append(BacklogRow(
            id=i.pk, title=i.title, stage=i.stage, kind=i.kind, team=i.team.name if i.team else "",
            product_area=i.product_area, effort_weeks=round(effort_weeks(i), 2), duration=i.duration,
            cost=round(cost(i), 2),
            demand=i.demand_score, user_value=i.user_value, business_value=i.business_value,
            score=None if found is None else round(found[0], 4),
            normalised=None if found is None else round(found[1], 1),
            stale=stale_flags(i, model, found[2] if found else None, now=now) if model is not None else [],
            quarter=item.quarter if item else "",
        ))

    def number(row: BacklogRow) -> float | None:
        value = getattr(row, sort)
        return None if value is None else float(value)

    if sort == "title":
        rows.sort(key=lambda r: r.title.lower(), reverse=descending)
    else:
        rows.sort(key=lambda r: (number(r) is None, -(number(r) or 0) if descending else (number(r) or 0), r.id))
    return rows
