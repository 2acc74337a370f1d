"""360 review results: progress counts, anonymous aggregated reports, calibration and the nine-box.

The guarantees, enforced here for every face:

* results come only from the engine's :func:`aggregate_reviews` with the workspace's anonymity threshold;
  once released, from the report stored at release (:mod:`releases`), whatever changes later;
* no function returns a reviewer's individual response (rows only feed the aggregation); others see counts
  per group;
* the reviewee sees their report once the cycle is released, without the manager's private notes;
* the reviewee's management chain sees the report from calibration on, with the notes; admins and leaders
  outside the chain see progress (counts), never content; the chain is the one stored when the content opened
  (calibration), so re-parenting or re-linking logins grants nothing retroactively;
* every view of results is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from pydantic import BaseModel, SerializerFunctionWrapHandler, model_serializer

from headway.core import audit
from headway.core.errors import ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm
from headway.team.engine import readiness as readiness_engine
from headway.team.engine import reviews as engine
from headway.team.models import CycleState, NominationStatus, Review
from headway.team.services._common import require_state
from headway.team.services.access import can, deny, record_view
from headway.team.services.people import PersonName
from headway.team.services.releases import is_manager, is_reviewee, report_of
from headway.team.services.reviews import cycle_ladder, get_cycle, get_review, may_manage

CONTENT_STATES = {CycleState.CALIBRATING, CycleState.RELEASED, CycleState.CLOSED}
RELEASED_STATES = {CycleState.RELEASED, CycleState.CLOSED}


# --- progress -------------------------------------------------------------------------------------------


class ReviewProgressLine(BaseModel):
    """Responses received against expected for one reviewee, in all and per group: counts only."""

    reviewee_id: int
    reviewee: str
    expected: int
    received: int
    percent: float
    groups: list[engine.GroupProgress]


def progress(actor: User | None, cycle_id: int) -> list[tuple[Review, engine.ReviewProgress]]:
    """Responses received against expected, per reviewee and group: counts only, for leaders and admins."""
    cycle = get_cycle(actor, cycle_id)
    out = []
    for review in cycle.reviews.select_related("reviewee"):
        if not (can(actor, Perm.MANAGE_TEAM) or may_manage(actor, review)):
            continue
        approved = review.nominations.filter(status=NominationStatus.APPROVED)
        expected: dict[str, int] = {}
        received: dict[str, int] = {}
        for group, submitted in approved.values_list("group", "submitted"):
            expected[group] = expected.get(group, 0) + 1
            received[group] = received.get(group, 0) + int(submitted)
        out.append((review, engine.review_progress(expected, received)))
    return out


def progress_data(rows: list[tuple[Review, engine.ReviewProgress]]) -> list[ReviewProgressLine]:
    """Progress rows as typed lines (counts only)."""
    return [
        ReviewProgressLine(reviewee_id=r.reviewee_id, reviewee=r.reviewee.name, expected=p.expected,
                           received=p.received, percent=p.percent, groups=list(p.groups))
        for r, p in rows
    ]


# --- results --------------------------------------------------------------------------------------------


def may_see_results(actor: User | None, review: Review) -> bool:
    """The system; the reviewee once released; the management chain from calibration on."""
    if actor is None:
        return review.cycle.state in CONTENT_STATES
    if review.cycle.state not in CONTENT_STATES:
        return False
    if is_reviewee(actor, review):
        return review.cycle.state in RELEASED_STATES
    return is_manager(actor, review)


def may_see_notes(actor: User | None, review: Review) -> bool:
    """The manager's private notes: the system and the management chain, never the reviewee."""
    return actor is None or (not is_reviewee(actor, review) and is_manager(actor, review))


def aggregate(review: Review) -> engine.ReviewReport:
    """The anonymous report of one review: the snapshot stored at release once released, else the engine's
    aggregation now (internal: callers check access first)."""
    return report_of(review)


@dataclass(frozen=True)
class Results:
    """What a viewer sees of a review: the anonymous report, and the manager's notes when allowed."""

    review: Review
    report: engine.ReviewReport
    names: dict[str, str]
    notes: str | None


def results(actor: User | None, cycle_id: int, reviewee: int) -> Results:
    """The anonymous results of a review, if the actor may see them; the view is audited."""
    review = get_review(actor, cycle_id, reviewee)
    if not may_see_results(actor, review):
        if is_reviewee(actor, review):
            raise deny("see your results yet", "they open when the cycle is released")
        raise deny(f"see {review.reviewee.name}'s review results",
                   "results are for the reviewee and their management chain; admins see progress only")
    report = aggregate(review)
    record_view(actor, review, f"review results of {review.reviewee.name} in {review.cycle.name} viewed")
    names = {c.slug: c.name for c in cycle_ladder(review.cycle).competencies}
    return Results(review, report, names, review.manager_notes if may_see_notes(actor, review) else None)


def released_results(review: Review) -> Results:
    """The anonymous results of a released review, without the manager's notes, for its reviewee's own export
    (internal: the caller checks that the viewer is the reviewee and the cycle is released)."""
    names = {c.slug: c.name for c in cycle_ladder(review.cycle).competencies}
    return Results(review, aggregate(review), names, None)


def visible_reviews(actor: User | None, person: int) -> list[Review]:
    """The reviews of ``person`` whose results the actor may see, newest cycle first."""
    reviews = Review.objects.select_related("cycle__ladder", "reviewee").filter(reviewee_id=person)
    return [r for r in reviews.order_by("-cycle__created_at", "-cycle_id") if may_see_results(actor, r)]


class CompetencyMean(BaseModel):
    """A competency's average rating in one unit (None when the unit has no rating of it)."""

    competency: str
    name: str
    count: int
    mean: float | None


class UnitScores(BaseModel):
    """A displayed unit of reviewers (a group, a pool of small groups, or everyone but self) and its means."""

    key: str
    label: str
    groups: list[str]
    count: int
    scores: list[CompetencyMean]


class ReviewComment(BaseModel):
    """A comment, unnamed, with the unit whose reviewers wrote it."""

    unit: str
    text: str


class ReviewResults(BaseModel):
    """A review's anonymous results: aggregates, unnamed comments, the rule; ``manager_notes`` only when the
    viewer may see them (the key is left out otherwise)."""

    cycle: str
    cycle_id: int
    reviewee: str
    reviewee_id: int
    threshold: int
    units: list[UnitScores]
    overall: UnitScores
    hidden_groups: list[str]
    comments: list[ReviewComment]
    rule: str
    manager_notes: str | None = None

    @model_serializer(mode="wrap")
    def _leave_out_hidden_notes(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.manager_notes is None:
            data.pop("manager_notes", None)
        return data


def results_data(res: Results) -> ReviewResults:
    """Results as a typed report: aggregates, unnamed comments, the rule; notes only when allowed."""
    report = res.report
    units = [
        UnitScores(key=u.key, label=u.label, groups=list(u.groups), count=u.count,
                   scores=[CompetencyMean(competency=s.competency, name=res.names.get(s.competency, s.competency),
                                          count=s.count, mean=s.mean) for s in u.scores])
        for u in (*report.units, report.overall)
    ]
    return ReviewResults(
        cycle=res.review.cycle.name, cycle_id=res.review.cycle_id, reviewee=res.review.reviewee.name,
        reviewee_id=res.review.reviewee_id, threshold=report.threshold, units=units[:-1], overall=units[-1],
        hidden_groups=list(report.hidden_groups), comments=[ReviewComment(unit=c.unit, text=c.text) for c in report.comments], rule=report.rule,
        manager_notes=res.notes,
    )


# --- calibration and the nine-box -----------------------------------------------------------------------


def _rating(value: int | str, field: str) -> int | None:
    if value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number not in (1, 2, 3, 4, 5):
        raise ValidationError(f"{field} is a whole number 1–5, not {value!r}.", details={field: value})
    return number


@transaction.atomic
def calibrate(actor: User | None, cycle_id: int, reviewee: int, *, performance: int | str | None = None,
              potential: int | str | None = None, notes: str | None = None) -> Review:
    """The manager's performance and potential ratings (1–5) and private notes, for the nine-box."""
    review = get_review(actor, cycle_id, reviewee)
    if not may_manage(actor, review):
        raise deny(f"calibrate {review.reviewee.name}", "only their management chain can")
    require_state(review.cycle, CycleState.COLLECTING, CycleState.CALIBRATING, doing="calibrate")
    if performance is not None:
        review.performance = _rating(performance, "performance")
    if potential is not None:
        review.potential = _rating(potential, "potential")
    if notes is not None:
        review.manager_notes = notes.strip()
    review.save(update_fields=["performance", "potential", "manager_notes"])
    audit.record(actor, AuditEvent.Action.UPDATE, review, summary=f"{review.reviewee.name} calibrated")
    return review


@dataclass(frozen=True)
class NineBox:
    """The nine-box grid of a cycle: cell name → reviews, with each cell's grid position."""

    cells: list[tuple[readiness_engine.NineBoxCell, list[Review]]]
    unrated: list[Review]


def nine_box(actor: User | None, cycle_id: int) -> NineBox:
    """The reviewees the actor manages (everyone for the system), placed by the manager's ratings."""
    cycle = get_cycle(actor, cycle_id)
    reviews = [r for r in cycle.reviews.select_related("reviewee") if may_manage(actor, r)]
    rated = {r.pk: r for r in reviews if r.performance and r.potential}
    grid = readiness_engine.nine_box_grid(
        {pk: (float(r.performance or 0), float(r.potential or 0)) for pk, r in rated.items()})
    cells = []
    for (perf, pot), name in readiness_engine.NINE_BOX_NAMES.items():
        people = [rated[pk] for pk in grid[name] if isinstance(pk, int)]
        cells.append((readiness_engine.NineBoxCell(perf, pot, name), people))
    cells.sort(key=lambda c: (c[0].row, c[0].column))
    if reviews:
        record_view(actor, cycle, f"nine-box of {cycle.name} viewed ({len(rated)} people)")
    return NineBox(cells, [r for r in reviews if r.pk not in rated])


class RatedPerson(BaseModel):
    """A reviewee in a nine-box cell with the manager's ratings."""

    id: int
    name: str
    performance: int | None
    potential: int | None


class NineBoxCellPeople(BaseModel):
    """A nine-box cell, its place in the grid (row 0: high potential) and the people in it."""

    name: str
    performance: str
    potential: str
    row: int
    column: int
    people: list[RatedPerson]


class NineBoxReport(BaseModel):
    """The nine-box: every cell present, the people not rated yet, and the banding rule."""

    cells: list[NineBoxCellPeople]
    unrated: list[PersonName]
    rule: str


def nine_box_data(box: NineBox) -> NineBoxReport:
    """The nine-box as a typed report, every cell present, with the people in it for drill-down."""
    return NineBoxReport(
        cells=[NineBoxCellPeople(name=c.name, performance=c.performance, potential=c.potential, row=c.row,
                                 column=c.column,
                                 people=[RatedPerson(id=r.reviewee_id, name=r.reviewee.name,
                                                     performance=r.performance, potential=r.potential)
                                         for r in rs]) for c, rs in box.cells],
        unrated=[PersonName(id=r.reviewee_id, name=r.reviewee.name) for r in box.unrated],
        rule=readiness_engine.BAND_RULE,
    )
