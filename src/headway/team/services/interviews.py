"""Interview kits from a job description's level, independent scorecards and the debrief.

An interviewer sees another interviewer's scorecard of a candidate only once every scorecard of their own for that
candidate is submitted (Greenhouse's rule: it keeps the ratings independent); people who manage the team and do not
interview the candidate see the submitted ones. Candidates' data (their names and contact details) go to the hiring
team only: those who manage the team and the candidate's interviewers.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check, has_perm
from headway.team.engine import interviews as engine
from headway.team.models import InterviewKit, JobDescription, Scorecard
from headway.team.services.ladders import current_ladder

RECOMMENDATIONS = ("strong_yes", "yes", "no", "strong_no")


class KitAttribute(BaseModel):
    competency: str
    name: str
    expected: int
    anchors: list[str]
    must_have: bool


class KitInterview(BaseModel):
    name: str
    focus: list[str]


class KitView(BaseModel):
    """A job's interview kit: the attributes every scorecard rates and the interviews with their focus."""

    job_id: int
    level: str
    attributes: list[KitAttribute]
    interviews: list[KitInterview]


class ScorecardView(BaseModel):
    """One scorecard as its reader may see it."""

    id: int
    job_id: int
    candidate: str
    candidate_email: str
    interview: str
    interviewer: str
    submitted: bool
    ratings: dict[str, int | None]
    notes: str
    recommendation: str


class DebriefRow(BaseModel):
    competency: str
    name: str
    expected: int
    must_have: bool
    ratings: dict[str, int]
    spread: int | None
    mean: float | None
    disagreement: bool
    unrated: bool


class DebriefView(BaseModel):
    """The debrief of a candidate: each competency's ratings and spread, the flags, and how many scorecards are in."""

    job_id: int
    candidate: str
    rows: list[DebriefRow]
    disagreements: list[str]
    unrated: list[str]
    submitted: int
    interviews: int


class SubmissionRate(BaseModel):
    """A job's scorecard submission rate against the 90 % benchmark."""

    job_id: int
    submitted: int
    interviews: int
    rate: float | None
    benchmark: float
    below_benchmark: bool


def _job(job_id: int) -> JobDescription:
    job = JobDescription.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"There is no job description {job_id}: `headway jd list` shows them.")
    return job


def _kit(job_id: int) -> InterviewKit:
    kit = InterviewKit.objects.filter(job_id=job_id).first()
    if kit is None:
        raise NotFound(f"Job {job_id} has no interview kit yet: make one with `headway interview kit {job_id}`.")
    return kit


def _kit_view(kit: InterviewKit) -> KitView:
    return KitView(job_id=kit.job_id, **kit.data)


@transaction.atomic
def make_kit(actor: User | None, job_id: int, interviews: int = engine.MAX_INTERVIEWS) -> KitView:
    """The kit for a job: its level's competencies as attributes, spread over 1 to 4 interviews so every must-have
    competency is a focus of one; replaces a kit no scorecard uses yet."""
    check(actor, Perm.MANAGE_TEAM)
    job = _job(job_id)
    built = engine.build_kit(current_ladder(actor), job.level, interviews)
    existing = InterviewKit.objects.filter(job=job).first()
    if existing is not None and existing.scorecards.exists():
        raise ValidationError(f"Job {job_id}'s kit already has scorecards: keep it, so the ratings stay comparable.")
    data = {"level": built.level, "attributes": [{**asdict(a), "anchors": list(a.anchors)} for a in built.attributes],
            "interviews": [{"name": i.name, "focus": list(i.focus)} for i in built.interviews]}
    kit, _ = InterviewKit.objects.update_or_create(job=job, defaults={"data": data})
    audit.record(actor, AuditEvent.Action.CREATE, kit, summary=f"interview kit for job {job_id}: "
                 f"{len(built.interviews)} interviews")
    return _kit_view(kit)


def get_kit(actor: User | None, job_id: int) -> KitView:
    """A job's interview kit."""
    check(actor, Perm.VIEW_WORKSPACE)
    return _kit_view(_kit(job_id))


def _view(card: Scorecard) -> ScorecardView:
    return ScorecardView(id=card.pk, job_id=card.kit.job_id, candidate=card.candidate,
                         candidate_email=card.candidate_email, interview=card.interview,
                         interviewer=card.interviewer.username, submitted=card.submitted_at is not None,
                         ratings=card.ratings, notes=card.notes, recommendation=card.recommendation)


@transaction.atomic
def assign(actor: User | None, job_id: int, candidate: str, interview: str | int, interviewer: str, *,
           candidate_email: str = "") -> ScorecardView:
    """Give ``interviewer`` (a username) one of the kit's interviews (by name or number) with ``candidate``."""
    from headway.core import services as core

    check(actor, Perm.MANAGE_TEAM)
    kit = _kit(job_id)
    names = [i["name"] for i in kit.data["interviews"]]
    text = str(interview).strip()
    name = names[int(text) - 1] if text.isdigit() and 1 <= int(text) <= len(names) else text
    if name not in names:
        raise ValidationError(f"The kit has no interview {interview!r}: use a number 1 to {len(names)} or one of "
                              f"{'; '.join(names)}.")
    person = str(candidate or "").strip()
    if not 0 < len(person) <= 150:
        raise ValidationError("Give the candidate's name (1 to 150 characters).")
    card = Scorecard.objects.create(kit=kit, candidate=person, candidate_email=str(candidate_email or "").strip(),
                                    interview=name, interviewer=core.get_user(interviewer))
    audit.record(actor, AuditEvent.Action.CREATE, card, summary=f"{interviewer} interviews a candidate ({name})")
    return _view(card)


@transaction.atomic
def submit(actor: User | None, scorecard_id: int, ratings: dict[str, Any], *, notes: str = "",
           recommendation: str = "") -> ScorecardView:
    """Submit one's own scorecard: a rating 1–5 (or none) per attribute; submitted once."""
    check(actor, Perm.VIEW_WORKSPACE)
    card = Scorecard.objects.select_related("kit", "interviewer").filter(pk=scorecard_id).first()
    if card is None or (actor is not None and card.interviewer_id != actor.pk):
        raise NotFound(f"You have no scorecard {scorecard_id}: `headway interview mine` lists yours.")
    if card.submitted_at is not None:
        raise ValidationError(f"Scorecard {scorecard_id} is submitted already: scorecards do not change afterwards.")
    clean: dict[str, int | None] = {}
    for slug, value in ratings.items():
        clean[slug] = None if value in (None, "") else int(value) if str(value).strip().isdigit() else -1
    kit = engine.Kit(card.kit.data["level"], tuple(engine.Attribute(a["competency"], a["name"], a["expected"],
                                                                    tuple(a["anchors"]), a["must_have"])
                                                   for a in card.kit.data["attributes"]), ())
    engine.debrief(kit, [engine.Scorecard(card.interviewer.username, clean)])  # refuses bad ratings
    if recommendation and recommendation not in RECOMMENDATIONS:
        raise ValidationError(f"{recommendation!r} is not a recommendation: use {', '.join(RECOMMENDATIONS)}.")
    card.ratings, card.notes, card.recommendation = clean, str(notes or ""), recommendation
    card.submitted_at = timezone.now()
    card.save()
    audit.record(actor, AuditEvent.Action.UPDATE, card, summary=f"scorecard {card.pk} submitted")
    return _view(card)


def mine(actor: User | None) -> list[ScorecardView]:
    """The actor's own scorecards, submitted or not."""
    check(actor, Perm.VIEW_WORKSPACE)
    if actor is None:
        return []
    return [_view(c) for c in Scorecard.objects.select_related("kit", "interviewer").filter(interviewer=actor)]


def visible(actor: User | None, job_id: int, candidate: str) -> list[ScorecardView]:
    """The candidate's scorecards the actor may read: their own; the others' once all their own are submitted (a
    team manager who does not interview the candidate: the submitted ones). Anyone else: refused."""
    check(actor, Perm.VIEW_WORKSPACE)
    cards = list(Scorecard.objects.select_related("kit", "interviewer").filter(kit=_kit(job_id), candidate=candidate))
    if actor is None:
        return [_view(c) for c in cards]
    own = [c for c in cards if c.interviewer_id == actor.pk]
    if own:
        if all(c.submitted_at is not None for c in own):
            return [_view(c) for c in cards if c.interviewer_id == actor.pk or c.submitted_at is not None]
        return [_view(c) for c in own]
    if has_perm(actor, Perm.MANAGE_TEAM):
        return [_view(c) for c in cards if c.submitted_at is not None]
    raise PermissionDenied("Only the hiring team sees candidates' scorecards: the candidate's interviewers and those "
                           "who manage the team.")


def debrief(actor: User | None, job_id: int, candidate: str) -> DebriefView:
    """The candidate's debrief from the submitted scorecards the actor may read (an interviewer: after submitting
    their own)."""
    cards = visible(actor, job_id, candidate)
    if actor is not None and any(c.interviewer == actor.username and not c.submitted for c in cards):
        raise PermissionDenied("Submit your own scorecard first: the debrief shows the other interviewers' ratings.")
    kit_data = _kit(job_id).data
    kit = engine.Kit(kit_data["level"], tuple(engine.Attribute(a["competency"], a["name"], a["expected"],
                                                               tuple(a["anchors"]), a["must_have"])
                                              for a in kit_data["attributes"]), ())
    submitted = [c for c in cards if c.submitted]
    result = engine.debrief(kit, [engine.Scorecard(c.interviewer, c.ratings) for c in submitted])
    rows = [DebriefRow(competency=r.competency, name=r.name, expected=r.expected, must_have=r.must_have,
                       ratings=dict(r.ratings), spread=r.spread, mean=r.mean, disagreement=r.disagreement,
                       unrated=r.unrated) for r in result.competencies]
    return DebriefView(job_id=job_id, candidate=candidate, rows=rows, disagreements=list(result.disagreements),
                       unrated=list(result.unrated), submitted=len(submitted),
                       interviews=Scorecard.objects.filter(kit__job_id=job_id, candidate=candidate).count())


def submission_rate(actor: User | None, job_id: int) -> SubmissionRate:
    """The share of a job's interviews with a submitted scorecard, against the 90 % benchmark."""
    check(actor, Perm.MANAGE_TEAM)
    cards = Scorecard.objects.filter(kit=_kit(job_id))
    done, total = cards.exclude(submitted_at=None).count(), cards.count()
    rate = engine.submission_rate(done, total)
    return SubmissionRate(job_id=job_id, submitted=done, interviews=total, rate=rate,
                          benchmark=engine.SUBMISSION_BENCHMARK,
                          below_benchmark=rate is not None and rate < engine.SUBMISSION_BENCHMARK)


class CandidateData(BaseModel):
    """Everything Headway holds about a candidate: their scorecards, with their name and contact details."""

    candidate: str
    scorecards: list[ScorecardView]


def export_candidate_data(actor: User | None, candidate: str) -> CandidateData:
    """A candidate's data on request (those who manage the team)."""
    check(actor, Perm.MANAGE_TEAM)
    cards = Scorecard.objects.select_related("kit", "interviewer").filter(candidate=str(candidate).strip())
    if not cards:
        raise NotFound(f"There is no candidate {candidate!r}: check the name as the scorecards give it.")
    audit.record(actor, AuditEvent.Action.UPDATE, cards[0], summary="a candidate's data exported")
    return CandidateData(candidate=str(candidate).strip(), scorecards=[_view(c) for c in cards])


@transaction.atomic
def delete_candidate_data(actor: User | None, candidate: str) -> int:
    """Erase a candidate's scorecards on request (admins); returns how many were erased."""
    check(actor, Perm.MANAGE_USERS)
    cards = Scorecard.objects.filter(candidate=str(candidate).strip())
    count = cards.count()
    if not count:
        raise NotFound(f"There is no candidate {candidate!r}: check the name as the scorecards give it.")
    audit.record(actor, AuditEvent.Action.DELETE, cards[0], summary=f"a candidate's {count} scorecards erased")
    cards.delete()
    return count
