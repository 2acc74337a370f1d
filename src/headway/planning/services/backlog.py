"""The backlog as a person works it: search, filters, sort and paging over the ranked backlog, each row with its
scoring inputs for every framework (RICE, ICE, WSJF) and its Kano category, and saving one row's inputs at once
(then scoring it again under the setup shown)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import transaction

from headway.core.errors import HeadwayError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems
from headway.planning.engine import scoring
from headway.planning.models import Initiative, Kind, Stage
from headway.planning.services.initiatives import get_initiative, update_initiative
from headway.planning.services.inputs import INPUTS, set_inputs
from headway.planning.services.scoring import BacklogRow, backlog, get_scoring_model, score_one

PER_PAGE = 25
"""Backlog rows on one web page."""
#: The inputs each framework reads, in the order the backlog row shows them.
FRAMEWORK_FIELDS = {
    "RICE": ("reach", "impact", "confidence"),
    "ICE": ("ice_impact", "ice_confidence", "ease"),
    "WSJF": ("user_business_value", "time_criticality", "risk_reduction"),
}
KANO_ANSWERS = ("like", "expect", "neutral", "tolerate", "dislike")
"""Answers to Kano's two questions (the functional and the dysfunctional one)."""


@dataclass(frozen=True)
class BacklogFilters:
    """What the backlog shows: a search in titles and problems, a stage, kind, team and product area (blank: all)."""

    search: str = ""
    stage: str = ""
    kind: str = ""
    team: str = ""
    product_area: str = ""

    def matches(self, row: BacklogRow, problem: str) -> bool:
        """Whether a row passes every filter given."""
        words = self.search.lower().split()
        text = f"#{row.id} {row.title} {problem}".lower()
        return (all(w in text for w in words) and (not self.stage or row.stage == self.stage)
                and (not self.kind or row.kind == self.kind)
                and (not self.team or row.team.lower() == self.team.lower())
                and (not self.product_area or row.product_area.lower() == self.product_area.lower()))


@dataclass(frozen=True)
class BacklogEntry:
    """One backlog row with its scoring inputs (name → value) and Kano category."""

    row: BacklogRow
    inputs: dict[str, float]
    kano: str


@dataclass(frozen=True)
class BacklogPage:
    """One page of the filtered, sorted backlog, with what the filters may choose from."""

    entries: list[BacklogEntry]
    total: int
    page: int
    pages: int
    stages: list[tuple[str, str]] = field(default_factory=list)
    kinds: list[tuple[str, str]] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


def _inputs(initiative: Initiative) -> dict[str, float]:
    return {name: float(entry["value"]) for name, entry in initiative.inputs.items()}


def backlog_page(actor: User | None, filters: BacklogFilters, *, model_name: str | None = None,
                 sort: str = "score", descending: bool = True, page: int = 1,
                 per_page: int = PER_PAGE) -> BacklogPage:
    """The open backlog filtered and sorted (as :func:`backlog`), cut into pages of ``per_page`` rows; a page past
    the last shows the last."""
    check(actor, Perm.VIEW_WORKSPACE)
    rows = backlog(actor, model_name=model_name, sort=sort, descending=descending)
    known = {i.pk: i for i in Initiative.objects.filter(pk__in=[r.id for r in rows])}
    chosen = [r for r in rows if filters.matches(r, known[r.id].problem)]
    pages = max(1, math.ceil(len(chosen) / per_page))
    page = min(max(1, page), pages)
    shown = chosen[(page - 1) * per_page:page * per_page]
    return BacklogPage(
        entries=[BacklogEntry(row=r, inputs=_inputs(known[r.id]), kano=known[r.id].kano) for r in shown],
        total=len(chosen), page=page, pages=pages, stages=list(Stage.choices), kinds=list(Kind.choices),
        teams=sorted({r.team for r in rows if r.team}), areas=sorted({r.product_area for r in rows if r.product_area}))


def backlog_entry(actor: User | None, initiative_id: int, model_name: str | None = None) -> BacklogEntry:
    """One initiative's backlog row (open or not) with its inputs and Kano category."""
    check(actor, Perm.VIEW_WORKSPACE)
    initiative = get_initiative(actor, initiative_id)
    row = next(r for r in backlog(actor, model_name=model_name, open_only=False) if r.id == initiative.pk)
    return BacklogEntry(row=row, inputs=_inputs(initiative), kano=initiative.kano)


@dataclass(frozen=True)
class RowSaved:
    """What saving a backlog row did: the inputs set, the Kano category, and the new score or why there is none."""

    initiative_id: int
    saved: list[str]
    kano: str
    score: float | None
    not_scored: str


@transaction.atomic
def save_backlog_row(actor: User | None, initiative_id: int, values: Mapping[str, str], *, kano: str | None = None,
                     model_name: str | None = None) -> RowSaved:
    """Save the scoring inputs given in a backlog row (blank ones are left as they were) and its Kano category
    (``None`` leaves it), then score the initiative again under the setup shown (the primary one by default).

    Every input is checked before anything is written; a row missing an input of the setup is saved unscored,
    with the reason."""
    check(actor, Perm.EDIT_IDEAS)
    problems = Problems()
    given = {name: str(value).strip() for name, value in values.items() if str(value or "").strip()}
    for name in given:
        if name not in INPUTS:
            problems[name] = f"not a scoring input: inputs are {', '.join(INPUTS)}"
    if kano is not None and kano.strip() and kano.strip() not in scoring.KANO_CATEGORIES:
        problems["kano"] = f"{kano!r} is not one of {', '.join(scoring.KANO_CATEGORIES)} (or blank)"
    problems.raise_if_any("The backlog row is not valid")
    if given:
        set_inputs(actor, initiative_id, given)
    initiative = get_initiative(actor, initiative_id)
    if kano is not None and kano.strip() != initiative.kano:
        initiative = update_initiative(actor, initiative_id, kano=kano.strip())
    score: float | None = None
    reason = ""
    try:
        score = score_one(actor, initiative_id, get_scoring_model(None, model_name).name)
    except HeadwayError as exc:  # an input the setup reads is missing, or there is no setup yet
        reason = exc.message
    return RowSaved(initiative_id=initiative_id, saved=sorted(given), kano=initiative.kano, score=score,
                    not_scored=reason)


def kano_of_answers(functional: str, dysfunctional: str) -> str:
    """The Kano category of the answers to "how would you feel if it had this?" and "...if it had not?"
    (each one of like, expect, neutral, tolerate, dislike); a ValidationError names a wrong answer."""
    problems = Problems()
    for name, answer in (("kano_functional", functional), ("kano_dysfunctional", dysfunctional)):
        if str(answer).strip().lower() not in KANO_ANSWERS:
            problems[name] = f"{answer!r} is not an answer: choose one of {', '.join(KANO_ANSWERS)}"
    problems.raise_if_any("The Kano answers are not valid")
    return scoring.kano_category(functional.strip().lower(), dysfunctional.strip().lower())
