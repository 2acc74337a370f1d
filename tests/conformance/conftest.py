"""The analytics backends the conformance suite runs on: DuckDB always, PostgreSQL when
HEADWAY_TEST_DATABASE_URL is set, Spark (local mode) when pyspark is importable."""

from __future__ import annotations

import importlib.util
import os

import pytest

from headway.analytics import EventStore

BACKENDS = [
    pytest.param("duckdb", id="duckdb"),
    pytest.param(
        "postgres",
        id="postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not os.environ.get("HEADWAY_TEST_DATABASE_URL"), reason="HEADWAY_TEST_DATABASE_URL is not set"
            ),
        ],
    ),
    pytest.param(
        "spark",
        id="spark",
        marks=[
            pytest.mark.spark,
            pytest.mark.slow,
            pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark is not installed"),
        ],
    ),
]
URLS = {"duckdb": None, "spark": "pyspark://"}


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest) -> str | None:
    name = request.param
    return os.environ.get("HEADWAY_TEST_DATABASE_URL") if name == "postgres" else URLS[name]


@pytest.fixture
def make_store(backend_url):
    """A factory of empty stores on the backend under test (emptied again afterwards)."""
    opened: list[EventStore] = []

    def make(timezone: str = "UTC") -> EventStore:
        store = EventStore.connect(backend_url, timezone=timezone)
        store.reset()
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.reset()
        if backend_url is None:
            store.close()
