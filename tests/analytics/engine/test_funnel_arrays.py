"""The NumPy walk of ordered funnels (funnel_arrays.py) and DuckDB's use of it (capability ``local_arrays``).

The walk must give the Ibis runners' numbers exactly: the hand-made cases check it directly, and random event
logs with many ties and window edges check it against both Ibis runners on the same DuckDB store.
"""

from __future__ import annotations

import gc
import random
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from headway.analytics import EventStore, Filter, Step
from headway.analytics.engine import backends, funnels
from headway.analytics.engine.funnel_arrays import ordered_funnel

HOUR = 3_600_000_000


def walk(rows: list[tuple[int, int, int]], n: int = 3, window_us: int = 10 * HOUR):
    code, micros, step = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    result = ordered_funnel(code, micros, step, n, window_us)
    return {int(c): (int(r), [int(g[i]) for g in result.gaps]) for i, (c, r) in
            enumerate(zip(result.code, result.reached, strict=True))}


def test_walk_furthest_attempt_ties_and_window_edge():
    rows = [
        (0, 0, 0), (0, 1 * HOUR, 1), (0, 3 * HOUR, 2),  # 3 steps: 1 h then 2 h
        (1, 0, 0), (1, 0, 1), (1, 2 * HOUR, 2),  # the tied step 2 does not count: step 1 only
        (2, 0, 0), (2, 5 * HOUR, 1), (2, 10 * HOUR, 2),  # the last step exactly at the window edge counts
        (3, 0, 0), (3, 11 * HOUR, 1),  # step 2 after the window
        (4, 0, 0), (4, 1 * HOUR, 0), (4, 2 * HOUR, 1),  # a newer entry restarts the attempt: 1 h, not 2 h
        (5, 1 * HOUR, 1), (5, 2 * HOUR, 2),  # never entered: not a row
        (6, 0, 0), (6, 20 * HOUR, 0), (6, 21 * HOUR, 1), (6, 22 * HOUR, 2),  # the later attempt goes further
    ]
    assert walk(rows) == {
        0: (3, [HOUR, 2 * HOUR]),
        1: (1, [-1, -1]),
        2: (3, [5 * HOUR, 5 * HOUR]),
        3: (1, [-1, -1]),
        4: (2, [HOUR, -1]),
        6: (3, [HOUR, HOUR]),
    }


def test_walk_prefers_the_earliest_last_step_then_the_latest_entry():
    rows = [
        (0, 0, 0), (0, 1 * HOUR, 1),  # attempt A reaches step 2 at 1 h
        (0, 2 * HOUR, 0), (0, 4 * HOUR, 1),  # attempt B reaches step 2 later: A wins
    ]
    assert walk(rows, n=2) == {0: (2, [HOUR])}
    same_end = [
        (0, 0, 0), (0, 1 * HOUR, 1),  # attempt A: entry 0 h, step 2 at 1 h
        (0, 2 * HOUR, 0), (0, 3 * HOUR, 1),  # attempt B: entry 2 h, step 2 at 3 h
        (0, 5 * HOUR, 2),  # both reach step 3 at 5 h: the latest entry (B) wins
    ]
    assert walk(same_end) == {0: (3, [HOUR, 2 * HOUR])}


def test_walk_splits_persons_into_blocks_when_one_key_cannot_hold_them():
    near = [(c, t, s) for c in range(30) for t, s in ((0, 0), (c * HOUR // 10, 1), (c * HOUR // 5, 2))]
    far = (30, 3 * 10**17, 0)  # ~9,500 years later: 10 persons per 64-bit key, so 4 blocks
    expected = walk(near, window_us=2 * HOUR)
    assert walk([*near, far], window_us=2 * HOUR) == {**expected, 30: (1, [-1, -1])}


def test_walk_of_no_rows_is_empty():
    empty = ordered_funnel(*(np.zeros(0, dtype=np.int64) for _ in range(3)), 3, HOUR)
    assert (len(empty.code), len(empty.gaps)) == (0, 2)
    with pytest.raises(ValueError, match="at least 2 steps"):
        ordered_funnel(*(np.zeros(1, dtype=np.int64) for _ in range(3)), 1, HOUR)


def test_only_in_process_backends_walk_arrays():
    assert backends.CAPABILITIES["duckdb"].local_arrays
    for name in ("postgres", "pyspark"):
        assert not backends.CAPABILITIES[name].local_arrays
        assert "server or a cluster" in backends.CAPABILITIES[name].reason("local_arrays")


def random_events(seed: int) -> list[dict]:
    """Thirty persons, events on a 30-minute grid (ties and exact window edges), a few identified."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    rows = []
    for person in range(30):
        for _ in range(rng.randint(0, 24)):
            rows.append({
                "event": rng.choice(["a", "a", "b", "b", "c", "x"]),
                "timestamp": (start + timedelta(minutes=30 * rng.randint(0, 120))).isoformat(),
                "distinct_id": f"p{person:02d}",
                "properties": {"v": rng.randint(0, 2)},
            })
    return rows


def summary(result) -> list:
    return [
        [(s.count, s.average_conversion_time, s.median_conversion_time) for s in result.steps],
        [result.persons(step=k) for k in range(1, len(result.steps) + 1)],
        [result.persons(step=k, dropped=True) for k in range(2, len(result.steps) + 1)],
    ]


@pytest.mark.parametrize("seed", range(6))
def test_the_walk_agrees_with_both_ibis_runners(seed, monkeypatch):
    store = EventStore.connect(None)
    store.ingest(random_events(seed))
    store.identify("p01", "p00")
    window = timedelta(hours=2 + 4 * seed)
    ask = {"date_from": "2024-01-01", "date_to": "2024-01-04", "window": window}
    steps = [["a", "b", "c"], ["a", "b"], ["x", "a", Step("b", where=(Filter("v", "gte", 1),)), "c"]][seed % 3]
    walked = store.funnel(steps, **ask)
    # the same funnel through the general runner: a breakdown on a property nobody has keeps one group
    general = store.funnel(steps, breakdown="missing", **ask)
    monkeypatch.setitem(backends.CAPABILITIES, "duckdb", replace(backends.CAPABILITIES["duckdb"],
                                                                 local_arrays=False))
    query = funnels.make_query(steps, date_from="2024-01-01", date_to="2024-01-04", window=window,
                               order="ordered", exclusions=(), where=(), breakdown=None)
    assert funnels._fast_path(query)  # the window pass below, not the general runner
    window_pass = store.funnel(steps, **ask)
    assert summary(walked) == summary(window_pass)
    assert [(s.count, s.average_conversion_time, s.median_conversion_time) for s in walked.steps] == \
        [(s.count, s.average_conversion_time, s.median_conversion_time) for s in general.steps]
    assert walked.histogram(bins=3) == window_pass.histogram(bins=3)
    store.close()


def test_the_walked_person_table_lives_as_long_as_the_result():
    store = EventStore.connect(None)
    store.ingest([{"event": e, "timestamp": f"2024-01-0{d}T10:00:00", "distinct_id": p}
                  for p in "abc" for d, e in ((1, "a"), (2, "b"))])

    def registered() -> int:
        return int(store.backend.con.sql("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchall()[0][0])

    result = store.funnel(["a", "b"], date_from="2024-01-01", date_to="2024-01-05")
    assert registered() == 1
    assert result.persons(step=2) == ["a", "b", "c"]  # read from the registered table
    del result
    gc.collect()
    assert registered() == 0
    store.close()


def test_a_funnel_without_step_events_is_empty():
    store = EventStore.connect(None)
    store.ingest([{"event": "other", "timestamp": "2024-01-02T10:00:00", "distinct_id": "a"}])
    result = store.funnel(["a", "b"], date_from="2024-01-01", date_to="2024-01-05")
    assert [(s.count, s.average_conversion_time) for s in result.steps] == [(0, None), (0, None)]
    assert result.persons(step=1) == [] and result.histogram() == []
    store.close()
