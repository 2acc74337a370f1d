"""`EventStore.sql` on every backend: one read-only SELECT over the store's tables; writes, file reads and
other statements are refused and change nothing (PostgreSQL also runs it in a READ ONLY transaction)."""

from __future__ import annotations

import pytest

from headway.core.errors import ValidationError

RECORDS = [{"event": e, "timestamp": f"2024-01-0{d}T10:00:00", "distinct_id": p}
           for p in "ab" for d, e in ((1, "signup"), (2, "pay"))]


@pytest.mark.parametrize("query", [
    "SELECT 1; DROP TABLE events",
    "DELETE FROM events",
    "DROP TABLE events",
    "UPDATE events SET event = 'x'",
    "SELECT * INTO copied FROM events",
    "CREATE TABLE copied AS SELECT * FROM events",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM pg_catalog.pg_tables",
    "SELECT pg_read_file('/etc/passwd')",
    "SELECT * FROM generate_series(1, 3)",
    "SET search_path = public",
])
def test_nothing_but_a_select_over_the_store_runs(make_store, query):
    store = make_store()
    store.ingest(RECORDS)
    with pytest.raises(ValidationError, match=r"one read-only SELECT|SQL query failed"):
        store.sql(query)
    rows = store.sql("SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY event").to_pylist()
    assert [(r["event"], r["n"]) for r in rows] == [("pay", 2), ("signup", 2)]


def test_ctes_and_joins_answer(make_store):
    store = make_store()
    store.ingest(RECORDS)
    rows = store.sql("WITH p AS (SELECT DISTINCT distinct_id FROM events) "
                     "SELECT count(*) AS n FROM p LEFT JOIN person_distinct_ids m ON m.distinct_id = p.distinct_id"
                     ).to_pylist()
    assert [r["n"] for r in rows] == [2]


def test_a_query_that_passes_the_check_still_cannot_write_on_postgres(make_store):
    """Where the backend has a read-only transaction the query runs in one: a sequence cannot advance."""
    store = make_store()
    if not store.capabilities.read_only_sql or store.backend.name != "postgres":
        pytest.skip("the READ ONLY transaction is PostgreSQL's; DuckDB refuses nextval() in its check")
    store.backend.raw_sql("CREATE SEQUENCE IF NOT EXISTS headway_ro_check")
    with pytest.raises(ValidationError, match="read-only transaction"):
        store.sql("SELECT nextval('headway_ro_check')")
