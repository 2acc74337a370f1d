"""Paths: the most frequent transitions between consecutive page views or custom events.

The runner's steps: :func:`build` (request → :class:`PathsArgs`), :func:`execute` (on the events store),
:func:`paths_rows` (the table every face shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from headway.analytics.services._common import (
    Clock,
    InsightFilters,
    blank_is_none,
    breakdown_of,
    check_events,
    date_range,
    engine_errors,
    where_of,
)
from headway.analytics.services.formatting import Row, with_breakdowns
from headway.core.errors import ValidationError

if TYPE_CHECKING:
    from headway.analytics.engine import EventStore, Filter, InCohort, PathsResult, PersonCohort


class PathsRequest(InsightFilters):
    """Paths: the most frequent transitions between consecutive page views or custom events."""

    date_from: date | None = None
    date_to: date | None = None
    event_type: Literal["$pageview", "custom"] = "$pageview"
    path_property: str = Field("$current_url", min_length=1)
    include_events: list[str] | None = Field(None, description="Custom events to keep (default: all).")
    max_steps: int = Field(5, description="Steps per person, 2 to 10.", json_schema_extra={"minimum": 2, "maximum": 10})
    start_point: str | None = Field(None, description="Paths start at each person's first visit of this page "
                                                      "(or event).")
    end_point: str | None = Field(None, description="Paths end at the first visit of this page (or event).")

    @field_validator("start_point", "end_point")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return blank_is_none(value)

    @model_validator(mode="after")
    def _sound(self) -> PathsRequest:
        if not 2 <= self.max_steps <= 10:
            raise ValidationError(f"max_steps must be from 2 to 10, not {self.max_steps}.",
                                  details={"max_steps": self.max_steps})
        return self


@dataclass(frozen=True)
class PathsArgs:
    """The engine call a paths request builds (``events``: the custom events the store must know)."""

    events: list[str]
    date_from: date
    date_to: date
    event_type: str
    path_property: str
    include_events: list[str] | None
    max_steps: int
    where: list[Filter | InCohort]
    start_point: str | None
    end_point: str | None
    breakdown: list[PersonCohort] | None


def build(query: PathsRequest, now: Clock) -> PathsArgs:
    """The engine call of a paths request."""
    date_from, date_to = date_range(query.date_from, query.date_to, now)
    return PathsArgs(
        events=list(query.include_events or []) if query.event_type == "custom" else [],
        date_from=date_from, date_to=date_to, event_type=query.event_type, path_property=query.path_property,
        include_events=query.include_events or None, max_steps=query.max_steps,
        where=where_of(query.where, query.cohort), start_point=query.start_point, end_point=query.end_point,
        breakdown=breakdown_of(query.breakdown_cohorts))


def execute(store: EventStore, args: PathsArgs) -> PathsResult:
    """Run the paths on the events store (refusing a custom event the store has never seen)."""
    check_events(store, args.events)
    return engine_errors(lambda: store.paths(
        date_from=args.date_from, date_to=args.date_to, event_type=args.event_type,
        path_property=args.path_property, include_events=args.include_events, max_steps=args.max_steps,
        where=args.where, start_point=args.start_point, end_point=args.end_point, breakdown=args.breakdown))


def _rows(result: PathsResult) -> list[Row]:
    return [{"step": e.step, "source": e.source, "target": e.target, "persons": e.count} for e in result.edges]


def paths_rows(result: PathsResult) -> list[Row]:
    """The path edges: step of the source (1-based), source, target and persons; each cohort-breakdown group's
    edges after the whole's."""
    return with_breakdowns(_rows)(result)
