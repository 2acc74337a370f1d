"""Use cases of event analytics: the events store, ingestion, trends, saved insights and metrics as code.

Every face (CLI, API, web) calls these functions, so a number on a page equals the API's and the CLI's.
``actor=None`` means the system itself (the CLI run by the machine's operator, the demo builder).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone as dj_timezone
from pydantic import BaseModel, Field, field_validator, model_validator

from headway.analytics.models import MetricDefinition, SavedInsight
from headway.core import audit
from headway.core.errors import (
    ConfigurationError,
    NotFound,
    PermissionDenied,
    ValidationError,
    validated,
)
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, has_perm, require
from headway.core.services import get_workspace

ProgressFn = Callable[[str, float], None]
MATHS = ("total", "unique_users", "weekly_active", "monthly_active", "sum", "avg", "min", "max", "median")
PROPERTY_MATHS = ("sum", "avg", "min", "max", "median")
INTERVALS = ("hour", "day", "week", "month")
OPS = ("eq", "neq", "gt", "gte", "lt", "lte", "contains", "in", "is_set", "is_not_set")
DEFAULT_SPAN = {"hour": 1, "day": 30, "week": 12 * 7, "month": 365}
MAX_INTERVALS = 10_000


def _check(actor: User | None, perm: Perm) -> None:
    if actor is not None:
        require(actor, perm)


# --- the events store ----------------------------------------------------------------------------------

_stores: dict[tuple[str, str], Any] = {}
_lock = threading.RLock()


def workspace_timezone() -> tuple[str, str]:
    """The workspace's time zone and week start (UTC and monday before a workspace exists)."""
    try:
        ws = get_workspace()
    except NotFound:
        return "UTC", "monday"
    return ws.timezone, ws.week_start


@contextmanager
def open_store() -> Iterator[Any]:
    """The events store at ``HEADWAY_EVENTS_URL`` in the workspace time zone, used by one caller at a time.

    The one place that opens the store: connections are cached per process and calls are serialised (a
    DuckDB connection is not safe to share between threads).
    """
    from headway.analytics import EventStore

    tz, _ = workspace_timezone()
    key = (settings.HEADWAY_EVENTS_URL, tz)
    with _lock:
        store = _stores.get(key)
        if store is None:
            for old_key in [k for k in _stores if k[0] == key[0]]:
                _stores.pop(old_key).close()
            try:
                store = EventStore.connect(key[0], timezone=tz)
            except ConfigurationError as exc:
                if "lock" not in exc.message.lower():
                    raise
                raise ConfigurationError(
                    "Another process holds the DuckDB events file (often a running `headway serve`): stop it "
                    "and retry, or send events to the running server with POST /api/v1/events."
                ) from exc
            _stores[key] = store
        yield store


def close_store() -> None:
    """Close every cached connection to the events store (tests and shutdown)."""
    with _lock:
        while _stores:
            _stores.popitem()[1].close()


def reset_events() -> None:
    """Drop every event (and identity) from the store; the demo builder calls this before rebuilding."""
    with open_store() as store:
        store.reset()


def store_stats(actor: User | None) -> Any:
    """Counts of the store: events, distinct users, event names, first and last timestamps."""
    _check(actor, Perm.VIEW_WORKSPACE)
    with open_store() as store:
        return store.stats()


def event_names(actor: User | None) -> list[str]:
    """The event names in the store, most frequent first."""
    _check(actor, Perm.VIEW_WORKSPACE)
    with open_store() as store:
        return list(store.event_names())


def property_names(actor: User | None, event: str | None = None) -> list[str]:
    """Property keys seen in recent events (of ``event`` when given), for filter and breakdown pickers."""
    _check(actor, Perm.VIEW_WORKSPACE)
    with open_store() as store:
        return list(store.property_names(event))


def run_sql(actor: User | None, sql: str) -> Any:
    """A read-only SQL query over the events table (see docs/analytics.md for its columns)."""
    _check(actor, Perm.INGEST_EVENTS)
    if not sql.strip():
        raise ValidationError('Give a SQL query, for example: SELECT event, count(*) FROM events GROUP BY 1.')
    with open_store() as store:
        return store.sql(sql)


def ingest(actor: User | None, source: Any, *, progress: ProgressFn | None = None,
           rejects_path: str | None = None) -> Any:
    """Ingest events (list of dicts, DataFrame, Arrow table or file path); returns the IngestReport."""
    _check(actor, Perm.INGEST_EVENTS)

    def on_progress(done: int, total: int | None) -> None:
        if progress is not None:
            progress(f"{done:,} of {total:,} rows" if total else f"{done:,} rows", done / total if total else 0.0)

    with open_store() as store:
        report = store.ingest(source, on_progress=on_progress, rejects_path=rejects_path)
    if actor is not None:
        audit.record(actor, AuditEvent.Action.CREATE, object_type="events",
                     summary=f"{actor.username} ingested {report.ingested} events "
                             f"({report.duplicates} duplicates, {len(report.rejected)} rejected)")
    return report


def ingest_demo_events(table: Any, *, progress: ProgressFn | None = None) -> Any:
    """Bulk-ingest the demo's generated events (system actor)."""
    return ingest(None, table, progress=progress)


# --- trends --------------------------------------------------------------------------------------------


class SeriesSpec(BaseModel):
    """A further series of a trend (B, C, ...): an event with its own measure; the query's filters apply too."""

    event: str = Field(min_length=1, description="Event name, e.g. visit.")
    math: Literal["total", "unique_users", "weekly_active", "monthly_active",
                  "sum", "avg", "min", "max", "median"] | None = Field(None, description="Default: the query's.")
    math_property: str | None = None

    def as_text(self) -> str:
        """The series as ``event[:math[:property]]`` (the CLI's --series and the page's URL)."""
        return ":".join((self.event, self.math or "", self.math_property or "")).rstrip(":")


def parse_series(value: Any) -> Any:
    """``event[:math[:property]]`` text as a SeriesSpec's data (other values pass through)."""
    if not isinstance(value, str):
        return value
    event, _, rest = value.strip().partition(":")
    math, _, prop = rest.partition(":")
    return {"event": event.strip(), "math": math.strip() or None, "math_property": prop.strip() or None}


class TrendsQuery(BaseModel):
    """A trends question, as every face asks it; validated here once."""

    event: str = Field(min_length=1, description="Event name, e.g. purchase.")
    math: Literal["total", "unique_users", "weekly_active", "monthly_active",
                  "sum", "avg", "min", "max", "median"] = "total"
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
    series: list[SeriesSpec] = Field(default_factory=list, max_length=10,
                                     description="Further series B, C, ... as objects or event[:math[:property]].")
    formula: str | None = Field(None, max_length=200, description="Combine the series, e.g. A / B * 100.")
    compare: bool = Field(False, description="Add the previous period of the same length.")

    @field_validator("series", mode="before")
    @classmethod
    def _series_text(cls, value: Any) -> Any:
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
    def _formula_names_series(self) -> TrendsQuery:
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
        for text in value:
            parse_filter(text)
        return value

    @model_validator(mode="after")
    def _one_breakdown(self) -> TrendsQuery:
        if self.breakdown and self.breakdown_cohorts:
            raise ValidationError("Break a trend down by a property or by cohorts, not both: leave out breakdown or "
                                  "breakdown_cohorts.", details={"breakdown": self.breakdown})
        return self

    @field_validator("math_property", "breakdown")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


def series_letters(query: TrendsQuery) -> list[str]:
    """The formula names of a query's series: A for ``event``, then B, C, ... for ``series``."""
    return [chr(ord("A") + i) for i in range(1 + len(query.series))]


def parse_filter(text: str) -> Any:
    """``property:op:value`` as an engine Filter; ``in`` takes a comma-separated list, numbers compare as numbers."""
    from headway.analytics import Filter

    prop, sep, rest = text.partition(":")
    op, _, raw = rest.partition(":")
    op = op.strip().lower()
    if not sep or not prop.strip() or op not in OPS:
        raise ValidationError(
            f"The filter {text!r} is not property:op:value with op one of {', '.join(OPS)} "
            "(e.g. device:eq:mobile, amount:gt:100, country:in:US,CA, plan:is_set).",
            details={"where": text},
        )
    value: Any
    if op in {"is_set", "is_not_set"}:
        value = None
    elif op == "in":
        value = [_scalar(v) for v in raw.split(",") if v.strip()]
    elif op in {"gt", "gte", "lt", "lte"}:
        try:
            value = float(raw)
        except ValueError:
            raise ValidationError(f"The filter {text!r} compares with {op}: give a number after the second colon.",
                                  details={"where": text}) from None
    else:
        value = _scalar(raw) if op != "contains" else raw
    return Filter(prop.strip(), op, value)


def _scalar(raw: str) -> Any:
    """Filter text as the value a JSON property holds: numbers and true/false typed, the rest text."""
    raw = raw.strip()
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    return parsed if isinstance(parsed, int | float | bool) else raw


def resolve_dates(query: TrendsQuery) -> tuple[date, date]:
    """The inclusive date range of a query: defaults end today (workspace time) and span the interval's usual range."""
    tz, _ = workspace_timezone()
    today = dj_timezone.now().astimezone(_zone(tz)).date()
    date_to = query.date_to or today
    date_from = query.date_from or date_to - timedelta(days=DEFAULT_SPAN[query.interval] - 1)
    check_range(date_from, date_to, query.interval)
    return date_from, date_to


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


def _zone(tz: str) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(tz)


def trends(actor: User | None, query: TrendsQuery | dict[str, Any]) -> Any:
    """Run a trends query in the workspace's time zone and week start; returns the engine's TrendsResult."""
    _check(actor, Perm.VIEW_WORKSPACE)
    if isinstance(query, dict):
        query = trends_query(query)
    if query.math in PROPERTY_MATHS and not query.math_property:
        raise ValidationError(f"math={query.math} needs a numeric property: pass math_property (e.g. amount).",
                              details={"math_property": None})
    date_from, date_to = resolve_dates(query)
    _, week_start = workspace_timezone()
    from headway.analytics import cohorts

    breakdown = cohorts.as_breakdown(query.breakdown_cohorts) if query.breakdown_cohorts else query.breakdown
    with open_store() as store:
        return store.trends(
            trend_series(query), math=query.math, math_property=query.math_property, interval=query.interval,
            date_from=date_from, date_to=date_to, where=trend_where(query),
            breakdown=breakdown, breakdown_limit=query.breakdown_limit, cumulative=query.cumulative,
            week_start=week_start, formula=query.formula, compare=query.compare,
        )


def trend_where(query: TrendsQuery) -> list[Any]:
    """The engine's ``where`` of a trend: its filters, and the cohort's restriction when it names one."""
    from headway.analytics import cohorts

    where = [parse_filter(w) for w in query.where]
    if query.cohort is not None:
        where.append(cohorts.as_filter(query.cohort))
    return where


def trend_series(query: TrendsQuery) -> Any:
    """The engine's series of a query: its event alone, or A, B, ... as EventSeries with the query's filters."""
    from headway.analytics import EventSeries

    if not query.series:
        return query.event
    where = tuple(trend_where(query))
    specs = [SeriesSpec(event=query.event, math=query.math, math_property=query.math_property), *query.series]
    for spec in specs:
        if (spec.math or query.math) in PROPERTY_MATHS and not (spec.math_property or query.math_property):
            raise ValidationError(f"Series {spec.event} uses math={spec.math}: give its numeric property as "
                                  f"{spec.event}:{spec.math}:PROPERTY.", details={"series": spec.event})
    return [EventSeries(s.event, s.math or query.math, s.math_property or query.math_property, where)
            for s in specs]


def trends_query(data: dict[str, Any]) -> TrendsQuery:
    """Validate a trends query given as plain data, with one message that lists every problem."""
    return validated(TrendsQuery, data, "The trends query is not valid")


def trends_rows(result: Any) -> list[dict[str, Any]]:
    """A trends result as long rows (interval, series, value), the one table the CLI, API and web show."""
    rows = []
    for series in result.series:
        for label, value in zip(result.labels, series.data, strict=True):
            rows.append({"interval": trends_label(label, result.interval), "series": series_name(series), "value": value})
    return rows


def series_name(series: Any) -> str:
    """The name a face shows for a series: its breakdown value, or its label; "(previous period)" when compared."""
    value = getattr(series, "breakdown_value", None)
    name = str(series.label) if value is None or " · " in str(series.label) else str(value)
    return f"{name} (previous period)" if getattr(series, "compare", None) == "previous" else name


def trends_label(label: Any, interval: str = "day") -> str:
    """An interval start as text: a date for day and longer intervals, date and time for hours."""
    if isinstance(label, datetime):
        return label.isoformat(sep=" ", timespec="minutes") if interval == "hour" else label.date().isoformat()
    return label.isoformat() if isinstance(label, date) else str(label)


def big_number(query: TrendsQuery, result: Any, period: str = "current") -> float:
    """The one number of a "big number" chart: the sum over the range for counts and sums, else the latest value.

    Only the series of ``period`` count when the trend compares periods ("current" or "previous"). A formula's
    big number is its value for the latest interval (a ratio of sums is not a sum of ratios).
    """
    series = [s for s in result.series if (getattr(s, "compare", None) or "current") == period]
    additive = query.math in {"total", "sum"} and not query.cumulative and not query.formula \
        and all((s.math or query.math) in {"total", "sum"} for s in query.series)
    values = [sum(s.data) for s in series] if additive else [s.data[-1] if s.data else 0.0 for s in series]
    return float(sum(values))


def previous_big_number(query: TrendsQuery, result: Any) -> float | None:
    """The big number of the previous period when the trend compares, else None."""
    return big_number(query, result, "previous") if query.compare else None


# --- saved insights ------------------------------------------------------------------------------------


def list_insights(actor: User | None) -> QuerySet[SavedInsight]:
    """Saved insights, pinned first, then by name."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return SavedInsight.objects.select_related("owner").all()


def get_insight(actor: User | None, insight_id: int) -> SavedInsight:
    """One saved insight, or a NotFound that says how to list them."""
    _check(actor, Perm.VIEW_WORKSPACE)
    try:
        if not 0 < insight_id < 2**63:  # beyond a database integer: cannot exist
            raise SavedInsight.DoesNotExist
        return SavedInsight.objects.select_related("owner").get(pk=insight_id)
    except SavedInsight.DoesNotExist:
        raise NotFound(f"There is no saved insight {insight_id}: GET /api/v1/insights lists them.") from None


def _check_owner(actor: User | None, insight: SavedInsight) -> None:
    if actor is None or insight.owner_id == actor.pk or has_perm(actor, Perm.EDIT_WORKSPACE):
        return
    raise PermissionDenied(f"The insight {insight.name!r} belongs to {insight.owner}: only its owner or an admin "
                           "can change it; save a copy under your own name instead.")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("Give the insight a name of 1 to 200 characters.", details={"name": name})
    return name


def clean_query(kind: str, query: BaseModel | dict[str, Any]) -> BaseModel:
    """The validated query of an insight of ``kind`` (trends, funnel, retention, stickiness, lifecycle, paths)."""
    if kind == SavedInsight.Kind.TRENDS:
        return query if isinstance(query, TrendsQuery) else trends_query(
            query if isinstance(query, dict) else query.model_dump())
    from headway.analytics import behaviour

    clean: BaseModel = behaviour.make_query(kind, query)
    return clean


@transaction.atomic
def create_insight(actor: User | None, name: str, query: BaseModel | dict[str, Any], *,
                   pinned: bool = False, kind: str = "trends") -> SavedInsight:
    """Save an insight's query under a name (any user may save insights; they own them)."""
    _check(actor, Perm.VIEW_WORKSPACE)
    clean = clean_query(kind, query)
    insight = SavedInsight.objects.create(name=_clean_name(name), kind=kind,
                                          query=clean.model_dump(mode="json", exclude_defaults=True),
                                          owner=actor, pinned=pinned)
    audit.record(actor, AuditEvent.Action.CREATE, insight, summary=f"insight {insight.name} saved")
    return insight


@transaction.atomic
def update_insight(actor: User | None, insight_id: int, *, name: str | None = None,
                   query: BaseModel | dict[str, Any] | None = None, pinned: bool | None = None) -> SavedInsight:
    """Rename, re-query or (un)pin a saved insight (its owner or an admin)."""
    insight = get_insight(actor, insight_id)
    _check_owner(actor, insight)
    before = {"name": insight.name, "query": insight.query, "pinned": insight.pinned}
    if name is not None:
        insight.name = _clean_name(name)
    if query is not None:
        insight.query = clean_query(insight.kind, query).model_dump(mode="json", exclude_defaults=True)
    if pinned is not None:
        insight.pinned = pinned
    insight.save()
    after = {"name": insight.name, "query": insight.query, "pinned": insight.pinned}
    audit.record(actor, AuditEvent.Action.UPDATE, insight, summary=f"insight {insight.name} changed",
                 changes=audit.diff(before, after))
    return insight


@transaction.atomic
def delete_insight(actor: User | None, insight_id: int) -> None:
    """Delete a saved insight (its owner or an admin)."""
    insight = get_insight(actor, insight_id)
    _check_owner(actor, insight)
    audit.record(actor, AuditEvent.Action.DELETE, insight, summary=f"insight {insight.name} deleted")
    insight.delete()


def insight_query(insight: SavedInsight) -> Any:
    """The saved query of an insight (a TrendsQuery, FunnelQuery, ...), validated again (rules may have changed)."""
    return clean_query(insight.kind, insight.query)


def rows_as_csv(rows: Sequence[dict[str, Any]]) -> str:
    """Rows as CSV text with a header (the CLI's --csv and the web's download use it)."""
    import csv
    import io

    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


# --- metrics as code ------------------------------------------------------------------------------------


def read_metrics_file(path: str | Path) -> str:
    """The text of a metrics YAML file, or an error that says which file could not be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFound(f"Cannot read the metrics file {path} ({exc.strerror}): give the path of a YAML file."
                       ) from None


def validate_metrics(text: str) -> list[Any]:
    """Every problem in a metrics YAML document, each with its line (empty when it is valid)."""
    from headway.analytics.engine import metrics

    return list(metrics.validate_text(text))


@transaction.atomic
def load_metrics(actor: User | None, text: str, *, source: str = "") -> list[MetricDefinition]:
    """Replace the metric catalogue with the metrics of a YAML document (all or nothing)."""
    import yaml

    from headway.analytics.engine import metrics

    _check(actor, Perm.EDIT_STRATEGY)
    catalog = metrics.load_text(text)
    raw = {str(item.get("name")): item for item in (yaml.safe_load(text) or {}).get("metrics", [])}
    MetricDefinition.objects.all().delete()
    rows = [
        MetricDefinition.objects.create(name=m.name, kind=m.type, description=m.description,
                                        definition=raw[m.name], position=i, source=source[:300])
        for i, m in enumerate(catalog.metrics.values())
    ]
    audit.record(actor, AuditEvent.Action.UPDATE, object_type="metrics",
                 summary=f"metric catalogue loaded: {len(rows)} metrics" + (f" from {source}" if source else ""))
    return rows


def list_metrics(actor: User | None) -> QuerySet[MetricDefinition]:
    """The metric catalogue, in the order of its file."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return MetricDefinition.objects.all()


def metric_catalog(text: str | None = None) -> Any:
    """The engine catalogue of a YAML document, or of the stored catalogue when ``text`` is None."""
    from headway.analytics.engine import metrics

    if text is not None:
        return metrics.load_text(text)
    return metrics.from_dicts([m.definition for m in MetricDefinition.objects.all()])


def compute_metric(actor: User | None, name: str, *, date_from: date, date_to: date, interval: str = "day",
                   text: str | None = None) -> Any:
    """A metric's values per interval over an inclusive range (from ``text`` or the stored catalogue)."""
    from headway.analytics.engine import metrics

    _check(actor, Perm.VIEW_WORKSPACE)
    if interval not in INTERVALS:
        raise ValidationError(f"interval {interval!r} is not one of {', '.join(INTERVALS)}.",
                              details={"interval": interval})
    check_range(date_from, date_to, interval)
    catalog = metric_catalog(text)
    if name not in catalog.metrics:
        known = ", ".join(catalog.metrics) or "none yet: load a file with `headway metrics load FILE`"
        raise NotFound(f"There is no metric {name!r}; defined: {known}.")
    with open_store() as store:
        return metrics.compute(store, catalog, name, date_from=date_from, date_to=date_to, interval=interval)
