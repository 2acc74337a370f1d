"""API for interview kits and scorecards: /api/v1/team/jobs/{id}/kit, /team/scorecards/..."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema, Status

from headway.core.http import AuthedRequest, actor_of, invalid_when
from headway.core.request_rules import required_text
from headway.team import services

router = Router(tags=["team"])


# --- interview kits and scorecards ------------------------------------------------------------------------


class KitRequest(Schema):
    interviews: int = 4


class AssignRequest(Schema):
    candidate: str = required_text(150)
    interview: str
    interviewer: str
    candidate_email: str = ""


class SubmitRequest(Schema):
    ratings: dict[str, int | None]
    notes: str = ""
    recommendation: str = ""


@router.post("/jobs/{job_id}/kit", response={201: services.interviews.KitView})
def make_kit(request: AuthedRequest, job_id: int, payload: KitRequest) -> Status[Any]:
    """Make the job's interview kit from its level's competencies (needs team.manage)."""
    return Status(201, services.interviews.make_kit(actor_of(request), job_id, payload.interviews))


@router.get("/jobs/{job_id}/kit", response=services.interviews.KitView)
def get_kit(request: AuthedRequest, job_id: int) -> services.interviews.KitView:
    """The job's interview kit."""
    return services.interviews.get_kit(actor_of(request), job_id)


@router.post("/jobs/{job_id}/scorecards", response={201: services.interviews.ScorecardView},
             openapi_extra=invalid_when("the interview is not one of the kit's, by number or by name"))
def assign_interview(request: AuthedRequest, job_id: int, payload: AssignRequest) -> Status[Any]:
    """Give an interviewer one of the kit's interviews with a candidate (needs team.manage)."""
    return Status(201, services.interviews.assign(actor_of(request), job_id, payload.candidate, payload.interview,
                                                  payload.interviewer, candidate_email=payload.candidate_email))


@router.get("/jobs/{job_id}/scorecards", response=list[services.interviews.ScorecardView])
def scorecards(request: AuthedRequest, job_id: int, candidate: str) -> list[services.interviews.ScorecardView]:
    """A candidate's scorecards the caller may read: their own, and the others' once theirs is submitted."""
    return services.interviews.visible(actor_of(request), job_id, candidate)


@router.get("/jobs/{job_id}/debrief", response=services.interviews.DebriefView)
def debrief(request: AuthedRequest, job_id: int, candidate: str) -> services.interviews.DebriefView:
    """The candidate's debrief: spread per competency, disagreements of 2+ points, unrated competencies."""
    return services.interviews.debrief(actor_of(request), job_id, candidate)


@router.get("/jobs/{job_id}/submission-rate", response=services.interviews.SubmissionRate)
def submission_rate(request: AuthedRequest, job_id: int) -> services.interviews.SubmissionRate:
    """The share of the job's interviews with a submitted scorecard, against the 90 % benchmark."""
    return services.interviews.submission_rate(actor_of(request), job_id)


@router.get("/scorecards/mine", response=list[services.interviews.ScorecardView])
def my_scorecards(request: AuthedRequest) -> list[services.interviews.ScorecardView]:
    """The caller's own scorecards."""
    return services.interviews.mine(actor_of(request))


@router.post("/scorecards/{scorecard_id}/submit", response=services.interviews.ScorecardView)
def submit_scorecard(request: AuthedRequest, scorecard_id: int,
                     payload: SubmitRequest) -> services.interviews.ScorecardView:
    """Submit one's own scorecard (once)."""
    return services.interviews.submit(actor_of(request), scorecard_id, dict(payload.ratings), notes=payload.notes,
                                      recommendation=payload.recommendation)


@router.get("/candidates/{name}/export", response=services.interviews.CandidateData)
def export_candidate(request: AuthedRequest, name: str) -> services.interviews.CandidateData:
    """A candidate's data on request (needs team.manage)."""
    return services.interviews.export_candidate_data(actor_of(request), name)


@router.delete("/candidates/{name}/data", response=dict[str, int])
def delete_candidate(request: AuthedRequest, name: str) -> dict[str, int]:
    """Erase a candidate's scorecards on request (admins)."""
    return {"scorecards": services.interviews.delete_candidate_data(actor_of(request), name)}
