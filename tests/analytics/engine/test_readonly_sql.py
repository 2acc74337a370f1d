"""`events sql` can destroy nothing and read nothing but the store: every trick of issue 15 is refused before it
runs, and what is allowed runs on a read-only path (a DuckDB transaction that is always rolled back)."""

from __future__ import annotations

from pathlib import Path

import pytest

from headway.analytics import EventStore
from headway.core.errors import ValidationError

EVENTS = [{"event": e, "timestamp": f"2024-01-0{d}T10:00:00", "distinct_id": p, "properties": {"plan": "pro"}}
          for p in "abc" for d, e in ((1, "signup"), (2, "pay"))]


@pytest.fixture
def store(tmp_path: Path):
    store = EventStore.connect(f"duckdb:///{tmp_path / 'events.duckdb'}")
    store.ingest(EVENTS)
    yield store
    store.close()


def count(store: EventStore) -> int:
    return int(store.sql("SELECT count(*) AS n FROM events")["n"][0].as_py())


@pytest.mark.parametrize("query", [
    "SELECT 1; DROP TABLE events",
    "SELECT count(*) FROM events; DELETE FROM events",
    "DROP TABLE events",
    "DELETE FROM events",
    "UPDATE events SET event = 'x'",
    "INSERT INTO events (uuid, event) VALUES ('u', 'e')",
    "CREATE TABLE t AS SELECT * FROM events",
    "ALTER TABLE events DROP COLUMN properties",
])
def test_statements_that_write_are_refused_and_nothing_changes(store, query):
    with pytest.raises(ValidationError, match="one read-only SELECT"):
        store.sql(query)
    assert count(store) == 6
    assert store.stats().by_event == {"signup": 3, "pay": 3}


def test_copy_to_writes_no_file(store, tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(ValidationError, match="COPY statement"):
        store.sql(f"COPY events TO '{target}'")
    with pytest.raises(ValidationError, match="COPY statement"):
        store.sql(f"COPY (SELECT * FROM events) TO '{target}' (FORMAT csv)")
    assert not target.exists()


@pytest.mark.parametrize(("query", "reason"), [
    ("SELECT * FROM read_text('/etc/passwd')", "table function read_text"),
    ("SELECT content FROM read_text('/etc/passwd')", "table function read_text"),
    ("SELECT * FROM read_csv('/etc/passwd', delim=':')", "table function read_csv"),
    ("SELECT * FROM read_csv_auto('/etc/passwd')", "table function read_csv_auto"),
    ("SELECT * FROM read_blob('/etc/passwd')", "table function read_blob"),
    ("SELECT * FROM glob('/etc/*')", "table function glob"),
    ("SELECT * FROM '/etc/passwd'", "'/etc/passwd'"),
    ("FROM '/etc/hosts'", "'/etc/hosts'"),
    ("SELECT * FROM events WHERE event IN (SELECT column0 FROM '/etc/passwd')", "'/etc/passwd'"),
    ("WITH x AS (SELECT * FROM read_text('/etc/passwd')) SELECT * FROM x", "table function read_text"),
    ("SELECT * FROM query('SELECT 1')", "table function query"),
    ("SELECT * FROM duckdb_settings()", "table function duckdb_settings"),
    ("SELECT * FROM pragma_version()", "table function pragma_version"),
    ("SELECT current_setting('home_directory')", "current_setting"),
    ("SELECT nextval('s')", "nextval"),
    ("SELECT write_log('x')", "write_log"),
    ("SELECT sleep_ms(100000)", "sleep_ms"),
    ("SELECT st_point(1, 2)", "st_point"),  # an extension's function: never autoloaded
    ("SELECT * FROM main.events", "another schema"),
    ("SELECT * FROM system.main.duckdb_tables", "another schema"),
    ("SELECT * FROM sqlite_master", "'sqlite_master'"),
    ('WITH "/etc/passwd" AS (SELECT 1) SELECT * FROM "/etc/passwd"', "not a plain name"),
    ("SHOW TABLES", "SHOW_REF"),
])
def test_reading_outside_the_store_is_refused(store, query, reason):
    with pytest.raises(ValidationError, match="one read-only SELECT") as caught:
        store.sql(query)
    assert reason in caught.value.message


@pytest.mark.parametrize(("query", "kind"), [
    ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH"),
    ("DETACH other", "DETACH"),
    ("INSTALL httpfs", "LOAD"),
    ("LOAD httpfs", "LOAD"),
    ("PRAGMA version", "PRAGMA"),
    ("PRAGMA database_list", "PRAGMA"),
    ("SET enable_external_access = true", "SET"),
    ("SET memory_limit = '1TB'", "SET"),
    ("RESET memory_limit", "SET"),
    ("CALL pragma_version()", "CALL"),
    ("EXPORT DATABASE '/tmp/dump'", "EXPORT"),
    ("CHECKPOINT", "CALL"),
])
def test_other_statements_are_refused(store, query, kind):
    with pytest.raises(ValidationError, match=f"it is a {kind}") as caught:
        store.sql(query)
    assert caught.value.message.endswith("rewrite the query.")


def test_attach_creates_no_file(store, tmp_path):
    other = tmp_path / "other.duckdb"
    with pytest.raises(ValidationError):
        store.sql(f"ATTACH '{other}' AS other")
    assert not other.exists()


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT event, count(*) AS n FROM events GROUP BY 1 ORDER BY 1", [("pay", 3), ("signup", 3)]),
    ("WITH p AS (SELECT DISTINCT distinct_id FROM events) SELECT count(*) AS n FROM p", [(3,)]),
    ("SELECT json_extract_string(properties, '$.plan') AS plan, count(*) AS n FROM events GROUP BY 1", [("pro", 6)]),
    ("SELECT properties->>'$.plan' AS plan FROM events LIMIT 1", [("pro",)]),
    ("SELECT count(*) FILTER (WHERE event = 'pay') AS n, list(DISTINCT event ORDER BY event) AS l FROM events",
     [(3, ["pay", "signup"])]),
    ("SELECT date_trunc('day', timestamp) AS d, count(*) AS n FROM events GROUP BY 1 ORDER BY 1 LIMIT 1",
     [(__import__("datetime").datetime(2024, 1, 1), 3)]),
    ("SELECT distinct_id, row_number() OVER (PARTITION BY event ORDER BY distinct_id) AS r FROM events "
     "WHERE event = 'pay' ORDER BY 1", [("a", 1), ("b", 2), ("c", 3)]),
    ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT sum(n) AS s FROM r", [(6,)]),
    ("SELECT count(*) AS n FROM events e JOIN person_distinct_ids p USING (distinct_id)", [(0,)]),
    ("SELECT extract(year FROM timestamp) AS y, upper(event) AS e FROM events ORDER BY 2 LIMIT 1", [(2024, "PAY")]),
    ("SELECT * FROM (VALUES (1, 'a')) t(x, y)", [(1, "a")]),
    ("SELECT 1 AS one;", [(1,)]),
])
def test_read_only_selects_still_answer(store, query, expected):
    table = store.sql(query)
    assert [tuple(row.values()) for row in table.to_pylist()] == expected


def test_a_query_error_says_how_to_fix_it(store):
    with pytest.raises(ValidationError, match=r"the SQL query failed: .*check it"):
        store.sql("SELECT nope FROM events")
    with pytest.raises(ValidationError, match="the SQL query failed"):
        store.sql("SELEC 1")
