"""Ingestion from every source type, Segment records, bad rows with row numbers, idempotency."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from headway.analytics import EventStore, Rejected

GOOD = [
    {"event": "signup", "timestamp": "2024-02-01T10:00:00Z", "distinct_id": "u1", "properties": {"plan": "pro"}},
    {"event": "signup", "timestamp": "2024-02-01T12:00:00+02:00", "distinct_id": "u2"},
    {"event": "login", "timestamp": "2024-02-02 08:00:00", "distinct_id": "u1", "uuid": "fixed-1"},
]


def stored(store: EventStore) -> list[tuple[str, datetime, str]]:
    table = store.sql("SELECT event, timestamp, distinct_id FROM events ORDER BY timestamp").to_pylist()
    return [(r["event"], r["timestamp"].replace(tzinfo=None), r["distinct_id"]) for r in table]


EXPECTED = [
    ("signup", datetime(2024, 2, 1, 10), "u1"),
    ("signup", datetime(2024, 2, 1, 10), "u2"),  # +02:00 converted to UTC
    ("login", datetime(2024, 2, 2, 8), "u1"),  # naive means UTC
]


def write(path, kind: str) -> None:
    if kind == "jsonl":
        path.write_text("\n".join(json.dumps(r) for r in GOOD) + "\n")
    elif kind == "json":
        path.write_text(json.dumps(GOOD))
    elif kind == "csv":
        frame = pd.DataFrame(GOOD)
        frame["properties"] = frame["properties"].map(lambda p: json.dumps(p) if isinstance(p, dict) else None)
        frame.to_csv(path, index=False)
    else:
        frame = pd.DataFrame(GOOD)
        frame["properties"] = frame["properties"].map(lambda p: json.dumps(p) if isinstance(p, dict) else None)
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)


@pytest.mark.parametrize("kind", ["list", "dataframe", "arrow", "csv", "jsonl", "json", "parquet"])
def test_every_source_type_ingests_the_same_events(tmp_path, kind):
    store = EventStore.connect()
    if kind == "list":
        source = GOOD
    elif kind == "dataframe":
        source = pd.DataFrame(GOOD)
    elif kind == "arrow":
        frame = pd.DataFrame(GOOD)
        frame["properties"] = frame["properties"].map(lambda p: json.dumps(p) if isinstance(p, dict) else None)
        source = pa.Table.from_pandas(frame, preserve_index=False)
    else:
        source = tmp_path / f"events.{kind}"
        write(source, kind)
    report = store.ingest(source)
    assert (report.ingested, report.duplicates, report.rejected) == (3, 0, [])
    assert stored(store) == EXPECTED
    again = store.ingest(source)
    assert (again.ingested, again.duplicates) == (0, 3)  # idempotent: same uuids (given or derived)


def test_segment_track_calls():
    store = EventStore.connect()
    report = store.ingest([
        {"type": "track", "event": "Order Completed", "userId": "user-9", "anonymousId": "anon-3",
         "timestamp": "2024-02-03T09:00:00.000Z", "properties": {"revenue": 12.5}, "messageId": "m-1"},
        {"type": "track", "event": "Viewed", "anonymousId": "anon-3", "timestamp": "2024-02-03T09:01:00Z"},
        {"type": "identify", "userId": "user-9", "traits": {"name": "Ann"}},
    ])
    assert report.ingested == 2
    assert report.rejected == [
        Rejected(3, 'a Segment "identify" call is not an event; only track calls are ingested')
    ]
    rows = store.sql("SELECT uuid, distinct_id, properties FROM events ORDER BY timestamp").to_pylist()
    assert [(r["distinct_id"], json.loads(r["properties"])) for r in rows] == [
        ("user-9", {"revenue": 12.5}), ("anon-3", {})
    ]
    assert rows[0]["uuid"] == "m-1"  # Segment's messageId is the idempotency key


def test_bad_rows_are_rejected_with_row_number_and_good_rows_kept():
    store = EventStore.connect()
    rows = [
        GOOD[0],
        {"timestamp": "2024-02-01T10:00:00Z", "distinct_id": "u1"},
        {"event": "x", "timestamp": "yesterday", "distinct_id": "u1"},
        {"event": "x", "timestamp": "2024-02-01", "distinct_id": "u1", "properties": "{not json"},
        {"event": 42, "timestamp": "2024-02-01", "distinct_id": "u1"},
        {"event": "x", "timestamp": "2024-02-01"},
        {"event": "x", "timestamp": "2024-02-01", "distinct_id": "u1", "properties": "[1, 2]"},
        GOOD[1],
    ]
    report = store.ingest(rows, batch_size=3)
    assert report.ingested == 2
    assert [(r.row, r.reason.split(":")[0]) for r in report.rejected] == [
        (2, "missing event"),
        (3, 'unparsable timestamp "yesterday"'),
        (4, "invalid JSON properties"),
        (5, "event must be text, not int"),
        (6, "missing distinct_id"),
        (7, "properties must be a JSON object such as {\"plan\""),
    ]


def test_bad_lines_in_files_keep_their_line_numbers_and_go_to_the_rejects_file(tmp_path):
    source = tmp_path / "events.jsonl"
    source.write_text(json.dumps(GOOD[0]) + "\n{oops\n\n" + json.dumps({"event": "x"}) + "\n")
    rejects = tmp_path / "rejects.jsonl"
    report = EventStore.connect().ingest(source, rejects_path=rejects)
    assert report.ingested == 1
    assert [r.row for r in report.rejected] == [2, 4]
    written = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(w["row"], w["record"].get("event")) for w in written] == [(2, None), (4, "x")]


def test_csv_rows_with_the_wrong_number_of_fields(tmp_path):
    source = tmp_path / "events.csv"
    source.write_text("event,timestamp,distinct_id\na,2024-02-01,u1\nb,2024-02-01\nc,2024-02-02,u3\n")
    report = EventStore.connect().ingest(source)
    assert report.ingested == 2
    assert report.rejected == [Rejected(2, "expected 3 CSV fields, found 2")]


def test_duplicate_uuids_within_and_across_batches_count_as_duplicates():
    store = EventStore.connect()
    rows = [dict(GOOD[0], uuid="same"), dict(GOOD[1], uuid="same"), dict(GOOD[2], uuid="other")]
    report = store.ingest(rows + rows, batch_size=4)
    assert (report.ingested, report.duplicates) == (2, 4)
    assert store.stats().events == 2


def test_progress_and_stats():
    store = EventStore.connect()
    seen: list[tuple[int, int | None]] = []
    store.ingest(GOOD, batch_size=2, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 3), (3, 3)]
    stats = store.stats()
    assert (stats.events, stats.by_event, stats.distinct_ids, stats.persons) == (3, {"signup": 2, "login": 1}, 2, 2)
    assert (stats.first, stats.last) == (datetime(2024, 2, 1, 10), datetime(2024, 2, 2, 8))
    store.identify("u2", "u1")
    assert store.stats().persons == 1
    store.reset()
    assert store.stats().events == 0


def test_identify_resolves_chains_to_one_person():
    store = EventStore.connect()
    store.ingest([{"event": "e", "timestamp": "2024-02-01", "distinct_id": d} for d in ("a", "b", "c")])
    store.identify("a", "b")  # a's events are b's person
    store.identify("b", "P")  # b's person (with a) becomes P
    store.identify("c", "a")  # a is an identified id: c joins a's person, P
    trend = store.trends("e", math="unique_users", date_from="2024-02-01", date_to="2024-02-01")
    assert trend.series[0].data == [1]


def test_a_store_on_disk_keeps_events(tmp_path):
    url = f"duckdb:///{tmp_path / 'events.duckdb'}"
    with EventStore.connect(url) as store:
        store.ingest(GOOD)
    with EventStore.connect(url) as store:
        assert store.stats().events == 3
