"""The paths runner: the most frequent transitions between consecutive page views (or custom events).

Per person, in time order (ties by uuid), a page repeated right after itself is one step; step numbers are
positions in that sequence (1-based). Each person contributes at most one transition per step, so counting
rows counts persons. Only the aggregated edges leave the backend.

``where`` keeps the events that match every filter (and cohort) before the sequence is built. A
``start_point`` cuts each person's sequence to begin at their first visit of it (PostHog's start point); an
``end_point`` cuts it to end at their first visit of it (after the start point), keeping the last
``max_steps`` nodes so the end point is always the last step; persons who never reach a point have no path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from headway.analytics.engine.filters import prop_text
from headway.analytics.engine.insight_support import (
    QuerySource,
    WhereItem,
    apply_where,
    as_int,
    check_filters,
    persons_of,
)
from headway.analytics.engine.insights_types import PathEdge, PathsResult
from headway.analytics.engine.timebuckets import resolve_range, zone
from headway.analytics.engine.types import DateLike
from headway.core.errors import ValidationError

PAGEVIEW = "$pageview"
EVENT_TYPES = (PAGEVIEW, "custom")


@dataclass(frozen=True)
class PathsQuery:
    """Everything one paths diagram needs (see :meth:`EventStore.paths`)."""

    date_from: DateLike
    date_to: DateLike
    event_type: str = PAGEVIEW
    path_property: str = "$current_url"
    include_events: tuple[str, ...] | None = None
    max_steps: int = 5
    where: tuple[WhereItem, ...] = ()
    start_point: str | None = None
    end_point: str | None = None


def make_query(
    *, date_from: DateLike, date_to: DateLike, event_type: str, path_property: str,
    include_events: Iterable[str] | None, max_steps: int, where: Iterable[WhereItem] = (),
    start_point: str | None = None, end_point: str | None = None,
) -> PathsQuery:
    """A checked PathsQuery (ValidationError saying how to fix a bad argument)."""
    if event_type not in EVENT_TYPES:
        raise ValidationError(f"unknown event_type {event_type!r}: use {PAGEVIEW!r} or 'custom'")
    if not isinstance(max_steps, int) or not 2 <= max_steps <= 20:
        raise ValidationError(f"max_steps must be a whole number from 2 to 20, not {max_steps!r}")
    if not isinstance(path_property, str) or not path_property:
        raise ValidationError("path_property must be a property name such as $current_url")
    included = None if include_events is None else tuple(include_events)
    if included is not None and (isinstance(include_events, str) or not all(isinstance(e, str) and e for e in included)):
        raise ValidationError("include_events must be a list of event names")
    for name, point in (("start_point", start_point), ("end_point", end_point)):
        if point is not None and (not isinstance(point, str) or not point):
            raise ValidationError(f"{name} must be a page (e.g. /checkout) or an event name, or None")
    if start_point is not None and start_point == end_point:
        raise ValidationError("start_point and end_point are the same: leave one out or pick another")
    return PathsQuery(date_from, date_to, event_type, path_property, included, max_steps, check_filters(where),
                      start_point, end_point)


def transitions(source: QuerySource, query: PathsQuery) -> ir.Table:
    """One row per person and step: ``person``, ``step``, ``source``, ``target`` (steps < max_steps)."""
    span = resolve_range(query.date_from, query.date_to, zone(source.timezone))
    everything = source.events(with_person=True)
    events = everything.filter(everything.timestamp >= span.utc_start, everything.timestamp < span.utc_end)
    events = apply_where(events, query.where, everything)
    if query.event_type == PAGEVIEW:
        events = events.filter(events.event == PAGEVIEW)
        value = prop_text(events, query.path_property)
    else:
        events = events.filter(events.event != PAGEVIEW)
        if query.include_events is not None:
            events = events.filter(events.event.isin(list(query.include_events)))
        value = events.event
    rows = events.select(person=events.person, timestamp=events.timestamp, uuid=events.uuid, node=value)
    rows = rows.filter(rows.node.notnull())
    order = ibis.window(group_by=rows.person, order_by=[rows.timestamp, rows.uuid])
    rows = rows.mutate(previous=rows.node.lag().over(order))
    rows = rows.filter(rows.previous.isnull() | (rows.previous != rows.node))
    rows = _between_points(rows, query)
    again = ibis.window(group_by=rows.person, order_by=[rows.timestamp, rows.uuid])
    rows = rows.mutate(step=ibis.row_number().over(again) + 1, target=rows.node.lead().over(again))
    rows = rows.filter(rows.step < query.max_steps, rows.target.notnull())
    return rows.select(person=rows.person, step=rows.step, source=rows.node, target=rows.target)


def _between_points(rows: ir.Table, query: PathsQuery) -> ir.Table:
    """Each person's nodes from their first ``start_point`` to the first ``end_point`` after it (the last
    ``max_steps`` of them); without points the rows as they are. ``rows`` has one node per step."""
    if query.start_point is None and query.end_point is None:
        return rows
    order = ibis.window(group_by=rows.person, order_by=[rows.timestamp, rows.uuid])
    rows = rows.mutate(pos=ibis.row_number().over(order))
    if query.start_point is not None:
        starts = rows.filter(rows.node == query.start_point).group_by("person").aggregate(first=ibis._.pos.min())
        rows = rows.join(starts, "person").filter(ibis._.pos >= ibis._.first).drop("first")
    if query.end_point is not None:
        ends = rows.filter(rows.node == query.end_point).group_by("person").aggregate(last=ibis._.pos.min())
        rows = rows.join(ends, "person")
        rows = rows.filter(rows.pos <= rows["last"], rows.pos > rows["last"] - query.max_steps).drop("last")
    return rows.drop("pos")


def run(store: QuerySource, query: PathsQuery) -> PathsResult:
    """Compute the path edges of ``query``."""
    moves = transitions(store, query)
    counted = moves.group_by("step", "source", "target").aggregate(count=ibis._.count())
    edges = [
        PathEdge(as_int(r["step"]), str(r["source"]), str(r["target"]), as_int(r["count"]))
        for r in store.rows(counted)
    ]
    edges.sort(key=lambda e: (e.step, -e.count, e.source, e.target))

    def persons(*, step: int, source: str, target: str, limit: int | None) -> list[str]:
        chosen = moves.filter(moves.step == step, moves.source == source, moves.target == target)
        return persons_of(store, chosen, limit)

    return PathsResult(edges, persons)
