"""Small helpers shared by the behavioural insight runners (funnels, retention, stickiness, lifecycle, paths)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import ibis
import ibis.expr.types as ir

from headway.analytics.engine import cohorts, json_keys  # noqa: F401 - json_keys: '$' property keys
from headway.analytics.engine.cohorts import WhereItem
from headway.analytics.engine.timebuckets import LocalRange, next_bucket, offset_segments, to_utc, zone
from headway.analytics.engine.trends import QuerySource, bucket_of, local_time
from headway.core.errors import ValidationError

__all__ = ["QuerySource", "WhereItem", "apply_where", "check_filters", "event_rows", "local_range", "period_index",
           "persons_of"]


def check_filters(where: Iterable[WhereItem], *, cohorts_allowed: bool = True) -> tuple[WhereItem, ...]:
    """The filters (and cohort restrictions) as a tuple, each checked (see :func:`cohorts.check_where`)."""
    return cohorts.check_where(where, cohorts_allowed=cohorts_allowed)


def check_week_start(week_start: str) -> None:
    """Raise ValidationError unless ``week_start`` is monday or sunday."""
    if week_start not in ("monday", "sunday"):
        raise ValidationError(f"week_start must be monday or sunday, not {week_start!r}")


def event_rows(events: ir.Table, event: str | None, where: Iterable[WhereItem], everything: ir.Table) -> ir.Table:
    """``events`` of name ``event`` (all when None) that match every filter and cohort; ``everything`` is the
    whole events table (with ``person``) that cohorts are computed on."""
    rows = events if event is None else events.filter(events.event == event)
    return apply_where(rows, where, everything)


def apply_where(events: ir.Table, where: Iterable[WhereItem], everything: ir.Table) -> ir.Table:
    """``events`` restricted by property filters and cohort restrictions (see :func:`cohorts.apply_where`)."""
    return cohorts.apply_where(events, where, everything)


def local_range(start: datetime, end: datetime, timezone: str) -> LocalRange:
    """The half-open local range ``[start, end)`` with its UTC bounds."""
    tz = zone(timezone)
    return LocalRange(start, end, to_utc(start, tz), to_utc(end, tz))


def local_timestamp(events: ir.Table, utc_from: datetime, utc_to: datetime, timezone: str) -> ir.TimestampValue:
    """Each event's time in ``timezone`` (offsets valid over ``[utc_from, utc_to)``)."""
    return local_time(events.timestamp, offset_segments(utc_from, utc_to, zone(timezone)))


def period_index(local: ir.TimestampValue, period: str, first: datetime, week_start: str) -> ir.IntegerValue:
    """The 0-based index of the ``period`` containing each local time, counted from the one starting at
    ``first`` (negative before it). Whole periods are subtracted, so every backend agrees exactly."""
    if period == "month":
        months: ir.IntegerValue = (local.year() - first.year) * 12 + (local.month() - first.month)
        return months
    start = bucket_of(local, period, week_start)
    if period == "hour":
        hours: ir.IntegerValue = start.delta(ibis.literal(first), unit="hour")
        return hours
    days: ir.IntegerValue = start.delta(ibis.literal(first), unit="day")
    return days // 7 if period == "week" else days


def period_starts(first: datetime, count: int, period: str) -> list[datetime]:
    """``count`` consecutive period starts from ``first``."""
    starts = [first]
    while len(starts) < count:
        starts.append(next_bucket(starts[-1], period))
    return starts


@runtime_checkable
class KeyedSource(Protocol):
    """A query source that maps integer person keys back to person ids (:meth:`EventStore.person_names`)."""

    def person_names(self) -> ir.Table | None:
        """``person_key`` -> ``person`` for every key (None where the backend keeps no keys)."""


def named(source: QuerySource, people: ir.Table) -> ir.Table:
    """``people`` with a ``person`` column in place of ``person_key`` (looked up where the table has keys)."""
    if "person" in people.columns:
        return people
    names = source.person_names() if isinstance(source, KeyedSource) else None
    if names is None:
        raise ValueError("a person table with person keys needs a source with person names")
    joined = people.join(names, people.person_key == names.person_key)
    return joined.select(names.person, *[people[c] for c in people.columns if c != "person_key"])


def persons_of(source: QuerySource, people: ir.Table, limit: int | None) -> list[str]:
    """The distinct ``person`` values of ``people``, sorted (at most ``limit``)."""
    if limit is not None and limit < 0:
        raise ValidationError("limit must be a positive number of persons (or None for all)")
    if "person" not in people.columns:  # each key once, then its id
        people = named(source, people.select("person_key").distinct())
    expr = people.select("person").distinct().order_by("person")
    if limit is not None:
        expr = expr.limit(limit)
    return [str(row["person"]) for row in source.rows(expr)]


def as_int(value: Any) -> int:
    """A row value as int (None counts as 0)."""
    return int(value or 0)
