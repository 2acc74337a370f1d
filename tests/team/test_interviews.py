"""Interview kits and independent scorecards through the services, the API and the CLI: nobody sees another
interviewer's scorecard before submitting their own, on any face."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.permissions import Role
from headway.team import services
from tests.conftest import PASSWORD

runner = CliRunner()
interviews = services.interviews


@pytest.fixture
def hiring(db, workspace, make_user, leader):
    job = services.jobs.generate(None, level="pm", specialisation="core", team="Checkout", location="London")
    kit = interviews.make_kit(leader, job.pk, 3)
    ana, ben, cy = (make_user(n, Role.CONTRIBUTOR) for n in ("ana", "ben", "cy"))
    cards = {u.username: interviews.assign(leader, job.pk, "Grace Hopper", k + 1, u.username,
                                           candidate_email="grace@example.com")
             for k, u in enumerate((ana, ben, cy))}
    return {"job": job.pk, "kit": kit, "users": {"ana": ana, "ben": ben, "cy": cy}, "cards": cards,
            "leader": leader}


def _rate(kit, first, second):
    slugs = [a.competency for a in kit.attributes]
    return {slugs[0]: first, slugs[1]: second}


def test_the_kit_covers_every_must_have(hiring):
    kit = hiring["kit"]
    assert len(kit.interviews) == 3 and kit.level == "pm"
    must = {a.competency for a in kit.attributes if a.must_have}
    assert len(must) == 3 and must <= {f for i in kit.interviews for f in i.focus}


def test_scorecards_stay_hidden_until_ones_own_is_submitted(hiring, viewer):
    job, kit, users, cards = hiring["job"], hiring["kit"], hiring["users"], hiring["cards"]
    interviews.submit(users["ana"], cards["ana"].id, _rate(kit, 2, 3), recommendation="yes")
    # ben has not submitted: he sees only his own draft, never ana's ratings
    seen = interviews.visible(users["ben"], job, "Grace Hopper")
    assert [c.interviewer for c in seen] == ["ben"]
    with pytest.raises(PermissionDenied, match="Submit your own scorecard first"):
        interviews.debrief(users["ben"], job, "Grace Hopper")
    # ana submitted: she sees the submitted ones (hers), not ben's or cy's drafts
    assert [c.interviewer for c in interviews.visible(users["ana"], job, "Grace Hopper")] == ["ana"]
    with pytest.raises(PermissionDenied, match="Only the hiring team"):
        interviews.visible(viewer, job, "Grace Hopper")
    interviews.submit(users["ben"], cards["ben"].id, _rate(kit, 4, 4))
    assert [c.interviewer for c in interviews.visible(users["ben"], job, "Grace Hopper")] == ["ana", "ben"]
    with pytest.raises(NotFound):
        interviews.submit(users["ana"], cards["cy"].id, _rate(kit, 1, 1))  # nobody submits another's scorecard
    with pytest.raises(ValidationError, match="submitted already"):
        interviews.submit(users["ana"], cards["ana"].id, _rate(kit, 1, 1))
    with pytest.raises(ValidationError, match="ratings run from 1 to 5"):
        interviews.submit(users["cy"], cards["cy"].id, _rate(kit, 7, 1))
    interviews.submit(users["cy"], cards["cy"].id, _rate(kit, 3, 4))
    debrief = interviews.debrief(hiring["leader"], job, "Grace Hopper")
    first, second = (a.competency for a in kit.attributes[:2])
    assert debrief.disagreements == [first]  # 2, 4, 3: two points apart; 3, 4, 4 only one
    assert second not in debrief.unrated and second not in debrief.disagreements
    rows = {r.competency: r for r in debrief.rows}
    assert rows[first].ratings == {"ana": 2, "ben": 4, "cy": 3} and rows[first].spread == 2
    assert len(debrief.unrated) == len(kit.attributes) - 2 and first not in debrief.unrated
    rate = interviews.submission_rate(hiring["leader"], job)
    assert (rate.submitted, rate.interviews, rate.rate, rate.below_benchmark) == (3, 3, 1.0, False)


def test_the_api_hides_others_scorecards_until_ones_own_is_in(client, hiring):
    job, kit, users, cards = hiring["job"], hiring["kit"], hiring["users"], hiring["cards"]
    interviews.submit(users["ana"], cards["ana"].id, _rate(kit, 2, 3))
    assert client.login(username="ben", password=PASSWORD)
    url = f"/api/v1/team/jobs/{job}/scorecards?candidate=Grace%20Hopper"
    seen = client.get(url)
    assert seen.status_code == 200 and [c["interviewer"] for c in seen.json()] == ["ben"]
    assert client.get(f"/api/v1/team/jobs/{job}/debrief?candidate=Grace%20Hopper").status_code == 403
    submitted = client.post(f"/api/v1/team/scorecards/{cards['ben'].id}/submit",
                            {"ratings": _rate(kit, 4, 4)}, content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    assert [c["interviewer"] for c in client.get(url).json()] == ["ana", "ben"]
    assert client.get(f"/api/v1/team/jobs/{job}/kit").json()["level"] == "pm"


def test_the_cli_hides_others_scorecards_until_ones_own_is_in(hiring):
    job, kit, users, cards = hiring["job"], hiring["kit"], hiring["users"], hiring["cards"]
    interviews.submit(users["ana"], cards["ana"].id, _rate(kit, 2, 3))
    result = runner.invoke(app, ["interview", "scorecards", str(job), "Grace Hopper", "--as", "ben", "--json"])
    assert result.exit_code == 0, result.output
    assert [c["interviewer"] for c in json.loads(result.output)] == ["ben"]
    denied = runner.invoke(app, ["interview", "debrief", str(job), "Grace Hopper", "--as", "ben"])
    assert denied.exit_code == 1 and "Submit your own scorecard first" in str(denied.exception)
    first, second = (a.competency for a in kit.attributes[:2])
    done = runner.invoke(app, ["interview", "submit", str(cards["ben"].id), f"{first}=4", f"{second}=4",
                               "--as", "ben"])
    assert done.exit_code == 0, done.output
    result = runner.invoke(app, ["interview", "scorecards", str(job), "Grace Hopper", "--as", "ben", "--json"])
    assert [c["interviewer"] for c in json.loads(result.output)] == ["ana", "ben"]


def test_the_page_hides_others_scorecards_until_ones_own_is_in(client, hiring):
    job, kit, users, cards = hiring["job"], hiring["kit"], hiring["users"], hiring["cards"]
    interviews.submit(users["ana"], cards["ana"].id, _rate(kit, 2, 3))
    assert client.login(username="ben", password=PASSWORD)
    url = f"/team/jobs/{job}/interviews/?candidate=Grace+Hopper"
    page = client.get(url).content.decode()
    assert 'class="card-ben"' in page and 'class="card-ana"' not in page and "Debrief" not in page
    assert "Submit your own scorecard first" in page
    first, second = (a.competency for a in kit.attributes[:2])
    response = client.post(f"/team/jobs/{job}/interviews/", {"scorecard": cards["ben"].id, "action": "submit",
                                                             f"rating_{first}": "4", f"rating_{second}": "4"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'class="card-ana"' in page and "Debrief (2 of 3 scorecards)" in page
    assert page.count("<td>disagreement</td>") == 1  # ana 2, ben 4 on the first competency; 3 and 4 on the second


def test_a_candidates_data_is_exported_and_erased_on_request(hiring, admin):
    exported = interviews.export_candidate_data(hiring["leader"], "Grace Hopper")
    assert len(exported.scorecards) == 3 and {c.candidate_email for c in exported.scorecards} == {"grace@example.com"}
    with pytest.raises(PermissionDenied):
        interviews.delete_candidate_data(hiring["leader"], "Grace Hopper")  # erasing is the admins'
    assert interviews.delete_candidate_data(admin, "Grace Hopper") == 3
    with pytest.raises(NotFound):
        interviews.export_candidate_data(hiring["leader"], "Grace Hopper")


def test_candidate_privacy_over_the_api(client, hiring, admin):
    assert client.login(username=hiring["leader"].username, password=PASSWORD)
    exported = client.get("/api/v1/team/candidates/Grace%20Hopper/export")
    assert exported.status_code == 200 and len(exported.json()["scorecards"]) == 3
    assert client.delete("/api/v1/team/candidates/Grace%20Hopper/data").status_code == 403
    assert client.login(username=admin.username, password=PASSWORD)
    assert client.delete("/api/v1/team/candidates/Grace%20Hopper/data").json() == {"scorecards": 3}
