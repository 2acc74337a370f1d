"""360 review cycles through the services: states, nominations, hand-computed anonymous results, audit."""

from __future__ import annotations

import pytest

from headway.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent
from headway.team.models import Nomination, Response
from headway.team.services import review_reports, reviews
from tests.team.conftest import run_review


def test_results_match_the_hand_computed_values(people):
    cycle = run_review(people)
    assert cycle.state == "released"
    res = review_reports.results(people["users"]["Ann"], cycle.pk, people["Ann"].pk)
    report = res.report
    assert [u.key for u in report.units] == ["self", "manager", "peer", "cross_functional"]
    assert report.unit("peer").means == {"problem-framing": 4.0, "delivery": 4.0}
    assert report.unit("cross_functional").means == {"problem-framing": 3.0, "delivery": 2.0}
    assert report.unit("cross_functional").groups == ("engineering", "design")
    assert report.overall.count == 7
    assert report.overall.means == {"problem-framing": 3.57, "delivery": 3.14}
    assert report.hidden_groups == ()
    assert res.notes is None  # the reviewee never sees the manager's notes


def test_a_small_group_is_hidden_and_cannot_be_subtracted(people):
    cycle = run_review(people, reviewers=("Bea", "Gus", "Hal", "Ed", "Fay"))
    report = review_reports.results(people["users"]["Vic"], cycle.pk, people["Ann"].pk).report
    assert report.hidden_groups == ("engineering",)
    assert [u.key for u in report.units] == ["self", "manager", "peer"]
    # overall = manager + peers only: (4+4+3+5)/4 = 4.0 and (4+3+5+4)/4 = 4.0
    assert report.overall.count == 4
    assert report.overall.means == {"problem-framing": 4.0, "delivery": 4.0}
    assert all(c.text != "secret-comment-by-ed" for c in report.comments)


def test_threshold_is_configurable_but_never_below_two(people, admin):
    assert reviews.threshold() == 3
    with pytest.raises(ValidationError, match="too low"):
        reviews.set_threshold(admin, 1)
    with pytest.raises(PermissionDenied):
        reviews.set_threshold(people["users"]["Vic"], 2)
    reviews.set_threshold(admin, 2)
    cycle = run_review(people, reviewers=("Bea", "Gus", "Hal", "Ed", "Fay"))
    report = review_reports.results(None, cycle.pk, people["Ann"].pk).report
    # with 2, engineering (Ed 2,2 · Fay 3,3) is shown on its own: 2.5 and 2.5
    assert report.unit("engineering").means == {"problem-framing": 2.5, "delivery": 2.5}


def test_states_move_one_step_at_a_time(people):
    cycle = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    with pytest.raises(Conflict, match="can only move to nominating"):
        reviews.advance(None, cycle.pk, to="released")
    reviews.advance(None, cycle.pk)
    nom = reviews.nominate(people["users"]["Ann"], cycle.pk, people["Ann"].pk, [people["Bea"].pk])[0]
    assert nom.group == "peer"
    with pytest.raises(Conflict, match="1 nomination"):
        reviews.advance(None, cycle.pk)
    reviews.decide(people["users"]["Vic"], nom.pk, approve=False)
    assert reviews.advance(None, cycle.pk).state == "collecting"
    with pytest.raises(Conflict, match="not approved"):
        reviews.respond(people["users"]["Bea"], nom.pk, {"delivery": 3})
    for state in ("calibrating", "released", "closed"):
        assert reviews.advance(None, cycle.pk).state == state
    with pytest.raises(Conflict, match="closed"):
        reviews.advance(None, cycle.pk)


def test_groups_follow_who_the_reviewer_is(people):
    ann, vic = people["Ann"], people["Vic"]
    assert reviews.group_for(ann, ann) == "self"
    assert reviews.group_for(ann, vic) == "manager"
    assert reviews.group_for(vic, ann) == "direct_report"
    assert reviews.group_for(ann, people["Fay"]) == "engineering"
    assert reviews.group_for(ann, people["Dan"]) == "design"
    assert reviews.group_for(ann, people["Bea"]) == "peer"


def test_only_the_reviewee_nominates_and_only_managers_approve(people):
    users = people["users"]
    cycle = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    reviews.advance(None, cycle.pk)
    with pytest.raises(PermissionDenied, match="reviewees nominate"):
        reviews.nominate(users["Bea"], cycle.pk, people["Ann"].pk, [people["Gus"].pk])
    nom = reviews.nominate(users["Ann"], cycle.pk, people["Ann"].pk, [people["Gus"].pk])[0]
    with pytest.raises(PermissionDenied, match="managers can"):
        reviews.decide(users["Ann"], nom.pk)
    assert reviews.decide(users["Cora"], nom.pk).status == "approved"  # above the manager in the chain


def test_a_review_is_submitted_once_by_its_reviewer_only(people):
    cycle = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    reviews.advance(None, cycle.pk)
    reviews.advance(None, cycle.pk)
    nom = Nomination.objects.get(review__cycle=cycle, group="manager")
    with pytest.raises(NotFound):
        reviews.respond(people["users"]["Bea"], nom.pk, {"delivery": 3})
    with pytest.raises(ValidationError, match="1–5"):
        reviews.respond(people["users"]["Vic"], nom.pk, {"delivery": 7})
    reviews.respond(people["users"]["Vic"], nom.pk, {"delivery": 3}, "fine")
    with pytest.raises(Conflict, match="once"):
        reviews.respond(people["users"]["Vic"], nom.pk, {"delivery": 4})
    assert Response.objects.get().ratings == {"delivery": 3}
    event = AuditEvent.objects.filter(object_type="review", action="create").first()
    assert event.summary == "a review was submitted in Q3"


def test_who_sees_results_and_notes(people):
    cycle = run_review(people, release=False)  # calibrating
    users, ann = people["users"], people["Ann"].pk
    with pytest.raises(PermissionDenied, match="open when the cycle is released"):
        review_reports.results(users["Ann"], cycle.pk, ann)
    assert review_reports.results(users["Vic"], cycle.pk, ann).notes == "private-manager-note about Ann"
    assert review_reports.results(users["Cora"], cycle.pk, ann).notes == "private-manager-note about Ann"
    for outsider in ("Ada", "Bea", "Ed"):
        with pytest.raises(PermissionDenied):
            review_reports.results(users[outsider], cycle.pk, ann)
    progress = dict((r.reviewee.name, p) for r, p in review_reports.progress(users["Ada"], cycle.pk))
    assert (progress["Ann"].expected, progress["Ann"].received) == (8, 8)


def test_every_view_of_results_is_audited(people):
    cycle = run_review(people)
    before = AuditEvent.objects.filter(action="view").count()
    review_reports.results(people["users"]["Ann"], cycle.pk, people["Ann"].pk)
    event = AuditEvent.objects.filter(action="view").first()
    assert AuditEvent.objects.filter(action="view").count() == before + 1
    assert event.actor_label == "ann" and event.summary == "review results of Ann in H1 viewed"


def test_nine_box_places_reviewees_for_their_managers_only(people):
    cycle = run_review(people)
    box = review_reports.nine_box(people["users"]["Vic"], cycle.pk)
    placed = {cell.name: [r.reviewee.name for r in rs] for cell, rs in box.cells if rs}
    assert placed == {"Star": ["Ann"]}  # performance 4 (high), potential 5 (high)
    assert [c.name for c, _ in box.cells][:3] == ["Rough diamond", "High potential", "Star"]
    assert all(not rs for _, rs in review_reports.nine_box(people["users"]["Ada"], cycle.pk).cells)
