"""The permission matrix of the team area, role × data, tested cell by cell through the services.

Actors: Ann (contributor, the reviewee and report), Vic (product leader, Ann's manager), Cora (product leader,
above Vic), Bea (product manager, Ann's peer), Ed (viewer, an engineering partner) and Ada (admin, no person).
"""

from __future__ import annotations

import pytest

from headway.core.errors import HeadwayError
from headway.team.models import CheckinPair, Nomination
from headway.team.services import checkins, jobs, ladders, privacy, reminders, review_reports, reviews
from tests.team.conftest import run_review

ACTORS = ("Ann", "Vic", "Cora", "Bea", "Ed", "Ada")

# data → the actors allowed (everyone else is refused)
MATRIX = {
    "view ladder": set(ACTORS),
    "edit ladder": {"Vic", "Cora", "Ada"},
    "read results": {"Ann", "Vic", "Cora"},
    "read manager notes": {"Vic", "Cora"},
    "see progress": {"Vic", "Cora", "Ada"},
    "nine-box with people": {"Vic", "Cora"},
    "list nominations": {"Ann", "Vic", "Cora"},
    "calibrate": {"Vic", "Cora"},
    "see the check-ins": {"Ann", "Vic", "Cora"},
    "see Ann's private agenda item": {"Ann"},
    "write in the check-in": {"Ann", "Vic"},
    "export own data": {"Ann", "Vic", "Cora", "Bea", "Ed"},
    "export Ann's data": {"Ann"},
    "delete a person's data": {"Ada"},
    "view job descriptions": set(ACTORS),
    "edit job descriptions": {"Vic", "Cora", "Ada"},
    "change the anonymity threshold": {"Ada"},
    "nominate reviewers for Ann": {"Ann", "Vic", "Cora"},
    "see who is missing": {"Vic", "Cora", "Ada"},
    "remind the missing reviewers": {"Vic", "Cora", "Ada"},
    "change the check-ins' cadence": {"Ann", "Vic"},
    "end the check-ins": {"Ann", "Vic"},
}


@pytest.fixture
def world(people):
    cycle = run_review(people, release=False)
    reviews.advance(None, cycle.pk)  # released
    pair = checkins.create_pair(None, people["Vic"].pk, people["Ann"].pk, "weekly", "2025-01-06")
    checkins.add_agenda_item(people["users"]["Ann"], pair.pk, "ann-private-topic", private=True)
    job = jobs.generate(None, level="pm", specialisation="core", team="Search", location="London")
    collecting = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    reviews.advance(None, collecting.pk)
    reviews.advance(None, collecting.pk)
    nominating = reviews.create_cycle(None, "Q4", [people["Ann"].pk])
    reviews.advance(None, nominating.pk)
    return {"cycle": cycle, "pair": pair, "job": job, "collecting": collecting, "nominating": nominating}


def attempt(name, actor, people, w):
    ann, cycle = people["Ann"].pk, w["cycle"].pk
    if name == "view ladder":
        return ladders.current_ladder(actor)
    if name == "edit ladder":
        return ladders.edit_ladder(actor, "rename-level", slug="apm", title="Associate product manager")
    if name == "read results":
        return review_reports.results(actor, cycle, ann)
    if name == "read manager notes":
        return review_reports.results(actor, cycle, ann).notes or None
    if name == "see progress":
        return review_reports.progress(actor, cycle) or None
    if name == "nine-box with people":
        return any(rs for _, rs in review_reports.nine_box(actor, cycle).cells) or None
    if name == "list nominations":
        return reviews.list_nominations(actor, cycle, ann)
    if name == "calibrate":
        return review_reports.calibrate(actor, w["collecting"].pk, ann, performance=3, potential=4)
    if name == "see the check-ins":
        return checkins.pair_view(actor, w["pair"].pk)
    if name == "see Ann's private agenda item":
        return [i for i in checkins.pair_view(actor, w["pair"].pk).upcoming if i.private] or None
    if name == "write in the check-in":
        return checkins.add_agenda_item(actor, w["pair"].pk, "topic")
    if name == "export own data":
        return privacy.export_person_data(actor)
    if name == "export Ann's data":
        return privacy.export_person_data(actor, ann)
    if name == "delete a person's data":
        return privacy.delete_person_data(actor, people["Hal"].pk)
    if name == "view job descriptions":
        return jobs.job_data(actor, w["job"].pk)
    if name == "edit job descriptions":
        return jobs.edit(actor, w["job"].pk, title="Product Manager, Search")
    if name == "change the anonymity threshold":
        return reviews.set_threshold(actor, 4)
    if name == "nominate reviewers for Ann":
        Nomination.objects.filter(review__cycle=w["nominating"], reviewer=people["Hal"]).delete()
        return reviews.nominate(actor, w["nominating"].pk, ann, [people["Hal"].pk])
    if name == "see who is missing":
        return reminders.missing(actor, w["collecting"].pk)
    if name == "remind the missing reviewers":
        return reminders.remind(actor, w["collecting"].pk)
    if name == "change the check-ins' cadence":
        return checkins.set_cadence(actor, w["pair"].pk, "monthly")
    if name == "end the check-ins":
        CheckinPair.objects.filter(pk=w["pair"].pk).update(active=True)
        return checkins.end_pair(actor, w["pair"].pk)
    raise AssertionError(name)


@pytest.mark.parametrize("data", list(MATRIX))
def test_row(people, world, data):
    """Every actor in turn (each cell is asserted; the mismatches are listed together)."""
    wrong = []
    for who in ACTORS:
        try:
            allowed = attempt(data, people["users"][who], people, world) is not None
        except HeadwayError:
            allowed = False
        if allowed != (who in MATRIX[data]):
            wrong.append(f"{who}: {'allowed' if allowed else 'refused'}")
    assert wrong == [], f"{data}: {wrong}"
