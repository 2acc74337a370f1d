"""The lifecycle runner: per interval, new, returning, resurrecting and dormant persons.

Each person gets the index of their first-ever interval with the event (even before the range) and a bit
mask of their active intervals, from the one before the range (bit 0) to the last one. The backend counts
persons per (first interval, mask); the statuses are read from the masks in Python.
"""

from __future__ import annotations

from datetime import datetime

import ibis
import ibis.expr.types as ir
import numpy as np

from headway.analytics.engine.bitmasks import has_bit, person_column, power_of_two
from headway.analytics.engine.insight_support import (
    QuerySource,
    as_int,
    event_rows,
    local_range,
    local_timestamp,
    period_index,
    persons_of,
)
from headway.analytics.engine.insights_types import LIFECYCLE_STATUSES, LifecycleResult
from headway.analytics.engine.stickiness import IntervalQuery
from headway.analytics.engine.timebuckets import (
    ONE_MICROSECOND,
    bucket_start,
    bucket_starts,
    resolve_range,
    zone,
)
from headway.core.errors import ValidationError

EARLIER = -2  # the interval index of any activity before the interval preceding the range
MAX_INTERVALS = 62  # bits 0..62: the interval before the range, then one per interval


def person_states(source: QuerySource, query: IntervalQuery) -> tuple[ir.Table, list[datetime]]:
    """One row per person active up to the range's end: ``person``, ``first`` (interval index of the
    first-ever activity, -1 the interval before the range, -2 anything earlier) and ``mask`` (bit i + 1 =
    active in interval i, for i from -1)."""
    span = resolve_range(query.date_from, query.date_to, zone(source.timezone))
    labels = bucket_starts(span, query.interval, query.week_start)
    if len(labels) > MAX_INTERVALS:
        raise ValidationError(f"a lifecycle shows at most {MAX_INTERVALS} intervals: shorten the range or use "
                              "a longer interval")
    before = bucket_start(labels[0] - ONE_MICROSECOND, query.interval, query.week_start)
    window = local_range(before, span.end, source.timezone)
    everything = source.events(with_person=True)
    events = event_rows(everything.filter(everything.timestamp < span.utc_end), query.event, query.where, everything)
    recent = events.timestamp >= window.utc_start
    local = local_timestamp(events, window.utc_start, span.utc_end, source.timezone)
    index = period_index(local, query.interval, labels[0], query.week_start)
    who = person_column(events)
    rows = events.select(events[who], idx=ibis.cases((recent, index), else_=ibis.literal(EARLIER)))
    rows = rows.distinct()
    bit = ibis.cases((rows.idx >= -1, power_of_two(rows.idx + 1)), else_=ibis.literal(0).cast("int64"))
    states = rows.group_by(who).aggregate(first=rows.idx.min(), mask=bit.sum())
    return states.filter(states.mask > 0), labels


def run(source: QuerySource, query: IntervalQuery) -> LifecycleResult:
    """Compute the lifecycle of ``query``."""
    states, labels = person_states(source, query)
    rows = source.rows(states.group_by("first", "mask").aggregate(count=ibis._.count()))
    first = np.array([as_int(r["first"]) for r in rows], dtype=np.int64)
    mask = np.array([as_int(r["mask"]) for r in rows], dtype=np.int64)
    count = np.array([as_int(r["count"]) for r in rows], dtype=np.int64)
    out: dict[str, list[int]] = {status: [] for status in LIFECYCLE_STATUSES}
    for i in range(len(labels)):
        now = ((mask >> (i + 1)) & 1).astype(bool)
        before = ((mask >> i) & 1).astype(bool)
        out["new"].append(int(count[now & (first == i)].sum()))
        out["returning"].append(int(count[now & before].sum()))
        out["resurrecting"].append(int(count[now & ~before & (first < i)].sum()))
        out["dormant"].append(-int(count[before & ~now].sum()))

    def persons(*, interval: int, status: str, limit: int | None) -> list[str]:
        if not 0 <= interval < len(labels):
            raise ValidationError(f"interval must be between 0 and {len(labels) - 1}")
        now, before = has_bit(states.mask, interval + 1), has_bit(states.mask, interval)
        conditions = {
            "new": now & (states.first == interval),
            "returning": now & before,
            "resurrecting": now & ~before & (states.first < interval),
            "dormant": before & ~now,
        }
        if status not in conditions:
            raise ValidationError(f"unknown status {status!r}: use one of {', '.join(LIFECYCLE_STATUSES)}")
        return persons_of(source, states.filter(conditions[status]), limit)

    return LifecycleResult(labels, out["new"], out["returning"], out["resurrecting"], out["dormant"], persons)

