"""Funnels: persons through ordered steps inside a conversion window, with drop-off and time to convert.

The runner's steps: :func:`build` (request → :class:`FunnelArgs`), :func:`execute` (on the events store),
:func:`funnel_rows` (the table every face shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

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
from headway.analytics.services.filters import check_filters, parse_filter
from headway.analytics.services.formatting import WHOLE_GROUP, Row, group_name, percent, seconds
from headway.core.errors import ValidationError
from headway.core.request_rules import items_or_text

if TYPE_CHECKING:
    from headway.analytics.engine import (
        EventStore,
        Exclusion,
        Filter,
        FunnelResult,
        FunnelStep,
        InCohort,
        PersonCohort,
        Step,
    )

WINDOW_UNITS = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}
ORDERS = ("ordered", "strict", "unordered")
MAX_STEPS = 20


def _steps_schema(schema: dict[str, Any]) -> None:
    """A funnel's steps as the document declares them: 2 to MAX_STEPS, each an object or an event name."""
    schema.update(minItems=2, maxItems=MAX_STEPS)
    items_or_text(schema)


class StepSpec(BaseModel):
    """A funnel step: an event, with filters of its own and a display name."""

    event: str = Field(min_length=1)
    where: list[str] = Field(default_factory=list)
    name: str | None = None

    @field_validator("where")
    @classmethod
    def _filters_parse(cls, value: list[str]) -> list[str]:
        return check_filters(value)


class ExclusionSpec(BaseModel):
    """Drop an attempt when ``event`` happens between steps ``from_step`` and ``to_step`` (0-based)."""

    event: str = Field(min_length=1)
    from_step: int = 0
    to_step: int = 1


class FunnelRequest(InsightFilters):
    """A funnel: persons through ordered steps inside a conversion window."""

    steps: list[StepSpec] = Field(default_factory=list, description="Two or more steps: event names or objects.",
                                  json_schema_extra=_steps_schema)
    date_from: date | None = None
    date_to: date | None = None
    window: int = Field(14, description="Conversion window length, in window_unit.", json_schema_extra={"minimum": 1})
    window_unit: Literal["minute", "hour", "day", "week"] = "day"
    order: Literal["ordered", "strict", "unordered"] = "ordered"
    exclusions: list[ExclusionSpec] = Field(default_factory=list)
    breakdown: str | None = Field(None, description="Property to split by (its value at the first step).")

    @field_validator("steps", mode="before")
    @classmethod
    def _steps_text(cls, value: object) -> object:
        return [{"event": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else value

    @field_validator("breakdown")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return blank_is_none(value)

    @model_validator(mode="after")
    def _sound(self) -> FunnelRequest:
        if self.breakdown and self.breakdown_cohorts:
            raise ValidationError("Break a funnel down by a property or by cohorts, not both: leave out breakdown or "
                                  "breakdown_cohorts.", details={"breakdown": self.breakdown})
        if len(self.steps) < 2:
            raise ValidationError(f"A funnel needs at least 2 steps, this one has {len(self.steps)}: give the events "
                                  "in order, e.g. visit view_item purchase.", details={"steps": len(self.steps)})
        if len(self.steps) > MAX_STEPS:
            raise ValidationError(f"A funnel has at most {MAX_STEPS} steps, this one {len(self.steps)}: drop some.",
                                  details={"steps": len(self.steps)})
        if self.window <= 0:
            raise ValidationError(f"The conversion window must be positive, not {self.window}: "
                                  "give e.g. 14 (days) or 30 with window_unit minute.", details={"window": self.window})
        for item in self.exclusions:
            if not 0 <= item.from_step < item.to_step < len(self.steps):
                raise ValidationError(
                    f"The exclusion of {item.event!r} runs from step {item.from_step} to {item.to_step}: steps count "
                    f"from 0 to {len(self.steps) - 1} here and from_step must come before to_step.",
                    details={"exclusion": item.event})
        return self


@dataclass(frozen=True)
class FunnelArgs:
    """The engine call a funnel request builds (``events``: the names the store must know)."""

    events: list[str]
    steps: list[Step]
    date_from: date
    date_to: date
    window: timedelta
    order: str
    exclusions: list[Exclusion]
    where: list[Filter | InCohort]
    breakdown: str | list[PersonCohort] | None


def build(query: FunnelRequest, now: Clock) -> FunnelArgs:
    """The engine call of a funnel request."""
    from headway.analytics.engine import Exclusion, Step

    date_from, date_to = date_range(query.date_from, query.date_to, now)
    return FunnelArgs(
        events=[s.event for s in query.steps] + [e.event for e in query.exclusions],
        steps=[Step(s.event, tuple(parse_filter(w) for w in s.where), s.name) for s in query.steps],
        date_from=date_from, date_to=date_to,
        window=timedelta(seconds=query.window * WINDOW_UNITS[query.window_unit]), order=query.order,
        exclusions=[Exclusion(e.event, e.from_step, e.to_step) for e in query.exclusions],
        where=where_of(query.where, query.cohort), breakdown=query.breakdown or breakdown_of(query.breakdown_cohorts))


def execute(store: EventStore, args: FunnelArgs) -> FunnelResult:
    """Run the funnel on the events store (refusing an event the store has never seen)."""
    check_events(store, args.events)
    return engine_errors(lambda: store.funnel(
        args.steps, date_from=args.date_from, date_to=args.date_to, window=args.window, order=args.order,
        exclusions=args.exclusions, where=args.where, breakdown=args.breakdown))


def funnel_steps_rows(steps: list[FunnelStep], breakdown: str | None = None) -> list[Row]:
    """One row per step: persons, conversion from the first and the previous step (%), drop-off, times (s)."""
    rows: list[Row] = []
    first = steps[0].count if steps else 0
    for i, step in enumerate(steps):
        previous = steps[i - 1].count if i else step.count
        row: Row = {"step": i + 1, "name": step.name, "persons": step.count,
                    "conversion": percent(step.count, first), "step_conversion": percent(step.count, previous),
                    "dropped": previous - step.count,
                    "average_time_s": seconds(step.average_conversion_time),
                    "median_time_s": seconds(step.median_conversion_time)}
        rows.append(row if breakdown is None else {"breakdown": breakdown, **row})
    return rows


def funnel_rows(result: FunnelResult) -> list[Row]:
    """A funnel's rows: the whole funnel, then each breakdown value's (with a ``breakdown`` column)."""
    rows = funnel_steps_rows(result.steps)
    if result.breakdowns:
        rows = [{"breakdown": WHOLE_GROUP, **row} for row in rows]
        for part in result.breakdowns:
            rows += funnel_steps_rows(part.steps, group_name(part.value))
    return rows
