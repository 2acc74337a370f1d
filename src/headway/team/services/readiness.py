"""Promotion readiness: a person's latest visible review results against the next level's expectations.

The ratings are the overall anonymous averages of the newest review the viewer may see (the engine's
``ratings_from_report``); the evidence is the check-in notes and review comments the viewer may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from headway.core.errors import Conflict, NotFound
from headway.core.models import User
from headway.team.engine import readiness as engine
from headway.team.services import checkins, ladders, review_reports
from headway.team.services.access import is_person, record_view
from headway.team.services.people import get_person


@dataclass(frozen=True)
class ReadinessEvidence:
    """One piece of evidence: where it comes from, its date or cycle, and its text."""

    source: str
    when: str
    text: str


@dataclass(frozen=True)
class ReadinessView:
    """The engine's verdict with the ratings used, where they came from and the evidence."""

    readiness: engine.Readiness
    ratings: dict[str, float]
    source: str
    evidence: list[ReadinessEvidence]


def promotion_readiness(actor: User | None, person_id: int, *, target: str | None = None) -> ReadinessView:
    """How ready a person is for the next level (or ``target``), from results the actor may see."""
    person = get_person(actor, person_id)
    if not person.level:
        raise Conflict(f"{person.name} has no ladder level: set one with `headway team` or the API first.")
    visible = review_reports.visible_reviews(actor, person.pk)
    if not visible:
        if is_person(actor, person.pk):
            raise NotFound("You have no released review yet: readiness uses your latest released results.")
        raise NotFound(f"There is no review of {person.name} whose results you may see: readiness needs one "
                       "(the reviewee's management chain sees them from calibration on).")
    latest = visible[0]
    report = review_reports.aggregate(latest)
    ratings = engine.ratings_from_report(report)
    ladder = ladders.current_ladder(None)
    result = engine.promotion_readiness(ladder, person.level, ratings, track=person.track, target_level=target)
    record_view(actor, latest, f"promotion readiness of {person.name} viewed")
    evidence = [ReadinessEvidence("review comment", latest.cycle.name, c.text) for c in report.comments if c.unit != "self"]
    for pair in checkins.pairs_of_person(actor, person.pk).filter(report=person):
        for checkin in pair.checkins.exclude(notes="")[:10]:
            evidence.append(ReadinessEvidence("check-in note", checkin.date.isoformat(), checkin.notes))
    return ReadinessView(result, ratings, f"overall averages of {latest.cycle.name}", evidence)


class ReadinessGap(BaseModel):
    """A competency below what the target level expects (``actual`` None: not rated)."""

    competency: str
    name: str
    expected: int
    actual: float | None
    gap: float


class ReadinessStrength(BaseModel):
    """A competency at or above what the target level expects."""

    competency: str
    name: str
    expected: int
    actual: float
    margin: float


class ReadinessReport(BaseModel):
    """Promotion readiness as a typed report: the verdict and its rule, the ratings used and where they came
    from, the gaps and strengths against the target level, and the evidence the viewer may see."""

    current_level: str
    target_level: str
    target_title: str
    verdict: str
    verdict_label: str
    rule: str
    source: str
    ratings: dict[str, float]
    gaps: list[ReadinessGap]
    strengths: list[ReadinessStrength]
    evidence: list[ReadinessEvidence]


def readiness_data(view: ReadinessView) -> ReadinessReport:
    """Readiness as a typed report."""
    r = view.readiness
    return ReadinessReport(
        current_level=r.current_level, target_level=r.target_level, target_title=r.target_title,
        verdict=r.verdict, verdict_label=r.verdict_label, rule=r.rule, source=view.source, ratings=view.ratings,
        gaps=[ReadinessGap(competency=g.competency, name=g.name, expected=g.expected, actual=g.actual, gap=g.gap)
              for g in r.gaps],
        strengths=[ReadinessStrength(competency=s.competency, name=s.name, expected=s.expected, actual=s.actual,
                                     margin=s.margin) for s in r.strengths],
        evidence=view.evidence,
    )
