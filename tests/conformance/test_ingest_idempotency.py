"""Ingestion is idempotent by uuid alone on every backend (issue 15, point 5): an SDK that retries an event
with a new timestamp, days or years later, adds nothing; a batch of several parts (a server's group commit)
keeps the first of a uuid; impossible timestamps are rejected row by row."""

from __future__ import annotations

import pyarrow as pa

from headway.analytics.engine.ingest import CLEAN_SCHEMA

UUID = "9b2f6a34-0d1c-4c55-8a41-3f0c2e7d1a01"
FIRST = {"uuid": UUID, "event": "pay", "timestamp": "2024-03-01T10:00:00Z", "distinct_id": "ann",
         "properties": {"amount": 5}}


def stored(store) -> list[dict]:
    """The stored events, their timestamps as text (formatted here: Spark has no CAST AS VARCHAR)."""
    rows = store.sql("SELECT uuid, event, distinct_id, timestamp AS ts FROM events ORDER BY ts").to_pylist()
    return [{**r, "ts": str(r["ts"])} for r in rows]


def test_the_same_uuid_with_another_timestamp_is_stored_once(make_store):
    store = make_store()
    assert store.ingest([FIRST]).ingested == 1
    retries = [{**FIRST, "timestamp": "2024-03-01T10:00:07Z"},  # a retry re-stamped seconds later
               {**FIRST, "timestamp": "2025-11-30T00:00:00Z"},  # ... or much later, outside the first's day
               {**FIRST, "timestamp": "2023-01-01T00:00:00Z", "distinct_id": "bob"}]  # ... or earlier
    for retry in retries:
        report = store.ingest([retry])
        assert (report.ingested, report.duplicates, report.rejected) == (0, 1, [])
    rows = stored(store)
    assert [(r["uuid"], r["distinct_id"]) for r in rows] == [(UUID, "ann")]
    assert rows[0]["ts"].startswith("2024-03-01 10:00:00")
    assert store.trends("pay", date_from="2023-01-01", date_to="2025-12-31", interval="month").series[0].data[14] == 1  # March 2024


def test_a_batch_with_a_retry_of_its_own_event_stores_it_once(make_store):
    store = make_store()
    report = store.ingest([FIRST, {**FIRST, "timestamp": "2024-03-09T10:00:00Z"},
                           {**FIRST, "uuid": "9b2f6a34-0d1c-4c55-8a41-3f0c2e7d1a02"}])
    assert (report.ingested, report.duplicates) == (2, 1)
    assert len(stored(store)) == 2


def test_parts_committed_together_keep_the_first_of_a_uuid(make_store):
    store = make_store()
    store.ingest([FIRST])

    def part(*rows: tuple[str, str, str]) -> pa.Table:
        return pa.table({"uuid": [r[0] for r in rows], "event": ["view"] * len(rows),
                         "timestamp": pa.array([r[1] for r in rows]).cast(pa.timestamp("us")),
                         "distinct_id": [r[2] for r in rows], "properties": ["{}"] * len(rows)}).cast(CLEAN_SCHEMA)

    import datetime as dt

    day = dt.datetime(2024, 3, 2, 8)
    a = part(("u-1", day, "cat"), (UUID, day, "cat"))  # UUID is stored already
    b = part(("u-2", day, "dan"), ("u-1", day + dt.timedelta(days=3), "dan"))  # u-1 is in part a
    c = part(("u-3", day, "eve"))
    assert store.insert_clean([a, b, c]) == [1, 1, 1]
    rows = {r["uuid"]: r["distinct_id"] for r in stored(store)}
    assert rows == {UUID: "ann", "u-1": "cat", "u-2": "dan", "u-3": "eve"}


def test_impossible_timestamps_are_rejected_row_by_row(make_store):
    store = make_store()
    report = store.ingest([{**FIRST, "uuid": None, "timestamp": "-0001-05-01T00:00:00Z"},
                           FIRST, {**FIRST, "uuid": None, "timestamp": "3024-01-01T00:00:00Z"}])
    assert report.ingested == 1
    assert [r.row for r in report.rejected] == [1, 3]
    assert all("timestamp" in r.reason for r in report.rejected)
