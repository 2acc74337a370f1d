"""The funnel runner: build one Ibis query per funnel, execute it, shape the rows into a FunnelResult.

Ordered funnels whose steps name distinct events (no exclusions, no breakdown) take one window pass over the
step events ordered by time, ties in reverse step order (so "strictly before/after" are plain row frames):
each step-2 event finds the latest step-1 event before it (the attempt's entry, as in PostHog a newer step-1
event restarts the attempt) and the earliest later steps.

The general runner first reduces the events to one row per person and timestamp (``s0..`` flags say which
steps happen at that instant), so "strictly later" is "a later row". For ``ordered`` funnels each attempt (a
step-1 row) follows the greedy chain, computed right to left with one window per step: the time at which the
chain from a step-k row reaches step m is the minimum, over the step-(k+1) rows after it, of that value one
step further (it never decreases with the start, so the first row is the minimum). ``strict`` reads the next
rows (``lead``); ``unordered`` takes, per step, its first row at or after the attempt's start.

Either way one row per person (the attempt that reaches the furthest step first, from its latest entry) gives
the counts, conversion times and persons; one row per step (and breakdown value) leaves the backend.

On a backend in this process (capability ``local_arrays``: DuckDB) the fast-path funnels fetch the step events
once as Arrow arrays and walk them in NumPy instead (funnel_arrays.py, same rules); the person table is then
an Arrow table registered with the backend for as long as the result lives. Where the events carry integer
person keys (capability ``person_keys``) the walk reads those, and that table holds ``person_key``: the person
ids are looked up only when the persons behind a step are asked for.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from contextlib import ExitStack, closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from headway.analytics.engine import cohorts, funnel_arrays
from headway.analytics.engine.backends import arrow_batches, capabilities, staged
from headway.analytics.engine.cohorts import PersonCohort
from headway.analytics.engine.filters import one_if, predicate, prop_text
from headway.analytics.engine.insight_support import (
    QuerySource,
    WhereItem,
    apply_where,
    check_filters,
    persons_of,
)
from headway.analytics.engine.insights_types import (
    FUNNEL_ORDERS,
    Exclusion,
    FunnelBreakdown,
    FunnelResult,
    FunnelStep,
    HistogramBin,
    Step,
)
from headway.analytics.engine.timebuckets import LocalRange, resolve_range, zone
from headway.analytics.engine.types import DateLike, EventSeries, Filter
from headway.core.errors import ValidationError

NONE_KEY = "$$_headway_none_$$"
EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class FunnelQuery:
    """Everything one funnel needs (see :meth:`EventStore.funnel`)."""

    steps: tuple[Step, ...]
    date_from: DateLike
    date_to: DateLike
    window: timedelta = timedelta(days=14)
    order: str = "ordered"
    exclusions: tuple[Exclusion, ...] = ()
    where: tuple[WhereItem, ...] = ()
    breakdown: str | tuple[PersonCohort, ...] | None = None


def as_step(item: str | Step | EventSeries) -> Step:
    """A funnel step from an event name, a :class:`Step` or an :class:`EventSeries` (its event and filters)."""
    if isinstance(item, Step):
        step = item
    elif isinstance(item, EventSeries) and item.event:
        step = Step(item.event, tuple(item.where))  # type: ignore[arg-type]  # an InCohort is refused below
    elif isinstance(item, str):
        step = Step(item)
    else:
        raise ValidationError(f"funnel step {item!r} must be an event name or Step(event, where=...)")
    if not isinstance(step.event, str) or not step.event:
        raise ValidationError("a funnel step needs a non-empty event name")
    return Step(step.event, check_filters(step.where, cohorts_allowed=False), step.name)  # type: ignore[arg-type]


def make_query(
    steps: Sequence[str | Step | EventSeries],
    *,
    date_from: DateLike,
    date_to: DateLike,
    window: timedelta,
    order: str,
    exclusions: Iterable[Exclusion],
    where: Iterable[WhereItem],
    breakdown: str | Sequence[PersonCohort] | None,
) -> FunnelQuery:
    """A checked FunnelQuery (ValidationError saying how to fix a bad argument)."""
    if isinstance(steps, str):
        raise ValidationError("steps must be a list of events, e.g. ['signup', 'purchase']")
    parsed = tuple(as_step(s) for s in steps)
    if not parsed:
        raise ValidationError("a funnel needs at least one step")
    if order not in FUNNEL_ORDERS:
        raise ValidationError(f"unknown funnel order {order!r}: use one of {', '.join(FUNNEL_ORDERS)}")
    if not isinstance(window, timedelta) or window <= timedelta(0):
        raise ValidationError("window must be a positive timedelta, e.g. timedelta(days=14)")
    excluded = tuple(exclusions)
    for ex in excluded:
        if not isinstance(ex, Exclusion):
            raise ValidationError(f"{ex!r} is not an Exclusion(event, from_step, to_step)")
        if not 0 <= ex.from_step < ex.to_step < len(parsed):
            raise ValidationError(
                f"exclusion {ex.event!r} from step {ex.from_step} to {ex.to_step}: steps are 0-based and "
                f"need 0 <= from_step < to_step <= {len(parsed) - 1}"
            )
        check_filters(ex.where, cohorts_allowed=False)
    if excluded and order != "ordered":
        raise ValidationError(
            f"exclusions apply to ordered funnels only ({order} funnels have no 'between two steps')"
        )
    by: str | tuple[PersonCohort, ...] | None = breakdown if isinstance(breakdown, str | None) else tuple(breakdown)
    if isinstance(by, tuple):
        for cohort in by:
            cohorts.check(cohort)
        if not by:
            raise ValidationError("a cohort breakdown needs at least one cohort")
    elif by is not None and not by:
        raise ValidationError("breakdown must be a property name or a list of cohorts")
    return FunnelQuery(parsed, date_from, date_to, window, order, excluded, check_filters(where), by)


def run(source: QuerySource, query: FunnelQuery) -> FunnelResult:
    """Compute the funnel of ``query``. A person table held in memory (the NumPy walk's) stays registered
    with the backend while the result lives, for its ``persons`` and ``histogram``."""
    with ExitStack() as held:
        result = _run(source, query, held)
        release = held.pop_all()
    weakref.finalize(result, release.close)
    return result


def _run(source: QuerySource, query: FunnelQuery, held: ExitStack) -> FunnelResult:
    people = person_table(source, query, held)
    n = len(query.steps)
    keys = ["bd"] if query.breakdown else []
    metrics: dict[str, ir.Scalar] = {}
    for k in range(n):
        reached = people.reached >= k + 1
        metrics[f"c{k}"] = reached.sum()
        if k:
            seconds = _seconds_if(people, k, reached)
            metrics[f"avg{k}"] = seconds.mean()
            metrics[f"med{k}"] = seconds.median()
    expr = people.group_by(*keys).aggregate(**metrics) if keys else people.aggregate(**metrics)
    rows = source.rows(expr)
    names = [s.label for s in query.steps]

    def steps_of(row: dict[str, Any] | None) -> list[FunnelStep]:
        out = []
        for k, name in enumerate(names):
            count = int((row or {}).get(f"c{k}") or 0)
            avg = (row or {}).get(f"avg{k}") if k else None
            med = (row or {}).get(f"med{k}") if k else None
            out.append(FunnelStep(name, count, _float(avg), _float(med)))
        return out

    breakdowns: list[FunnelBreakdown] = []
    if query.breakdown:
        ordered = sorted(rows, key=lambda r: (-int(r["c0"] or 0), str(r["bd"])))
        breakdowns = [FunnelBreakdown(None if r["bd"] == NONE_KEY else str(r["bd"]), steps_of(r)) for r in ordered]
        totals = [FunnelStep(name, sum(b.steps[k].count for b in breakdowns), None, None) for k, name in enumerate(names)]
        overall = _overall_times(source, people, n)
        steps = [FunnelStep(t.name, t.count, *overall[k]) for k, t in enumerate(totals)]
    else:
        steps = steps_of(rows[0] if rows else None)

    def persons(*, step: int, dropped: bool, breakdown: Any, limit: int | None) -> list[str]:
        if step < 0:
            step, dropped = -step, True
        if not 1 <= step <= n:
            raise ValidationError(f"step must be between 1 and {n} (1-based; negative for drop-offs)")
        if dropped and step == 1:
            raise ValidationError("nobody drops off before step 1: use step 2 or later with dropped=True")
        chosen = people.filter(people.reached == step - 1) if dropped else people.filter(people.reached >= step)
        if breakdown is not ... and query.breakdown:
            chosen = chosen.filter(chosen.bd == (NONE_KEY if breakdown is None else str(breakdown)))
        return persons_of(source, chosen, limit)

    def histogram(*, from_step: int, to_step: int | None, bins: int) -> list[HistogramBin]:
        return _histogram(source, people, n, from_step, n - 1 if to_step is None else to_step, bins)

    return FunnelResult(steps, breakdowns, query.order, persons, histogram)


def _seconds_if(people: ir.Table, k: int, reached: ir.BooleanValue) -> ir.FloatingColumn:
    """Step k's conversion time in seconds for the persons who reached it, else NULL (a plain column: Spark's
    percentile takes no FILTER)."""
    seconds: ir.FloatingColumn = ibis.cases((reached, people[f"dt{k}"] / 1e6), else_=ibis.null("float64"))
    return seconds


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _overall_times(source: QuerySource, people: ir.Table, n: int) -> list[tuple[float | None, float | None]]:
    if n == 1:
        return [(None, None)]
    metrics: dict[str, ir.Scalar] = {}
    for k in range(1, n):
        seconds = _seconds_if(people, k, people.reached >= k + 1)
        metrics[f"avg{k}"] = seconds.mean()
        metrics[f"med{k}"] = seconds.median()
    row = source.rows(people.aggregate(**metrics))[0]
    return [(None, None)] + [(_float(row[f"avg{k}"]), _float(row[f"med{k}"])) for k in range(1, n)]


def _histogram(
    source: QuerySource, people: ir.Table, n: int, from_step: int, to_step: int, bins: int
) -> list[HistogramBin]:
    if not 0 <= from_step < to_step < n:
        raise ValidationError(f"histogram steps are 0-based: need 0 <= from_step < to_step <= {n - 1}")
    if bins < 1:
        raise ValidationError("bins must be at least 1")
    converted = people.filter(people.reached >= to_step + 1)
    total: ir.IntegerValue = converted[f"dt{from_step + 1}"]
    for k in range(from_step + 2, to_step + 1):
        total = total + converted[f"dt{k}"]
    seconds = converted.select(x=total / 1e6)
    bounds = source.rows(seconds.aggregate(lo=seconds.x.min(), hi=seconds.x.max()))[0]
    if bounds["lo"] is None:
        return []
    lo, hi = float(bounds["lo"]), float(bounds["hi"])
    width = (hi - lo) / bins if hi > lo else 1.0
    index = ((seconds.x - lo) / width).floor().cast("int64")
    clipped = ibis.cases((index >= bins, bins - 1), else_=index)
    counts = {int(r["b"]): int(r["n"]) for r in source.rows(seconds.group_by(b=clipped).aggregate(n=ibis._.count()))}
    return [HistogramBin(lo + i * width, lo + (i + 1) * width, counts.get(i, 0)) for i in range(bins)]


# -- the query ------------------------------------------------------------------------------------------
def person_table(source: QuerySource, query: FunnelQuery, held: ExitStack) -> ir.Table:
    """One row per person who entered: ``person`` (or ``person_key``, see :func:`_walked_ordered`),
    ``reached`` (1..n), ``dt1..`` (microseconds from the previous step, for the steps reached), ``bd``
    (breakdown value of the entry, with a breakdown).

    A person's attempt is the one that reaches the furthest step, first, from the latest entry (PostHog's
    choice: a newer step-1 event restarts the attempt). A table built in memory is registered in ``held``."""
    if _fast_path(query):
        events, _ = _events(source, query)
        backend = ibis.get_backend(events)
        if capabilities(backend).local_arrays:
            utc = resolve_range(query.date_from, query.date_to, zone(source.timezone))
            return held.enter_context(staged(backend, _walked_ordered(events, query, utc)))
        return _fast_ordered(events, query)
    return _best(_attempts(source, query), query)


def _best(attempts: ir.Table, query: FunnelQuery) -> ir.Table:
    order = ibis.window(
        group_by=attempts.person, order_by=[ibis.desc(attempts.reached), attempts.t_last, ibis.desc(attempts.t0)]
    )
    ranked = attempts.mutate(rank=ibis.row_number().over(order))
    keep = ["person", "reached", *[f"dt{k}" for k in range(1, len(query.steps))]]
    return ranked.filter(ranked["rank"] == 0).select(*keep, *(["bd"] if query.breakdown else []))


def _fast_path(query: FunnelQuery) -> bool:
    """Ordered, without exclusions or breakdown, and every event in at most one step: one window pass
    finds each step-2 event's latest entry, with ties put in step order (no grouping per timestamp)."""
    names = [s.event for s in query.steps]
    return (query.order == "ordered" and not query.exclusions and not query.breakdown
            and len(names) > 1 and len(set(names)) == len(names))


def _fast_ordered(events: ir.Table, query: FunnelQuery) -> ir.Table:
    n = len(query.steps)
    conditions = [_matches(events, s.event, s.where) for s in query.steps]
    step = ibis.cases(*[(c, k) for k, c in enumerate(conditions)], else_=-1)
    rows = events.select(person=events.person, ts=events.timestamp, step=step).filter(ibis._.step >= 0)
    # within a tie, later steps first: a step's "strictly later" and "strictly earlier" rows exclude its ties
    by_time = {"group_by": rows.person, "order_by": [rows.ts, ibis.desc(rows.step)]}
    later = ibis.window(**by_time, rows=(1, None))
    earlier = ibis.window(**by_time, rows=(None, -1))
    values: list[str] = []
    for j in range(n - 1, 1, -1):  # right to left down to the step-2 rows, as in the general runner
        rows = rows.mutate(**{f"t{j}": rows.ts})
        values.append(f"t{j}")
        on_step = rows.step == j
        new = {name: ibis.cases((on_step, rows[name]), else_=ibis.null("timestamp")).min().over(later)
               for name in values}
        if j == 2:
            new |= _entry_columns(rows, earlier)
        rows = rows.mutate(**new)
    if n == 2:
        rows = rows.mutate(**_entry_columns(rows, earlier))
    middle = rows.filter(rows.step == 1, rows.t0.notnull())
    middle = middle.filter(middle.previous.isnull() | (middle.previous <= middle.t0))  # first step 2 after it
    deadline = middle.t0 + _window(query)
    middle = middle.mutate(t1=middle.ts).filter(middle.ts <= deadline)
    reached: ir.IntegerValue = ibis.literal(2)
    for k in range(2, n):
        reached = reached + one_if((middle[f"t{k}"] <= deadline).fill_null(False))
    best = _best(_attempt_columns(middle, n, reached, query), query)
    entrants = events.filter(conditions[0]).select("person").distinct()
    joined = entrants.left_join(best, entrants.person == best.person)
    columns: dict[str, ir.Value] = {"person": entrants.person, "reached": best.reached.fill_null(1)}
    columns |= {f"dt{k}": best[f"dt{k}"] for k in range(1, n)}
    return joined.select(**columns)


def _walked_ordered(events: ir.Table, query: FunnelQuery, utc: LocalRange) -> pa.Table:
    """The fast path's person table from one pass over the step events, walked in NumPy (funnel_arrays.py).

    With integer person keys (a ``person_key`` column) the keys are the walk's person codes, the rows stream
    in batches (only their packed sort keys stay in memory) and the table holds ``person_key``; otherwise the
    person ids are fetched and dictionary-encoded into codes. The times are microseconds from the range's
    start (``utc``, whose range the events are filtered to)."""
    n = len(query.steps)
    origin = _epoch_micros(utc.utc_start)
    walker = funnel_arrays.StepEvents(n, origin, _epoch_micros(utc.utc_end) - origin, _window_us(query))
    step = ibis.cases(*[(_matches(events, s.event, s.where), k) for k, s in enumerate(query.steps)], else_=-1)
    if "person_key" in events.columns:
        rows = events.select(person_key=events.person_key, ts=events.timestamp, step=step.cast("int16"))
        with closing(arrow_batches(rows.filter(rows.step >= 0))) as batches:  # the query ends with the loop
            for batch in batches:
                walker.add(batch.column("person_key").to_numpy(), _micros(batch.column("ts")),
                           batch.column("step").to_numpy())
        walked = walker.walk_runs()
        return _person_arrays([pa.array(part.code) for part in walked], walked, n, "person_key")
    rows = events.select(person=events.person, ts=events.timestamp, step=step.cast("int16"))
    fetched = rows.filter(rows.step >= 0).to_pyarrow()
    # chunk by chunk: the chunks share one dictionary (the persons in order of appearance), no string copy
    encoded = pc.dictionary_encode(fetched["person"])
    names = encoded.chunks[0].dictionary if encoded.num_chunks else pa.array([], pa.string())
    codes = [chunk.indices.to_numpy() for chunk in encoded.chunks]
    if codes:
        walker.add(np.concatenate(codes), _micros(fetched["ts"]), fetched["step"].to_numpy())
    del fetched, encoded, codes  # the strings: only the distinct names stay
    walked = walker.walk_runs()
    return _person_arrays([names.take(pa.array(part.code)) for part in walked], walked, n, "person")


def _epoch_micros(moment: datetime) -> int:
    """A naive UTC time as microseconds since 1970."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def _micros(ts: pa.Array | pa.ChunkedArray) -> Any:
    """Timestamps as int64 microseconds (a NumPy array)."""
    return pc.cast(ts, pa.timestamp("us")).cast(pa.int64()).to_numpy()


def _person_arrays(
    person: list[pa.Array], walked: list[funnel_arrays.FunnelArrays], n: int, name: str
) -> pa.Table:
    """The person table of a walk in parts (one Arrow chunk each, no copy into one array): ``name`` (the
    person or their key, per part), ``reached`` and ``dt1..``."""
    columns: dict[str, pa.ChunkedArray] = {
        name: pa.chunked_array(person), "reached": pa.chunked_array([pa.array(part.reached) for part in walked])
    }
    for k in range(1, n):
        columns[f"dt{k}"] = pa.chunked_array(
            [pa.array(part.gaps[k - 1], mask=part.reached < k + 1) for part in walked])
    return pa.table(columns)


def _entry_columns(rows: ir.Table, earlier: Any) -> dict[str, ir.Value]:
    """The latest step-1 time strictly before each row (``t0``) and the latest step-2 time (``previous``)."""
    return {
        "t0": ibis.cases((rows.step == 0, rows.ts), else_=ibis.null("timestamp")).max().over(earlier),
        "previous": ibis.cases((rows.step == 1, rows.ts), else_=ibis.null("timestamp")).max().over(earlier),
    }


def _window(query: FunnelQuery) -> ir.IntervalScalar:
    window: ir.IntervalScalar = ibis.interval(microseconds=_window_us(query))
    return window


def _window_us(query: FunnelQuery) -> int:
    return int(query.window / timedelta(microseconds=1))


def _events(source: QuerySource, query: FunnelQuery) -> tuple[ir.Table, ir.Table]:
    """The range's events that can matter (with ``person``), and the whole events table (for cohorts)."""
    span = resolve_range(query.date_from, query.date_to, zone(source.timezone))
    everything = source.events(with_person=True)
    events = everything.filter(everything.timestamp >= span.utc_start, everything.timestamp < span.utc_end)
    events = apply_where(events, query.where, everything)
    if query.order != "strict":  # strict funnels need every event: any other event breaks the chain
        names = sorted({s.event for s in query.steps} | {e.event for e in query.exclusions})
        events = events.filter(events.event.isin(names))
    return events, everything


def _flags(source: QuerySource, query: FunnelQuery) -> ir.Table:
    """One row per person and timestamp in the range, with a flag per step (and exclusion)."""
    events, everything = _events(source, query)
    if isinstance(query.breakdown, tuple):  # cohorts: each person's first cohort
        groups = cohorts.cohort_breakdown(everything, list(query.breakdown))
        joined = events.left_join(groups, events.person == groups.person)
        events = joined.select(*[events[c] for c in events.columns], cohort=groups.cohort)
    conditions = [_matches(events, s.event, s.where) for s in query.steps]
    excluded = [_matches(events, e.event, e.where) for e in query.exclusions]
    flags: dict[str, ir.Scalar] = {f"s{k}": c.any() for k, c in enumerate(conditions)}
    flags.update({f"x{i}": c.any() for i, c in enumerate(excluded)})
    if isinstance(query.breakdown, tuple):
        flags["bd"] = events.cohort.fill_null(NONE_KEY).min(where=conditions[0])
    elif query.breakdown:
        flags["bd"] = prop_text(events, query.breakdown).fill_null(NONE_KEY).min(where=conditions[0])
    return events.group_by(person=events.person, ts=events.timestamp).aggregate(**flags)


def _matches(events: ir.Table, event: str, where: tuple[Filter, ...]) -> ir.BooleanValue:
    condition: ir.BooleanValue = events.event == event
    for item in where:
        condition = condition & predicate(events, item)
    return condition


def _attempts(source: QuerySource, query: FunnelQuery) -> ir.Table:
    """One row per attempt: ``person``, ``t0``, ``reached``, ``dt1..`` and ``bd``."""
    rows = _flags(source, query)
    n = len(query.steps)
    limit = _window(query)
    if query.order == "unordered":
        return _unordered(rows, n, limit, query)
    if query.order == "strict":
        after = ibis.window(group_by=rows.person, order_by=rows.ts)
        times = {f"t{k}": rows.ts.lead(k).over(after) for k in range(1, n)}
        hits = {f"h{k}": rows[f"s{k}"].lead(k).over(after) for k in range(1, n)}
        rows = rows.mutate(**times, **hits)
        entries = rows.filter(rows.s0)
        reached: ir.IntegerValue = ibis.literal(1)
        ok: ir.BooleanValue = ibis.literal(True)
        for k in range(1, n):
            ok = ok & entries[f"h{k}"].fill_null(False) & (entries[f"t{k}"] <= entries.ts + limit).fill_null(False)
            reached = reached + one_if(ok)
        return _attempt_columns(entries, n, reached, query)
    return _ordered(rows, n, limit, query)


def _ordered(rows: ir.Table, n: int, limit: ir.IntervalValue, query: FunnelQuery) -> ir.Table:
    later = ibis.window(group_by=rows.person, order_by=rows.ts, rows=(1, None))
    values: list[str] = []  # the columns defined on rows of the current step
    if n > 1:
        values.append(f"t{n - 1}")
        rows = rows.mutate(**{f"t{n - 1}": rows.ts})
    for j in range(n - 1, 0, -1):
        on_step = rows[f"s{j}"]
        new = {
            name: ibis.cases((on_step, rows[name]), else_=ibis.null(rows[name].type())).min().over(later)
            for name in values
        }
        for i, ex in enumerate(query.exclusions):
            if ex.from_step == j - 1:
                flagged = ibis.cases((rows[f"x{i}"], rows.ts), else_=ibis.null("timestamp"))
                new[f"e{i}"] = flagged.min().over(later)
                values.append(f"e{i}")
        rows = rows.mutate(**new)
        if j - 1 > 0:
            rows = rows.mutate(**{f"t{j - 1}": rows.ts})
            values.append(f"t{j - 1}")
    entries = rows.filter(rows.s0)
    deadline = entries.ts + limit
    reached: ir.IntegerValue = ibis.literal(1)
    for k in range(1, n):
        reached = reached + one_if((entries[f"t{k}"] <= deadline).fill_null(False))
    valid: ir.BooleanValue = ibis.literal(True)
    for i, ex in enumerate(query.exclusions):
        hit = entries[f"e{i}"]
        end = entries[f"t{ex.to_step}"]
        to_reached = (end <= deadline).fill_null(False)
        inside = ibis.cases((to_reached, hit < end), else_=hit <= deadline)
        valid = valid & ~inside.fill_null(False)
    return _attempt_columns(entries.filter(valid), n, reached, query)


def _attempt_columns(entries: ir.Table, n: int, reached: ir.IntegerValue, query: FunnelQuery) -> ir.Table:
    if "t0" not in entries.columns:
        entries = entries.mutate(t0=entries.ts)
    entries = entries.mutate(reached=reached)
    last = ibis.cases(*[(entries.reached == k + 1, entries[f"t{k}"]) for k in range(1, n)], else_=entries.t0)
    columns: dict[str, ir.Value] = {
        "person": entries.person, "t0": entries.t0, "reached": entries.reached, "t_last": last
    }
    for k in range(1, n):
        previous = entries.t0 if k == 1 else entries[f"t{k - 1}"]
        gap = entries[f"t{k}"].delta(previous, unit="microsecond")
        columns[f"dt{k}"] = ibis.cases((entries.reached >= k + 1, gap), else_=ibis.null("int64"))
    if query.breakdown:
        columns["bd"] = entries.bd
    return entries.select(**columns)


def _unordered(rows: ir.Table, n: int, limit: ir.IntervalValue, query: FunnelQuery) -> ir.Table:
    onwards = ibis.window(group_by=rows.person, order_by=rows.ts, rows=(0, None))
    firsts = {
        f"n{k}": ibis.cases((rows[f"s{k}"], rows.ts), else_=ibis.null("timestamp")).min().over(onwards)
        for k in range(n)
    }
    any_step: ir.BooleanValue = rows.s0
    for k in range(1, n):
        any_step = any_step | rows[f"s{k}"]
    entries = rows.mutate(**firsts).filter(any_step)
    deadline = entries.ts + limit
    inside = {
        f"v{k}": ibis.cases((entries[f"n{k}"] <= deadline, entries[f"n{k}"]), else_=ibis.null("timestamp"))
        for k in range(n)
    }
    entries = entries.mutate(**inside)
    vs = [entries[f"v{k}"] for k in range(n)]
    reached: ir.IntegerValue = ibis.literal(0)
    for v in vs:
        reached = reached + one_if(v.notnull())
    # the k-th earliest step time: the smallest v with at least k values at or before it
    ordered: dict[str, ir.Value] = {}
    for k in range(1, n):
        candidates = []
        for v in vs:
            at_or_before: ir.IntegerValue = ibis.literal(0)
            for w in vs:
                at_or_before = at_or_before + one_if((w <= v).fill_null(False))
            candidates.append(ibis.cases((at_or_before >= k + 1, v), else_=ibis.null("timestamp")))
        ordered[f"t{k}"] = ibis.least(*candidates) if len(candidates) > 1 else candidates[0]
    entries = entries.mutate(**ordered)
    return _attempt_columns(entries, n, reached, query)
