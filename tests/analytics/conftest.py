"""Analytics fixtures: a clean events store holding a few hand-written events (London time = UTC in January)."""

from __future__ import annotations

import pytest

from headway.core.permissions import Role

EVENTS = [
    {"uuid": "e1", "event": "purchase", "timestamp": "2026-01-05T10:00:00Z", "distinct_id": "a",
     "properties": {"amount": 10, "device": "mobile"}},
    {"uuid": "e2", "event": "purchase", "timestamp": "2026-01-05T12:00:00Z", "distinct_id": "b",
     "properties": {"amount": 30, "device": "desktop"}},
    {"uuid": "e3", "event": "purchase", "timestamp": "2026-01-06T09:00:00Z", "distinct_id": "a",
     "properties": {"amount": 20, "device": "mobile"}},
    {"uuid": "e4", "event": "visit", "timestamp": "2026-01-06T23:30:00Z", "distinct_id": "c",
     "properties": {"device": "tablet"}},
    {"uuid": "e5", "event": "purchase", "timestamp": "2026-01-07T00:30:00Z", "distinct_id": "c",
     "properties": {"amount": 5, "device": "tablet"}},
]
# purchases per London day 5, 6, 7 January 2026, by hand
PURCHASES_PER_DAY = [2.0, 1.0, 1.0]
RANGE = {"date_from": "2026-01-05", "date_to": "2026-01-07"}


@pytest.fixture
def empty_store(db, workspace, settings, tmp_path):
    """A fresh DuckDB events store for the test (HEADWAY_EVENTS_URL points into tmp_path)."""
    from headway.analytics import services

    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    yield
    services.close_store()


@pytest.fixture
def events(empty_store):
    from headway.analytics import services

    report = services.ingest(None, EVENTS)
    assert (report.ingested, report.duplicates, report.rejected) == (5, 0, [])
    return EVENTS


@pytest.fixture
def pm(make_user):
    return make_user("pat", Role.PRODUCT_MANAGER)


@pytest.fixture
def behaviour_events(empty_store):
    """The hand-computed behavioural event set of tests/analytics/behaviour_data.py in a fresh store."""
    from headway.analytics import services
    from tests.analytics.behaviour_data import EVENTS as BEHAVIOUR_EVENTS

    assert services.ingest(None, BEHAVIOUR_EVENTS).ingested == len(BEHAVIOUR_EVENTS)
    return BEHAVIOUR_EVENTS
