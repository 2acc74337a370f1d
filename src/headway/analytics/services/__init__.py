"""Use cases of event analytics: the events store, one runner per insight behind one registry, saved insights,
cohorts and the metric catalogue.

Every face (CLI, API, web) calls these functions, so a number on a page equals the API's and the CLI's.
``actor=None`` means the system itself (the CLI run by the machine's operator, the demo builder).

Modules: ``store`` (open, ingest, SQL), ``trend``, ``funnels``, ``retention``, ``stickiness``, ``lifecycle``
and ``paths`` (one runner each), ``registry`` (kind → runner; :func:`run`, :func:`persons`), ``insights``
(saved insights), ``cohorts``, ``metrics`` (the catalogue), ``filters`` and ``formatting`` (shared by every
face); ``_common`` is private to the package.
"""

from __future__ import annotations

from headway.analytics.services.answers import PERSONS_LIMIT, Answer, InsightAnswer, PersonList
from headway.analytics.services.cohorts import (
    CohortDefinition,
    CohortRule,
    create_cohort,
    definition,
    delete_cohort,
    describe,
    get_cohort,
    list_cohorts,
    members,
    update_cohort,
)
from headway.analytics.services.filters import OPS, parse_filter
from headway.analytics.services.formatting import NONE_GROUP, Cell, Row, percent, rows_as_csv, trends_label
from headway.analytics.services.funnels import WINDOW_UNITS, ExclusionSpec, FunnelRequest, StepSpec
from headway.analytics.services.imports import import_uploaded_events, run_event_import, start_event_import
from headway.analytics.services.insights import (
    clean_query,
    create_insight,
    delete_insight,
    get_insight,
    insight_query,
    list_insights,
    update_insight,
)
from headway.analytics.services.lifecycle import LIFECYCLE_STATUSES, LifecycleRequest
from headway.analytics.services.metrics import (
    MetricValues,
    compute_metric,
    list_metrics,
    load_metrics,
    metric_catalog,
    metric_values,
    read_metrics_file,
    validate_metrics,
)
from headway.analytics.services.paths import PathsRequest
from headway.analytics.services.registry import (
    KINDS,
    RUNNERS,
    Runner,
    answer_body,
    make_request,
    persons,
    run,
)
from headway.analytics.services.retention import RetentionRequest, retention_curve
from headway.analytics.services.stickiness import StickinessRequest
from headway.analytics.services.store import (
    ProgressFn,
    StoreHeld,
    StoreSummary,
    close_store,
    event_names,
    events_store_held,
    ingest,
    ingest_demo_events,
    open_store,
    property_names,
    reset_events,
    run_sql,
    store_stats,
    workspace_timezone,
)
from headway.analytics.services.trend import (
    INTERVALS,
    MATHS,
    PROPERTY_MATHS,
    SeriesSpec,
    TrendsAnswer,
    TrendSeries,
    TrendsRequest,
    big_number,
    parse_series,
    previous_big_number,
    resolve_dates,
    series_letters,
    series_name,
    trends,
    trends_query,
    trends_rows,
)

__all__ = [
    "INTERVALS",
    "KINDS",
    "LIFECYCLE_STATUSES",
    "MATHS",
    "NONE_GROUP",
    "OPS",
    "PERSONS_LIMIT",
    "PROPERTY_MATHS",
    "RUNNERS",
    "WINDOW_UNITS",
    "Answer",
    "Cell",
    "CohortDefinition",
    "CohortRule",
    "ExclusionSpec",
    "FunnelRequest",
    "InsightAnswer",
    "LifecycleRequest",
    "MetricValues",
    "PathsRequest",
    "PersonList",
    "ProgressFn",
    "RetentionRequest",
    "Row",
    "Runner",
    "SeriesSpec",
    "StepSpec",
    "StickinessRequest",
    "StoreHeld",
    "StoreSummary",
    "TrendSeries",
    "TrendsAnswer",
    "TrendsRequest",
    "answer_body",
    "big_number",
    "clean_query",
    "close_store",
    "compute_metric",
    "create_cohort",
    "create_insight",
    "definition",
    "delete_cohort",
    "delete_insight",
    "describe",
    "event_names",
    "events_store_held",
    "get_cohort",
    "get_insight",
    "import_uploaded_events",
    "ingest",
    "ingest_demo_events",
    "insight_query",
    "list_cohorts",
    "list_insights",
    "list_metrics",
    "load_metrics",
    "make_request",
    "members",
    "metric_catalog",
    "metric_values",
    "open_store",
    "parse_filter",
    "parse_series",
    "percent",
    "persons",
    "previous_big_number",
    "property_names",
    "read_metrics_file",
    "reset_events",
    "resolve_dates",
    "retention_curve",
    "rows_as_csv",
    "run",
    "run_event_import",
    "run_sql",
    "series_letters",
    "series_name",
    "start_event_import",
    "store_stats",
    "trends",
    "trends_label",
    "trends_query",
    "trends_rows",
    "update_cohort",
    "update_insight",
    "validate_metrics",
    "workspace_timezone",
]
