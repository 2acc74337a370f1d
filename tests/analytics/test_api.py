"""The analytics API: ingest a batch, trends, saved insights; one error body on bad input."""

from __future__ import annotations

import pytest

from headway.core import services as core
from tests.analytics.conftest import EVENTS, PURCHASES_PER_DAY, RANGE

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core.create_token(user, 'test').secret}"}


def post(client, path, body, user):
    return client.post(path, body, content_type="application/json", headers=bearer(user))


def test_post_a_batch_of_events_returns_the_ingest_report(client, empty_store, pm):
    bad = {"event": "visit", "timestamp": "yesterday-ish", "distinct_id": "z"}
    segment = {"event": "visit", "timestamp": "2026-01-05T08:00:00Z", "userId": "seg-1", "messageId": "m1"}
    response = post(client, "/api/v1/analytics/events", {"events": [*EVENTS, bad, segment]}, pm)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["ingested"], body["duplicates"]) == (6, 0)
    assert [r["row"] for r in body["rejected"]] == [6]
    assert "timestamp" in body["rejected"][0]["reason"]
    again = post(client, "/api/v1/analytics/events", {"events": EVENTS}, pm).json()
    assert (again["ingested"], again["duplicates"]) == (0, 5)


def test_a_viewer_may_not_post_events(client, empty_store, viewer):
    response = post(client, "/api/v1/analytics/events", {"events": EVENTS}, viewer)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_batch_too_large_or_malformed_gets_the_error_body(client, empty_store, pm):
    big = post(client, "/api/v1/analytics/events", {"events": [EVENTS[0]] * 10_001}, pm)
    assert big.status_code == 413  # more than the documented batch size
    assert big.json()["error"]["code"] == "request_too_large"
    assert "at most 10,000" in big.json()["error"]["message"]
    most = post(client, "/api/v1/analytics/events", {"events": [
        {**EVENTS[0], "uuid": f"00000000-0000-4000-8000-{n:012d}"} for n in range(10_000)]}, pm)
    assert most.status_code == 200 and most.json()["ingested"] == 10_000  # the documented batch size
    malformed = post(client, "/api/v1/analytics/events", {"rows": []}, pm)
    assert malformed.status_code == 422
    assert malformed.json()["error"]["code"] == "validation_error"


def test_the_body_is_checked_as_text_each_bad_element_rejected_alone(client, empty_store, pm):
    """The body goes to DuckDB as text: an element that is not an object, or an event with a wrong type, is
    rejected with its row while the good ones of the batch are stored; a body that is not JSON is a 400 and
    one without an ``events`` list a 422, each with the error body."""
    odd = [EVENTS[0], 7, None, {**EVENTS[1], "timestamp": 20260105}, ["x"], EVENTS[2]]
    response = post(client, "/api/v1/analytics/events", {"events": odd}, pm)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["ingested"], body["duplicates"]) == (2, 0)
    assert [(r["row"], r["reason"]) for r in body["rejected"]] == [
        (2, "a record must be an object with event, timestamp and distinct_id, not int"),
        (3, "a record must be an object with event, timestamp and distinct_id, not NoneType"),
        (4, "timestamp must be ISO-8601 text or a datetime, not int"),
        (5, "a record must be an object with event, timestamp and distinct_id, not list")]
    for text, status, code in (('{"events": [', 400, "error"), ("[]", 422, "validation_error"),
                               ('{"events": {"a": 1}}', 422, "validation_error"), (b"\xff", 400, "error")):
        bad = client.post("/api/v1/analytics/events", text, content_type="application/json", headers=bearer(pm))
        assert bad.status_code == status, (text, bad.content)
        assert bad.json()["error"]["code"] == code and bad.json()["error"]["message"].endswith(".")
    empty = post(client, "/api/v1/analytics/events", {"events": []}, pm).json()
    assert (empty["ingested"], empty["duplicates"], empty["rejected"]) == (0, 0, [])


def test_the_events_body_is_documented_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/analytics/events"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["events"] and schema["properties"]["events"]["type"] == "array"
    assert {"200", "413", "422"} <= {str(status) for status in operation["responses"]}


def test_trends_answer_labels_and_series(client, events, viewer):
    response = post(client, "/api/v1/analytics/insights/trends", {"event": "purchase", **RANGE}, viewer)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["labels"] == ["2026-01-05", "2026-01-06", "2026-01-07"]
    assert [s["data"] for s in body["series"]] == [PURCHASES_PER_DAY]
    assert body["timezone"] == "Europe/London" and body["big_number"] == 4.0
    stats = client.get("/api/v1/analytics/events/stats", headers=bearer(viewer)).json()
    assert stats["events"] == 5 and stats["by_event"] == {"purchase": 4, "visit": 1}


def test_bad_trends_queries_get_the_error_body(client, events, viewer):
    bad_math = post(client, "/api/v1/analytics/insights/trends", {"event": "purchase", "math": "most"}, viewer)
    assert bad_math.status_code == 422
    assert bad_math.json()["error"]["code"] == "validation_error"
    assert "math" in bad_math.json()["error"]["message"]
    bad_filter = post(client, "/api/v1/analytics/insights/trends", {"event": "purchase", "where": ["amount:gt:lots"]}, viewer)
    assert bad_filter.status_code == 422
    assert "give a number" in bad_filter.json()["error"]["message"]


def test_saved_insights_crud(client, events, viewer, make_user):
    created = post(client, "/api/v1/analytics/insights", {"name": "Purchases", "query": {"event": "purchase", **RANGE}},
                   viewer)
    assert created.status_code == 201
    insight = created.json()
    assert (insight["name"], insight["owner"], insight["kind"]) == ("Purchases", "vic", "trends")
    url = f"/api/v1/analytics/insights/{insight['id']}"
    result = client.get(url + "/result", headers=bearer(viewer)).json()
    assert [s["data"] for s in result["series"]] == [PURCHASES_PER_DAY]
    patched = client.patch(url, {"pinned": True}, content_type="application/json", headers=bearer(viewer))
    assert patched.json()["pinned"] is True
    other = make_user("olga")
    refused = client.delete(url, headers=bearer(other))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert client.delete(url, headers=bearer(viewer)).status_code == 204
    missing = client.get(url, headers=bearer(viewer))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/analytics/insights", headers=bearer(viewer)).json() == []
