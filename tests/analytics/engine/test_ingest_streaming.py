"""Streaming ingestion: JSON lines parsed in DuckDB like records in Python, nothing kept between batches, the
engine's memory capped while ingesting, and progress totals for files."""

from __future__ import annotations

import json

import pytest

from headway.analytics import EventStore, Rejected
from headway.analytics.engine.backends import INGEST_MEMORY_LIMIT, MEMORY_LIMIT_VARIABLE, query_memory_limit
from headway.core.errors import ConfigurationError

T = "2024-02-01T10:00:00Z"
#: every kind of record the checks tell apart; Segment aliases, wrong types, JSON text properties
RECORDS = [
    {"event": "a", "timestamp": T, "distinct_id": "u1", "properties": {"plan": "pro", "n": [1, 2]}},
    {"event": "b", "timestamp": T, "userId": "u2", "anonymousId": "anon", "messageId": "m-1", "type": "track"},
    {"event": "c", "timestamp": T, "anonymous_id": "anon-2", "uuid": 123},
    {"event": "d", "timestamp": T, "distinct_id": None, "user_id": "u3", "properties": '{"plan": "team"}'},
    {"event": 42, "timestamp": T, "distinct_id": "u1"},
    {"event": "e", "timestamp": 1706781600, "distinct_id": "u1"},
    {"event": "f", "timestamp": T, "distinct_id": "u1", "properties": [1, 2]},
    {"event": "g", "timestamp": T, "distinct_id": "u1", "properties": "[1, 2]"},
    {"event": "h", "timestamp": T, "distinct_id": {"id": 1}},
    {"event": "i", "timestamp": T, "distinct_id": "u1", "uuid": 1.5},
    {"event": "j", "timestamp": T, "distinct_id": "u1", "type": True},
    {"type": "identify", "userId": "u9", "traits": {"name": "Ann"}},
    {"event": "k", "timestamp": "yesterday", "distinct_id": "u1"},
    {"event": " ", "timestamp": T, "distinct_id": "u1"},
    {"event": "l", "timestamp": T, "distinct_id": "u1", "properties": "{not json"},
]


def stored_rows(store: EventStore) -> list[tuple[str, str, str, dict]]:
    rows = store.sql("SELECT uuid, event, distinct_id, properties FROM events ORDER BY event").to_pylist()
    return [(r["uuid"], r["event"], r["distinct_id"], json.loads(r["properties"])) for r in rows]


def test_json_lines_are_checked_exactly_like_records(tmp_path):
    source = tmp_path / "events.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    from_records, from_lines = EventStore.connect(), EventStore.connect()
    by_records = from_records.ingest(RECORDS, batch_size=4)
    by_lines = from_lines.ingest(source, batch_size=4)
    assert by_lines == by_records
    assert by_lines.ingested == 4
    assert by_lines.rejected[:3] == [
        Rejected(5, "event must be text, not int"),
        Rejected(6, "timestamp must be ISO-8601 text or a datetime, not int"),
        Rejected(7, "properties must be an object or JSON text, not list"),
    ]
    given = {(uuid, event, did) for uuid, event, did, _ in stored_rows(from_lines) if uuid.count("-") != 4}
    assert given == {("m-1", "b", "u2"), ("123", "c", "anon-2")}
    assert [(e, d, p) for _, e, d, p in stored_rows(from_lines)] == [
        (e, d, p) for _, e, d, p in stored_rows(from_records)
    ]


def test_lines_that_are_not_json_objects_are_rejected_with_their_line_number(tmp_path):
    source = tmp_path / "events.jsonl"
    good = json.dumps(RECORDS[0])
    source.write_text(f"{good}\n\n[1, 2]\n\"text\"\n{{oops\n   \n{good.replace('u1', 'u2')}\n")
    report = EventStore.connect().ingest(source, batch_size=3)
    assert report.ingested == 2
    assert report.rejected == [
        Rejected(3, "a record must be an object with event, timestamp and distinct_id, not list"),
        Rejected(4, "a record must be an object with event, timestamp and distinct_id, not str"),
        Rejected(5, "invalid JSON line: Expecting property name enclosed in double quotes at column 2"),
    ]


def test_text_that_is_not_utf8_is_replaced_not_fatal(tmp_path):
    source = tmp_path / "events.jsonl"
    line = json.dumps({"event": "caf\u00e9", "timestamp": T, "distinct_id": "u1"}).encode()
    source.write_bytes(line + b"\n" + line.replace(b"u1", b"u\xff2") + b"\n")
    store = EventStore.connect()
    assert store.ingest(source).ingested == 2
    assert sorted(r["distinct_id"] for r in store.sql("SELECT distinct_id FROM events").to_pylist()) == [
        "u1", "u\ufffd2"
    ]


def registered_memtables(store: EventStore) -> list[str]:
    views = store.backend.con.sql("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
    return [name for (name,) in views if "memtable" in name]


def test_no_batch_stays_registered_in_the_engine_after_it_is_written():
    store = EventStore.connect()
    rows = [dict(RECORDS[0], uuid=f"e-{i}", distinct_id=f"u{i}") for i in range(10)]
    seen: list[list[str]] = []
    report = store.ingest(rows, batch_size=2, on_progress=lambda done, total: seen.append(registered_memtables(store)))
    assert report.ingested == 10
    assert seen == [[]] * 5


@pytest.mark.parametrize("kind", ["jsonl", "csv", "json"])
def test_files_report_an_estimated_total_that_is_exact_at_the_end(tmp_path, kind):
    records = [dict(RECORDS[0], uuid=f"e-{i}") for i in range(7)]
    source = tmp_path / f"events.{kind}"
    if kind == "jsonl":
        source.write_text("".join(json.dumps(r) + "\n" for r in records))
    elif kind == "json":
        source.write_text(json.dumps(records))
    else:
        source.write_text("event,timestamp,distinct_id,uuid\n" + "".join(
            f"{r['event']},{r['timestamp']},{r['distinct_id']},{r['uuid']}\n" for r in records))
    seen: list[tuple[int, int | None]] = []
    EventStore.connect().ingest(source, batch_size=3, on_progress=lambda done, total: seen.append((done, total)))
    assert [done for done, _ in seen] == [3, 6, 7]
    assert all(total is not None and total >= done for done, total in seen)
    assert seen[-1] == (7, 7)


def memory_limit(store: EventStore) -> str:
    return str(store.backend.con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0])


def test_the_engine_memory_is_capped_while_ingesting_into_a_file_and_restored_after(monkeypatch, tmp_path):
    monkeypatch.delenv(MEMORY_LIMIT_VARIABLE, raising=False)
    store = EventStore.connect(f"duckdb:///{tmp_path / 'events.duckdb'}")
    default = memory_limit(store)
    during: list[str] = []
    store.ingest(RECORDS[:2], on_progress=lambda done, total: during.append(memory_limit(store)))
    assert INGEST_MEMORY_LIMIT == "512MB"
    assert during == ["488.2 MiB"]  # DuckDB shows 512 MB in MiB
    assert memory_limit(store) == default != "488.2 MiB"
    store.close()


def test_queries_on_a_store_file_are_capped_at_1gb_per_core_by_default(monkeypatch, tmp_path):
    """Without a cap DuckDB keeps up to 80% of the RAM of the store's pages cached (6.9 GB measured at 100M)."""
    monkeypatch.delenv(MEMORY_LIMIT_VARIABLE, raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    assert query_memory_limit() == "3GB"
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert query_memory_limit() == "2GB"
    store = EventStore.connect(f"duckdb:///{tmp_path / 'events.duckdb'}")
    assert memory_limit(store) == "1.8 GiB"  # 2 GB in GiB
    store.ingest(RECORDS[:2])
    assert memory_limit(store) == "1.8 GiB"
    store.close()


def test_an_in_memory_store_is_not_capped_its_tables_are_its_memory(monkeypatch):
    monkeypatch.delenv(MEMORY_LIMIT_VARIABLE, raising=False)
    store = EventStore.connect()
    default = memory_limit(store)
    during: list[str] = []
    store.ingest(RECORDS[:2], on_progress=lambda done, total: during.append(memory_limit(store)))
    assert during == [default]


def test_the_memory_limit_setting_applies_to_queries_and_ingest(monkeypatch, tmp_path):
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "300MB")
    store = EventStore.connect(f"duckdb:///{tmp_path / 'events.duckdb'}")
    during: list[str] = []
    store.ingest(RECORDS[:2], on_progress=lambda done, total: during.append(memory_limit(store)))
    assert (memory_limit(store), during) == ("286.1 MiB", ["286.1 MiB"])


def test_a_bad_memory_limit_says_how_to_write_one(monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "lots")
    with pytest.raises(ConfigurationError, match=r"HEADWAY_EVENTS_MEMORY_LIMIT=.lots. .* such as 1GB or 512MB"):
        EventStore.connect()
