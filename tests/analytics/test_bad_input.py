"""Bad input to analytics answers 4xx with a message, never 500 (issue 15, point 8)."""

from __future__ import annotations

import pytest

from tests.analytics.conftest import RANGE
from tests.analytics.test_api import bearer, post

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


def test_one_event_in_year_minus_one_is_rejected_alone(client, empty_store, pm):
    events = [{"uuid": "ok", "event": "visit", "timestamp": "2026-01-05T08:00:00Z", "distinct_id": "a"},
              {"uuid": "bc", "event": "visit", "timestamp": "-0001-01-01T00:00:00Z", "distinct_id": "a"},
              {"uuid": "far", "event": "visit", "timestamp": "99999-01-01T00:00:00Z", "distinct_id": "a"}]
    response = post(client, "/api/v1/analytics/events", {"events": events}, pm)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ingested"] == 1
    assert [r["row"] for r in body["rejected"]] == [2, 3]
    assert body["rejected"][0]["reason"] == ('impossible timestamp "-0001-01-01T00:00:00Z": give a time between '
                                             "the years 1900 and 2999")


def test_the_documented_batch_fits_and_a_bigger_body_is_a_413(client, empty_store, pm):
    # 10,000 events of about 1 KiB each: a 10 MiB body, over Django's default 2.5 MiB
    events = [{"uuid": f"u{i}", "event": "visit", "timestamp": "2026-01-05T08:00:00Z", "distinct_id": f"d{i}",
               "properties": {"note": "x" * 900}} for i in range(10_000)]
    response = post(client, "/api/v1/analytics/events", {"events": events}, pm)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["ingested"] == 10_000
    too_big = post(client, "/api/v1/analytics/events", {"events": [{**events[0], "properties": {
        "note": "x" * (17 * 1024 * 1024)}}]}, pm)
    assert too_big.status_code == 413
    error = too_big.json()["error"]
    assert error["code"] == "request_too_large" and "over 16 MiB" in error["message"]


@pytest.mark.parametrize("path", ["/api/v1/analytics/events/import",
                                  "/api/v1/discovery/feedback/import?source=support&map=text%3D0"])
def test_an_upload_without_its_multipart_boundary_is_a_400_that_says_how_to_send_it(client, empty_store, viewer,
                                                                                      pm, path):
    # found by schemathesis (ST102): the header without a boundary answered 500, to every role
    for user in (viewer, pm):
        response = client.post(path, b"file=x", content_type="multipart/form-data", headers=bearer(user))
        assert response.status_code == 400, (user, response.content[:300])
        error = response.json()["error"]
        assert error["code"] == "bad_request" and "boundary" in error["message"]
