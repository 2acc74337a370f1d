"""The cohort builder in the web (issue 14, point 1): define, preview, edit and delete cohorts through the pages,
with CSRF, for exactly the roles the API allows (anyone creates; the owner or an admin changes or deletes).

On the behaviour data set (tests/analytics/behaviour_data.py): visits by a (twice), b and c; latest devices
a mobile, b and c desktop, d tablet — so "visited at least twice" is {a} and "device is desktop" is {b, c}.
"""

from __future__ import annotations

import pytest
from django.test import Client

from headway.analytics import services
from headway.analytics.models import Cohort
from headway.core.permissions import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TWICE = {"rule_kind": ["event", ""], "rule_event": ["visit", ""], "rule_min": ["2", "1"], "rule_max": ["", ""],
         "rule_days": ["3650", "30"], "rule_where": ["", ""], "rule_property": ["", ""], "rule_op": ["eq", "eq"],
         "rule_value": ["", ""], "match": "all"}
DESKTOP_OR_TWICE = {**TWICE, "rule_kind": ["event", "property"], "rule_property": ["", "device"],
                    "rule_value": ["", "desktop"], "match": "any"}


def signed_in(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=username, password=PASSWORD)
    client.get("/insights/cohorts/")  # sets the CSRF cookie
    return client


def post(client: Client, url: str, data: dict, **headers: str):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, headers=headers)


@pytest.fixture
def people(behaviour_events, make_user):
    return {"viewer": make_user("vic", Role.VIEWER), "pm": make_user("pat", Role.PRODUCT_MANAGER),
            "admin": make_user("ada", Role.ADMIN)}


def test_a_viewer_defines_previews_and_saves_a_cohort(people):
    client = signed_in("vic")
    preview = post(client, "/insights/cohorts/preview/", TWICE, HX_Request="true")
    assert preview.status_code == 200
    assert 'data-cohort-size="1"' in preview.content.decode() and "e.g. a" in preview.content.decode()
    both = post(client, "/insights/cohorts/preview/", DESKTOP_OR_TWICE, HX_Request="true")
    assert 'data-cohort-size="3"' in both.content.decode()  # a, b, c
    assert "did visit at least 2 times in the last 3650 days or device:eq:desktop" in both.content.decode()

    saved = post(client, "/insights/cohorts/", {**DESKTOP_OR_TWICE, "name": "Loyal or desktop"})
    cohort = Cohort.objects.get(name="Loyal or desktop")
    assert saved.status_code == 302 and saved["Location"] == f"/insights/cohorts/{cohort.pk}/"
    assert cohort.owner == people["viewer"]
    assert cohort.definition == {"rules": [{"event": "visit", "min_count": 2, "days": 3650},
                                           {"property": "device:eq:desktop"}], "match": "any"}
    assert services.members(None, cohort.pk) == ["a", "b", "c"]
    page = client.get(f"/insights/cohorts/{cohort.pk}/").content.decode()
    assert 'data-cohort-size="3"' in page and f'href="/insights/?cohort={cohort.pk}"' in page
    listing = client.get("/insights/cohorts/").content.decode()
    assert "Loyal or desktop" in listing and f"/insights/?tab=funnel&amp;cohort={cohort.pk}" in listing


def test_the_insights_filter_by_a_cohort_the_builder_saved(people):
    client = signed_in("vic")
    post(client, "/insights/cohorts/", {**TWICE, "name": "Twice"})
    cohort = Cohort.objects.get(name="Twice")
    trend = client.get("/insights/trends/", {"event": "visit", "date_from": "2026-01-05", "date_to": "2026-01-07",
                                             "cohort": str(cohort.pk)}).content.decode()
    # only a is in the cohort: a visited on 5 and 7 January
    assert '<th scope="row">2026-01-05</th><td>1</td>' in trend
    assert '<th scope="row">2026-01-06</th><td>0</td>' in trend


def test_bad_rules_are_shown_in_place_and_nothing_is_saved(people):
    client = signed_in("pat")
    bad = post(client, "/insights/cohorts/", {**TWICE, "rule_days": ["0", "30"], "name": "Bad"})
    assert bad.status_code == 422
    assert "days must be from 1 to 3650, not 0" in bad.content.decode()
    assert 'value="Bad"' in bad.content.decode()  # the form keeps what was typed
    empty = post(client, "/insights/cohorts/preview/", {**TWICE, "rule_kind": ["", ""]}, HX_Request="true")
    assert "A cohort needs at least one rule" in empty.content.decode() and "data-error-message" in empty.content.decode()
    nameless = post(client, "/insights/cohorts/", {**TWICE, "name": " "})
    assert nameless.status_code == 422 and "Give the cohort a name of 1 to 200 characters." in nameless.content.decode()
    assert not Cohort.objects.exists()


def test_only_the_owner_or_an_admin_changes_or_deletes_a_cohort(people):
    owned = services.create_cohort(people["viewer"], "Desktop", {"rules": [{"property": "device:eq:desktop"}]})
    pm = signed_in("pat")
    page = pm.get(f"/insights/cohorts/{owned.pk}/").content.decode()
    assert "Delete cohort" not in page and "Change this cohort" not in page and 'data-cohort-size="2"' in page
    assert post(pm, f"/insights/cohorts/{owned.pk}/", {**TWICE, "name": "Taken"}).status_code == 403
    assert post(pm, f"/insights/cohorts/{owned.pk}/delete/", {}).status_code == 403
    assert Cohort.objects.get(pk=owned.pk).name == "Desktop"

    owner = signed_in("vic")
    assert "Delete cohort" in owner.get(f"/insights/cohorts/{owned.pk}/").content.decode()
    renamed = post(owner, f"/insights/cohorts/{owned.pk}/", {**TWICE, "name": "Visited twice"})
    assert renamed.status_code == 302
    assert services.members(None, owned.pk) == ["a"]

    admin = signed_in("ada")
    assert post(admin, f"/insights/cohorts/{owned.pk}/delete/", {}).status_code == 302
    assert not Cohort.objects.filter(pk=owned.pk).exists()


def test_writes_need_the_csrf_token(people):
    client = signed_in("vic")
    response = client.post("/insights/cohorts/", {**TWICE, "name": "No token"})
    assert response.status_code == 403 and not Cohort.objects.exists()
