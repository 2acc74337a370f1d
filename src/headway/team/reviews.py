"""360 review cycles: nominations, responses, anonymous results, progress, calibration and the nine-box.

The guarantees, enforced here for every face:

* results come only from the engine's :func:`aggregate_reviews` with the workspace's anonymity threshold;
* no function returns a reviewer's individual response (rows only feed the aggregation), and which reviewer
  has submitted is shown only to that reviewer; others see counts per group;
* the reviewee sees their report once the cycle is released, without the manager's private notes;
* the reviewee's management chain sees the report from calibration on, with the notes; admins and leaders
  outside the chain see progress (counts), never content;
* every view of results is written to the audit log.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from headway.core import audit
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm
from headway.team import ladders
from headway.team.access import can, check, deny, in_chain, is_person, manager_ids, person_of, record_view
from headway.team.engine import readiness as readiness_engine
from headway.team.engine import reviews as engine
from headway.team.engine.ladder import Ladder, ladder_from_dict
from headway.team.models import (
    CycleState,
    Department,
    Nomination,
    NominationStatus,
    Person,
    Response,
    Review,
    ReviewCycle,
    TeamSettings,
)
from headway.team.services import get_person

STATES = [s.value for s in CycleState]
NEXT_STATE = dict(itertools.pairwise(STATES))
CONTENT_STATES = {CycleState.CALIBRATING, CycleState.RELEASED, CycleState.CLOSED}
RELEASED_STATES = {CycleState.RELEASED, CycleState.CLOSED}


# --- the anonymity threshold ----------------------------------------------------------------------------


def threshold() -> int:
    """The workspace's anonymity threshold (default 3, never below 2)."""
    row = TeamSettings.objects.order_by("pk").first()
    return row.anonymity_threshold if row else engine.DEFAULT_THRESHOLD


MAX_THRESHOLD = 100


@transaction.atomic
def set_threshold(actor: User | None, value: int) -> int:
    """Change the anonymity threshold (admins only); the engine refuses values below 2."""
    check(actor, Perm.EDIT_WORKSPACE)
    value = engine.check_threshold(value)
    if value > MAX_THRESHOLD:
        raise ValidationError(f"An anonymity threshold of {value} would hide every group: use 2 to {MAX_THRESHOLD}.")
    row = TeamSettings.objects.order_by("pk").first() or TeamSettings()
    old = row.anonymity_threshold if row.pk else engine.DEFAULT_THRESHOLD
    row.anonymity_threshold = value
    row.save()
    audit.record(actor, AuditEvent.Action.UPDATE, row, summary=f"review anonymity threshold {old} → {value}",
                 changes={"anonymity_threshold": [old, value]})
    return value


# --- cycles ---------------------------------------------------------------------------------------------


def list_cycles(actor: User | None) -> QuerySet[ReviewCycle]:
    """Every review cycle, newest first."""
    check(actor, Perm.VIEW_WORKSPACE)
    return ReviewCycle.objects.select_related("ladder")


def get_cycle(actor: User | None, cycle_id: int) -> ReviewCycle:
    """One cycle, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    cycle = ReviewCycle.objects.select_related("ladder").filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound(f"There is no review cycle {cycle_id}: `headway review list` shows the cycles.")
    return cycle


def cycle_ladder(cycle: ReviewCycle) -> Ladder:
    """The ladder version the cycle asks about."""
    return ladder_from_dict(cycle.ladder.data)


@transaction.atomic
def create_cycle(actor: User | None, name: str, reviewees: list[int] | tuple[int, ...] = ()) -> ReviewCycle:
    """A draft cycle on the current ladder version, optionally with its reviewees."""
    check(actor, Perm.MANAGE_TEAM)
    name = name.strip()
    if not name or len(name) > 150:
        raise ValidationError("Give the cycle a name of 1 to 150 characters, e.g. 'H1 2025'.")
    cycle = ReviewCycle.objects.create(name=name, ladder=ladders.ensure_ladder(None))
    audit.record(actor, AuditEvent.Action.CREATE, cycle, summary=f"review cycle {name} created")
    for pid in reviewees:
        add_reviewee(actor, cycle.pk, pid)
    return cycle


def _require_state(cycle: ReviewCycle, *states: str, doing: str) -> None:
    if cycle.state not in states:
        names = " or ".join(states)
        raise Conflict(f"Cannot {doing} while cycle {cycle.name!r} is {cycle.state}: that needs it {names}.")


@transaction.atomic
def add_reviewee(actor: User | None, cycle_id: int, person_id: int) -> Review:
    """Add a reviewee to a draft cycle; their current manager is the one who approves and calibrates."""
    check(actor, Perm.MANAGE_TEAM)
    cycle = get_cycle(None, cycle_id)
    _require_state(cycle, CycleState.DRAFT, CycleState.NOMINATING, doing="add reviewees")
    person = get_person(None, person_id)
    if cycle.reviews.filter(reviewee=person).exists():
        raise Conflict(f"{person.name} is already in {cycle.name}.")
    review = Review.objects.create(cycle=cycle, reviewee=person, manager=person.manager)
    if cycle.state == CycleState.NOMINATING:
        _seed_nominations(review)
    return review


def _seed_nominations(review: Review) -> None:
    Nomination.objects.get_or_create(review=review, reviewer=review.reviewee,
                                     defaults={"group": "self", "status": NominationStatus.APPROVED})
    if review.manager_id:
        Nomination.objects.get_or_create(review=review, reviewer_id=review.manager_id,
                                         defaults={"group": "manager", "status": NominationStatus.APPROVED})


@transaction.atomic
def advance(actor: User | None, cycle_id: int, to: str | None = None) -> ReviewCycle:
    """Move the cycle one step: draft → nominating → collecting → calibrating → released → closed."""
    check(actor, Perm.MANAGE_TEAM)
    cycle = ReviewCycle.objects.select_for_update().filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound(f"There is no review cycle {cycle_id}: `headway review list` shows the cycles.")
    nxt = NEXT_STATE.get(cycle.state)
    if nxt is None:
        raise Conflict(f"Cycle {cycle.name!r} is closed: start a new cycle instead.")
    if to is not None and to != nxt:
        raise Conflict(f"Cycle {cycle.name!r} is {cycle.state}; it can only move to {nxt}, not {to!r}.",
                       details={"state": cycle.state, "next": nxt})
    if nxt == CycleState.NOMINATING:
        if not cycle.reviews.exists():
            raise Conflict(f"Cycle {cycle.name!r} has no reviewees: add some with `headway review add` first.")
        for review in cycle.reviews.all():
            _seed_nominations(review)
    if nxt == CycleState.COLLECTING:
        pending = Nomination.objects.filter(review__cycle=cycle, status=NominationStatus.PROPOSED).count()
        if pending:
            raise Conflict(f"{pending} nomination(s) still wait for the manager's approval: approve or decline "
                           "them before collecting.", details={"pending": pending})
    old, cycle.state = cycle.state, nxt
    cycle.save(update_fields=["state"])
    audit.record(actor, AuditEvent.Action.UPDATE, cycle, summary=f"review cycle {cycle.name}: {old} → {nxt}",
                 changes={"state": [old, nxt]})
    return cycle


def get_review(actor: User | None, cycle_id: int, reviewee: int) -> Review:
    """The review of ``reviewee`` in the cycle, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    review = Review.objects.select_related("cycle__ladder", "reviewee", "manager").filter(
        cycle_id=cycle_id, reviewee_id=reviewee).first()
    if review is None:
        raise NotFound(f"Person {reviewee} is not a reviewee of cycle {cycle_id}: `headway review show "
                       f"{cycle_id}` lists them.")
    return review


# --- nominations ----------------------------------------------------------------------------------------


def group_for(reviewee: Person, reviewer: Person) -> str:
    """The reviewer group of ``reviewer`` for ``reviewee``: self, manager, direct report, partner or peer."""
    if reviewer.pk == reviewee.pk:
        return "self"
    if reviewer.pk == reviewee.manager_id:
        return "manager"
    if reviewer.manager_id == reviewee.pk:
        return "direct_report"
    if reviewer.department != Department.PRODUCT:
        return reviewer.department
    return "peer"


@transaction.atomic
def nominate(actor: User | None, cycle_id: int, reviewee: int, reviewers: list[int]) -> list[Nomination]:
    """The reviewee proposes reviewers; each one's group follows from who they are to the reviewee."""
    review = get_review(actor, cycle_id, reviewee)
    if actor is not None and not is_person(actor, review.reviewee_id):
        raise deny("nominate reviewers for someone else", "reviewees nominate their own reviewers")
    _require_state(review.cycle, CycleState.NOMINATING, doing="nominate")
    made = []
    for rid in reviewers:
        person = get_person(None, rid)
        group = group_for(review.reviewee, person)
        if group in engine.NAMED_GROUPS:
            raise ValidationError(f"{person.name} is already in the review as {group}: nominate others.")
        nomination, created = Nomination.objects.get_or_create(review=review, reviewer=person,
                                                               defaults={"group": group})
        if not created:
            raise Conflict(f"{person.name} is already nominated for {review.reviewee.name}.")
        made.append(nomination)
    audit.record(actor, AuditEvent.Action.CREATE, review,
                 summary=f"{len(made)} reviewer(s) nominated for {review.reviewee.name} in {review.cycle.name}")
    return made


def may_manage(actor: User | None, review: Review) -> bool:
    """The system, or someone in the reviewee's management chain."""
    return actor is None or in_chain(actor, review.reviewee_id)


@transaction.atomic
def decide(actor: User | None, nomination_id: int, approve: bool = True) -> Nomination:
    """The reviewee's manager (or someone above) approves or declines a nomination."""
    check(actor, Perm.VIEW_WORKSPACE)
    nom = Nomination.objects.select_related("review__cycle", "review__reviewee", "reviewer").filter(
        pk=nomination_id).first()
    if nom is None:
        raise NotFound(f"There is no nomination {nomination_id}.")
    if not may_manage(actor, nom.review):
        raise deny("approve this nomination", f"only {nom.review.reviewee.name}'s managers can")
    _require_state(nom.review.cycle, CycleState.NOMINATING, doing="approve nominations")
    if nom.group in engine.NAMED_GROUPS:
        raise ValidationError("Self and manager reviews are always part of a review.")
    nom.status = NominationStatus.APPROVED if approve else NominationStatus.DECLINED
    nom.save(update_fields=["status"])
    audit.record(actor, AuditEvent.Action.UPDATE, nom.review,
                 summary=f"nomination for {nom.review.reviewee.name} {nom.status}")
    return nom


def list_nominations(actor: User | None, cycle_id: int, reviewee: int) -> list[Nomination]:
    """Who is asked to review (for the reviewee and their managers); never who has submitted."""
    review = get_review(actor, cycle_id, reviewee)
    if not (may_manage(actor, review) or is_person(actor, review.reviewee_id)):
        raise deny("see these nominations", "only the reviewee and their managers can")
    return list(review.nominations.select_related("reviewer"))


@dataclass(frozen=True)
class Assignment:
    """A review the viewer is asked to write: whom, in which group, whether they have submitted."""

    nomination: Nomination
    review: Review
    submitted: bool


def my_assignments(actor: User | None) -> list[Assignment]:
    """The reviews the actor is asked to write in cycles that are collecting."""
    me = person_of(actor)
    if me is None:
        return []
    noms = Nomination.objects.select_related("review__cycle", "review__reviewee").filter(
        reviewer=me, status=NominationStatus.APPROVED, review__cycle__state=CycleState.COLLECTING)
    return [Assignment(n, n.review, n.submitted) for n in noms]


@dataclass(frozen=True)
class Question:
    """A competency as a question: its name, description and the anchor of each rating 1–5."""

    slug: str
    name: str
    area: str
    description: str
    anchors: tuple[str, ...]


def questions(cycle: ReviewCycle) -> list[Question]:
    """The cycle's questions: the ladder's competencies with their behavioural anchors."""
    ladder = cycle_ladder(cycle)
    return [Question(c.slug, c.name, a.name, c.description, c.anchors) for a in ladder.areas for c in a.competencies]


@transaction.atomic
def respond(actor: User | None, nomination_id: int, ratings: dict[str, int], comment: str = "") -> None:
    """Submit a review once: ratings 1–5 per competency (unrated ones left out) and a comment.

    Nothing is returned and nothing about the response is logged beyond the fact that a review was written.
    """
    check(actor, Perm.VIEW_WORKSPACE)
    nom = Nomination.objects.select_for_update().select_related("review__cycle__ladder", "review__reviewee").filter(
        pk=nomination_id).first()
    if nom is None or (actor is not None and not is_person(actor, nom.reviewer_id)):
        raise NotFound(f"You have no review to write with id {nomination_id}: `headway review todo` lists yours.")
    _require_state(nom.review.cycle, CycleState.COLLECTING, doing="submit reviews")
    if nom.status != NominationStatus.APPROVED:
        raise Conflict("This nomination was not approved by the manager, so there is nothing to submit.")
    if nom.submitted:
        raise Conflict("You already submitted this review; a review can be submitted once.")
    slugs = [c.slug for c in cycle_ladder(nom.review.cycle).competencies]
    clean = {str(k): v for k, v in ratings.items() if v not in (None, "")}
    for key, value in list(clean.items()):
        try:
            clean[key] = int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"The rating of {key!r} is {value!r}: ratings are whole numbers 1–5.") from None
    if not clean:
        raise ValidationError("Rate at least one competency from 1 to 5.")
    engine.aggregate_reviews([engine.ReviewResponse(nom.group, clean, comment)], cycle="check", reviewee="check",
                             competencies=slugs)  # validates slugs and ratings exactly as aggregation will
    Response.objects.create(review=nom.review, nomination=nom, group=nom.group, ratings=clean,
                            comment=comment.strip()[:5000])
    nom.submitted = True
    nom.save(update_fields=["submitted"])
    audit.record(actor, AuditEvent.Action.CREATE, object_type="review", object_id=nom.review_id,
                 summary=f"a review was submitted in {nom.review.cycle.name}")


# --- progress and results -------------------------------------------------------------------------------


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


def may_see_results(actor: User | None, review: Review) -> bool:
    """The system; the reviewee once released; the management chain from calibration on."""
    if actor is None:
        return review.cycle.state in CONTENT_STATES
    if is_person(actor, review.reviewee_id):
        return review.cycle.state in RELEASED_STATES
    return review.cycle.state in CONTENT_STATES and in_chain(actor, review.reviewee_id)


def may_see_notes(actor: User | None, review: Review) -> bool:
    """The manager's private notes: the system and the management chain, never the reviewee."""
    return actor is None or (not is_person(actor, review.reviewee_id) and in_chain(actor, review.reviewee_id))


def aggregate(review: Review) -> engine.ReviewReport:
    """The engine's anonymous report of one review (internal: callers check access first)."""
    responses = [engine.ReviewResponse(r.group, r.ratings, r.comment) for r in review.responses.all()]
    slugs = [c.slug for c in cycle_ladder(review.cycle).competencies]
    return engine.aggregate_reviews(responses, cycle=str(review.cycle_id), reviewee=str(review.reviewee_id),
                                    threshold=threshold(), competencies=slugs)


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
        if is_person(actor, review.reviewee_id):
            raise deny("see your results yet", "they open when the cycle is released")
        raise deny(f"see {review.reviewee.name}'s review results",
                   "results are for the reviewee and their management chain; admins see progress only")
    report = aggregate(review)
    record_view(actor, review, f"review results of {review.reviewee.name} in {review.cycle.name} viewed")
    names = {c.slug: c.name for c in cycle_ladder(review.cycle).competencies}
    return Results(review, report, names, review.manager_notes if may_see_notes(actor, review) else None)


def visible_reviews(actor: User | None, person: int) -> list[Review]:
    """The reviews of ``person`` whose results the actor may see, newest cycle first."""
    reviews = Review.objects.select_related("cycle__ladder", "reviewee").filter(reviewee_id=person)
    return [r for r in reviews.order_by("-cycle__created_at", "-cycle_id") if may_see_results(actor, r)]


# --- calibration ----------------------------------------------------------------------------------------


def _rating(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number not in (1, 2, 3, 4, 5):
        raise ValidationError(f"{field} is a whole number 1–5, not {value!r}.", details={field: value})
    return number


@transaction.atomic
def calibrate(actor: User | None, cycle_id: int, reviewee: int, *, performance: Any = None,
              potential: Any = None, notes: str | None = None) -> Review:
    """The manager's performance and potential ratings (1–5) and private notes, for the nine-box."""
    review = get_review(actor, cycle_id, reviewee)
    if not may_manage(actor, review):
        raise deny(f"calibrate {review.reviewee.name}", "only their management chain can")
    _require_state(review.cycle, CycleState.COLLECTING, CycleState.CALIBRATING, doing="calibrate")
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
    grid = readiness_engine.nine_box_grid({pk: (r.performance, r.potential) for pk, r in rated.items()})
    cells = []
    for (perf, pot), name in readiness_engine.NINE_BOX_NAMES.items():
        cells.append((readiness_engine.NineBoxCell(perf, pot, name), [rated[pk] for pk in grid[name]]))  # type: ignore[index]
    cells.sort(key=lambda c: (c[0].row, c[0].column))
    if reviews:
        record_view(actor, cycle, f"nine-box of {cycle.name} viewed ({len(rated)} people)")
    return NineBox(cells, [r for r in reviews if r.pk not in rated])


def chain_of(person: Person) -> list[int]:
    """Ids of the person's managers (re-exported for faces that show the chain)."""
    return manager_ids(person)


# --- plain data for the faces ---------------------------------------------------------------------------


def results_data(res: Results) -> dict[str, Any]:
    """Results as JSON-ready data: aggregates, unnamed comments, the rule; notes only when allowed."""
    report = res.report
    units = [
        {"key": u.key, "label": u.label, "groups": list(u.groups), "count": u.count,
         "scores": [{"competency": s.competency, "name": res.names.get(s.competency, s.competency),
                     "count": s.count, "mean": s.mean} for s in u.scores]}
        for u in (*report.units, report.overall)
    ]
    data: dict[str, Any] = {
        "cycle": res.review.cycle.name, "cycle_id": res.review.cycle_id, "reviewee": res.review.reviewee.name,
        "reviewee_id": res.review.reviewee_id, "threshold": report.threshold, "units": units[:-1],
        "overall": units[-1], "hidden_groups": list(report.hidden_groups),
        "comments": [{"unit": c.unit, "text": c.text} for c in report.comments], "rule": report.rule,
    }
    if res.notes is not None:
        data["manager_notes"] = res.notes
    return data


def progress_data(rows: list[tuple[Review, engine.ReviewProgress]]) -> list[dict[str, Any]]:
    """Progress rows as JSON-ready data (counts only)."""
    return [
        {"reviewee_id": r.reviewee_id, "reviewee": r.reviewee.name, "expected": p.expected, "received": p.received,
         "percent": p.percent,
         "groups": [{"group": g.group, "label": g.label, "expected": g.expected, "received": g.received}
                    for g in p.groups]}
        for r, p in rows
    ]


def nine_box_data(box: NineBox) -> dict[str, Any]:
    """The nine-box as JSON-ready data, every cell present, with the people in it for drill-down."""
    return {
        "cells": [{"name": c.name, "performance": c.performance, "potential": c.potential, "row": c.row,
                   "column": c.column,
                   "people": [{"id": r.reviewee_id, "name": r.reviewee.name, "performance": r.performance,
                               "potential": r.potential} for r in rs]} for c, rs in box.cells],
        "unrated": [{"id": r.reviewee_id, "name": r.reviewee.name} for r in box.unrated],
        "rule": readiness_engine.BAND_RULE,
    }


def cycle_data(cycle: ReviewCycle) -> dict[str, Any]:
    """A cycle's summary: name, state, ladder version and reviewees (names only)."""
    return {"id": cycle.pk, "name": cycle.name, "state": cycle.state, "next_state": NEXT_STATE.get(cycle.state),
            "ladder_version": cycle.ladder.version,
            "reviewees": [{"id": r.reviewee_id, "name": r.reviewee.name}
                          for r in cycle.reviews.select_related("reviewee")]}
