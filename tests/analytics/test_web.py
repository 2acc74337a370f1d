"""The Insights page: builder, chart spec, table, HTMX result and saved insights; same number as the API."""

from __future__ import annotations

import json
import re

import pytest

from headway.analytics import services
from headway.analytics.models import SavedInsight
from tests.analytics.conftest import RANGE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, viewer):
    assert client.login(username="vic", password=PASSWORD)
    return client


def chart_spec(html: str) -> dict:
    match = re.search(r'<script id="trends-chart-spec" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page has no chart spec"
    return json.loads(match.group(1))


def test_the_page_needs_a_login(client, workspace):
    response = client.get("/insights/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_insights_page_draws_the_trend_with_its_table(browser, events):
    response = browser.get("/insights/", {"event": "purchase", **RANGE, "display": "bar"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="purchase" selected>' in html and '<option value="visit">' in html
    assert '<datalist id="property-names"><option value="amount"><option value="device"></datalist>' in html
    spec = chart_spec(html)
    assert spec["mark"]["type"] == "bar" if isinstance(spec["mark"], dict) else spec["mark"] == "bar"
    assert [(r["interval"], r["value"]) for r in spec["data"]["values"]] == [
        ("2026-01-05", 2.0), ("2026-01-06", 1.0), ("2026-01-07", 1.0)]
    assert '<th scope="row">2026-01-05</th><td>2</td>' in html
    assert "vega-embed.min.js" in html


def test_the_htmx_result_is_a_fragment_and_errors_are_shown(browser, events):
    fragment = browser.get("/insights/trends/", {"event": "purchase", **RANGE, "breakdown": "device",
                                                 "display": "line"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html
    spec = chart_spec(html)
    assert {r["series"] for r in spec["data"]["values"]} == {"desktop", "mobile", "tablet"}
    bad = browser.get("/insights/trends/", {"event": "purchase", "math": "sum"}).content.decode()
    assert 'role="alert"' in bad and "math_property" in bad


def test_big_number_on_the_page_equals_the_api_and_the_service(browser, events, viewer):
    query = {"event": "purchase", "math": "sum", "math_property": "amount", **RANGE}
    html = browser.get("/insights/", {**query, "display": "number",
                                      "where_property": "device", "where_op": "neq", "where_value": "tablet"}
                       ).content.decode()
    page_value = float(re.search(r'data-big-number="([\d.]+)"', html).group(1))
    api = browser.post("/api/v1/analytics/insights/trends", {**query, "where": ["device:neq:tablet"]},
                       content_type="application/json").json()
    service = services.trends(viewer, {**query, "where": ["device:neq:tablet"]})
    assert page_value == api["big_number"] == sum(service.series[0].data) == 60.0
    assert chart_spec(html)["data"]["values"][0]["value"] == 60.0


def test_save_pin_open_and_delete_an_insight(browser, events, viewer):
    response = browser.post("/insights/save/", {"name": "Mobile purchases", "event": "purchase", **RANGE,
                                                 "where": "device:eq:mobile", "interval": "day"})
    insight = SavedInsight.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?insight={insight.pk}")
    assert insight.query == {"event": "purchase", **RANGE, "where": ["device:eq:mobile"]}
    assert insight.owner == viewer
    page = browser.get(f"/insights/?insight={insight.pk}").content.decode()
    assert "Mobile purchases" in page
    assert [r["value"] for r in chart_spec(page)["data"]["values"]] == [1.0, 1.0, 0.0]
    browser.post(f"/insights/{insight.pk}/", {"action": "pin"})
    assert SavedInsight.objects.get().pinned is True
    browser.post(f"/insights/{insight.pk}/", {"action": "delete"})
    assert SavedInsight.objects.count() == 0


def test_an_empty_store_says_how_to_get_events(browser, empty_store):
    html = browser.get("/insights/").content.decode()
    assert "There are no events yet: import an events file below, or send events to the API." in html
    assert "headway events ingest" not in html  # a page never asks for a shell command (issue 14)
