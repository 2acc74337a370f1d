"""Trends: events over time, per interval, with series combined by a formula, breakdowns and the previous period.

The runner's three steps: :func:`build` turns a validated :class:`TrendsRequest` into the engine call
(:class:`TrendsArgs`: dates resolved in the workspace's time zone, filters parsed, cohorts looked up),
:func:`execute` runs it on the events store, :func:`trends_rows` and :func:`trends_answer` format the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from headway.analytics.services._common import Clock, breakdown_of, check_range, clock, where_of
from headway.analytics.services.answers import Answer
from headway.analytics.services.filters import check_filters
from headway.analytics.services.formatting import Row, trends_label
from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.core.request_rules import items_or_text
from headway.core.validation import validated

if TYPE_CHECKING:
    from headway.analytics.engine import (
        EventSeries,
        EventStore,
        Filter,
        InCohort,
        PersonCohort,
        Series,
        TrendsResult,
    )

MATHS = ("total", "unique_users", "weekly_active", "monthly_active", "sum", "avg", "min", "max", "median")
PROPERTY_MATHS = ("sum", "avg", "min", "max", "median")
INTERVALS = ("hour", "day", "week", "month")
DEFAULT_SPAN = {"hour": 1, "day": 30, "week": 12 * 7, "month": 365}
Math = Literal["total", "unique_users", "weekly_active", "monthly_active", "sum", "avg", "min", "max", "median"]


class SeriesSpec(BaseModel):
    """A further series of a trend (B, C, ...): an event with its own measure; the query's filters apply too."""

    event: str = Field(min_length=1, description="Event name, e.g. visit.")
    math: Math | None = Field(None, description="Default: the query's.")
    math_property: str | None = None

    def as_text(self) -> str:
        """The series as ``event[:math[:property]]`` (the CLI's --series and the page's URL)."""
        return ":".join((self.event, self.math or "", self.math_property or "")).rstrip(":")


def parse_series(value: object) -> object:
    """``event[:math[:property]]`` text as a SeriesSpec's data (other values pass through)."""
    if not isinstance(value, str):
        return value
    event, _, rest = value.strip().partition(":")
    math, _, prop = rest.partition(":")
    return {"event": event.strip(), "math": math.strip() or None, "math_property": prop.strip() or None}


class TrendsRequest(BaseModel):
    """A trends question, as every face asks it; validated here once."""

    event: str = Field(min_length=1, description="Event name, e.g. purchase.")
    math: Math = "total"
    math_property: str | None = Field(None, description="Numeric property for sum/avg/min/max/median.")
    interval: Literal["hour", "day", "week", "month"] = "day"
    date_from: date | None = Field(None, description="First day (inclusive); default depends on interval.")
    date_to: date | None = Field(None, description="Last day (inclusive); default today.")
    where: list[str] = Field(default_factory=list, description="Filters as property:op:value.")
    breakdown: str | None = Field(None, description="Property to split by.")
    breakdown_limit: int = Field(25, ge=1, le=500)
    cohort: int | None = Field(None, description="Only the events of this saved cohort's persons (its id).")
    breakdown_cohorts: list[int] = Field(
        default_factory=list, max_length=10,
        description="Split by these saved cohorts (ids): a series per cohort, a person in the first one they "
                    "belong to, persons in none under (none).")
    cumulative: bool = False
    series: list[SeriesSpec] = Field(default_factory=list, max_length=10, json_schema_extra=items_or_text,
                                     description="Further series B, C, ... as objects or event[:math[:property]].")
    formula: str | None = Field(None, max_length=200, description="Combine the series, e.g. A / B * 100.")
    compare: bool = Field(False, description="Add the previous period of the same length.")

    @field_validator("series", mode="before")
    @classmethod
    def _series_text(cls, value: object) -> object:
        return [parse_series(v) for v in value] if isinstance(value, list) else value

    @field_validator("formula")
    @classmethod
    def _formula_parses(cls, value: str | None) -> str | None:
        from headway.analytics.engine import formula

        value = value.strip() if value else None
        if value:
            formula.parse(value)
        return value

    @model_validator(mode="after")
    def _formula_names_series(self) -> TrendsRequest:
        from headway.analytics.engine import formula

        known = series_letters(self)
        unknown = [n for n in formula.names(self.formula) if n not in known] if self.formula else []
        if unknown:
            raise ValidationError(
                f"The formula {self.formula!r} names {', '.join(unknown)}, but the series are {', '.join(known)}: "
                "add a series per letter (series B is the first of `series`) or use only those letters.",
                details={"formula": self.formula})
        return self

    @field_validator("where")
    @classmethod
    def _filters_parse(cls, value: list[str]) -> list[str]:
        return check_filters(value)

    @model_validator(mode="after")
    def _one_breakdown(self) -> TrendsRequest:
        if self.breakdown and self.breakdown_cohorts:
            raise ValidationError("Break a trend down by a property or by cohorts, not both: leave out breakdown or "
                                  "breakdown_cohorts.", details={"breakdown": self.breakdown})
        return self

    @field_validator("math_property", "breakdown")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


def series_letters(query: TrendsRequest) -> list[str]:
    """The formula names of a query's series: A for ``event``, then B, C, ... for ``series``."""
    return [chr(ord("A") + i) for i in range(1 + len(query.series))]


def trends_query(data: dict[str, Any] | TrendsRequest) -> TrendsRequest:
    """Validate a trends query given as plain data, with one message that lists every problem."""
    if isinstance(data, TrendsRequest):
        return data
    return validated(TrendsRequest, data, "The trends query is not valid")


def resolve_dates(query: TrendsRequest, now: Clock | None = None) -> tuple[date, date]:
    """The inclusive date range of a query: defaults end today (workspace time) and span the interval's usual range."""
    today = (now or clock()).today
    date_to = query.date_to or today
    date_from = query.date_from or date_to - timedelta(days=DEFAULT_SPAN[query.interval] - 1)
    check_range(date_from, date_to, query.interval)
    return date_from, date_to


# --- the runner: build, execute, format ------------------------------------------------------------------


@dataclass(frozen=True)
class TrendsArgs:
    """The engine call a trends request builds: every argument of ``EventStore.trends``, resolved."""

    series: str | list[EventSeries]
    math: Math
    math_property: str | None
    interval: str
    date_from: date
    date_to: date
    where: list[Filter | InCohort]
    breakdown: str | list[PersonCohort] | None
    breakdown_limit: int
    cumulative: bool
    week_start: str
    formula: str | None
    compare: bool


def build(query: TrendsRequest, now: Clock) -> TrendsArgs:
    """The engine call of a trends request in the workspace's time zone and week start."""
    if query.math in PROPERTY_MATHS and not query.math_property:
        raise ValidationError(f"math={query.math} needs a numeric property: pass math_property (e.g. amount).",
                              details={"math_property": None})
    date_from, date_to = resolve_dates(query, now)
    breakdown = breakdown_of(query.breakdown_cohorts) or query.breakdown
    where = where_of(query.where, query.cohort)
    return TrendsArgs(
        series=_series(query, where), math=query.math, math_property=query.math_property,
        interval=query.interval, date_from=date_from, date_to=date_to, where=where, breakdown=breakdown,
        breakdown_limit=query.breakdown_limit, cumulative=query.cumulative, week_start=now.week_start,
        formula=query.formula, compare=query.compare)


def _series(query: TrendsRequest, where: list[Filter | InCohort]) -> str | list[EventSeries]:
    """The engine's series of a query: its event alone, or A, B, ... as EventSeries with the query's filters."""
    from headway.analytics.engine import EventSeries

    if not query.series:
        return query.event
    specs = [SeriesSpec(event=query.event, math=query.math, math_property=query.math_property), *query.series]
    for spec in specs:
        if (spec.math or query.math) in PROPERTY_MATHS and not (spec.math_property or query.math_property):
            raise ValidationError(f"Series {spec.event} uses math={spec.math}: give its numeric property as "
                                  f"{spec.event}:{spec.math}:PROPERTY.", details={"series": spec.event})
    return [EventSeries(s.event, s.math or query.math, s.math_property or query.math_property, tuple(where))
            for s in specs]


def execute(store: EventStore, args: TrendsArgs) -> TrendsResult:
    """Run the trend on the events store."""
    return store.trends(
        args.series, math=args.math, math_property=args.math_property, interval=args.interval,
        date_from=args.date_from, date_to=args.date_to, where=args.where, breakdown=args.breakdown,
        breakdown_limit=args.breakdown_limit, cumulative=args.cumulative, week_start=args.week_start,
        formula=args.formula, compare=args.compare)


def trends(actor: User | None, query: TrendsRequest | dict[str, Any]) -> TrendsResult:
    """Run a trends query in the workspace's time zone and week start; returns the engine's TrendsResult."""
    from headway.analytics.services.store import open_store

    check(actor, Perm.VIEW_WORKSPACE)
    args = build(trends_query(query), clock())
    with open_store() as store:
        return execute(store, args)


def trends_rows(result: TrendsResult) -> list[Row]:
    """A trends result as long rows (interval, series, value), the one table the CLI, API and web show."""
    return [{"interval": trends_label(label, result.interval), "series": series_name(series), "value": value}
            for series in result.series for label, value in zip(result.labels, series.data, strict=True)]


def series_name(series: Series) -> str:
    """The name a face shows for a series: its breakdown value, or its label; "(previous period)" when compared."""
    value = series.breakdown_value
    name = str(series.label) if value is None or " · " in str(series.label) else str(value)
    return f"{name} (previous period)" if series.compare == "previous" else name


def big_number(query: TrendsRequest, result: TrendsResult, period: str = "current") -> float:
    """The one number of a "big number" chart: the sum over the range for counts and sums, else the latest value.

    Only the series of ``period`` count when the trend compares periods ("current" or "previous"). A formula's
    big number is its value for the latest interval (a ratio of sums is not a sum of ratios).
    """
    series = [s for s in result.series if (s.compare or "current") == period]
    additive = query.math in {"total", "sum"} and not query.cumulative and not query.formula \
        and all((s.math or query.math) in {"total", "sum"} for s in query.series)
    values = [sum(s.data) for s in series] if additive else [s.data[-1] if s.data else 0.0 for s in series]
    return float(sum(values))


def previous_big_number(query: TrendsRequest, result: TrendsResult) -> float | None:
    """The big number of the previous period when the trend compares, else None."""
    return big_number(query, result, "previous") if query.compare else None


class TrendSeries(BaseModel):
    """One line of a trend as JSON: ``data[i]`` is the value of the interval starting at ``labels[i]``."""

    label: str
    breakdown_value: str | None
    is_other: bool
    compare: str | None = Field(None, description="current or previous when the trend compares periods.")
    labels: list[str] = Field(default_factory=list, description="This series' own interval starts.")
    data: list[float]


class TrendsAnswer(BaseModel):
    """The JSON body of a trend (API): interval starts as text, the series and the big number."""

    interval: str
    timezone: str
    labels: list[str]
    series: list[TrendSeries]
    big_number: float
    previous_big_number: float | None = Field(None, description="The previous period's, with compare.")


def trends_answer(answer: Answer[TrendsRequest, TrendsResult]) -> TrendsAnswer:
    """The JSON body of a trend's answer."""
    query, result = answer.query, answer.result
    return TrendsAnswer(
        interval=result.interval, timezone=result.timezone,
        labels=[trends_label(label, result.interval) for label in result.labels],
        series=[TrendSeries(label=s.label, breakdown_value=s.breakdown_value, is_other=s.is_other,
                            compare=s.compare, labels=[trends_label(label, result.interval) for label in s.labels],
                            data=s.data) for s in result.series],
        big_number=big_number(query, result), previous_big_number=previous_big_number(query, result))
