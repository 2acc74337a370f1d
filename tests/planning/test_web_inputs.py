"""Scoring inputs on the idea page (issue 14, point 1), per role, through the web with CSRF: an idea whose
inputs are entered in the browser is scored, not "skipped for missing inputs"."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.core.permissions import Role
from headway.planning import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client: Client, path: str, data: dict):
    html = client.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


def test_a_contributor_enters_rice_inputs_and_the_idea_is_scored(portfolio, make_user, viewer):
    gift = portfolio["D"].pk
    assert "missing input reach, impact, confidence" in services.score_all(None).skipped[gift]
    cora = browser(make_user("cora", Role.CONTRIBUTOR))
    page = cora.get(f"/roadmap/ideas/{gift}/").content.decode()
    assert 'id="in-reach"' in page and 'id="in-time_criticality"' in page and ">Ice impact<" not in page
    done = post(cora, f"/roadmap/ideas/{gift}/", {"action": "inputs", "reach": "400", "impact": "2",
                                                 "confidence": "0.5", "ease": "", "detail": "support volume"})
    assert done.status_code == 302
    inputs = services.initiative_detail(None, gift).inputs
    assert {k: v["value"] for k, v in inputs.items()} == {"reach": 400.0, "impact": 2.0, "confidence": 0.5}
    assert inputs["reach"]["detail"] == "support volume"
    assert "Scoring inputs saved: reach, impact, confidence." in cora.get(f"/roadmap/ideas/{gift}/").content.decode()
    # RICE by hand: 400 × 2 × 0.5 / 8 person-weeks = 50
    assert services.score_all(None).scores[gift] == pytest.approx(50.0)
    # a bad number is refused in words; a viewer sees no form and changes nothing
    post(cora, f"/roadmap/ideas/{gift}/", {"action": "inputs", "reach": "lots"})
    assert "The scoring inputs are not valid" in cora.get(f"/roadmap/ideas/{gift}/").content.decode()
    vic = browser(viewer)
    assert 'id="in-reach"' not in vic.get(f"/roadmap/ideas/{gift}/").content.decode()
    post(vic, f"/roadmap/ideas/{gift}/", {"action": "inputs", "reach": "1"})
    assert services.initiative_detail(None, gift).inputs["reach"]["value"] == 400.0


def test_a_committed_initiative_is_changed_only_by_its_owner_or_a_leader(portfolio, make_user, leader):
    from headway.team import services as team

    saved = portfolio["A"]
    services.place(None, saved.pk, services.quarters(count=1)[0], commitment="committed")
    cora_user = make_user("cora", Role.CONTRIBUTOR)
    cora = browser(cora_user)
    assert 'id="in-reach"' not in cora.get(f"/roadmap/ideas/{saved.pk}/").content.decode()
    refused = post(cora, f"/roadmap/ideas/{saved.pk}/", {"action": "stage", "stage": "shipped"})
    assert services.get_initiative(None, saved.pk).stage != "shipped"
    assert refused.status_code == 403  # as the API refuses, with the reason on the page
    assert "is committed on the roadmap: only its owner or a product leader may change it" in refused.content.decode()
    # an uncommitted idea stays open to every contributor
    post(cora, f"/roadmap/ideas/{portfolio['D'].pk}/", {"action": "stage", "stage": "discovery"})
    assert services.get_initiative(None, portfolio["D"].pk).stage == "discovery"
    # its owner may change it, and so may a leader
    person = team.create_person(None, name="Cora", title="PM", department="product", user="cora")
    services.update_initiative(None, saved.pk, owner=person.pk)
    post(cora, f"/roadmap/ideas/{saved.pk}/", {"action": "stage", "stage": "in_progress"})
    assert services.get_initiative(None, saved.pk).stage == "in_progress"
    post(browser(leader), f"/roadmap/ideas/{saved.pk}/", {"action": "stage", "stage": "shipped"})
    assert services.get_initiative(None, saved.pk).stage == "shipped"
