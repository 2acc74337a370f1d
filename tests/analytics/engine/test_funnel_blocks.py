"""The NumPy funnel walk cut into pieces (funnel_arrays.StepEvents): rows that arrive in batches, persons in
several blocks of codes, runs of whole persons and several threads give the same persons, steps and gaps as
one block walked at once, and as a brute-force walk of each person in plain Python (seeded random logs with
many ties and exact window edges)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta

import numpy as np
import pytest

from headway.analytics import EventStore
from headway.analytics.engine import funnel_arrays, funnels
from headway.analytics.engine.funnel_arrays import FunnelArrays, KeyLayout, StepEvents, ordered_funnel

MINUTE = 60_000_000
Rows = list[tuple[int, int, int]]


def reference(rows: Rows, n: int, window_us: int) -> dict[int, tuple[int, list[int]]]:
    """Each entered person's (reached, gaps) by the rules, one person and one attempt at a time."""
    events: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for code, time, step in rows:
        events[code].append((time, step))
    out = {}
    for code, own in events.items():
        if not any(step == 0 for _, step in own):
            continue
        best: tuple[int, int, int] | None = None  # (reached, -last step's time, entry time): the highest wins
        best_times: list[int] = []
        started = set()
        for t1 in sorted(time for time, step in own if step == 1):
            before = [time for time, step in own if step == 0 and time < t1]
            if not before or max(before) in started:
                continue  # no entry before it, or its entry's attempt began at an earlier step-2 event
            t0 = max(before)
            started.add(t0)
            if t1 > t0 + window_us:
                continue
            times = [t0, t1]
            for k in range(2, n):
                later = [time for time, step in own if step == k and time > times[-1]]
                if not later or min(later) > t0 + window_us:
                    break
                times.append(min(later))
            score = (len(times), -times[-1], t0)
            if best is None or score > best:
                best, best_times = score, times
        gaps = [best_times[k] - best_times[k - 1] if k < len(best_times) else -1 for k in range(1, n)]
        out[code] = (len(best_times) or 1, gaps)
    return out


def as_dict(walked: FunnelArrays) -> dict[int, tuple[int, list[int]]]:
    assert list(walked.code) == sorted(walked.code)  # persons in code order
    return {int(c): (int(r), [int(g[i]) for g in walked.gaps])
            for i, (c, r) in enumerate(zip(walked.code, walked.reached, strict=True))}


def random_rows(seed: int, n: int, persons: int = 60, spread: int = 1) -> Rows:
    """Persons with codes ``spread`` apart, events on a 10-minute grid (many ties) over two days."""
    rng = random.Random(seed)
    rows = []
    for person in range(persons):
        for _ in range(rng.randint(0, 30)):
            rows.append((person * spread, 10 * MINUTE * rng.randint(0, 288), rng.randrange(n)))
    rng.shuffle(rows)  # a person's rows land in different batches
    return rows


def columns(rows: Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    code, micros, step = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    return code, micros, step.astype(np.int16)


@pytest.mark.parametrize("seed", range(8))
def test_blocks_batches_runs_and_threads_agree_with_one_walk_and_the_reference(seed, monkeypatch):
    n = 2 + seed % 3
    window = 60 * MINUTE * (1 + seed)  # multiples of the grid: events exactly at the window's edge
    rows = random_rows(seed, n, spread=1 + 37 * (seed % 2))
    code, micros, step = columns(rows)
    expected = reference(rows, n, window)
    assert len(expected) > 10 and any(r == n for r, _ in expected.values())
    whole = ordered_funnel(code, micros, step, n, window)
    assert as_dict(whole) == expected
    origin = int(micros.min()) - 7 * MINUTE  # any origin before the rows
    for code_bits, walk_rows, workers, part_rows in ((0, 1, 2, 0), (2, 5, 2, 4), (3, 40, 1, 10**6), (5, 1000, 4, 1)):
        monkeypatch.setattr(funnel_arrays, "PART_ROWS", part_rows)  # batches shared out at once, later, at the end
        events = StepEvents(n, origin, 3 * 24 * 60 * MINUTE, window, code_bits=code_bits, walk_rows=walk_rows)
        cuts = sorted(random.Random(seed).sample(range(1, len(rows)), 6))
        for start, stop in zip([0, *cuts], [*cuts, len(rows)], strict=True):
            events.add(code[start:stop], micros[start:stop], step[start:stop])
        events._partition()
        assert len(events._blocks) > 1 and not events._pending
        walked = events.walk(workers)
        assert as_dict(walked) == expected
        for mine, theirs in zip((walked.code, walked.reached, *walked.gaps),
                                (whole.code, whole.reached, *whole.gaps), strict=True):
            assert mine.dtype == np.int64 and np.array_equal(mine, theirs)


def test_a_person_with_more_rows_than_a_run_is_a_run_of_its_own():
    rows = [(0, 0, 0), (0, MINUTE, 1)] + [(1, t * MINUTE, t % 3) for t in range(50)] + [(2, 0, 0), (2, MINUTE, 1)]
    code, micros, step = columns(rows)
    keys = np.sort(((code << 40) | (micros << 2) | (2 - step)).astype(np.int64))
    runs = funnel_arrays._runs(keys, KeyLayout(3, 38, 2, 23), 4)
    assert [len(run) for run in runs] == [2, 50, 2]
    walked = ordered_funnel(code, micros, step, 3, 10 * MINUTE, walk_rows=4, workers=2)
    assert as_dict(walked) == reference(rows, 3, 10 * MINUTE) == {
        0: (2, [MINUTE, -1]), 1: (3, [MINUTE, MINUTE]), 2: (2, [MINUTE, -1])}


def test_blocks_far_apart_and_negative_codes_partition_by_their_values():
    rows = [(c, t * MINUTE, s) for c in (-5, 3, 70_000, 2**40) for t, s in ((0, 0), (2, 1), (3, 2))]
    code, micros, step = columns(rows)
    for code_bits in (0, 1, 8):  # 70,000 blocks apart: no small-integer partition
        walked = ordered_funnel(code, micros, step, 3, 5 * MINUTE, code_bits=code_bits)
        assert as_dict(walked) == {c: (3, [2 * MINUTE, MINUTE]) for c in (-5, 3, 70_000, 2**40)}


def test_rows_outside_the_range_and_ranges_too_long_for_a_key_are_refused():
    events = StepEvents(2, 1000, 100, MINUTE)
    events.add(np.array([1]), np.array([1099]), np.array([0]))
    with pytest.raises(ValueError, match="outside the funnel's time range"):
        events.add(np.array([1]), np.array([1100]), np.array([0]))
    with pytest.raises(ValueError, match="outside the funnel's time range"):
        events.add(np.array([1]), np.array([999]), np.array([0]))
    with pytest.raises(ValueError, match="does not fit a 64-bit key"):
        StepEvents(3, 0, 2**62, MINUTE)
    assert KeyLayout.of(3, 30 * 24 * 3600 * 10**6) == KeyLayout(3, 42, 2, 19)  # 30 days: 2**19 persons a block
    assert len(StepEvents(2, 0, 10, MINUTE).walk().code) == 0


def test_a_store_funnel_streams_batches_into_blocks_with_the_same_numbers(monkeypatch):
    rows = random_rows(3, 3, persons=40)
    store = EventStore.connect(None)
    store.ingest([{"event": "abc"[step], "timestamp": (datetime(2024, 1, 1) + timedelta(microseconds=time)).isoformat(),
                   "distinct_id": f"p{code:02d}"} for code, time, step in rows])
    ask = {"date_from": "2024-01-01", "date_to": "2024-01-03", "window": timedelta(hours=5)}
    whole = store.funnel(["a", "b", "c"], **ask)
    batches: list[int] = []
    streamed = funnels.arrow_batches

    def counted(table):
        for batch in streamed(table, 7):
            batches.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(funnels, "arrow_batches", counted)
    monkeypatch.setattr(funnel_arrays, "KEY_BITS", 42)  # 3 days of microseconds, 2 step bits: 4 persons a block
    monkeypatch.setattr(funnel_arrays, "WALK_ROWS", 9)
    blocks: list[int] = []
    walk = StepEvents.walk_runs

    def walked(self, workers=None):
        self._partition()
        blocks.append(len(self._blocks))
        return walk(self, workers)

    monkeypatch.setattr(StepEvents, "walk_runs", walked)
    pieces = store.funnel(["a", "b", "c"], **ask)
    assert len(batches) > 20 and max(batches) <= 7 and blocks[0] >= 8
    steps = [(s.count, s.average_conversion_time, s.median_conversion_time) for s in whole.steps]
    assert steps == [(s.count, s.average_conversion_time, s.median_conversion_time) for s in pieces.steps]
    assert [pieces.persons(step=k) for k in (1, 2, 3)] == [whole.persons(step=k) for k in (1, 2, 3)]
    walked = reference(rows, 3, 5 * 60 * MINUTE)
    assert [s.count for s in whole.steps] == [sum(r >= k for r, _ in walked.values()) for k in (1, 2, 3)]
    store.close()
