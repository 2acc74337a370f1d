"""The stickiness runner: persons by the number of intervals of the range in which they did the event.

The backend counts distinct active intervals per person, then persons per count; one row per count leaves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from headway.analytics.engine.bitmasks import person_column
from headway.analytics.engine.insight_support import (
    QuerySource,
    WhereItem,
    as_int,
    check_filters,
    check_week_start,
    event_rows,
    local_timestamp,
    period_index,
    persons_of,
)
from headway.analytics.engine.insights_types import StickinessResult
from headway.analytics.engine.timebuckets import bucket_starts, resolve_range, zone
from headway.analytics.engine.types import INTERVALS, DateLike
from headway.core.errors import ValidationError


@dataclass(frozen=True)
class IntervalQuery:
    """An event, its filters and a range cut into intervals (stickiness and lifecycle)."""

    event: str
    interval: str
    date_from: DateLike
    date_to: DateLike
    where: tuple[WhereItem, ...] = ()
    week_start: str = "monday"


def make_query(
    event: str, *, interval: str, date_from: DateLike, date_to: DateLike, where: Iterable[WhereItem], week_start: str
) -> IntervalQuery:
    """A checked IntervalQuery (ValidationError saying how to fix a bad argument)."""
    if not isinstance(event, str) or not event:
        raise ValidationError("give the event as a non-empty event name")
    if interval not in INTERVALS:
        raise ValidationError(f"unknown interval {interval!r}: use one of {', '.join(INTERVALS)}")
    check_week_start(week_start)
    return IntervalQuery(event, interval, date_from, date_to, check_filters(where), week_start)


def label(k: int, interval: str) -> str:
    """``"1 day"``, ``"2 days"``..."""
    return f"{k} {interval}{'' if k == 1 else 's'}"


def active_counts(source: QuerySource, query: IntervalQuery) -> tuple[ir.Table, int]:
    """One row per active person (``person_key`` or ``person``, see bitmasks.person_column) and ``n``, the
    intervals active; and the number of intervals."""
    span = resolve_range(query.date_from, query.date_to, zone(source.timezone))
    starts = bucket_starts(span, query.interval, query.week_start)
    everything = source.events(with_person=True)
    events = everything.filter(everything.timestamp >= span.utc_start, everything.timestamp < span.utc_end)
    events = event_rows(events, query.event, query.where, everything)
    local = local_timestamp(events, span.utc_start, span.utc_end, source.timezone)
    who = person_column(events)
    periods = events.select(events[who], idx=period_index(local, query.interval, starts[0], query.week_start))
    counts = periods.distinct().group_by(who).aggregate(n=ibis._.count())
    return counts, len(starts)


def run(source: QuerySource, query: IntervalQuery) -> StickinessResult:
    """Compute the stickiness of ``query``."""
    counts, total = active_counts(source, query)
    found = {as_int(r["n"]): as_int(r["persons"]) for r in source.rows(counts.group_by("n").aggregate(persons=ibis._.count()))}
    labels = [label(k, query.interval) for k in range(1, total + 1)]
    data = [found.get(k, 0) for k in range(1, total + 1)]

    def persons(*, intervals: int, limit: int | None) -> list[str]:
        if not 1 <= intervals <= total:
            raise ValidationError(f"intervals must be between 1 and {total}")
        return persons_of(source, counts.filter(counts.n == intervals), limit)

    return StickinessResult(labels, data, query.interval, persons)
