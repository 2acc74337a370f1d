"""Schemathesis drives every documented endpoint with generated input: no 5xx, every answer fits the schema,
and every failure uses the error body."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from headway.core import services

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_every_operation_with_generated_input(admin):
    from headway.conf.wsgi import application

    token = services.create_token(admin, "fuzz").secret
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def exercise(case) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.text)
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"code", "message", "details"}, response.text
            else:
                case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])

        exercise()
