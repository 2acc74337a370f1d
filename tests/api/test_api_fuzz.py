"""Schemathesis runs every one of its checks (`st run --checks all`) over every operation of the API, as an
admin and as a viewer, against a fixed workspace (tests/api/conftest.py, ids reset so they match on PostgreSQL).

Its engine runs as the CLI does, so each check sees what it needs: the coverage phase sends undeclared methods
(``unsupported_method``, ``allow_header_conformance``) and drops required parts (``missing_required_header``);
the fuzzing phase sends schema-valid and schema-violating input (``positive_data_acceptance``,
``negative_data_rejection``); the stateful phase chains a create with its read and delete (``use_after_free``,
``ensure_resource_availability``); every answer must be a declared status (``status_code_conformance``) in its
declared type and schema, and a token is given as configured auth, so ``ignored_auth`` replays the request
without it and with a forged one and expects a 401 or 403. ``object_level_authorization`` is on too but compares
identities declared to schemathesis (a WFC auth file); with one token per run it has nothing to compare.

The server is pytest-django's ``live_server``: schemathesis 4's WSGI transport hands requests-only options
(``max_redirects``) to werkzeug when a check replays a request (``ignored_auth``), so in-process probes error.

Each request gets a token of its own (``DELETE /tokens/{id}`` may revoke the one before). Inputs are
deterministic (the same on every run). The test runs the fuzzing phase with a few inputs per operation as an
admin; every phase (coverage, stateful) is run with the CLI against a served demo (docs/api.md, with its result).

``fuzz_known_findings.txt`` lists the findings not fixed yet (issue 15 point 8), one ``check METHOD path`` a
line: a finding outside it fails the test; fixing one means deleting its line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from headway.core import services
from headway.core.http import INVALID_WHEN

QUICK_EXAMPLES = 2
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # positive_data_acceptance's default
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
ROUTERS = {"core", "jobs", "team", "planning", "strategy", "discovery", "analytics", "impact", "reports",
           "meta"}  # every router's tag
KNOWN = {line.strip() for line in (Path(__file__).parent / "fuzz_known_findings.txt").read_text().splitlines()
         if line.strip() and not line.startswith("#")}


@pytest.fixture
def keep_test_connection():
    """Calling the app fires request_finished, which would close the test's connection on PostgreSQL;
    Django's own test client disconnects the same handler."""
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


def openapi() -> dict:
    """The OpenAPI document, read in-process (over HTTP its first, cold read can outlast the loader's timeout)."""
    from django.test import Client

    return Client().get("/api/v1/openapi.json").json()


def beyond_schema(spec: dict) -> list[dict]:
    """Schemathesis's per-operation setting for each operation whose 422 names a rule its JSON schema cannot
    express (``x-invalid-when``, e.g. a formula's grammar): schema-valid input may break that rule, so a 422 is
    an accepted answer to it there (schemathesis's own advice for such rules); everywhere else it is a finding."""
    return [{"include-name": f"{method.upper()} {path}",
             "checks": {"enabled": True,
                        "positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "422"]}}}
            for path, item in spec["paths"].items() for method, operation in item.items()
            if INVALID_WHEN in operation]


def api_schema(base_url: str, user, *, examples: int, phases: tuple[str, ...]):
    """The API's schema with every check on, the given phases, and a fresh token of ``user`` per request."""
    spec = openapi()
    config = SchemathesisConfig.from_dict({
        "seed": 15, "workers": 1, "base-url": base_url, "request-timeout": 60,
        "generation": {"max-examples": examples, "deterministic": True},
        "phases": {phase: {"enabled": phase in phases} for phase in ALL_PHASES},
        "checks": {"enabled": True},  # --checks all
        "operations": beyond_schema(spec),
    })
    schema = schemathesis.openapi.from_dict(spec, config=config)

    @schema.auth(refresh_interval=None)
    class FreshToken:
        def get(self, case, context) -> str:
            return services.create_token(user, "fuzz").secret

        def set(self, case, data: str, context) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


def findings(schema) -> dict[str, str]:
    """Run the engine; each failing ``check METHOD path`` with one example of it."""
    found: dict[str, str] = {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            recorder = event.recorder
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        interaction = recorder.interactions.get(case_id)
                        request = (f"{interaction.request.method} {interaction.request.uri} "
                                   f"body={(interaction.request.body or b'')[:200]!r}") if interaction else ""
                        answer = (f"{interaction.response.status_code} {interaction.response.content[:300]!r}"
                                  if interaction and interaction.response else "")
                        found.setdefault(f"{check.name} {failure.operation or recorder.label}",
                                         f"{failure.title}: {failure.message[:300]} | {request} -> {answer}")
        elif isinstance(event, events.NonFatalError | events.FatalError):
            label = getattr(event, "label", "engine")
            found[f"error {label}"] = str(getattr(event, "value", None) or getattr(event, "exception", ""))[:500]
    return found


def run_fuzz(base_url: str, users, *, examples: int, phases: tuple[str, ...]) -> None:
    schema = api_schema(base_url, users[0], examples=examples, phases=phases)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {tag for op in operations for tag in op.tags or ()} == ROUTERS and len(operations) >= 200
    new: dict[str, str] = {}
    for user in users:
        found = findings(api_schema(base_url, user, examples=examples, phases=phases))
        new.update({f"[{user.role}] {key}": value for key, value in found.items() if key not in KNOWN})
    assert not new, "\n\n".join(f"{key}\n  {value}" for key, value in sorted(new.items()))


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_every_check_passes_on_every_operation(seeded, live_server, keep_test_connection,
                                               no_background_theme_runs):
    run_fuzz(live_server.url, [seeded], examples=QUICK_EXAMPLES, phases=("fuzzing",))


def test_known_findings_name_real_checks_and_operations(client):
    """Every line of the list names a schemathesis check and an operation the API has."""
    from schemathesis.checks import CHECKS, load_all_checks

    load_all_checks()
    spec = client.get("/api/v1/openapi.json").json()
    operations = {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item}
    for line in KNOWN:
        check, operation = line.split(" ", 1)
        assert check in CHECKS.get_all_names() and operation in operations, line
