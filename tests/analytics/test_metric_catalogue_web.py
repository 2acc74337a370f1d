"""The metric catalogue page (issue 14, point 1): list the metrics, view one's YAML, validate an edit with the
problems shown in place by line, add a metric and replace the catalogue — product leaders and admins only, as
PUT /api/v1/analytics/metrics."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from headway.analytics import services
from headway.analytics.models import MetricDefinition
from headway.core.permissions import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CATALOGUE = """metrics:
  - name: buyers
    type: simple
    event: purchase
    math: unique_users
    description: People who bought something.
  - name: visitors
    type: simple
    event: visit
    math: unique_users
    description: People who visited.
  - name: conversion
    type: ratio
    numerator: buyers
    denominator: visitors
    description: Buyers per visitor.
"""


def signed_in(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=username, password=PASSWORD)
    client.get("/insights/metrics/")
    return client


def post(client: Client, url: str, data: dict, **headers: str):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, headers=headers)


@pytest.fixture
def catalogue(events, make_user):
    make_user("vic", Role.VIEWER)
    make_user("pat", Role.PRODUCT_MANAGER)
    make_user("lena", Role.PRODUCT_LEADER)
    return services.load_metrics(None, CATALOGUE, source="test")


def test_everyone_sees_the_catalogue_and_one_metrics_yaml(catalogue):
    client = signed_in("vic")
    page = client.get("/insights/metrics/").content.decode()
    assert [m in page for m in ('href="/insights/metrics/buyers/"', 'href="/insights/metrics/visitors/"',
                                'href="/insights/metrics/conversion/"')] == [True, True, True]
    assert "Buyers per visitor." in page and 'aria-current="page">Metrics</a>' in page
    assert "Save catalogue" not in page and "Add a metric" not in page  # a viewer may not change it
    one = client.get("/insights/metrics/conversion/").content.decode()
    assert ("- name: conversion\n  type: ratio\n  numerator: buyers\n  denominator: visitors\n"
            "  description: Buyers per visitor.\n") in one
    assert client.get("/insights/metrics/nothing/").status_code == 404


def test_the_page_yaml_round_trips_to_the_same_catalogue(catalogue):
    text = services.metrics_yaml(None)
    assert [m.definition for m in services.load_metrics(None, text)] == [m.definition for m in catalogue]


def test_validate_shows_each_problem_by_line_and_saves_nothing(catalogue):
    client = signed_in("lena")
    broken = CATALOGUE.replace("denominator: visitors", "denominator: walkers")
    check = post(client, "/insights/metrics/validate/", {"yaml": broken}, HX_Request="true")
    html = check.content.decode()
    issues = services.validate_metrics(broken)
    assert len(issues) == 1 and issues[0].line == 12  # the line of the conversion entry, by hand
    assert ('<li data-line="12">Line 12: metric conversion: refers to unknown metric &#x27;walkers&#x27;</li>'
            in html)
    good = post(client, "/insights/metrics/validate/", {"yaml": CATALOGUE}, HX_Request="true").content.decode()
    assert "Valid: 3 metrics." in good
    saved = post(client, "/insights/metrics/", {"yaml": broken})
    assert saved.status_code == 422 and 'data-line="12"' in saved.content.decode()
    assert "denominator: walkers" in saved.content.decode()  # the edit stays in the editor
    assert MetricDefinition.objects.get(name="conversion").definition["denominator"] == "visitors"


def test_a_leader_adds_a_metric_and_replaces_the_catalogue(catalogue):
    client = signed_in("lena")
    editor = client.get("/insights/metrics/", {"add": "1"}).content.decode()
    assert "  - name: new_metric\n    type: simple\n    event: purchase\n" in editor
    added = CATALOGUE + "  - name: purchases\n    type: simple\n    event: purchase\n    description: Orders.\n"
    response = post(client, "/insights/metrics/", {"yaml": added})
    assert response.status_code == 302 and response["Location"] == "/insights/metrics/"
    assert list(MetricDefinition.objects.values_list("name", flat=True)) == [
        "buyers", "visitors", "conversion", "purchases"]
    values = services.metric_values(None, "purchases", date_from=date(2026, 1, 5), date_to=date(2026, 1, 7))
    assert values.values == [2.0, 1.0, 1.0]  # tests/analytics/conftest.py PURCHASES_PER_DAY


def test_only_leaders_and_admins_replace_the_catalogue(catalogue):
    for username in ("vic", "pat"):
        client = signed_in(username)
        assert post(client, "/insights/metrics/", {"yaml": "metrics:\n"}).status_code == 403
    assert MetricDefinition.objects.count() == 3
    assert Client().post("/insights/metrics/", {"yaml": "metrics:\n"}).status_code in (302, 403)


def test_the_kpi_form_points_at_the_catalogue(catalogue):
    client = signed_in("lena")
    html = client.get("/goals/new-kpi/").content.decode()
    assert 'href="/insights/metrics/"' in html
