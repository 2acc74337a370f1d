"""What the insight runners share (private to the package): the workspace's clock, date ranges, the filters and
cohorts every behavioural request takes, and the one translation of an engine's plain errors."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypeVar

from django.utils import timezone as dj_timezone
from pydantic import BaseModel, Field, field_validator

from headway.analytics.services import cohorts
from headway.analytics.services.filters import check_filters, parse_filter
from headway.analytics.services.store import workspace_timezone
from headway.core.errors import HeadwayError, ValidationError

if TYPE_CHECKING:
    from headway.analytics.engine import EventStore, Filter, InCohort, PersonCohort

MAX_INTERVALS = 10_000
DEFAULT_DAYS = 30
T = TypeVar("T")


@dataclass(frozen=True)
class Clock:
    """The workspace's time zone, week start and today (in that zone): what building a query needs."""

    timezone: str
    week_start: str
    today: date


def clock() -> Clock:
    """The workspace's clock now."""
    tz, week_start = workspace_timezone()
    return Clock(tz, week_start, dj_timezone.now().astimezone(zoneinfo.ZoneInfo(tz)).date())


def check_range(date_from: date, date_to: date, interval: str) -> None:
    """Refuse a reversed range, or one with more than MAX_INTERVALS intervals, with the fix."""
    if date_from > date_to:
        raise ValidationError(f"The range starts ({date_from}) after it ends ({date_to}): swap --from and --to.",
                              details={"date_from": str(date_from), "date_to": str(date_to)})
    days = (date_to - date_from).days + 1
    count = {"hour": days * 24, "day": days, "week": days // 7 + 1, "month": days // 28 + 1}.get(interval, days)
    if count > MAX_INTERVALS:
        raise ValidationError(
            f"{date_from} to {date_to} is {count:,} {interval}s, more than {MAX_INTERVALS:,}: "
            "shorten the range or use a longer interval.",
            details={"date_from": str(date_from), "date_to": str(date_to), "interval": interval},
        )


def date_range(date_from: date | None, date_to: date | None, now: Clock, interval: str = "day",
               days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """An inclusive range: ``date_to`` defaults to today, ``date_from`` to ``days`` days before it."""
    end = date_to or now.today
    start = date_from or end - timedelta(days=days - 1)
    check_range(start, end, interval)
    return start, end


def blank_is_none(value: str | None) -> str | None:
    """Blank text as None (optional fields of the requests)."""
    return (value.strip() or None) if value is not None else None


class InsightFilters(BaseModel):
    """What every behavioural request shares: filters, a cohort to restrict to, cohorts to break down by."""

    where: list[str] = Field(default_factory=list, description="Filters as property:op:value on every event.")
    cohort: int | None = Field(None, description="Only the persons of this saved cohort (its id).")
    breakdown_cohorts: list[int] = Field(
        default_factory=list, max_length=10,
        description="Split by these saved cohorts (ids): a person counts in the first one they belong to, "
                    "persons in none under (none).")

    @field_validator("where")
    @classmethod
    def _filters_parse(cls, value: list[str]) -> list[str]:
        return check_filters(value)


def where_of(where: Iterable[str], cohort: int | None) -> list[Filter | InCohort]:
    """The engine's ``where``: the filters, and the cohort's membership filter when one is named."""
    items: list[Filter | InCohort] = [parse_filter(w) for w in where]
    if cohort is not None:
        items.append(cohorts.as_filter(cohort))
    return items


def breakdown_of(cohort_ids: list[int]) -> list[PersonCohort] | None:
    """The engine cohorts of a cohort breakdown (None without one)."""
    return cohorts.as_breakdown(cohort_ids) if cohort_ids else None


def check_events(store: EventStore, names: Iterable[str | None]) -> None:
    """Refuse an event the store has never seen, listing the known ones."""
    known = set(store.event_names())
    for name in names:
        if name is not None and name not in known:
            listed = ", ".join(sorted(known)[:12]) or "none yet: ingest some with `headway events ingest FILE`"
            raise ValidationError(f"There is no event {name!r} in the events store; known events: {listed}.",
                                  details={"event": name})


def engine_errors(call: Callable[[], T]) -> T:
    """``call()``, with an engine's plain ValueError or TypeError as one ValidationError with the fix."""
    try:
        return call()
    except HeadwayError:
        raise
    except (ValueError, TypeError) as exc:  # an engine's plain error: one line with the fix
        raise ValidationError(f"The query cannot run: {exc}. Check the steps, dates and filters.") from exc
