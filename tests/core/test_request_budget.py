"""A request never holds a server thread longer than HEADWAY_REQUEST_BUDGET (issue 15, point 4): Python work and
a long query inside DuckDB (the events store's reader cursor, interrupted by the watchdog) are stopped at the
budget, with a 503 and the error body, and the thread serves the next request normally."""

from __future__ import annotations

import os
import time

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.budget_urls")]


@pytest.fixture
def budget(settings, tmp_path):
    from headway.analytics import services

    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    settings.ALLOWED_HOSTS = ["testserver"]
    with services.open_store():  # opened (tables created) before the clock: on a busy machine that takes seconds
        pass
    settings.HEADWAY_REQUEST_BUDGET = 1.5
    yield 1.5

    services.close_store()


@pytest.mark.parametrize("url", ["/api/slow/python", "/api/slow/engine"])
def test_a_request_past_its_budget_is_stopped_with_a_503(client, budget, url):
    start = time.monotonic()
    response = client.get(url)
    took = time.monotonic() - start
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "over_budget" and error["details"] == {"budget_s": 1.5}
    assert "1.5 s" in error["message"]
    assert budget <= took < budget + 3  # stopped at the budget, not after the view's minutes of work
    # the same thread serves the next request normally: nothing of the stop is left pending
    assert client.get("/quick").json() == {"ok": True}
    assert client.get("/quick/engine").json() == {"answer": 42}  # the interrupted cursor reads again
    time.sleep(budget + 0.5)  # a watchdog that fired late would land here
    assert client.get("/quick").json() == {"ok": True}
    assert client.get("/quick/engine").json() == {"answer": 42}


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get("HEADWAY_TEST_DATABASE_URL"), reason="HEADWAY_TEST_DATABASE_URL is not set")
def test_a_postgresql_statement_past_the_budget_is_cancelled(client, budget, settings):
    settings.HEADWAY_EVENTS_URL = os.environ["HEADWAY_TEST_DATABASE_URL"]
    start = time.monotonic()
    response = client.get("/api/slow/postgres")
    took = time.monotonic() - start
    assert response.status_code == 503 and response.json()["error"]["code"] == "over_budget"
    assert budget <= took < budget + 3  # the server cancelled the statement: not a minute later
    from headway.analytics.services import open_store

    with open_store() as store:  # the shared connection is free and usable again
        assert store.backend.con.execute("SELECT 6 * 7").fetchone()[0] == 42


def test_no_budget_when_it_is_zero(client, budget, settings):
    settings.HEADWAY_REQUEST_BUDGET = 0
    assert client.get("/quick").json() == {"ok": True}
