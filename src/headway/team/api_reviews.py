"""API for 360 reviews, readiness and people's own data (export, erasure): /api/v1/team/reviews/...,
/team/people/{id}/readiness, /team/me/export and /team/people/{id}/data."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema, Status

from headway.core.http import AuthedRequest, actor_of, invalid_when
from headway.core.request_rules import required_text, stated
from headway.team.engine.reviews import MIN_THRESHOLD
from headway.team.services import privacy, readiness, reminders, review_reports, reviews

router = Router(tags=["team"])


class CycleRequest(Schema):
    name: str = required_text(150)
    reviewee_ids: list[int] = []


class CycleStateRequest(Schema):
    to: str | None = None


class PersonIdsRequest(Schema):
    ids: list[int]


class NominationDecisionRequest(Schema):
    approve: bool = True


class ReviewResponseRequest(Schema):
    ratings: dict[str, int]
    comment: str = ""


class CalibrationRequest(Schema):
    performance: int | None = None
    potential: int | None = None
    notes: str | None = None


class AnonymityThresholdRequest(Schema):
    threshold: int = stated(minimum=MIN_THRESHOLD, maximum=reviews.MAX_THRESHOLD)


class AnonymityThresholdOut(Schema):
    threshold: int


class NominationOut(Schema):
    id: int
    reviewer_id: int
    reviewer: str = Field(..., alias="reviewer.name")
    group: str
    status: str


class NominatedOut(Schema):
    id: int
    reviewer: str = Field(..., alias="reviewer.name")
    group: str
    status: str


class NominationDecisionOut(Schema):
    id: int
    status: str


class ReviewSubmittedOut(Schema):
    status: str


class CalibrationOut(Schema):
    reviewee_id: int
    performance: int | None
    potential: int | None


@router.get("/reviews/threshold", response=AnonymityThresholdOut)
def get_threshold(request: AuthedRequest) -> AnonymityThresholdOut:
    """The anonymity threshold of review results."""
    return AnonymityThresholdOut(threshold=reviews.threshold())


@router.put("/reviews/threshold", response=AnonymityThresholdOut)
def put_threshold(request: AuthedRequest, payload: AnonymityThresholdRequest) -> AnonymityThresholdOut:
    """Change the anonymity threshold (admins; never below 2)."""
    return AnonymityThresholdOut(threshold=reviews.set_threshold(actor_of(request), payload.threshold))


@router.get("/reviews/todo", response=list[reviews.AssignmentLine])
def todo(request: AuthedRequest) -> list[reviews.AssignmentLine]:
    """The reviews you are asked to write in collecting cycles."""
    return reviews.todo(actor_of(request))


@router.get("/reviews/cycles", response=list[reviews.CycleSummary])
def cycles(request: AuthedRequest) -> list[reviews.CycleSummary]:
    """Review cycles, newest first."""
    return [reviews.cycle_data(c) for c in reviews.list_cycles(actor_of(request))]


@router.post("/reviews/cycles", response={201: reviews.CycleSummary})
def create_cycle(request: AuthedRequest, payload: CycleRequest) -> Status[reviews.CycleSummary]:
    """A draft cycle on the current ladder (team.manage)."""
    return Status(201, reviews.cycle_data(reviews.create_cycle(actor_of(request), payload.name, payload.reviewee_ids)))


@router.get("/reviews/cycles/{cycle_id}", response=reviews.CycleDetail)
def cycle(request: AuthedRequest, cycle_id: int) -> reviews.CycleDetail:
    """A cycle with its questions (competencies and their anchors)."""
    return reviews.cycle_detail(actor_of(request), cycle_id)


@router.post("/reviews/cycles/{cycle_id}/advance", response=reviews.CycleSummary)
def advance(request: AuthedRequest, cycle_id: int, payload: CycleStateRequest) -> reviews.CycleSummary:
    """Move the cycle to its next state (team.manage)."""
    return reviews.cycle_data(reviews.advance(actor_of(request), cycle_id, payload.to))


@router.post("/reviews/cycles/{cycle_id}/reviewees", response={201: reviews.CycleSummary})
def add_reviewees(request: AuthedRequest, cycle_id: int, payload: PersonIdsRequest) -> Status[reviews.CycleSummary]:
    """Add reviewees to a draft or nominating cycle (team.manage)."""
    actor = actor_of(request)
    for pid in payload.ids:
        reviews.add_reviewee(actor, cycle_id, pid)
    return Status(201, reviews.cycle_data(reviews.get_cycle(actor, cycle_id)))


@router.get("/reviews/cycles/{cycle_id}/progress", response=list[review_reports.ReviewProgressLine])
def progress(request: AuthedRequest, cycle_id: int) -> list[review_reports.ReviewProgressLine]:
    """Responses received against expected per reviewee and group: counts, never content."""
    return review_reports.progress_data(review_reports.progress(actor_of(request), cycle_id))


class ReminderRequest(Schema):
    reviewee_id: int | None = None


@router.get("/reviews/cycles/{cycle_id}/missing", response=list[reminders.MissingLine])
def missing(request: AuthedRequest, cycle_id: int) -> list[reminders.MissingLine]:
    """Reviews still missing per reviewee and reviewer group: counts, never names (team.manage or the chain)."""
    return reminders.missing(actor_of(request), cycle_id)


@router.post("/reviews/cycles/{cycle_id}/reminders", response={201: reminders.Reminded})
def remind(request: AuthedRequest, cycle_id: int, payload: ReminderRequest) -> Status[reminders.Reminded]:
    """Remind every reviewer whose review is missing (of one reviewee if given); returns how many, never who."""
    return Status(201, reminders.remind(actor_of(request), cycle_id, payload.reviewee_id))


@router.get("/reviews/cycles/{cycle_id}/ninebox", response=review_reports.NineBoxReport)
def ninebox(request: AuthedRequest, cycle_id: int) -> review_reports.NineBoxReport:
    """The nine-box of the reviewees you manage, from the manager's ratings."""
    return review_reports.nine_box_data(review_reports.nine_box(actor_of(request), cycle_id))


@router.get("/reviews/cycles/{cycle_id}/reviewees/{person_id}/nominations", response=list[NominationOut])
def nominations(request: AuthedRequest, cycle_id: int, person_id: int) -> list[Any]:
    """Who is asked to review (reviewee and managers); not who has submitted."""
    return reviews.list_nominations(actor_of(request), cycle_id, person_id)


@router.post("/reviews/cycles/{cycle_id}/reviewees/{person_id}/nominations", response={201: list[NominatedOut]})
def nominate(request: AuthedRequest, cycle_id: int, person_id: int, payload: PersonIdsRequest) -> Status[list[Any]]:
    """The reviewee proposes reviewers."""
    return Status(201, reviews.nominate(actor_of(request), cycle_id, person_id, payload.ids))


@router.post("/reviews/nominations/{nomination_id}/decision", response=NominationDecisionOut)
def decide(request: AuthedRequest, nomination_id: int, payload: NominationDecisionRequest) -> Any:
    """The reviewee's manager approves or declines a nomination."""
    return reviews.decide(actor_of(request), nomination_id, payload.approve)


@router.post("/reviews/nominations/{nomination_id}/response", response={201: ReviewSubmittedOut})
def respond(request: AuthedRequest, nomination_id: int, payload: ReviewResponseRequest) -> Status[ReviewSubmittedOut]:
    """Submit your review once; nothing of it is returned."""
    reviews.respond(actor_of(request), nomination_id, payload.ratings, payload.comment)
    return Status(201, ReviewSubmittedOut(status="submitted"))


@router.get("/reviews/cycles/{cycle_id}/reviewees/{person_id}/results", response=review_reports.ReviewResults)
def results(request: AuthedRequest, cycle_id: int, person_id: int) -> review_reports.ReviewResults:
    """Anonymous results (reviewee once released; management chain from calibration); audited."""
    return review_reports.results_data(review_reports.results(actor_of(request), cycle_id, person_id))


@router.put("/reviews/cycles/{cycle_id}/reviewees/{person_id}/calibration", response=CalibrationOut)
def calibrate(request: AuthedRequest, cycle_id: int, person_id: int, payload: CalibrationRequest) -> Any:
    """The manager's performance and potential (1–5) and private notes."""
    return review_reports.calibrate(actor_of(request), cycle_id, person_id, **payload.dict(exclude_unset=True))


@router.get("/people/{person_id}/readiness", response=readiness.ReadinessReport,
            openapi_extra=invalid_when("the target is not a level of the workspace's ladder"))
def person_readiness(request: AuthedRequest, person_id: int, target: str | None = None) -> readiness.ReadinessReport:
    """Promotion readiness against the next level, with gaps and evidence you may see."""
    return readiness.readiness_data(readiness.promotion_readiness(actor_of(request), person_id, target=target))


@router.get("/me/export", response=privacy.PersonalData)
def export_my_data(request: AuthedRequest) -> privacy.PersonalData:
    """All data about you (your linked person), as JSON."""
    return privacy.export_person_data(actor_of(request))


@router.delete("/people/{person_id}/data", response=privacy.ErasedData)
def delete_person_data(request: AuthedRequest, person_id: int) -> privacy.ErasedData:
    """Erase a person's data on request (admins); returns what was removed."""
    return privacy.delete_person_data(actor_of(request), person_id)
