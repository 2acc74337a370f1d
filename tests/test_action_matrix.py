"""The role × action matrix of the actions that change what others see or reveal what a role may not read,
cell by cell through the services (issue 15): a KPI refresh, a KPI preview as of a day, contact upserts.

Written out by hand: a change to who may do what must change this table too.
"""

from __future__ import annotations

import pytest

from headway.core.errors import PermissionDenied
from headway.core.permissions import Role

ROLES = [r.value for r in Role]
MATRIX = {
    "refresh KPIs": {"admin", "product_leader"},
    "refresh KPIs as of a day": {"admin", "product_leader"},
    "preview KPIs as of a day": set(ROLES),
    "refresh or preview as of a day (API)": set(ROLES),
    "refresh or preview without a day (API)": {"admin", "product_leader"},
    "upsert contacts": {"admin", "product_leader"},
    "import a contacts file": {"admin", "product_leader"},
}


def attempt(action: str, actor):
    from headway.discovery import services as discovery
    from headway.strategy import services as strategy

    if action == "refresh KPIs":
        return strategy.refresh_kpis(actor)
    if action == "refresh KPIs as of a day":
        return strategy.refresh_kpis(actor, as_of=__import__("datetime").date(2026, 5, 1))
    if action == "preview KPIs as of a day":
        return strategy.preview_refresh(actor, as_of=__import__("datetime").date(2026, 5, 1))
    if action == "refresh or preview as of a day (API)":
        return strategy.refresh_or_preview(actor, as_of=__import__("datetime").date(2026, 5, 1))
    if action == "refresh or preview without a day (API)":
        return strategy.refresh_or_preview(actor)
    if action == "upsert contacts":
        return discovery.upsert_contacts(actor, [{"name": "Kim", "email": "kim@example.com"}])
    if action == "import a contacts file":
        return discovery.import_contacts_file(actor, b"name,email\nKim,kim@example.com\n", filename="p.csv")
    raise AssertionError(action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_cell(make_user, role, action):
    actor = make_user(f"user-{role}", role)
    if role in MATRIX[action]:
        attempt(action, actor)
    else:
        with pytest.raises(PermissionDenied):
            attempt(action, actor)


# --- interview kits and scorecards (issue 18): who may do what, and independence on every face -----------------

INTERVIEW_MATRIX = {
    "make an interview kit": {"admin", "product_leader"},
    "assign an interview": {"admin", "product_leader"},
    "read the kit": set(ROLES),
    "submit one's own scorecard": set(ROLES),
    "read the submission rate": {"admin", "product_leader"},
    "read a candidate's scorecards without interviewing": {"admin", "product_leader"},
    "read the debrief without interviewing": {"admin", "product_leader"},
    "export a candidate's data": {"admin", "product_leader"},
    "erase a candidate's data": {"admin"},
}
CANDIDATE = "Grace Hopper"
OTHER_NOTES = "other-interviewer-private-notes"


@pytest.fixture
def hiring(db, workspace, make_user):
    """A job with a two-interview kit; another interviewer has submitted a scorecard of Grace Hopper (ratings 2 and
    5, notes), and the second interview is still to assign."""
    from headway.team import services
    from headway.team.services import interviews

    job = services.jobs.generate(None, level="pm", specialisation="core", team="Checkout", location="London")
    kit = interviews.make_kit(None, job.pk, 2)
    other = make_user("other-interviewer", "contributor")
    card = interviews.assign(None, job.pk, CANDIDATE, 1, other.username, candidate_email="grace@example.com")
    slugs = [a.competency for a in kit.attributes]
    interviews.submit(other, card.id, {slugs[0]: 2, slugs[1]: 5}, notes=OTHER_NOTES)
    spare = services.jobs.generate(None, level="senior_pm", specialisation="core", team="Search", location="London")
    return {"job": job.pk, "spare": spare.pk, "slugs": slugs, "other": other}


def interview_attempt(action: str, actor, h):
    from headway.team.services import interviews

    job = h["job"]
    if action == "make an interview kit":
        return interviews.make_kit(actor, h["spare"], 2)
    if action == "assign an interview":
        return interviews.assign(actor, job, CANDIDATE, 2, h["other"].username)
    if action == "read the kit":
        return interviews.get_kit(actor, job)
    if action == "submit one's own scorecard":
        card = interviews.assign(None, job, CANDIDATE, 2, actor.username)
        return interviews.submit(actor, card.id, {h["slugs"][0]: 4})
    if action == "read the submission rate":
        return interviews.submission_rate(actor, job)
    if action == "read a candidate's scorecards without interviewing":
        return interviews.visible(actor, job, CANDIDATE)
    if action == "read the debrief without interviewing":
        return interviews.debrief(actor, job, CANDIDATE)
    if action == "export a candidate's data":
        return interviews.export_candidate_data(actor, CANDIDATE)
    if action == "erase a candidate's data":
        return interviews.delete_candidate_data(actor, CANDIDATE)
    raise AssertionError(action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(INTERVIEW_MATRIX))
def test_interview_cell(hiring, make_user, role, action):
    actor = make_user(f"user-{role}", role)
    if role in INTERVIEW_MATRIX[action]:
        assert interview_attempt(action, actor, hiring) is not None
    else:
        with pytest.raises(PermissionDenied):
            interview_attempt(action, actor, hiring)


def _face_reads(face: str, user, job: int) -> tuple[str, bool]:
    """What ``user`` reads of the candidate's scorecards on ``face``, and whether the debrief was refused."""
    import json

    from django.test import Client
    from typer.testing import CliRunner

    from headway.cli import app

    if face == "web":
        client = Client()
        client.force_login(user)
        page = client.get(f"/team/jobs/{job}/interviews/", {"candidate": CANDIDATE}).content.decode()
        return page, "Submit your own scorecard first" in page
    if face == "api":
        client = Client()
        client.force_login(user)
        cards = client.get(f"/api/v1/team/jobs/{job}/scorecards", {"candidate": CANDIDATE})
        assert cards.status_code == 200
        debrief = client.get(f"/api/v1/team/jobs/{job}/debrief", {"candidate": CANDIDATE})
        return json.dumps(cards.json()), debrief.status_code == 403
    runner = CliRunner()
    cards = runner.invoke(app, ["interview", "scorecards", str(job), CANDIDATE, "--as", user.username, "--json"])
    assert cards.exit_code == 0, cards.output
    debrief = runner.invoke(app, ["interview", "debrief", str(job), CANDIDATE, "--as", user.username])
    return cards.output, debrief.exit_code != 0


@pytest.mark.django_db
@pytest.mark.parametrize("face", ["web", "api", "cli"])
@pytest.mark.parametrize("role", ROLES)
def test_scorecards_stay_hidden_until_ones_own_is_submitted(hiring, make_user, role, face):
    """Every role, as an interviewer of the candidate, reads nothing of another interviewer's scorecard (not its
    ratings, not its notes, not the debrief) until their own is submitted; then they read it on every face."""
    from headway.team.services import interviews

    user = make_user(f"interviewer-{role}", role)
    mine = interviews.assign(None, hiring["job"], CANDIDATE, 2, user.username)
    seen, refused = _face_reads(face, user, hiring["job"])
    assert OTHER_NOTES not in seen and "other-interviewer" not in seen and refused
    interviews.submit(user, mine.id, {hiring["slugs"][0]: 4, hiring["slugs"][1]: 4})
    seen, refused = _face_reads(face, user, hiring["job"])
    assert "other-interviewer" in seen and not refused
    if face != "web":  # the API and the CLI give the whole scorecard, its notes included
        assert OTHER_NOTES in seen
