"""Use cases of the behavioural insights: funnels, retention, stickiness, lifecycle and paths.

One runner per insight (house rule 3): validate the query (a pydantic model, the same for every face), run it
on the events store in the workspace's time zone and week start, format it as rows. ``persons`` names the
people behind any number of a result. ``actor=None`` is the system (the CLI's operator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.utils import timezone as dj_timezone
from pydantic import BaseModel, Field, field_validator, model_validator

from headway.analytics import cohorts
from headway.analytics.services import (
    _check,
    _zone,
    check_range,
    open_store,
    parse_filter,
    trends_label,
    workspace_timezone,
)
from headway.core.errors import HeadwayError, ValidationError, validated
from headway.core.models import User
from headway.core.permissions import Perm

KINDS = ("funnel", "retention", "stickiness", "lifecycle", "paths")
WINDOW_UNITS = {"minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}
MAX_STEPS = 20
MAX_RETENTION_INTERVALS = 100
PERSONS_LIMIT = 200
DEFAULT_DAYS = 30


def _filters_ok(value: list[str]) -> list[str]:
    for text in value:
        parse_filter(text)
    return value


def _blank_is_none(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


class _Query(BaseModel):
    """What every behavioural query shares: filters, a cohort to restrict to, cohorts to break down by."""

    where: list[str] = Field(default_factory=list, description="Filters as property:op:value on every event.")
    cohort: int | None = Field(None, description="Only the persons of this saved cohort (its id).")
    breakdown_cohorts: list[int] = Field(
        default_factory=list, max_length=10,
        description="Split by these saved cohorts (ids): a person counts in the first one they belong to, "
                    "persons in none under (none).")

    @field_validator("where")
    @classmethod
    def _filters_parse(cls, value: list[str]) -> list[str]:
        return _filters_ok(value)


class StepSpec(BaseModel):
    """A funnel step: an event, with filters of its own and a display name."""

    event: str = Field(min_length=1)
    where: list[str] = Field(default_factory=list)
    name: str | None = None

    @field_validator("where")
    @classmethod
    def _filters_parse(cls, value: list[str]) -> list[str]:
        return _filters_ok(value)


class ExclusionSpec(BaseModel):
    """Drop an attempt when ``event`` happens between steps ``from_step`` and ``to_step`` (0-based)."""

    event: str = Field(min_length=1)
    from_step: int = 0
    to_step: int = 1


class FunnelQuery(_Query):
    """A funnel: persons through ordered steps inside a conversion window."""

    steps: list[StepSpec] = Field(default_factory=list, description="Two or more steps: event names or objects.")
    date_from: date | None = None
    date_to: date | None = None
    window: int = Field(14, description="Conversion window length, in window_unit.")
    window_unit: Literal["minute", "hour", "day", "week"] = "day"
    order: Literal["ordered", "strict", "unordered"] = "ordered"
    exclusions: list[ExclusionSpec] = Field(default_factory=list)
    breakdown: str | None = Field(None, description="Property to split by (its value at the first step).")

    @field_validator("steps", mode="before")
    @classmethod
    def _steps_text(cls, value: Any) -> Any:
        return [{"event": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else value

    @field_validator("breakdown")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return _blank_is_none(value)

    @model_validator(mode="after")
    def _sound(self) -> FunnelQuery:
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


class RetentionQuery(_Query):
    """Retention: of the persons who did the target event in a period, who came back in later periods."""

    target_event: str = Field(min_length=1)
    returning_event: str | None = Field(None, description="Default: the target event.")
    period: Literal["hour", "day", "week", "month"] = "day"
    intervals: int = Field(11, description=f"Cohorts (and periods followed), 1 to {MAX_RETENTION_INTERVALS}.")
    date_to: date | None = Field(None, description="The last period holds this day; default today.")
    kind: Literal["recurring", "first_time"] = "recurring"
    mode: Literal["on", "on_or_after"] = "on"
    target_where: list[str] = Field(default_factory=list)
    returning_where: list[str] = Field(default_factory=list)

    @field_validator("target_where", "returning_where")
    @classmethod
    def _filters_parse_each(cls, value: list[str]) -> list[str]:
        return _filters_ok(value)

    @field_validator("returning_event")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return _blank_is_none(value)

    @model_validator(mode="after")
    def _sound(self) -> RetentionQuery:
        if not 1 <= self.intervals <= MAX_RETENTION_INTERVALS:
            raise ValidationError(f"intervals must be from 1 to {MAX_RETENTION_INTERVALS}, not {self.intervals}: "
                                  "11 days or 8 weeks are usual.", details={"intervals": self.intervals})
        return self


class StickinessQuery(_Query):
    """Stickiness: persons by the number of intervals of the range in which they did the event."""

    event: str = Field(min_length=1)
    interval: Literal["day", "week", "month"] = "day"
    date_from: date | None = None
    date_to: date | None = None


class LifecycleQuery(StickinessQuery):
    """Lifecycle: new, returning, resurrecting and dormant persons per interval."""


class PathsQuery(_Query):
    """Paths: the most frequent transitions between consecutive page views or custom events."""

    date_from: date | None = None
    date_to: date | None = None
    event_type: Literal["$pageview", "custom"] = "$pageview"
    path_property: str = Field("$current_url", min_length=1)
    include_events: list[str] | None = Field(None, description="Custom events to keep (default: all).")
    max_steps: int = Field(5, description="Steps per person, 2 to 10.")
    start_point: str | None = Field(None, description="Paths start at each person's first visit of this page "
                                                      "(or event).")
    end_point: str | None = Field(None, description="Paths end at the first visit of this page (or event).")

    @field_validator("start_point", "end_point")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return _blank_is_none(value)

    @model_validator(mode="after")
    def _sound(self) -> PathsQuery:
        if not 2 <= self.max_steps <= 10:
            raise ValidationError(f"max_steps must be from 2 to 10, not {self.max_steps}.",
                                  details={"max_steps": self.max_steps})
        return self


QUERY_MODELS: dict[str, type[BaseModel]] = {
    "funnel": FunnelQuery, "retention": RetentionQuery, "stickiness": StickinessQuery,
    "lifecycle": LifecycleQuery, "paths": PathsQuery,
}


def make_query(kind: str, data: BaseModel | dict[str, Any]) -> Any:
    """Validate a query of insight ``kind`` given as plain data, with one message that lists every problem."""
    model = QUERY_MODELS.get(kind)
    if model is None:
        raise ValidationError(f"There is no insight kind {kind!r}: use one of trends, {', '.join(KINDS)}.",
                              details={"kind": kind})
    if isinstance(data, model):
        return data
    return validated(model, data if isinstance(data, dict) else data.model_dump(), f"The {kind} query is not valid")


# --- running -------------------------------------------------------------------------------------------


def _today() -> date:
    tz, _ = workspace_timezone()
    return dj_timezone.now().astimezone(_zone(tz)).date()


def _range(query: Any, interval: str = "day") -> tuple[date, date]:
    date_to = query.date_to or _today()
    date_from = query.date_from or date_to - timedelta(days=DEFAULT_DAYS - 1)
    check_range(date_from, date_to, interval)
    return date_from, date_to


def _check_events(store: Any, names: list[str | None]) -> None:
    known = set(store.event_names())
    for name in names:
        if name is not None and name not in known:
            listed = ", ".join(sorted(known)[:12]) or "none yet: ingest some with `headway events ingest FILE`"
            raise ValidationError(f"There is no event {name!r} in the events store; known events: {listed}.",
                                  details={"event": name})


def _where(query: Any, store: Any) -> list[Any]:
    """The query's filters, plus the cohort's membership filter when it names one."""
    where = [parse_filter(w) for w in query.where]
    if query.cohort is not None:
        where.append(cohorts.as_filter(query.cohort))
    return where


def _breakdown_cohorts(query: Any) -> list[Any] | None:
    """The engine cohorts of the query's cohort breakdown (None without one)."""
    return cohorts.as_breakdown(query.breakdown_cohorts) if query.breakdown_cohorts else None


def _run_funnel(store: Any, query: FunnelQuery, week_start: str) -> Any:
    from headway.analytics.engine.insights_types import Exclusion, Step

    _check_events(store, [s.event for s in query.steps] + [e.event for e in query.exclusions])
    date_from, date_to = _range(query)
    steps = [Step(s.event, tuple(parse_filter(w) for w in s.where), s.name) for s in query.steps]
    return store.funnel(
        steps, date_from=date_from, date_to=date_to,
        window=timedelta(seconds=query.window * WINDOW_UNITS[query.window_unit]), order=query.order,
        exclusions=[Exclusion(e.event, e.from_step, e.to_step) for e in query.exclusions],
        where=_where(query, store), breakdown=query.breakdown or _breakdown_cohorts(query),
    )


def _run_retention(store: Any, query: RetentionQuery, week_start: str) -> Any:
    _check_events(store, [query.target_event, query.returning_event])
    return store.retention(
        query.target_event, returning_event=query.returning_event, period=query.period,
        intervals=query.intervals, date_to=query.date_to or _today(), kind=query.kind, mode=query.mode,
        target_where=[*(parse_filter(w) for w in query.target_where), *_where(query, store)],
        returning_where=[*(parse_filter(w) for w in query.returning_where), *_where(query, store)],
        week_start=week_start, breakdown=_breakdown_cohorts(query),
    )


def _run_stickiness(store: Any, query: StickinessQuery, week_start: str) -> Any:
    _check_events(store, [query.event])
    date_from, date_to = _range(query, query.interval)
    return store.stickiness(query.event, interval=query.interval, date_from=date_from, date_to=date_to,
                            where=_where(query, store), week_start=week_start, breakdown=_breakdown_cohorts(query))


def _run_lifecycle(store: Any, query: LifecycleQuery, week_start: str) -> Any:
    _check_events(store, [query.event])
    date_from, date_to = _range(query, query.interval)
    return store.lifecycle(query.event, interval=query.interval, date_from=date_from, date_to=date_to,
                           where=_where(query, store), week_start=week_start, breakdown=_breakdown_cohorts(query))


def _run_paths(store: Any, query: PathsQuery, week_start: str) -> Any:
    if query.event_type == "custom":
        _check_events(store, list(query.include_events or []))
    date_from, date_to = _range(query)
    return store.paths(date_from=date_from, date_to=date_to, event_type=query.event_type,
                       path_property=query.path_property, include_events=query.include_events or None,
                       max_steps=query.max_steps, where=_where(query, store), start_point=query.start_point,
                       end_point=query.end_point, breakdown=_breakdown_cohorts(query))


RUNNERS: dict[str, Callable[[Any, Any, str], Any]] = {
    "funnel": _run_funnel, "retention": _run_retention, "stickiness": _run_stickiness,
    "lifecycle": _run_lifecycle, "paths": _run_paths,
}


@dataclass(frozen=True)
class Answer:
    """A behavioural insight's validated query, the engine's result and its rows (what every face shows)."""

    kind: str
    query: Any
    result: Any
    rows: list[dict[str, Any]]
    timezone: str


def run(actor: User | None, kind: str, query: BaseModel | dict[str, Any]) -> Answer:
    """Run an insight of ``kind`` in the workspace's time zone and week start; rows as every face shows them."""
    _check(actor, Perm.VIEW_WORKSPACE)
    clean = make_query(kind, query)
    tz, week_start = workspace_timezone()
    with open_store() as store:
        result = _engine_errors(lambda: RUNNERS[kind](store, clean, week_start))
    return Answer(kind, clean, result, ROWS[kind](result), tz)


def persons(actor: User | None, kind: str, query: BaseModel | dict[str, Any], **at: Any) -> list[str]:
    """The persons behind one number of an insight (at most PERSONS_LIMIT), e.g. ``step=2, dropped=True``."""
    _check(actor, Perm.VIEW_WORKSPACE)
    clean = make_query(kind, query)
    _, week_start = workspace_timezone()
    at = {k: v for k, v in at.items() if v is not None}
    if at.get("breakdown") == NONE_GROUP:  # the group of persons in no cohort (or without the property)
        at["breakdown"] = None
    with open_store() as store:
        result = _engine_errors(lambda: RUNNERS[kind](store, clean, week_start))
        try:
            return list(result.persons(**at, limit=PERSONS_LIMIT))
        except (TypeError, IndexError, KeyError) as exc:
            raise ValidationError(f"Cannot name the persons of {kind} at {at}: {exc}. Give {PERSONS_AT[kind]}.",
                                  details=at) from None


PERSONS_AT = {
    "funnel": "step (1-based) and optionally dropped=true and breakdown",
    "retention": "cohort (0-based row) and interval (0-based column), and optionally breakdown",
    "stickiness": "intervals (how many intervals active), and optionally breakdown",
    "lifecycle": "interval (0-based column) and status (new, returning, resurrecting, dormant), and optionally "
                 "breakdown",
    "paths": "step, source and target of an edge, and optionally breakdown",
}
NONE_GROUP = "(none)"


def _engine_errors(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except HeadwayError:
        raise
    except (ValueError, TypeError) as exc:  # an engine's plain error: one line with the fix
        raise ValidationError(f"The query cannot run: {exc}. Check the steps, dates and filters.") from exc


# --- formatting ----------------------------------------------------------------------------------------


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def funnel_steps_rows(steps: list[Any], breakdown: str | None = None) -> list[dict[str, Any]]:
    """One row per step: persons, conversion from the first and the previous step (%), drop-off, times (s)."""
    rows = []
    first = steps[0].count if steps else 0
    for i, step in enumerate(steps):
        previous = steps[i - 1].count if i else step.count
        row = {"step": i + 1, "name": step.name, "persons": step.count,
               "conversion": _pct(step.count, first), "step_conversion": _pct(step.count, previous),
               "dropped": previous - step.count,
               "average_time_s": _seconds(step.average_conversion_time),
               "median_time_s": _seconds(step.median_conversion_time)}
        rows.append(row if breakdown is None else {"breakdown": breakdown, **row})
    return rows


def with_breakdowns(rows_of: Callable[[Any], list[dict[str, Any]]]) -> Callable[[Any], list[dict[str, Any]]]:
    """Rows of a result and, for a cohort breakdown, each group's rows after them, every row with a
    ``breakdown`` column ("(all)" for the whole, "(none)" for persons in no listed cohort)."""

    def rows(result: Any) -> list[dict[str, Any]]:
        whole = rows_of(result)
        if not getattr(result, "breakdowns", None):
            return whole
        out = [{"breakdown": "(all)", **row} for row in whole]
        for part in result.breakdowns:
            name = NONE_GROUP if part.value is None else str(part.value)
            out += [{"breakdown": name, **row} for row in rows_of(part.result)]
        return out

    return rows


def funnel_rows(result: Any) -> list[dict[str, Any]]:
    """A funnel's rows: the whole funnel, then each breakdown value's (with a ``breakdown`` column)."""
    rows = funnel_steps_rows(result.steps)
    if getattr(result, "breakdowns", None):
        rows = [{"breakdown": "(all)", **row} for row in rows]
        for part in result.breakdowns:
            rows += funnel_steps_rows(part.steps, "(none)" if part.value is None else str(part.value))
    return rows


def retention_rows(result: Any) -> list[dict[str, Any]]:
    """A retention table as long rows: cohort start, its size, the interval, persons retained and the rate (%)."""
    return [{"cohort": trends_label(c.start, result.period), "size": c.values[0] if c.values else 0,
             "interval": j, "persons": value, "rate": _pct(value, c.values[0] if c.values else 0)}
            for c in result.cohorts for j, value in enumerate(c.values)]


def retention_curve(result: Any) -> list[dict[str, Any]]:
    """Retained share per interval over every cohort that has reached it (persons retained / cohort sizes)."""
    width = max((len(c.values) for c in result.cohorts), default=0)
    curve = []
    for j in range(width):
        having = [c for c in result.cohorts if len(c.values) > j]
        retained, size = sum(c.values[j] for c in having), sum(c.values[0] for c in having)
        curve.append({"interval": j, "persons": retained, "of": size, "rate": _pct(retained, size)})
    return curve


def stickiness_rows(result: Any) -> list[dict[str, Any]]:
    """Persons by the number of intervals they were active in."""
    return [{"intervals": k + 1, "label": label, "persons": n}
            for k, (label, n) in enumerate(zip(result.labels, result.data, strict=True))]


LIFECYCLE_STATUSES = ("new", "returning", "resurrecting", "dormant")


def lifecycle_rows(result: Any) -> list[dict[str, Any]]:
    """Persons per interval and status (dormant counted negative, as drawn below the axis)."""
    return [{"interval": trends_label(label), "status": status, "persons": getattr(result, status)[i]}
            for i, label in enumerate(result.labels) for status in LIFECYCLE_STATUSES]


def paths_rows(result: Any) -> list[dict[str, Any]]:
    """The path edges: step of the source (1-based), source, target and persons."""
    return [{"step": e.step, "source": e.source, "target": e.target, "persons": e.count} for e in result.edges]


ROWS: dict[str, Callable[[Any], list[dict[str, Any]]]] = {
    "funnel": funnel_rows, "retention": with_breakdowns(retention_rows),
    "stickiness": with_breakdowns(stickiness_rows), "lifecycle": with_breakdowns(lifecycle_rows),
    "paths": with_breakdowns(paths_rows),
}


def as_json(answer: Answer) -> dict[str, Any]:
    """The JSON body of an answer (API and CLI --json): kind, time zone, the engine's result and the rows."""
    body: dict[str, Any] = {"kind": answer.kind, "timezone": answer.timezone, "rows": answer.rows,
                            "result": _jsonable(answer.result.as_dict())}
    if answer.kind == "retention":
        body["curve"] = retention_curve(answer.result)
    return body


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
