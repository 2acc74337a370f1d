"""Integer person keys (capability ``person_keys``, DuckDB): the ``distinct_ids`` dictionary, the events'
``distinct_key``, the ``person_key`` the ordered funnel reads, and the upgrade of a store written before them.

The funnel numbers are computed by hand on one day of events (steps pageview -> add_to_cart -> purchase):

- anon-1: pageview 10:00; user-1: add_to_cart 10:05, purchase 10:10 (anon-1 is later identified as user-1)
- anon-2: pageview 11:00; anon-3: add_to_cart 11:05 (both later identified as carol, who has no events of her
  own: a person id that is no distinct id)
- bob: pageview 12:00, add_to_cart 12:01

Unidentified: entrants anon-1, anon-2, bob; only bob adds to cart: [3, 1, 0]. Identified: user-1 reaches the
purchase, carol the cart, bob the cart: [3, 3, 1].
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from headway.analytics import EventStore
from headway.analytics.engine.backends import CAPABILITIES

STEPS = ["pageview", "add_to_cart", "purchase"]
DAY = date(2024, 1, 1)
RECORDS = [
    {"uuid": "e1", "event": "pageview", "timestamp": "2024-01-01T10:00:00Z", "distinct_id": "anon-1"},
    {"uuid": "e2", "event": "add_to_cart", "timestamp": "2024-01-01T10:05:00Z", "distinct_id": "user-1"},
    {"uuid": "e3", "event": "purchase", "timestamp": "2024-01-01T10:10:00Z", "distinct_id": "user-1"},
    {"uuid": "e4", "event": "pageview", "timestamp": "2024-01-01T11:00:00Z", "distinct_id": "anon-2"},
    {"uuid": "e5", "event": "add_to_cart", "timestamp": "2024-01-01T11:05:00Z", "distinct_id": "anon-3"},
    {"uuid": "e6", "event": "pageview", "timestamp": "2024-01-01T12:00:00Z", "distinct_id": "bob"},
    {"uuid": "e7", "event": "add_to_cart", "timestamp": "2024-01-01T12:01:00Z", "distinct_id": "bob"},
]
IDENTIFY = [("anon-1", "user-1"), ("anon-2", "carol"), ("anon-3", "carol")]
IDENTIFIED = [3, 3, 1]


def counts(store: EventStore) -> list[int]:
    result = store.funnel(STEPS, date_from=DAY, date_to=DAY, window=timedelta(days=14))
    return [s.count for s in result.steps]


def dictionary(store: EventStore) -> dict[str, int]:
    return {str(r["distinct_id"]): int(r["key"]) for r in store.sql("SELECT * FROM distinct_ids").to_pylist()}


def assert_consistent(store: EventStore) -> None:
    """Dense unique keys, and every event keyed with its distinct id's key."""
    keys = dictionary(store)
    assert sorted(keys.values()) == list(range(len(keys)))
    rows = store.sql("SELECT distinct_id, distinct_key FROM events").to_pylist()
    assert rows and all(keys[r["distinct_id"]] == r["distinct_key"] for r in rows)


@pytest.fixture
def store():
    with EventStore.connect() as opened:
        yield opened


def test_postgres_and_spark_keep_the_schema_without_keys():
    assert CAPABILITIES["duckdb"].person_keys
    for name in ("postgres", "pyspark"):
        assert not CAPABILITIES[name].person_keys
        assert "NumPy funnel" in CAPABILITIES[name].reason("person_keys")


def test_keys_are_dense_in_id_order_per_batch_and_kept_on_reingest(store):
    report = store.ingest(RECORDS, batch_size=3)  # batches: e1-e3, e4-e6, e7
    assert report.ingested == 7
    # batch 1 sorts anon-1, user-1; batch 2 adds anon-2, anon-3, bob after them; batch 3 adds nothing
    assert dictionary(store) == {"anon-1": 0, "user-1": 1, "anon-2": 2, "anon-3": 3, "bob": 4}
    assert_consistent(store)
    assert counts(store) == [3, 1, 0]
    again = store.ingest(RECORDS)
    assert (again.ingested, again.duplicates) == (0, 7)
    assert dictionary(store) == {"anon-1": 0, "user-1": 1, "anon-2": 2, "anon-3": 3, "bob": 4}
    assert counts(store) == [3, 1, 0]


def test_identify_after_ingest_gives_the_persons_keys(store):
    store.ingest(RECORDS)
    store.identify_many(IDENTIFY)
    keys = dictionary(store)
    assert keys["carol"] == 5  # a person id that is no distinct id gets the next key
    assert_consistent(store)
    person_keys = {
        (r["distinct_id"], r["person"], r["person_key"])
        for r in store.rows(store.events_table().select("distinct_id", "person", "person_key"))
    }
    assert person_keys == {
        ("anon-1", "user-1", keys["user-1"]), ("user-1", "user-1", keys["user-1"]),
        ("anon-2", "carol", 5), ("anon-3", "carol", 5), ("bob", "bob", keys["bob"]),
    }
    result = store.funnel(STEPS, date_from=DAY, date_to=DAY)
    assert [s.count for s in result.steps] == IDENTIFIED
    assert result.persons(step=2) == ["bob", "carol", "user-1"]
    assert result.persons(step=3) == ["user-1"]
    assert result.persons(step=-3) == ["bob", "carol"]


def test_identify_before_ingest_gives_the_same_funnel(store):
    store.identify_many(IDENTIFY)
    assert dictionary(store) == {"carol": 0, "user-1": 1}  # the person ids, before any event
    store.ingest(RECORDS, batch_size=2)
    assert_consistent(store)
    assert counts(store) == IDENTIFIED
    store.ingest(RECORDS)  # idempotent on uuid
    assert counts(store) == IDENTIFIED
    assert len(dictionary(store)) == 6


def test_merging_two_persons_moves_every_id(store):
    store.ingest(RECORDS)
    store.identify("anon-2", "carol")
    assert counts(store) == [3, 1, 0]  # carol: pageview only
    store.identify("anon-3", "carol")
    assert counts(store) == [3, 2, 0]
    store.identify("carol", "bob")  # carol's ids move to bob: pageviews 11:00 and 12:00, carts 11:05, 12:01
    result = store.funnel(STEPS, date_from=DAY, date_to=DAY)
    assert [s.count for s in result.steps] == [2, 1, 0]
    assert result.persons(step=1) == ["anon-1", "bob"]
    store.identify("anon-1", "user-1")
    assert counts(store) == [2, 2, 1]
    assert_consistent(store)


@pytest.mark.parametrize("path", ["ibis", "script"])
def test_a_failed_batch_leaves_the_dictionary_as_before(store, monkeypatch, path):
    import dataclasses

    from headway.analytics.engine import store as store_module

    store.ingest(RECORDS[:3])
    before = dictionary(store)
    if path == "ibis":  # the Ibis statements (backends without the SQL script)
        monkeypatch.setattr(store, "capabilities", dataclasses.replace(store.capabilities, script_insert=False))
        original = store.backend.insert

        def failing(name, obj, **kwargs):
            if name == "events":
                raise RuntimeError("disk full")
            return original(name, obj, **kwargs)

        monkeypatch.setattr(store.backend, "insert", failing)
    else:  # the script fails after its last insert, inside the transaction
        monkeypatch.setattr(store_module, "INSERT_SCRIPT",
                            (*store_module.INSERT_SCRIPT, "SELECT error('disk full')"))
    with pytest.raises(Exception, match="disk full"):
        store.ingest(RECORDS[3:])
    monkeypatch.undo()
    assert dictionary(store) == before
    assert store.ingest(RECORDS).ingested == 4
    assert_consistent(store)


OLD_SCHEMA = """
CREATE TABLE events (uuid VARCHAR, event VARCHAR, "timestamp" TIMESTAMP, distinct_id VARCHAR, properties VARCHAR);
CREATE TABLE person_distinct_ids (distinct_id VARCHAR, person_id VARCHAR, version BIGINT);
CREATE TABLE person_days ("timestamp" TIMESTAMP, event VARCHAR, distinct_id VARCHAR);
"""


def write_old_store(path: Path) -> None:
    """A DuckDB file as Headway wrote it before the keys (no distinct_ids table, no distinct_key)."""
    con = duckdb.connect(str(path))
    con.execute(OLD_SCHEMA)
    for r in RECORDS:
        con.execute("INSERT INTO events VALUES (?, ?, CAST(? AS TIMESTAMPTZ) AT TIME ZONE 'UTC', ?, '{}')",
                    [r["uuid"], r["event"], r["timestamp"], r["distinct_id"]])
    con.execute("INSERT INTO person_days SELECT DISTINCT date_trunc('day', timestamp), event, distinct_id FROM events"
                " UNION SELECT DISTINCT date_trunc('day', timestamp), '', distinct_id FROM events")
    con.executemany("INSERT INTO person_distinct_ids VALUES (?, ?, 1)", IDENTIFY)
    con.close()


def test_a_store_written_before_the_keys_is_upgraded_on_open(tmp_path):
    path = tmp_path / "old.duckdb"
    write_old_store(path)
    with EventStore.connect(f"duckdb:///{path}") as store:
        # the ids in id order: the events' and the mapping's distinct ids and the person ids (carol)
        assert dictionary(store) == {"anon-1": 0, "anon-2": 1, "anon-3": 2, "bob": 3, "carol": 4, "user-1": 5}
        assert_consistent(store)
        assert counts(store) == IDENTIFIED
        store.ingest([{"uuid": "e8", "event": "purchase", "timestamp": "2024-01-01T12:02:00Z",
                       "distinct_id": "bob-phone"}])
        store.identify("bob-phone", "bob")
    with EventStore.connect(f"duckdb:///{path}") as store:  # opening again changes nothing
        assert dictionary(store)["bob-phone"] == 6
        assert_consistent(store)
        assert counts(store) == [3, 3, 2]
        assert store.stats().events == 8


def random_records(seed: int) -> list[dict]:
    """Forty distinct ids, steps a/b/c on a 20-minute grid (ties and window edges)."""
    rng = random.Random(seed)
    return [
        {"event": rng.choice("abcx"), "timestamp": f"2024-01-0{rng.randint(1, 3)}T{rng.randint(0, 23):02d}:"
         f"{20 * rng.randint(0, 2):02d}:00Z", "distinct_id": f"d{rng.randint(0, 39)}"}
        for _ in range(400)
    ]


def funnel_summary(store: EventStore) -> list:
    result = store.funnel(["a", "b", "c"], date_from="2024-01-01", date_to="2024-01-03", window=timedelta(hours=9))
    return [[(s.count, s.average_conversion_time, s.median_conversion_time) for s in result.steps],
            [result.persons(step=k) for k in (1, 2, 3)], result.persons(step=-2)]


@pytest.mark.parametrize("seed", range(3))
def test_keyed_and_text_persons_give_the_same_funnels(seed, monkeypatch):
    """The same ingests and identifies (before, between and after batches, with merges) on a store with keys
    and one without (the PostgreSQL and Spark layout, forced on DuckDB)."""
    rng = random.Random(100 + seed)
    records = random_records(seed)
    pairs = [(f"d{rng.randint(0, 39)}", rng.choice([f"d{rng.randint(0, 39)}", f"person-{rng.randint(0, 5)}"]))
             for _ in range(12)]

    def scenario(store: EventStore) -> list:
        store.identify_many(pairs[:4])
        store.ingest(records[:200], batch_size=70)
        store.identify_many(pairs[4:8])
        store.ingest(records, batch_size=130)  # the first half again: duplicates
        store.identify_many(pairs[8:])
        return funnel_summary(store)

    with EventStore.connect() as keyed:
        assert "person_key" in keyed.events_table().columns
        expected = scenario(keyed)
        assert_consistent(keyed)
    monkeypatch.setitem(CAPABILITIES, "duckdb", replace(CAPABILITIES["duckdb"], person_keys=False))
    with EventStore.connect() as text:
        assert "person_key" not in text.events_table().columns
        assert "distinct_ids" not in text.backend.list_tables()
        assert scenario(text) == expected
    assert expected[0][0][0] > expected[0][1][0] > 0  # the data reaches step 2 and drops off
