"""Date ranges, interval buckets and timezone offsets, computed in Python so every backend agrees.

Events are stored in UTC. A trend in another timezone shifts each timestamp by the UTC offset in force at
that instant: :func:`offset_segments` lists the offsets over the query's range (a DST change starts a new
segment), and the query adds the right one with a CASE, which every SQL backend runs the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from headway.analytics.engine.types import INTERVALS, DateLike
from headway.core.errors import ValidationError

ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class LocalRange:
    """A half-open range ``[start, end)`` of naive local times and the same range in naive UTC."""

    start: datetime
    end: datetime
    utc_start: datetime
    utc_end: datetime


def zone(name: str) -> ZoneInfo:
    """The IANA timezone ``name``, or a ValidationError that says how to name one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"unknown timezone {name!r}: use an IANA name such as Europe/Paris") from exc


def _parse(value: DateLike, field: str) -> tuple[datetime, bool]:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValidationError(f"{field} must be a naive date or datetime in the store's timezone")
        return value, False
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), True
    try:
        if len(value) == 10:
            return _parse(date.fromisoformat(value), field)
        return _parse(datetime.fromisoformat(value), field)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{field} {value!r} is not a date: use YYYY-MM-DD or an ISO datetime") from exc


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """A naive local time as naive UTC (the earlier reading of an ambiguous time)."""
    return local.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def resolve_range(date_from: DateLike, date_to: DateLike, tz: ZoneInfo) -> LocalRange:
    """The half-open local range of ``date_from``..``date_to``; a date ``date_to`` includes its whole day."""
    start, _ = _parse(date_from, "date_from")
    end, end_is_date = _parse(date_to, "date_to")
    end = end + timedelta(days=1) if end_is_date else end + ONE_MICROSECOND
    if end <= start:
        raise ValidationError(f"date_to ({date_to}) is before date_from ({date_from}): swap them")
    return LocalRange(start, end, to_utc(start, tz), to_utc(end, tz))


def bucket_start(moment: datetime, interval: str, week_start: str = "monday") -> datetime:
    """The start of the interval that contains ``moment``."""
    if interval == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if interval == "day":
        return day
    if interval == "week":
        first = 0 if week_start == "monday" else 6
        return day - timedelta(days=(day.weekday() - first) % 7)
    if interval == "month":
        return day.replace(day=1)
    raise ValidationError(f"unknown interval {interval!r}: use one of {', '.join(INTERVALS)}")


def next_bucket(start: datetime, interval: str) -> datetime:
    """The start of the interval after the one starting at ``start``."""
    if interval == "hour":
        return start + timedelta(hours=1)
    if interval == "day":
        return start + timedelta(days=1)
    if interval == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def bucket_starts(span: LocalRange, interval: str, week_start: str = "monday") -> list[datetime]:
    """Every interval start from the one containing ``span.start`` to the one containing its last instant."""
    current = bucket_start(span.start, interval, week_start)
    last = span.end - ONE_MICROSECOND
    starts = []
    while current <= last:
        starts.append(current)
        current = next_bucket(current, interval)
    return starts


def offset_segments(utc_start: datetime, utc_end: datetime, tz: ZoneInfo) -> list[tuple[datetime, int]]:
    """``[(from_utc, offset_seconds), ...]``: the UTC offsets in force over ``[utc_start, utc_end)``.

    The first segment starts at ``utc_start``; each later one at a transition (found to the second).
    """

    def offset(moment: datetime) -> int:
        delta = moment.replace(tzinfo=UTC).astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    segments = [(utc_start, offset(utc_start))]
    probe = utc_start
    step = timedelta(hours=6)
    while probe < utc_end:
        following = min(probe + step, utc_end)
        if offset(following) != segments[-1][1]:
            low, high = probe, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == segments[-1][1] else (low, middle)
            segments.append((high.replace(microsecond=0), offset(high)))
        probe = following
    return segments
