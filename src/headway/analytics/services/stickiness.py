"""Stickiness: persons by the number of intervals of the range in which they did the event.

The runner's steps: :func:`build` (request → :class:`ActivityArgs`, shared with lifecycle), :func:`execute`
(on the events store), :func:`stickiness_rows` (the table every face shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from headway.analytics.services._common import (
    Clock,
    InsightFilters,
    breakdown_of,
    check_events,
    date_range,
    engine_errors,
    where_of,
)
from headway.analytics.services.formatting import Row, with_breakdowns

if TYPE_CHECKING:
    from headway.analytics.engine import EventStore, Filter, InCohort, PersonCohort, StickinessResult


class StickinessRequest(InsightFilters):
    """Stickiness: persons by the number of intervals of the range in which they did the event."""

    event: str = Field(min_length=1)
    interval: Literal["day", "week", "month"] = "day"
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class ActivityArgs:
    """The engine call a stickiness or lifecycle request builds."""

    event: str
    interval: str
    date_from: date
    date_to: date
    where: list[Filter | InCohort]
    week_start: str
    breakdown: list[PersonCohort] | None


def build(query: StickinessRequest, now: Clock) -> ActivityArgs:
    """The engine call of a stickiness (or lifecycle) request."""
    date_from, date_to = date_range(query.date_from, query.date_to, now, query.interval)
    return ActivityArgs(event=query.event, interval=query.interval, date_from=date_from, date_to=date_to,
                        where=where_of(query.where, query.cohort), week_start=now.week_start,
                        breakdown=breakdown_of(query.breakdown_cohorts))


def execute(store: EventStore, args: ActivityArgs) -> StickinessResult:
    """Run the stickiness on the events store (refusing an event the store has never seen)."""
    check_events(store, [args.event])
    return engine_errors(lambda: store.stickiness(
        args.event, interval=args.interval, date_from=args.date_from, date_to=args.date_to, where=args.where,
        week_start=args.week_start, breakdown=args.breakdown))


def _rows(result: StickinessResult) -> list[Row]:
    return [{"intervals": k + 1, "label": label, "persons": n}
            for k, (label, n) in enumerate(zip(result.labels, result.data, strict=True))]


def stickiness_rows(result: StickinessResult) -> list[Row]:
    """Persons by the number of intervals they were active in (each cohort-breakdown group's after the whole)."""
    return with_breakdowns(_rows)(result)
