"""The API never emits non-standard JSON (issue 15, point 8): NaN and Infinity go out as null."""

from __future__ import annotations

import json
import math

import pytest

from headway.core.http import StandardJSONRenderer, finite
from tests.conftest import PASSWORD


def strict_loads(text: str):
    def refuse(constant: str):
        raise AssertionError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def test_the_renderer_writes_null_for_non_finite_numbers() -> None:
    body = StandardJSONRenderer().render(None, {"a": math.inf, "b": [1.5, -math.inf, math.nan], "c": "x"},
                                         response_status=200)
    assert strict_loads(body) == {"a": None, "b": [1.5, None, None], "c": "x"}
    assert finite((1.0, {"k": math.nan})) == [1.0, {"k": None}]


@pytest.mark.django_db
def test_an_overflowing_sum_is_null_in_the_api(client, workspace, leader, settings, tmp_path):
    from headway.analytics import services as analytics

    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    try:
        analytics.ingest(None, [{"uuid": f"big{i}", "event": "purchase", "timestamp": "2026-01-05T10:00:00Z",
                                 "distinct_id": "a", "properties": {"amount": 1e308}} for i in range(2)])
        assert client.login(username=leader.username, password=PASSWORD)
        response = client.post("/api/v1/analytics/insights/trends",
                               {"event": "purchase", "math": "sum", "math_property": "amount",
                                "date_from": "2026-01-05", "date_to": "2026-01-06"}, content_type="application/json")
    finally:
        analytics.close_store()
    assert response.status_code == 200, response.content
    body = strict_loads(response.content.decode())
    assert body["series"][0]["data"] == [None, 0.0]
