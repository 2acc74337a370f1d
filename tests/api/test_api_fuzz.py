"""Schemathesis drives every operation of the API with generated input over a fixed workspace: no 5xx, every
success fits its declared schema, and every failure answers the one error body.

The examples are derandomized (the same on every run, so CI checks what was checked here) and the database is
built the same way each time (tests/api/conftest.py, with sequences reset so ids match on PostgreSQL too);
half of the requests with path parameters address its rows.
The default test tries a few examples of every operation; the slow one tries many.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from headway.core import services

QUICK_EXAMPLES = 4
EXHAUSTIVE_EXAMPLES = 12
ROUTERS = {"core", "jobs", "team", "planning", "strategy", "discovery", "analytics", "impact", "reports",
           "meta"}  # every router's tag


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the test's connection on
    PostgreSQL; Django's own test client disconnects the same handler."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def no_background_theme_runs(monkeypatch):
    """A theme run started through the API stays queued (as if the worker were busy): a thread of its own
    would race the test's transaction. Theme computation itself is tested in tests/discovery."""
    from headway.discovery.services import theme_runs

    monkeypatch.setattr(theme_runs, "launch_theme_run", lambda run_id, **options: None)


def api_operations():
    from headway.conf.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    return [result.ok() for result in schema.get_all_operations()]


# Path parameters that name rows of the fixed workspace (tests/api/conftest.py); generated ones rarely do.
SEEDED_IDS = st.integers(min_value=1, max_value=4)
SEEDED_NAMES = {
    "name": ["signups", "Web", "plan-a", "weekly_active"],
    "username": ["ann", "vic"],
    "kind": ["funnel", "retention", "stickiness", "lifecycle", "paths"],
    "idea": ["1", "2"],
}


@st.composite
def requests_for(draw, operation):
    """A generated request for the operation; half of those with path parameters address seeded rows."""
    case = draw(operation.as_strategy())
    if case.path_parameters and draw(st.booleans()):
        for key, value in case.path_parameters.items():
            names = SEEDED_NAMES.get(key)
            case.path_parameters[key] = draw(st.sampled_from(names) if names and isinstance(value, str)
                                             else SEEDED_IDS)
    return case


def check_response(case, response) -> None:
    """No server error; a success fits its schema; a failure has the error body and a message."""
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    if response.status_code >= 400:
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            pytest.fail(f"{response.status_code} without the error body: {response.text[:300]}")
        assert set(error) == {"code", "message", "details"}, response.text[:500]
        assert isinstance(error["code"], str) and isinstance(error["message"], str) and error["message"], error
    else:
        case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])


def fuzz(operations, admin, examples: int) -> list[str]:
    """Drive each operation as ``admin`` with ``examples`` generated requests; the failures, one line each.

    Each request has a token of its own: ``DELETE /tokens/{id}`` may revoke the one before."""
    failures = []
    for operation in operations:

        @given(case=requests_for(operation))
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=True, phases=[Phase.explicit, Phase.generate])
        def exercise(case) -> None:
            token = services.create_token(admin, "fuzz").secret
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            response = case.call()
            try:
                check_response(case, response)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis reports a FailureGroup
                raise AssertionError(f"{case.method} {case.formatted_path} {case.query or ''} "
                                     f"body={case.body!r:.300}: {exc}") from None

        try:
            exercise()
        except Exception as exc:  # every operation is tried; the failures are reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    return failures


def run_fuzz(admin, examples: int) -> None:
    operations = api_operations()
    assert {tag for op in operations for tag in op.tags or ()} == ROUTERS and len(operations) >= 140
    failures = fuzz(operations, admin, examples)
    assert not failures, "\n\n".join(failures)


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_operation_answers_in_its_schema(seeded, keep_test_connection, no_background_theme_runs):
    run_fuzz(seeded, QUICK_EXAMPLES)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_operation_with_many_generated_inputs(seeded, keep_test_connection, no_background_theme_runs):
    run_fuzz(seeded, EXHAUSTIVE_EXAMPLES)
