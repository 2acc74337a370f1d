"""Bad input to analytics answers 4xx with a message, never 500 (issue 15, point 8)."""

from __future__ import annotations

import pytest

from tests.analytics.conftest import RANGE
from tests.analytics.test_api import post

pytestmark = pytest.mark.django_db

BACKSLASH_QUOTE = 'a\\"b'  # the property name a\"b


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("trends", {"event": "purchase", **RANGE, "breakdown": BACKSLASH_QUOTE}),
        ("trends", {"event": "purchase", **RANGE, "math": "sum", "math_property": BACKSLASH_QUOTE}),
        ("funnel", {"steps": ["visit", "purchase"], **RANGE, "where": [f"{BACKSLASH_QUOTE}:eq:x"]}),
        ("paths", {**RANGE, "where": [f"{BACKSLASH_QUOTE}:eq:x"]}),
    ],
)
def test_a_property_name_with_a_backslash_quote_is_a_422_for_a_viewer(client, events, viewer, kind, body):
    response = post(client, f"/api/v1/analytics/insights/{kind}", body, viewer)
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "backslash" in error["message"] and error["details"]["property"] == BACKSLASH_QUOTE


def test_a_property_name_with_a_plain_quote_still_works(client, empty_store, viewer):
    from headway.analytics import services

    services.ingest(None, [{"uuid": "q1", "event": "purchase", "timestamp": "2026-01-05T10:00:00Z",
                            "distinct_id": "a", "properties": {'say "hi"': 3}}])
    body = {"event": "purchase", **RANGE, "math": "sum", "math_property": 'say "hi"'}
    response = post(client, "/api/v1/analytics/insights/trends", body, viewer)
    assert response.status_code == 200, response.content
    assert response.json()["series"][0]["data"] == [3.0, 0.0, 0.0]
