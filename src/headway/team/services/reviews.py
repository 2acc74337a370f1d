"""360 review cycles: the anonymity threshold, cycles and their states, nominations and responses.

Results, progress, calibration and the nine-box are in :mod:`review_reports`. No function here returns a
reviewer's individual response (rows only feed the aggregation), and which reviewer has submitted is shown
only to that reviewer.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
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
from headway.team.services import ladders, releases
from headway.team.services._common import require_state
from headway.team.services.access import deny, is_person, person_of
from headway.team.services.people import PersonName, get_person

STATES = [s.value for s in CycleState]
NEXT_STATE = dict(itertools.pairwise(STATES))


# --- the anonymity threshold ----------------------------------------------------------------------------


def threshold() -> int:
    """The workspace's anonymity threshold (default 3, never below 2); a released report keeps its own."""
    return releases.current_threshold()


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


@transaction.atomic
def add_reviewee(actor: User | None, cycle_id: int, person_id: int) -> Review:
    """Add a reviewee to a draft cycle; their current manager is the one who approves and calibrates."""
    check(actor, Perm.MANAGE_TEAM)
    cycle = get_cycle(None, cycle_id)
    require_state(cycle, CycleState.DRAFT, CycleState.NOMINATING, doing="add reviewees")
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
    releases.on_state_change(cycle, nxt)
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
    """The reviewee proposes reviewers, or someone in their management chain nominates them (approved at once:
    the chain is who approves); each one's group follows from who they are to the reviewee."""
    review = get_review(actor, cycle_id, reviewee)
    by_manager = actor is not None and not is_person(actor, review.reviewee_id) and may_manage(actor, review)
    if actor is not None and not (by_manager or is_person(actor, review.reviewee_id)):
        raise deny("nominate reviewers for someone else",
                   "reviewees nominate their own reviewers, and their managers nominate for them")
    require_state(review.cycle, CycleState.NOMINATING, doing="nominate")
    status = NominationStatus.APPROVED if by_manager else NominationStatus.PROPOSED
    made = []
    for rid in reviewers:
        person = get_person(None, rid)
        group = group_for(review.reviewee, person)
        if group in engine.NAMED_GROUPS:
            raise ValidationError(f"{person.name} is already in the review as {group}: nominate others.")
        nomination, created = Nomination.objects.get_or_create(review=review, reviewer=person,
                                                               defaults={"group": group, "status": status})
        if not created:
            raise Conflict(f"{person.name} is already nominated for {review.reviewee.name}.")
        made.append(nomination)
    audit.record(actor, AuditEvent.Action.CREATE, review,
                 summary=f"{len(made)} reviewer(s) nominated for {review.reviewee.name} in {review.cycle.name}")
    return made


def may_manage(actor: User | None, review: Review) -> bool:
    """The system, or someone in the reviewee's management chain (the one stored when the content opened,
    from calibration on: see :mod:`releases`)."""
    return actor is None or releases.is_manager(actor, review)


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
    require_state(nom.review.cycle, CycleState.NOMINATING, doing="approve nominations")
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
def respond(actor: User | None, nomination_id: int, ratings: Mapping[str, int | str | None],
            comment: str = "") -> None:
    """Submit a review once: ratings 1–5 per competency (unrated ones left out) and a comment.

    Nothing is returned and nothing about the response is logged beyond the fact that a review was written in
    the cycle: the audit event names neither the reviewer nor the reviewee.
    """
    check(actor, Perm.VIEW_WORKSPACE)
    nom = Nomination.objects.select_for_update().select_related("review__cycle__ladder", "review__reviewee").filter(
        pk=nomination_id).first()
    if nom is None or (actor is not None and not is_person(actor, nom.reviewer_id)):
        raise NotFound(f"You have no review to write with id {nomination_id}: `headway review todo` lists yours.")
    require_state(nom.review.cycle, CycleState.COLLECTING, doing="submit reviews")
    if nom.status != NominationStatus.APPROVED:
        raise Conflict("This nomination was not approved by the manager, so there is nothing to submit.")
    if nom.submitted:
        raise Conflict("You already submitted this review; a review can be submitted once.")
    slugs = [c.slug for c in cycle_ladder(nom.review.cycle).competencies]
    clean: dict[str, int] = {}
    for key, value in ratings.items():
        if value is None or value == "":
            continue
        try:
            clean[str(key)] = int(value)
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
    # that *a* review was written in the cycle: never by whom (no actor) nor for whom (no review id)
    event = audit.record(None, AuditEvent.Action.CREATE, object_type="review",
                         summary=f"a review was submitted in {nom.review.cycle.name}")
    event.actor_label = "a reviewer"
    event.save(update_fields=["actor_label"])


# --- typed summaries for the faces ----------------------------------------------------------------------


class CycleSummary(BaseModel):
    """A cycle's summary: name, state, the state it moves to next, ladder version and reviewees (names only)."""

    id: int
    name: str
    state: str
    next_state: str | None
    ladder_version: int
    reviewees: list[PersonName]


class CycleDetail(CycleSummary):
    """A cycle's summary with its questions (the ladder's competencies and their anchors)."""

    questions: list[Question]


def cycle_data(cycle: ReviewCycle) -> CycleSummary:
    """A cycle's summary: name, state, ladder version and reviewees (names only)."""
    return CycleSummary(id=cycle.pk, name=cycle.name, state=cycle.state, next_state=NEXT_STATE.get(cycle.state),
                        ladder_version=cycle.ladder.version,
                        reviewees=[PersonName(id=r.reviewee_id, name=r.reviewee.name)
                                   for r in cycle.reviews.select_related("reviewee")])


def cycle_detail(actor: User | None, cycle_id: int) -> CycleDetail:
    """A cycle's summary with its questions."""
    cycle = get_cycle(actor, cycle_id)
    return CycleDetail(**dict(cycle_data(cycle)), questions=questions(cycle))


class AssignmentLine(BaseModel):
    """A review the viewer is asked to write, by ids and names."""

    nomination_id: int
    cycle_id: int
    cycle: str
    reviewee: str
    group: str
    submitted: bool


def todo(actor: User | None) -> list[AssignmentLine]:
    """The reviews the actor is asked to write in collecting cycles, as typed lines."""
    return [AssignmentLine(nomination_id=a.nomination.pk, cycle_id=a.review.cycle_id, cycle=a.review.cycle.name,
                           reviewee=a.review.reviewee.name, group=a.nomination.group, submitted=a.submitted)
            for a in my_assignments(actor)]
