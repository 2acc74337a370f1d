"""Parity forms on the Team pages (issue 14, point 1), per role, through the web with CSRF: add a person, edit
one (title, level, manager), start a check-in series."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.team.models import CheckinPair, Person

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-42"


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client: Client, path: str, data: dict):
    html = client.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


def test_a_leader_adds_and_edits_people_and_a_contributor_may_not(people):
    vic, ann = browser(people["users"]["Vic"]), browser(people["users"]["Ann"])
    assert 'id="new-name"' in vic.get("/team/").content.decode()
    done = post(vic, "/team/", {"name": "Ivy", "title": "Product Manager, Payments", "email": "ivy@example.com",
                                "department": "product", "level": "pm", "manager": str(people["Vic"].pk)})
    assert done.status_code == 302
    ivy = Person.objects.get(name="Ivy")
    assert (ivy.title, ivy.level, ivy.manager_id, ivy.department) == (
        "Product Manager, Payments", "pm", people["Vic"].pk, "product")
    assert "Person added." in vic.get("/team/").content.decode()

    dan = people["Dan"]
    page = vic.get(f"/team/people/{dan.pk}/").content.decode()
    assert 'id="edit-manager"' in page
    post(vic, f"/team/people/{dan.pk}/", {"name": "Dan", "title": "Senior Product Designer", "department": "design",
                                         "level": "", "manager": str(people["Cora"].pk)})
    dan.refresh_from_db()
    assert (dan.title, dan.manager_id) == ("Senior Product Designer", people["Cora"].pk)
    # a loop in the chart is refused in words: Cora may not report to Dan, who now reports to her
    post(vic, f"/team/people/{people['Cora'].pk}/", {"manager": str(dan.pk)})
    people["Cora"].refresh_from_db()
    assert people["Cora"].manager_id is None

    # a contributor sees no form, and the server refuses
    assert 'id="new-name"' not in ann.get("/team/").content.decode()
    assert 'id="edit-manager"' not in ann.get(f"/team/people/{dan.pk}/").content.decode()
    post(ann, "/team/", {"name": "Zed", "title": "Intruder", "department": "product"})
    post(ann, f"/team/people/{dan.pk}/", {"title": "Renamed by Ann"})
    dan.refresh_from_db()
    assert not Person.objects.filter(name="Zed").exists() and dan.title == "Senior Product Designer"


def test_check_in_series_start_from_the_page(people):
    vic, ann = browser(people["users"]["Vic"]), browser(people["users"]["Ann"])
    page = vic.get("/team/checkins/").content.decode()
    assert 'id="ci-cadence"' in page and "Every two weeks" in page
    post(vic, "/team/checkins/", {"manager": str(people["Vic"].pk), "report": str(people["Ann"].pk),
                                  "cadence": "biweekly"})
    pair = CheckinPair.objects.get()
    assert (pair.manager_id, pair.report_id, pair.cadence) == (people["Vic"].pk, people["Ann"].pk, "biweekly")
    assert "Check-ins started." in vic.get("/team/checkins/").content.decode()
    # the same pair again is refused in words; a contributor may not start check-ins for others
    post(vic, "/team/checkins/", {"manager": str(people["Vic"].pk), "report": str(people["Ann"].pk)})
    assert "already have check-ins" in vic.get("/team/checkins/").content.decode()
    post(ann, "/team/checkins/", {"manager": str(people["Vic"].pk), "report": str(people["Bea"].pk)})
    assert CheckinPair.objects.count() == 1
