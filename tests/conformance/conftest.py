"""The analytics backends the conformance suite runs on: DuckDB always, PostgreSQL when
HEADWAY_TEST_DATABASE_URL is set, Spark (local mode) when pyspark is importable.

The backend is chosen per module (one Spark session serves the whole run: ``pyspark://`` reuses it). On a
shared backend every store sees the same tables, so each ``reset`` bumps ``GENERATION`` and
``seeded_store`` ingests its records again only after some other store has reset the tables.
"""

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


GENERATION = [0]


def _reset(store: EventStore) -> None:
    store.reset()
    GENERATION[0] += 1


@pytest.fixture(params=BACKENDS, scope="module")
def backend_url(request: pytest.FixtureRequest) -> str | None:
    name = request.param
    return os.environ.get("HEADWAY_TEST_DATABASE_URL") if name == "postgres" else URLS[name]


@pytest.fixture
def make_store(backend_url):
    """A factory of empty stores on the backend under test (emptied again afterwards)."""
    opened: list[EventStore] = []

    def make(timezone: str = "UTC") -> EventStore:
        store = EventStore.connect(backend_url, timezone=timezone)
        _reset(store)
        opened.append(store)
        return store

    yield make
    for store in opened:
        _reset(store)
        if backend_url is None:
            store.close()


@pytest.fixture(scope="module")
def seeded_store(backend_url):
    """``seeded(records)``: a store holding ``records`` (ingested once), shared by the module's tests while
    no other store resets the backend. Tests that change a store (identify, ingest) use ``make_store``."""
    cache: dict[int, tuple[EventStore, int]] = {}

    def seeded(records: list[dict]) -> EventStore:
        hit = cache.get(id(records))
        if hit is not None and hit[1] == GENERATION[0]:
            return hit[0]
        store = hit[0] if hit is not None else EventStore.connect(backend_url)
        _reset(store)
        report = store.ingest(records)
        assert (report.ingested, report.rejected) == (len(records), [])
        cache[id(records)] = (store, GENERATION[0])
        return store

    yield seeded
    for store, _ in cache.values():
        _reset(store)
        if backend_url is None:
            store.close()
