"""The API reads each request as its OpenAPI document declares it (conf/api_input.py): pydantic's lax mode
coerced what the document forbids. Found by schemathesis' negative_data_rejection check (tests/api/test_api_fuzz.py)."""

from __future__ import annotations

import pytest

from tests.api.test_core_api import bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "wanted"), [
    (True, "should be an integer or null (got true)"),  # was month 1
    (1.5, "should be an integer or null (got 1.5)"),
    ("3", 'should be an integer or null (got "3")'),  # was month 3
    (2**63, "should be an integer from -9223372036854775808 to 9223372036854775807 or null"),
])
def test_a_body_field_takes_its_declared_type_only(client, admin, value, wanted):
    answer = client.patch("/api/v1/workspace", {"fiscal_year_start_month": value}, content_type="application/json",
                          headers=bearer(admin))
    assert answer.status_code == 422, answer.content
    error = answer.json()["error"]
    assert error["message"] == "Invalid input in body.payload.fiscal_year_start_month: fix it and retry."
    assert error["details"][0]["message"].startswith(wanted)


@pytest.mark.parametrize(("query", "wanted"), [
    ("as_of=0", "should be a date written YYYY-MM-DD"),  # was 1970-01-01
    ("as_of=2026-01-01T00:00:00", "should be a date written YYYY-MM-DD"),
    ("parents=yes", "should be true or false"),  # was true
    ("parents=off", "should be true or false"),
])
def test_a_query_value_reads_as_its_declared_type_only(client, admin, query, wanted):
    answer = client.get(f"/api/v1/discovery/feedback/themes?{query}", headers=bearer(admin))
    assert answer.status_code == 422, answer.content
    field = query.split("=")[0]
    assert answer.json()["error"]["message"] == f"Invalid input in query.{field}: fix it and retry."
    assert answer.json()["error"]["details"][0]["message"].startswith(wanted)


@pytest.mark.parametrize("query", ["as_of=2026-01-31", "parents=true", "parents=FALSE", "parents=1"])
def test_what_the_document_declares_is_read(client, admin, query):
    assert client.get(f"/api/v1/discovery/feedback/themes?{query}", headers=bearer(admin)).status_code == 200


@pytest.mark.parametrize("spark_days", ["1_0", "+1", " 1", "1.0"])
def test_a_query_integer_is_digits(client, admin, spark_days):
    answer = client.get(f"/api/v1/strategy/kpis?spark_days={spark_days}", headers=bearer(admin))
    assert answer.status_code == 422, answer.content
    assert client.get("/api/v1/strategy/kpis?spark_days=10", headers=bearer(admin)).status_code == 200


def test_a_choice_of_the_service_is_declared_and_checked(client, admin):
    """A pack's kind is the service's KINDS, declared as the enum and refused before the service sees it."""
    answer = client.post("/api/v1/reports/packs", {"kind": "yearly"}, content_type="application/json",
                         headers=bearer(admin))
    assert answer.status_code == 422
    assert answer.json()["error"]["details"][0]["message"].startswith("should be one of weekly, monthly")


def test_every_integer_is_declared_64_bit_and_rules_beyond_the_schema_are_named(client):
    spec = client.get("/api/v1/openapi.json").json()
    theme = spec["paths"]["/api/v1/discovery/feedback/themes/{theme_id}"]["get"]["parameters"][0]
    assert theme["schema"] == {"type": "integer", "format": "int64", "title": "Theme Id"}
    scoring = spec["paths"]["/api/v1/planning/scoring"]["post"]
    assert scoring["x-invalid-when"].startswith("the formula does not parse")
    assert "Also when the formula does not parse" in scoring["responses"]["422"]["description"]
