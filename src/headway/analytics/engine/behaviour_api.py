"""The EventStore methods of the behavioural insights (bound onto :class:`EventStore` in store.py).

Each method checks its arguments, builds the runner's query and runs it; the runners live in funnels.py,
retention.py, stickiness.py, lifecycle.py and paths.py, the cohorts in cohorts.py. Every ``where`` takes
``InCohort`` items; ``breakdown=[cohort, ...]`` runs the insight once more per group of
:func:`cohorts.breakdown_groups` (the result's ``breakdowns``) through the one :func:`cohorts.split`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from headway.analytics.engine import cohorts as cohort_rules
from headway.analytics.engine import funnels as funnel_runner
from headway.analytics.engine import lifecycle as lifecycle_runner
from headway.analytics.engine import paths as paths_runner
from headway.analytics.engine import retention as retention_runner
from headway.analytics.engine import stickiness as stickiness_runner
from headway.analytics.engine.cohorts import PersonCohort
from headway.analytics.engine.insight_support import QuerySource, WhereItem, persons_of
from headway.analytics.engine.insights_types import (
    Exclusion,
    FunnelResult,
    LifecycleResult,
    PathsResult,
    RetentionResult,
    Step,
    StickinessResult,
)
from headway.analytics.engine.types import DateLike, EventSeries


def funnel(
    self: QuerySource,
    steps: Sequence[str | Step | EventSeries],
    *,
    date_from: DateLike,
    date_to: DateLike,
    window: timedelta = timedelta(days=14),
    order: str = "ordered",
    exclusions: Iterable[Exclusion] = (),
    where: Iterable[WhereItem] = (),
    breakdown: str | Sequence[PersonCohort] | None = None,
) -> FunnelResult:
    """The funnel of ``steps`` (event names or :class:`Step`) entered from ``date_from`` to ``date_to``.

    ``order``: ``ordered`` (other events allowed between steps), ``strict`` (none) or ``unordered``; every
    step happens inside the range and within ``window`` of the attempt's first step, each strictly later
    than the one before. ``exclusions`` drop attempts with that event between two steps (0-based).
    ``breakdown``: a property (its value on the attempt's first step) or a list of cohorts (the person's
    first cohort in the list).
    """
    query = funnel_runner.make_query(
        steps, date_from=date_from, date_to=date_to, window=window, order=order, exclusions=exclusions,
        where=where, breakdown=breakdown,
    )
    return funnel_runner.run(self, query)


def retention(
    self: QuerySource,
    target_event: str,
    *,
    returning_event: str | None = None,
    period: str = "day",
    intervals: int = 11,
    date_to: DateLike,
    kind: str = "recurring",
    mode: str = "on",
    target_where: Iterable[WhereItem] = (),
    returning_where: Iterable[WhereItem] = (),
    week_start: str = "monday",
    breakdown: Sequence[PersonCohort] | None = None,
) -> RetentionResult:
    """Retention cohorts of ``target_event`` over ``intervals`` calendar periods ending with ``date_to``'s.

    ``kind``: ``recurring`` (everyone who did the target event in the period) or ``first_time`` (whose
    first-ever target event is in it); ``mode``: returned ``on`` exactly period i + j, or ``on_or_after``.
    ``breakdown``: a list of cohorts (each group restricts both the target and the returning events).
    """
    targets, returns = tuple(target_where), tuple(returning_where)

    def run(group: cohort_rules.Restriction) -> RetentionResult:
        query = retention_runner.make_query(
            target_event, returning_event=returning_event, period=period, intervals=intervals, date_to=date_to,
            kind=kind, mode=mode, target_where=(*targets, *group), returning_where=(*returns, *group),
            week_start=week_start,
        )
        return retention_runner.run(self, query)

    return cohort_rules.split(run, breakdown)


def stickiness(
    self: QuerySource,
    event: str,
    *,
    interval: str = "day",
    date_from: DateLike,
    date_to: DateLike,
    where: Iterable[WhereItem] = (),
    week_start: str = "monday",
    breakdown: Sequence[PersonCohort] | None = None,
) -> StickinessResult:
    """Persons by the number of intervals of the range in which they did ``event`` (``breakdown``: cohorts)."""
    filters = tuple(where)

    def run(group: cohort_rules.Restriction) -> StickinessResult:
        query = stickiness_runner.make_query(
            event, interval=interval, date_from=date_from, date_to=date_to, where=(*filters, *group),
            week_start=week_start,
        )
        return stickiness_runner.run(self, query)

    return cohort_rules.split(run, breakdown)


def lifecycle(
    self: QuerySource,
    event: str,
    *,
    interval: str = "day",
    date_from: DateLike,
    date_to: DateLike,
    where: Iterable[WhereItem] = (),
    week_start: str = "monday",
    breakdown: Sequence[PersonCohort] | None = None,
) -> LifecycleResult:
    """New, returning, resurrecting and dormant (negative) persons of ``event`` per interval (``breakdown``:
    cohorts)."""
    filters = tuple(where)

    def run(group: cohort_rules.Restriction) -> LifecycleResult:
        query = stickiness_runner.make_query(
            event, interval=interval, date_from=date_from, date_to=date_to, where=(*filters, *group),
            week_start=week_start,
        )
        return lifecycle_runner.run(self, query)

    return cohort_rules.split(run, breakdown)


def paths(
    self: QuerySource,
    *,
    date_from: DateLike,
    date_to: DateLike,
    event_type: str = "$pageview",
    path_property: str = "$current_url",
    include_events: Iterable[str] | None = None,
    max_steps: int = 5,
    where: Iterable[WhereItem] = (),
    start_point: str | None = None,
    end_point: str | None = None,
    breakdown: Sequence[PersonCohort] | None = None,
) -> PathsResult:
    """The most frequent transitions between consecutive page views (or custom events), per step.

    ``where`` keeps the events matching every filter (and cohort); ``start_point`` starts each person's path
    at their first visit of that page (or event), ``end_point`` ends it at the first visit after the start,
    keeping the last ``max_steps`` steps; persons who never reach a given point have no path.
    """
    filters = tuple(where)
    included = None if include_events is None or isinstance(include_events, str) else tuple(include_events)

    def run(group: cohort_rules.Restriction) -> PathsResult:
        query = paths_runner.make_query(
            date_from=date_from, date_to=date_to, event_type=event_type, path_property=path_property,
            include_events=include_events if included is None else included, max_steps=max_steps,
            where=(*filters, *group), start_point=start_point, end_point=end_point,
        )
        return paths_runner.run(self, query)

    return cohort_rules.split(run, breakdown)


def cohort_persons(
    self: QuerySource, cohort: PersonCohort, *, as_of: datetime | None = None, limit: int | None = None
) -> list[str]:
    """The persons of ``cohort`` (evaluated at ``as_of``, naive UTC, default now), sorted."""
    return persons_of(self, cohort_rules.members(self.events(with_person=True), cohort, as_of), limit)
