"""Retention's period masks: ``bit_or`` (capability ``bit_or``) and the sum over distinct periods (the path of
backends without it) give the same tables, checked on one DuckDB store with random activity."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from headway.analytics import EventStore, Filter
from headway.analytics.engine import backends


def activity(seed: int) -> list[dict]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    return [
        {"event": rng.choice(["login", "login", "buy"]), "distinct_id": f"p{rng.randint(0, 40)}",
         "timestamp": (start + timedelta(hours=rng.randint(-72, 24 * 12))).isoformat()}
        for _ in range(600)
    ]


def tables(store: EventStore) -> list[list[list[int]]]:
    out = []
    for kind in ("recurring", "first_time"):
        for mode in ("on", "on_or_after"):
            for returning in (None, "buy"):
                result = store.retention("login", returning_event=returning, period="day", intervals=8,
                                         date_to="2024-01-08", kind=kind, mode=mode)
                out.append([c.values for c in result.cohorts])
    return out


@pytest.mark.parametrize("seed", range(3))
def test_bit_or_and_distinct_sum_agree(seed, monkeypatch):
    store = EventStore.connect(None)
    store.ingest(activity(seed))
    with_bit_or = tables(store)
    monkeypatch.setitem(backends.CAPABILITIES, "duckdb", replace(backends.CAPABILITIES["duckdb"], bit_or=False))
    assert tables(store) == with_bit_or
    assert any(v > 1 for table in with_bit_or for row in table for v in row[1:])  # people do come back
    store.close()
    assert "no bit_or" in backends.CAPABILITIES["pyspark"].reason("bit_or")


@pytest.mark.parametrize("seed", range(3))
def test_masks_or_ed_in_numpy_agree_with_the_backend_grouping(seed, monkeypatch):
    """The in-process path (capability ``local_arrays``: keys streamed in batches, masks OR-ed into an array
    indexed by person key) against the backend's grouping, with an identified person, a filter and batches of
    7 rows (so the array grows while the rows arrive)."""
    from headway.analytics.engine import retention

    store = EventStore.connect(None)
    records = activity(seed)
    for i, record in enumerate(records):
        record["properties"] = {"plan": "pro" if i % 3 else "free"}
    store.ingest(records)
    store.identify("p3", "p7")
    streamed = retention.arrow_batches
    monkeypatch.setattr(retention, "arrow_batches", lambda rows: streamed(rows, 7))

    def everything() -> list:
        out = tables(store)
        result = store.retention("login", period="day", intervals=8, date_to="2024-01-08",
                                 target_where=[Filter("plan", "eq", "pro")])
        out.append([c.values for c in result.cohorts])
        out.append(result.persons(cohort=1, interval=2))
        return out

    in_numpy = everything()
    monkeypatch.setitem(backends.CAPABILITIES, "duckdb",
                        replace(backends.CAPABILITIES["duckdb"], local_arrays=False))
    assert everything() == in_numpy
    assert in_numpy[-1]  # someone of cohort 1 came back two days later
    store.close()
