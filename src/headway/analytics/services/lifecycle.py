"""Lifecycle: new, returning, resurrecting and dormant persons per interval.

The runner's steps: :func:`build` (the same engine call as stickiness, :class:`ActivityArgs`), :func:`execute`
(on the events store), :func:`lifecycle_rows` (the table every face shows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from headway.analytics.services._common import check_events, engine_errors
from headway.analytics.services.formatting import Row, trends_label, with_breakdowns
from headway.analytics.services.stickiness import ActivityArgs, StickinessRequest
from headway.analytics.services.stickiness import build as build

if TYPE_CHECKING:
    from headway.analytics.engine import EventStore, LifecycleResult

LIFECYCLE_STATUSES = ("new", "returning", "resurrecting", "dormant")


class LifecycleRequest(StickinessRequest):
    """Lifecycle: new, returning, resurrecting and dormant persons per interval."""


def execute(store: EventStore, args: ActivityArgs) -> LifecycleResult:
    """Run the lifecycle on the events store (refusing an event the store has never seen)."""
    check_events(store, [args.event])
    return engine_errors(lambda: store.lifecycle(
        args.event, interval=args.interval, date_from=args.date_from, date_to=args.date_to, where=args.where,
        week_start=args.week_start, breakdown=args.breakdown))


def status_counts(result: LifecycleResult, status: str) -> list[int]:
    """The persons of one status per interval (dormant negative)."""
    counts: list[int] = getattr(result, status)
    return counts


def _rows(result: LifecycleResult) -> list[Row]:
    return [{"interval": trends_label(label), "status": status, "persons": status_counts(result, status)[i]}
            for i, label in enumerate(result.labels) for status in LIFECYCLE_STATUSES]


def lifecycle_rows(result: LifecycleResult) -> list[Row]:
    """Persons per interval and status (dormant counted negative, as drawn below the axis); each
    cohort-breakdown group's rows after the whole's."""
    return with_breakdowns(_rows)(result)
