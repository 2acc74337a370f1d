"""Ordered funnels in NumPy: one pass over each person's step events, sorted once (what ClickHouse's
``windowFunnel`` does), for backends that hand their rows over as Arrow arrays in this process (capability
``local_arrays``).

The input is one row per step event: a dense person code, the time in microseconds and the 0-based step (each
event in at most one step). The rows are sorted by (person, time, step descending) as one packed 64-bit key, so
within a person "strictly later" is "further in the array" (a tie puts the later steps first). Then, as in the
Ibis runner: each step-2 event takes the latest step-1 event strictly before it as the attempt's entry (a newer
entry restarts the attempt) and only the first step-2 event after an entry starts its attempt; each further
step is the first one strictly after the previous step and within the window of the entry (inclusive). A
person's attempt is the one that reaches the furthest step, first, from the latest entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
INT64_LIMIT = 2**63 - 1


@dataclass(frozen=True)
class FunnelArrays:
    """One element per person who entered (did step 1): ``code`` (the person code), ``reached`` (1..n) and
    ``gaps[k - 1]``, step k's time minus step k-1's in microseconds (-1 where step k was not reached)."""

    code: Ints
    reached: Ints
    gaps: tuple[Ints, ...]


def ordered_funnel(
    code: npt.NDArray[np.integer], micros: Ints, step: npt.NDArray[np.integer], n: int, window_us: int
) -> FunnelArrays:
    """The furthest step of each person over an ordered funnel of ``n`` >= 2 steps (see the module docstring).

    Persons are independent: when (persons x time span x steps) does not fit one 64-bit key, the persons are
    taken in blocks of consecutive codes that do."""
    if n < 2:
        raise ValueError("an ordered funnel walk needs at least 2 steps")
    if not len(code):
        empty = np.zeros(0, dtype=np.int64)
        return FunnelArrays(empty, empty, tuple(empty for _ in range(n - 1)))
    lowest = int(micros.min())
    span = int(micros.max()) - lowest + 1
    persons = int(code.max()) + 1
    block = max(INT64_LIMIT // (span * n), 1)  # span * n fits: timestamps cover < 10,000 years
    if persons <= block:
        return _walk(sort_events(code, micros - lowest, step, n, span), n, span, window_us)
    parts = []
    for first in range(0, persons, block):
        inside = (code >= first) & (code < first + block)
        rows = sort_events(code[inside] - first, micros[inside] - lowest, step[inside], n, span)
        part = _walk(rows, n, span, window_us)
        parts.append(FunnelArrays(part.code + first, part.reached, part.gaps))
    return FunnelArrays(
        np.concatenate([p.code for p in parts]),
        np.concatenate([p.reached for p in parts]),
        tuple(np.concatenate([p.gaps[k] for p in parts]) for k in range(n - 1)),
    )


@dataclass(frozen=True)
class SortedEvents:
    """The rows sorted by (code, time, step descending): ``person_time`` is code x span + time, and
    ``positions[k]`` the (increasing) row numbers of step k."""

    person_time: Ints
    positions: list[Ints]


def sort_events(
    code: npt.NDArray[np.integer], times: Ints, step: npt.NDArray[np.integer], n: int, span: int
) -> SortedEvents:
    """Sort the rows through one 64-bit key per row (``times`` from 0 to ``span`` - 1; the caller makes sure
    that codes x span x n fits)."""
    key = code.astype(np.int64)
    key *= span
    key += times
    key *= n
    key += n - 1
    key -= step
    key.sort()
    person_time, reverse_step = np.divmod(key, n)
    return SortedEvents(person_time, [np.flatnonzero(reverse_step == n - 1 - k) for k in range(n)])


def _walk(rows: SortedEvents, n: int, span: int, window_us: int) -> FunnelArrays:
    """The funnel over :func:`sort_events`'s rows (times from any origin: only gaps come out)."""
    positions = rows.positions

    def code(at: Ints) -> Ints:
        return rows.person_time[at] // span

    def time(at: Ints) -> Ints:
        return rows.person_time[at] % span

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
    return _best_per_person(entered, code(entry), reached, times, span)


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
