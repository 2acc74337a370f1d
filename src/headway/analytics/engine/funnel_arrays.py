"""Ordered funnels in NumPy: one pass over each person's step events, sorted once (what ClickHouse's
``windowFunnel`` does), for backends that hand their rows over as Arrow arrays in this process (capability
``local_arrays``).

The input is one row per step event: a person code, the time in microseconds and the 0-based step (each event
in at most one step). The rows may come batch by batch (:class:`StepEvents`): each row becomes one packed 64-bit
key as it arrives, ``(code in block, time, n - 1 - step)`` (:class:`KeyLayout`), kept with the other keys of its
block of persons (consecutive codes, as many as one key holds), so that only 8 bytes a row stay in memory.
Each block is sorted (so within a person "strictly later" is "further in the array", and a tie puts the later
steps first), cut into runs of whole persons and walked, the runs in parallel threads (NumPy releases the GIL).

The walk follows the Ibis runner: each step-2 event takes the latest step-1 event strictly before it as the
attempt's entry (a newer entry restarts the attempt) and only the first step-2 event after an entry starts its
attempt; each further step is the first one strictly after the previous step and within the window of the entry
(inclusive). A person's attempt is the one that reaches the furthest step, first, from the latest entry.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
KEY_BITS = 63  # the bits of a non-negative int64 sort key
WALK_ROWS = 2**17  # rows per walked run: its temporaries stay in the caches (measured: 40% less CPU than 4M)
MAX_WORKERS = 4
PART_ROWS = 256  # batches are shared out to blocks once they hold this many rows per block (on average)


@dataclass(frozen=True)
class FunnelArrays:
    """One element per person who entered (did step 1): ``code`` (the person code), ``reached`` (1..n) and
    ``gaps[k - 1]``, step k's time minus step k-1's in microseconds (-1 where step k was not reached)."""

    code: Ints
    reached: Ints
    gaps: tuple[Ints, ...]


@dataclass(frozen=True)
class KeyLayout:
    """Where a step event sits in its 64-bit sort key, from the top: its person's code within the block
    (``code_bits``), its time from the origin (``time_bits``) and ``n - 1 - step`` (``step_bits``). Sorting the
    keys sorts the rows by (person, time, step descending); a block holds ``2 ** code_bits`` consecutive codes,
    and powers of two make every field a shift and a mask."""

    n: int
    time_bits: int
    step_bits: int
    code_bits: int

    @classmethod
    def of(cls, n: int, span_us: int, code_bits: int | None = None) -> KeyLayout:
        """The layout for ``n`` steps at times 0..``span_us`` - 1, with blocks as large as a key allows (or of
        ``2 ** code_bits`` persons, when that is smaller)."""
        time_bits = max(span_us - 1, 0).bit_length()
        step_bits = (n - 1).bit_length()
        room = KEY_BITS - time_bits - step_bits
        if room < 0:
            raise ValueError(f"a funnel over {span_us} microseconds does not fit a 64-bit key: shorten the range")
        return cls(n, time_bits, step_bits, room if code_bits is None else max(min(code_bits, room), 0))

    @property
    def code_shift(self) -> int:
        """The key's lowest bit that holds the person code."""
        return self.time_bits + self.step_bits

    def code(self, keys: Ints) -> Ints:
        """The person codes (within their block) of ``keys``."""
        return keys >> self.code_shift

    def time(self, keys: Ints) -> Ints:
        """The times (from the origin) of ``keys``."""
        return (keys >> self.step_bits) & ((1 << self.time_bits) - 1)


class StepEvents:
    """The step events of one ordered funnel of ``n`` >= 2 steps, taken batch by batch (:meth:`add`) with times
    from ``origin_us`` (inclusive) to ``origin_us + span_us`` (exclusive), then walked once (:meth:`walk`).

    ``code_bits`` caps a block at ``2 ** code_bits`` persons and ``walk_rows`` the rows of a walked run (a
    person is never split): both only change how the work is cut, never the result."""

    def __init__(
        self, n: int, origin_us: int, span_us: int, window_us: int, *,
        code_bits: int | None = None, walk_rows: int | None = None,
    ) -> None:
        if n < 2:
            raise ValueError("an ordered funnel walk needs at least 2 steps")
        self.layout = KeyLayout.of(n, span_us, code_bits)
        self.origin_us, self.span_us, self.window_us = origin_us, span_us, window_us
        self.walk_rows = max(WALK_ROWS if walk_rows is None else walk_rows, 1)
        self._blocks: dict[int, list[Ints]] = {}
        self._pending: list[tuple[Ints, Ints]] = []  # batches over several blocks, not yet shared out
        self._pending_rows = 0
        self._pending_span = (2**63, -(2**63))  # their lowest and highest block

    def add(self, code: npt.NDArray[np.integer], micros: Ints, step: npt.NDArray[np.integer]) -> None:
        """Add a batch of rows: person codes (any integers), times in microseconds and 0-based steps. Only the
        packed keys are kept (ValueError for a time outside the range)."""
        if not len(code):
            return
        layout = self.layout
        key = np.subtract(micros, self.origin_us, dtype=np.int64)
        if int(key.min()) < 0 or int(key.max()) >= self.span_us:
            raise ValueError("a step event lies outside the funnel's time range")
        key <<= layout.step_bits
        key += layout.n - 1
        key -= step
        codes = np.asarray(code, dtype=np.int64)
        local = codes & ((1 << layout.code_bits) - 1)
        local <<= layout.code_shift
        key |= local
        del local
        block = codes >> layout.code_bits
        first, last = int(block.min()), int(block.max())
        if first == last:
            self._blocks.setdefault(first, []).append(key)
            return
        self._pending.append((key, block))
        self._pending_rows += len(key)
        self._pending_span = (min(first, self._pending_span[0]), max(last, self._pending_span[1]))
        if self._pending_rows >= PART_ROWS * (self._pending_span[1] - self._pending_span[0] + 1):
            self._partition()

    def _partition(self) -> None:
        """Share the pending batches' keys out to their blocks (a stable partition), a copy per block, so that
        a block's keys are let go with its own parts. Batches that spread over many blocks wait for more, so
        that the parts are not tiny."""
        if not self._pending:
            return
        key = np.concatenate([k for k, _ in self._pending]) if len(self._pending) > 1 else self._pending[0][0]
        block = np.concatenate([b for _, b in self._pending]) if len(self._pending) > 1 else self._pending[0][1]
        first, last = self._pending_span
        self._pending, self._pending_rows, self._pending_span = [], 0, (2**63, -(2**63))
        if last - first < 2**16:  # a radix sort of small integers
            block -= first
            ids = np.arange(first, last + 1)
            small = block.astype(np.uint8 if last - first < 2**8 else np.uint16)
            counts = np.bincount(small, minlength=len(ids))
        else:
            ids, small, counts = np.unique(block, return_inverse=True, return_counts=True)
        order = np.argsort(small, kind="stable")
        end = np.cumsum(counts)
        for at in np.flatnonzero(counts):
            stop = int(end[at])
            self._blocks.setdefault(int(ids[at]), []).append(key[order[stop - int(counts[at]):stop]])

    def walk(self, workers: int | None = None) -> FunnelArrays:
        """The furthest step of each person (see the module docstring), persons in code order, by
        ``workers`` threads (the CPUs, at most 4, by default). The events are consumed."""
        return _concatenated(self.walk_runs(workers), self.layout.n)

    def walk_runs(self, workers: int | None = None) -> list[FunnelArrays]:
        """:meth:`walk`'s result in parts, one per run of persons (consecutive, in code order; one empty part
        without rows).

        This thread sorts one block after another (its parts go) and cuts it into runs that the threads walk;
        it waits for the walks of the block before the last before it sorts the next block, so that a few
        sorted blocks are held at a time and their memory is reused."""
        self._partition()
        layout = self.layout
        threads = max(1, min(workers or os.cpu_count() or 1, MAX_WORKERS))
        if threads == 1:
            walked = []
            for block in sorted(self._blocks):
                keys = _sorted_block(self._blocks.pop(block))
                base = block << layout.code_bits
                walked += [_walk(run, layout, self.window_us, base) for run in _runs(keys, layout, self.walk_rows)]
            return walked or [_concatenated([], layout.n)]
        with ThreadPoolExecutor(threads) as pool:
            blocks: list[list[Future[FunnelArrays]]] = []
            for block in sorted(self._blocks):
                if len(blocks) >= 2:
                    wait(blocks[-2])
                keys = _sorted_block(self._blocks.pop(block))
                base = block << layout.code_bits
                blocks.append([pool.submit(_walk, run, layout, self.window_us, base)
                               for run in _runs(keys, layout, self.walk_rows)])
                del keys
            return [future.result() for futures in blocks for future in futures] or [_concatenated([], layout.n)]


def ordered_funnel(
    code: npt.NDArray[np.integer], micros: Ints, step: npt.NDArray[np.integer], n: int, window_us: int, *,
    code_bits: int | None = None, walk_rows: int | None = None, workers: int | None = None,
) -> FunnelArrays:
    """The furthest step of each person over an ordered funnel of ``n`` >= 2 steps (see the module docstring),
    from rows held in memory (the time range is theirs)."""
    if n < 2:
        raise ValueError("an ordered funnel walk needs at least 2 steps")
    if not len(code):
        return _concatenated([], n)
    lowest = int(micros.min())
    events = StepEvents(n, lowest, int(micros.max()) - lowest + 1, window_us, code_bits=code_bits,
                        walk_rows=walk_rows)
    events.add(code, micros, step)
    return events.walk(workers)


def _sorted_block(parts: list[Ints]) -> Ints:
    """One block's keys in one sorted array (the batches' parts are let go)."""
    keys = parts[0] if len(parts) == 1 else np.concatenate(parts)
    parts.clear()
    keys.sort()
    return keys


def _runs(keys: Ints, layout: KeyLayout, limit: int) -> list[Ints]:
    """Sorted ``keys`` cut into runs of whole persons of at most ``limit`` rows (a person with more rows is a
    run of its own); the runs are views."""
    shift = layout.code_shift
    cuts = [0]
    while len(keys) - cuts[-1] > limit:
        person = int(keys[cuts[-1] + limit]) >> shift
        cut = int(np.searchsorted(keys, person << shift))  # the person's first row
        if cut == cuts[-1]:  # one person holds more than ``limit`` rows: the run is that person
            following = (person + 1) << shift
            cut = len(keys) if following > 2**KEY_BITS - 1 else int(np.searchsorted(keys, following))
        cuts.append(cut)
    cuts.append(len(keys))
    return [keys[start:stop] for start, stop in pairwise(cuts) if stop > start]


def _concatenated(parts: list[FunnelArrays], n: int) -> FunnelArrays:
    """The walks of consecutive runs as one."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return FunnelArrays(empty, empty, tuple(empty for _ in range(n - 1)))
    return FunnelArrays(
        np.concatenate([p.code for p in parts]),
        np.concatenate([p.reached for p in parts]),
        tuple(np.concatenate([p.gaps[k] for p in parts]) for k in range(n - 1)),
    )


def _walk(keys: Ints, layout: KeyLayout, window_us: int, base: int) -> FunnelArrays:
    """The funnel over sorted keys of whole persons (``base`` is their block's first code)."""
    n = layout.n
    reverse_step = keys & ((1 << layout.step_bits) - 1)
    positions = [np.flatnonzero(reverse_step == n - 1 - k) for k in range(n)]
    del reverse_step

    def code(at: Ints) -> Ints:
        return layout.code(keys[at])

    def time(at: Ints) -> Ints:
        return layout.time(keys[at])

    entered = _distinct_sorted(code(positions[0]))
    entry, current = _first_attempts(code, positions[0], positions[1])
    start = time(entry)
    deadline = start + window_us
    at_1 = time(current)
    kept = at_1 <= deadline
    entry, current, start, deadline = entry[kept], current[kept], start[kept], deadline[kept]
    times = [start, at_1[kept]]
    reached = np.full(len(entry), 2, dtype=np.int64)
    for k in range(2, n):
        alive = np.flatnonzero(reached == k)
        following = np.searchsorted(positions[k], current[alive], side="right")
        inside = following < len(positions[k])
        alive, following = alive[inside], following[inside]
        nxt = positions[k][following]
        at_k = time(nxt)
        ok = (code(nxt) == code(current[alive])) & (at_k <= deadline[alive])
        alive, nxt = alive[ok], nxt[ok]
        reached[alive] = k + 1
        current[alive] = nxt
        times_k = np.full(len(entry), -1, dtype=np.int64)
        times_k[alive] = at_k[ok]
        times.append(times_k)
    walked = _best_per_person(entered, code(entry), reached, times, 1 << layout.time_bits)
    if base:
        np.add(walked.code, base, out=walked.code)
    return walked


def _distinct_sorted(values: Ints) -> Ints:
    """The distinct values of a sorted array (np.unique would sort it again)."""
    return values[_starts(values)]


def _starts(values: Ints) -> npt.NDArray[np.bool_]:
    """True where a sorted array's value differs from the one before (the first element included)."""
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    return first


def _first_attempts(code: Callable[[Ints], Ints], step0: Ints, step1: Ints) -> tuple[Ints, Ints]:
    """(entry, step-2 event) positions: for each step-2 event, the latest step-1 event of the same person
    strictly before it, keeping the first step-2 event of each entry."""
    before = np.searchsorted(step0, step1) - 1
    valid = before >= 0
    step1, before = step1[valid], before[valid]
    entry = step0[before]
    same = code(entry) == code(step1)
    entry, step1 = entry[same], step1[same]
    first = _starts(entry)  # entries never decrease along the step-2 events
    return entry[first], step1[first]


def _best_per_person(entered: Ints, codes: Ints, reached: Ints, times: list[Ints], span: int) -> FunnelArrays:
    """Per entered person, the attempt that reaches the furthest step, first (earliest last step), from the
    latest entry; persons without an attempt reached step 1 only. The attempts come by person, then entry."""
    n = len(times)
    last = times[1].copy()
    for k in range(2, n):
        last = np.where(reached >= k + 1, times[k], last)
    score = (n - reached) * span + last  # lower is better; ties go to the latest entry, the last one
    first = _starts(codes)
    group = np.cumsum(first) - 1
    best = score == np.minimum.reduceat(score, np.flatnonzero(first))[group] if len(score) else first
    candidates = np.flatnonzero(best)
    owner = group[candidates]
    latest = np.ones(len(candidates), dtype=bool)
    latest[:-1] = owner[1:] != owner[:-1]
    chosen = candidates[latest]
    where = np.searchsorted(entered, codes[chosen])
    out_reached = np.ones(len(entered), dtype=np.int64)
    out_reached[where] = reached[chosen]
    gaps = []
    for k in range(1, n):
        gap = np.full(len(entered), -1, dtype=np.int64)
        hit = reached[chosen] >= k + 1
        gap[where[hit]] = times[k][chosen[hit]] - times[k - 1][chosen[hit]]
        gaps.append(gap)
    return FunnelArrays(entered, out_reached, tuple(gaps))
