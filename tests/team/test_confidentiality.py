"""No face leaks an individual response or who wrote what: web HTML, API JSON, CLI output, data export.

Ann's review (see conftest) has a hidden engineering group (Ed and Fay, two responses under the threshold of
3) and three peers. Each reviewer wrote a unique comment. We look at every face as the reviewee (Ann), her
manager (Vic), a leader above (Cora) and an admin outside the chain, and check that:
* hidden comments and the manager's private notes never reach the reviewee;
* admins see no content at all (no comment, no mean), only counts;
* no results view names a reviewer next to what they wrote (reviewer names never appear on results).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.team.models import Response
from tests.conftest import PASSWORD
from tests.team.conftest import COMMENTS, run_review

HIDDEN = ("Ed", "Fay")
SHOWN_PEERS = ("Bea", "Gus", "Hal")
NOTE = "private-manager-note about Ann"


@pytest.fixture
def cycle(people):
    return run_review(people, reviewers=("Bea", "Gus", "Hal", "Ed", "Fay"))


def web(client, user, path):
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(path)
    client.logout()
    return response.status_code, response.content.decode()


def api(client, user, path):
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(f"/api/v1/team{path}")
    client.logout()
    return response.status_code, response.content.decode()


def cli(*args):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.output


def faces(client, people, cycle, who):
    user, ann = people["users"][who], people["Ann"].pk
    return {
        "web results": web(client, user, f"/team/reviews/{cycle.pk}/results/{ann}/"),
        "web cycle": web(client, user, f"/team/reviews/{cycle.pk}/"),
        "web person": web(client, user, f"/team/people/{ann}/"),
        "web readiness": web(client, user, f"/team/people/{ann}/readiness/"),
        "api results": api(client, user, f"/reviews/cycles/{cycle.pk}/reviewees/{ann}/results"),
        "api progress": api(client, user, f"/reviews/cycles/{cycle.pk}/progress"),
        "api readiness": api(client, user, f"/people/{ann}/readiness"),
        "api export": api(client, user, "/me/export"),
        "web export": web(client, user, "/team/me/export/"),
        "cli results": cli("review", "results", str(cycle.pk), str(ann), "--as", user.username, "--json"),
        "cli readiness": cli("team", "readiness", str(ann), "--as", user.username, "--json"),
        "cli export": cli("team", "export", "--as", user.username),
    }


def assert_no_hidden_content(outputs):
    for face, (_, text) in outputs.items():
        for name in HIDDEN:
            assert COMMENTS[name] not in text, (face, name)


def assert_no_reviewer_next_to_content(outputs):
    """Results-like faces never name a non-named reviewer (peers, partners)."""
    for face, (_, text) in outputs.items():
        if "results" in face or "readiness" in face:
            for name in (*HIDDEN, *SHOWN_PEERS):
                assert f">{name}<" not in text and f'"{name}"' not in text, (face, name)


def test_reviewee_sees_aggregates_without_notes_or_hidden_groups(client, people, cycle):
    out = faces(client, people, cycle, "Ann")
    assert out["web results"][0] == 200 and out["api results"][0] == 200 and out["cli results"][0] == 0
    for face in ("web results", "api results", "cli results"):
        text = out[face][1]
        assert all(COMMENTS[n] in text for n in SHOWN_PEERS), face  # peers' comments, unnamed
        assert NOTE not in text, face
    data = json.loads(out["api results"][1])
    assert data["hidden_groups"] == ["engineering"] and "manager_notes" not in data
    assert_no_hidden_content(out)
    assert_no_reviewer_next_to_content(out)
    for face, (_, text) in out.items():
        assert NOTE not in text, face
    export = json.loads(out["api export"][1])
    assert export["person"]["name"] == "Ann"
    assert [r["cycle"] for r in export["review_reports"]] == ["H1"]


def test_manager_chain_sees_notes_but_never_who_wrote_what(client, people, cycle):
    for who in ("Vic", "Cora"):
        out = faces(client, people, cycle, who)
        assert out["web results"][0] == 200, who
        assert NOTE in out["web results"][1] and NOTE in out["api results"][1] and NOTE in out["cli results"][1]
        assert_no_hidden_content(out)
        assert_no_reviewer_next_to_content(out)


def test_admin_outside_the_chain_sees_progress_only(client, people, cycle):
    out = faces(client, people, cycle, "Ada")
    assert out["web results"][0] == 403 and out["api results"][0] == 403 and out["cli results"][0] != 0
    assert out["api readiness"][0] in (403, 404)
    progress = json.loads(out["api progress"][1])
    assert progress[0]["received"] == 7 and progress[0]["expected"] == 7
    for face, (_, text) in out.items():
        for name, comment in COMMENTS.items():
            assert comment not in text, (face, name)
        assert NOTE not in text, face


def test_no_api_route_returns_responses_or_submission_status(client, people, cycle):
    ann = people["Ann"].pk
    status, text = api(client, people["users"]["Vic"], f"/reviews/cycles/{cycle.pk}/reviewees/{ann}/nominations")
    assert status == 200
    rows = json.loads(text)
    assert {r["reviewer"] for r in rows} >= {"Bea", "Ed"} and all("submitted" not in r for r in rows)
    from headway.conf.api import api as ninja_api

    paths = ninja_api.get_openapi_schema()["paths"]
    assert not [p for p in paths if "response" in p and not p.endswith("/response")]
    assert all("get" not in ops for p, ops in paths.items() if p.endswith("/response"))
    # the stored rows carry a random id and no timestamp: no submission order to correlate
    assert {f.name for f in Response._meta.get_fields()} == {"id", "review", "nomination", "group", "ratings",
                                                             "comment"}


def test_a_peer_cannot_read_anything_about_the_review(client, people, cycle):
    out = faces(client, people, cycle, "Bea")
    assert out["web results"][0] == 403 and out["api results"][0] == 403
    for face, (_, text) in out.items():
        for name in ("Gus", "Hal", *HIDDEN):
            assert COMMENTS[name] not in text, (face, name)
        assert NOTE not in text, face
