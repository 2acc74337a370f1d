"""Retention: of the persons who did the target event in a period, who came back in later periods.

The runner's steps: :func:`build` (request → :class:`RetentionArgs`), :func:`execute` (on the events store),
:func:`retention_rows` (the table every face shows) and :func:`retention_curve` (the average curve).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from headway.analytics.services._common import (
    Clock,
    InsightFilters,
    blank_is_none,
    breakdown_of,
    check_events,
    engine_errors,
    where_of,
)
from headway.analytics.services.answers import Answer, InsightAnswer, insight_answer
from headway.analytics.services.filters import check_filters, parse_filter
from headway.analytics.services.formatting import Row, percent, trends_label, with_breakdowns
from headway.core.errors import ValidationError

if TYPE_CHECKING:
    from headway.analytics.engine import EventStore, Filter, InCohort, PersonCohort, RetentionResult

MAX_RETENTION_INTERVALS = 100


class RetentionRequest(InsightFilters):
    """Retention: of the persons who did the target event in a period, who came back in later periods."""

    target_event: str = Field(min_length=1)
    returning_event: str | None = Field(None, description="Default: the target event.")
    period: Literal["hour", "day", "week", "month"] = "day"
    intervals: int = Field(11, description=f"Cohorts (and periods followed), 1 to {MAX_RETENTION_INTERVALS}.",
                           json_schema_extra={"minimum": 1, "maximum": MAX_RETENTION_INTERVALS})
    date_to: date | None = Field(None, description="The last period holds this day; default today.")
    kind: Literal["recurring", "first_time"] = "recurring"
    mode: Literal["on", "on_or_after"] = "on"
    target_where: list[str] = Field(default_factory=list)
    returning_where: list[str] = Field(default_factory=list)

    @field_validator("target_where", "returning_where")
    @classmethod
    def _filters_parse_each(cls, value: list[str]) -> list[str]:
        return check_filters(value)

    @field_validator("returning_event")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return blank_is_none(value)

    @model_validator(mode="after")
    def _sound(self) -> RetentionRequest:
        if not 1 <= self.intervals <= MAX_RETENTION_INTERVALS:
            raise ValidationError(f"intervals must be from 1 to {MAX_RETENTION_INTERVALS}, not {self.intervals}: "
                                  "11 days or 8 weeks are usual.", details={"intervals": self.intervals})
        return self


@dataclass(frozen=True)
class RetentionArgs:
    """The engine call a retention request builds."""

    target_event: str
    returning_event: str | None
    period: str
    intervals: int
    date_to: date
    kind: str
    mode: str
    target_where: list[Filter | InCohort]
    returning_where: list[Filter | InCohort]
    week_start: str
    breakdown: list[PersonCohort] | None


def build(query: RetentionRequest, now: Clock) -> RetentionArgs:
    """The engine call of a retention request (the query's filters and cohort apply to both events)."""
    where = where_of(query.where, query.cohort)
    return RetentionArgs(
        target_event=query.target_event, returning_event=query.returning_event, period=query.period,
        intervals=query.intervals, date_to=query.date_to or now.today, kind=query.kind, mode=query.mode,
        target_where=[*(parse_filter(w) for w in query.target_where), *where],
        returning_where=[*(parse_filter(w) for w in query.returning_where), *where],
        week_start=now.week_start, breakdown=breakdown_of(query.breakdown_cohorts))


def execute(store: EventStore, args: RetentionArgs) -> RetentionResult:
    """Run the retention on the events store (refusing an event the store has never seen)."""
    check_events(store, [args.target_event, args.returning_event])
    return engine_errors(lambda: store.retention(
        args.target_event, returning_event=args.returning_event, period=args.period, intervals=args.intervals,
        date_to=args.date_to, kind=args.kind, mode=args.mode, target_where=args.target_where,
        returning_where=args.returning_where, week_start=args.week_start, breakdown=args.breakdown))


def _rows(result: RetentionResult) -> list[Row]:
    return [{"cohort": trends_label(c.start, result.period), "size": c.values[0] if c.values else 0,
             "interval": j, "persons": value, "rate": percent(value, c.values[0] if c.values else 0)}
            for c in result.cohorts for j, value in enumerate(c.values)]


def retention_rows(result: RetentionResult) -> list[Row]:
    """A retention table as long rows: cohort start, its size, the interval, persons retained and the rate (%);
    each cohort-breakdown group's rows after the whole's."""
    return with_breakdowns(_rows)(result)


def retention_curve(result: RetentionResult) -> list[Row]:
    """Retained share per interval over every cohort that has reached it (persons retained / cohort sizes)."""
    width = max((len(c.values) for c in result.cohorts), default=0)
    curve: list[Row] = []
    for j in range(width):
        having = [c for c in result.cohorts if len(c.values) > j]
        retained, size = sum(c.values[j] for c in having), sum(c.values[0] for c in having)
        curve.append({"interval": j, "persons": retained, "of": size, "rate": percent(retained, size)})
    return curve


def retention_answer(answer: Answer[Any, RetentionResult]) -> InsightAnswer:
    """The JSON body of a retention answer, with the average curve."""
    return insight_answer(answer, curve=retention_curve(answer.result))
