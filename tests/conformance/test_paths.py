"""Paths on every backend: transitions between consecutive page views, once per person and step.

| who | page views (Jan 1, in order)                                  |
|-----|---------------------------------------------------------------|
| a1  | /home, /home (a repeat: one step), /pricing, /signup, /home   |
| a2  | /home, /pricing, /home                                        |
| a3  | /blog, /pricing                                               |
| a4  | /home and /pricing at the same second (ordered by uuid)       |
"""

from __future__ import annotations

import pytest

from headway.analytics import EventStore
from headway.core.errors import ValidationError

RANGE = {"date_from": "2024-01-01", "date_to": "2024-01-01"}


def page(who: str, minute: int, url: str, uuid: str | None = None) -> dict:
    row = {"event": "$pageview", "timestamp": f"2024-01-01T10:{minute:02d}:00", "distinct_id": who,
           "properties": {"$current_url": url}}
    return row | ({"uuid": uuid} if uuid else {})


@pytest.fixture
def store(make_store) -> EventStore:
    store = make_store()
    rows = [page("a1", 0, "/home"), page("a1", 1, "/home"), page("a1", 2, "/pricing"), page("a1", 3, "/signup"),
            page("a1", 4, "/home"), page("a2", 0, "/home"), page("a2", 1, "/pricing"), page("a2", 2, "/home"),
            page("a3", 0, "/blog"), page("a3", 1, "/pricing"),
            page("a4", 5, "/pricing", "00000000-0000-0000-0000-00000000000b"),
            page("a4", 5, "/home", "00000000-0000-0000-0000-00000000000a")]
    rows += [{"event": e, "timestamp": f"2024-01-01T11:0{i}:00", "distinct_id": "a1"}
             for i, e in enumerate(["search", "add_to_cart", "search", "purchase"])]
    assert store.ingest(rows).ingested == 16
    return store


def edges(result) -> list[tuple]:
    return [(e.step, e.source, e.target, e.count) for e in result.edges]


def test_page_view_paths(store):
    result = store.paths(**RANGE)
    assert edges(result) == [
        (1, "/home", "/pricing", 3),
        (1, "/blog", "/pricing", 1),
        (2, "/pricing", "/home", 1),
        (2, "/pricing", "/signup", 1),
        (3, "/signup", "/home", 1),
    ]
    assert result.persons(step=1, source="/home", target="/pricing") == ["a1", "a2", "a4"]


def test_max_steps_limits_the_depth(store):
    assert edges(store.paths(max_steps=2, **RANGE)) == [(1, "/home", "/pricing", 3), (1, "/blog", "/pricing", 1)]


def test_custom_events(store):
    result = store.paths(event_type="custom", **RANGE)
    assert edges(result) == [(1, "search", "add_to_cart", 1), (2, "add_to_cart", "search", 1),
                             (3, "search", "purchase", 1)]
    only = store.paths(event_type="custom", include_events=["search", "purchase"], **RANGE)
    assert edges(only) == [(1, "search", "purchase", 1)]  # search, search collapse into one step


def test_bad_arguments(store):
    with pytest.raises(ValidationError, match="event_type"):
        store.paths(event_type="screens", **RANGE)
    with pytest.raises(ValidationError, match="max_steps"):
        store.paths(max_steps=1, **RANGE)
