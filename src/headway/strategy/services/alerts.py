"""Alerts: a KPI outside its expected band (explained by the property that moved most) or a target turning
off track; the inbox and acknowledging them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone as dj_timezone

from headway.core import audit
from headway.core.errors import HeadwayError, NotFound, PermissionDenied
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, has_perm
from headway.strategy.engine import KpiStatus, Series, detect_anomalies, status_alert
from headway.strategy.engine.alerts import BASELINE_SLOTS
from headway.strategy.engine.alerts import Alert as EngineAlert
from headway.strategy.engine.ratio import explain_ratio_change
from headway.strategy.engine.series import aggregate, regular
from headway.strategy.models import Alert, Kpi, KpiProgress
from headway.strategy.services._common import direction_of, history, how_of, read, status_name

#: The expected band of alerts. Anomalies are judged on whole weeks (days are noisy); an alert needs this many
#: weeks in a row outside the band, and a KPI this many weeks of history.
ALERT_LEVEL = 0.99
ALERT_MIN_WEEKS = 2
ALERT_MIN_HISTORY_WEEKS = 8
#: Properties with more values than this are not used to explain a change.
BREAKDOWN_LIMIT = 25


@dataclass
class SegmentShift:
    """How one value of the explaining property moved: before, after, the change and its share of it."""

    value: str
    before: float
    after: float
    delta: float
    share: float


@dataclass
class AlertBreakdown:
    """The property that explains most of an alert's change, with how each of its values moved."""

    property: str
    sentence: str
    scores: dict[str, float]
    segments: list[SegmentShift]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AlertBreakdown:
        """The breakdown stored with an alert."""
        return cls(property=data["property"], sentence=data["sentence"], scores=dict(data["scores"]),
                   segments=[SegmentShift(**s) for s in data["segments"]])


@dataclass
class AlertView:
    """An alert as the API shows it: what moved, by how much, since when and why."""

    id: int
    kpi: str
    kind: str
    direction: str
    since: dt.date
    until: dt.date
    weeks_or_days: int
    actual: float
    expected: float
    delta: float
    delta_pct: float | None
    message: str
    breakdown: AlertBreakdown | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None

    @classmethod
    def from_model(cls, alert: Alert) -> AlertView:
        """The view of a stored alert."""
        return cls(id=alert.pk, kpi=alert.kpi.name, kind=alert.kind, direction=alert.direction, since=alert.since,
                   until=alert.until, weeks_or_days=alert.slots, actual=alert.actual, expected=alert.expected,
                   delta=alert.delta, delta_pct=alert.delta_pct, message=alert.message,
                   breakdown=AlertBreakdown.from_json(alert.breakdown) if alert.breakdown else None,
                   acknowledged_at=alert.acknowledged_at,
                   acknowledged_by=alert.acknowledged_by.username if alert.acknowledged_by else None)


def list_alerts(actor: User | None, *, include_acknowledged: bool = True, kpi: str | None = None) -> QuerySet[Alert]:
    """Alerts, open ones first, newest first."""
    read(actor)
    alerts = Alert.objects.select_related("kpi", "acknowledged_by").order_by(
        "acknowledged_at", "-since", "-pk")
    if not include_acknowledged:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    if kpi:
        alerts = alerts.filter(kpi__name=kpi)
    return alerts


def alert_views(actor: User | None, *, include_acknowledged: bool = True, kpi: str | None = None) -> list[AlertView]:
    """The alerts of :func:`list_alerts` as the API shows them."""
    return [AlertView.from_model(a) for a in list_alerts(actor, include_acknowledged=include_acknowledged, kpi=kpi)]


def open_alert_count(actor: User | None) -> int:
    """How many alerts nobody has acknowledged yet."""
    return list_alerts(actor, include_acknowledged=False).count()


def recent_open_alerts(actor: User | None, limit: int = 5) -> list[Alert]:
    """The newest open alerts."""
    read(actor)
    return list(Alert.objects.filter(acknowledged_at__isnull=True).select_related("kpi")
                .order_by("-since", "-pk")[:limit])


def get_alert(actor: User | None, alert_id: int) -> Alert:
    """One alert, or a NotFound that says how to list them."""
    try:
        return list_alerts(actor).get(pk=alert_id)
    except Alert.DoesNotExist:
        raise NotFound(f"There is no alert {alert_id}: GET /api/v1/strategy/alerts lists them.") from None


@transaction.atomic
def may_acknowledge(actor: User | None, alert: Alert) -> bool:
    """Whether ``actor`` may acknowledge ``alert``: those who edit strategy, and the owner of the alert's KPI."""
    return actor is None or has_perm(actor, Perm.EDIT_STRATEGY) or (
        alert.kpi.owner_id is not None and alert.kpi.owner_id == actor.pk)


def acknowledge_alert(actor: User | None, alert_id: int) -> Alert:
    """Mark an alert as seen, recording who and when (those who edit strategy, or the KPI's owner, may);
    acknowledging twice keeps the first."""
    alert = get_alert(actor, alert_id)
    if not may_acknowledge(actor, alert):
        raise PermissionDenied(f"Only a product leader or the owner of {alert.kpi.label} may acknowledge its "
                               "alerts: ask one of them.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = dj_timezone.now(), actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(actor, AuditEvent.Action.UPDATE, alert, summary=f"alert on {alert.kpi.name} acknowledged")
    return alert


# --- raising alerts (during a refresh) ---------------------------------------------------------------------


def _announce(alert: Alert) -> None:
    """Tell listeners (the reports app delivers alerts) once the alert is committed."""
    from headway.strategy.signals import alert_raised

    transaction.on_commit(lambda: alert_raised.send(sender=Alert, alert_id=alert.pk, kpi=alert.kpi.name))


def raise_status_alert(kpi: Kpi, previous: KpiProgress | None, row: KpiProgress, as_of: date,
                       alerts: list[str] | None) -> None:
    """Store an alert for a current-quarter status that turned off track (unless one is open already)."""
    if Alert.objects.filter(kpi=kpi, kind=Alert.Kind.OFF_TRACK, acknowledged_at__isnull=True).exists():
        return
    result = KpiStatus(
        status="off_track", rule=row.rule, target=float(row.target or 0.0), direction=direction_of(kpi.direction),
        aggregation=how_of(kpi.aggregation), level=row.level, projection=float(row.projection or 0.0),
        lower=float(row.lower or 0.0), upper=float(row.upper or 0.0), period_to_date=row.period_to_date,
        current=row.current, current_date=row.current_date, days_elapsed=row.days_elapsed,
        days_total=row.days_total, model=row.model)
    found = status_alert(kpi.label, status_name(previous.status if previous else None), result, as_of)
    if found is not None and not Alert.objects.filter(kpi=kpi, kind=found.kind, since=found.since).exists():
        stored = Alert.objects.create(kpi=kpi, kind=found.kind, direction=found.direction, since=found.since,
                                      until=found.until, slots=found.slots, actual=found.actual,
                                      expected=found.expected, delta=found.delta, delta_pct=found.delta_pct,
                                      message=found.message)
        _announce(stored)
        if alerts is not None:
            alerts.append(found.message)


def _filter_text(flt: Any) -> str:
    value = flt.value
    if isinstance(value, tuple | list):
        value = ",".join(str(v) for v in value)
    return f"{flt.property}:{flt.op}" + ("" if value is None else f":{value}")


def _simple_metric(name: str) -> Any:
    """The catalogue's simple metric behind ``name`` (a ratio's numerator), whose counts can be split."""
    from headway.analytics import services as analytics

    catalog = analytics.metric_catalog()
    metric = catalog.metrics.get(name)
    while metric is not None and metric.type == "ratio":
        metric = catalog.metrics.get(metric.numerator or "")
    return metric if metric is not None and metric.type == "simple" else None


@dataclass
class SegmentCache:
    """The splits of one refresh, shared by KPIs with the same numerator (see :func:`metric_segments`)."""

    splits: dict[tuple[Any, ...], dict[str, list[float]] | None] = field(default_factory=dict)
    #: (event, filters, first day, last day, property) with too many values: this depends on what is
    #: counted, never on the math, so a property found too varied for one metric is skipped for the others.
    too_varied: set[tuple[Any, ...]] = field(default_factory=set)


def metric_segments(actor: User | None, metric_name: str, dates: Sequence[date],
                    cache: SegmentCache | None = None) -> dict[str, dict[str, list[float]]]:
    """The metric (or a ratio's numerator) split by each event property, aligned with ``dates``.

    Properties starting with ``$`` and those with more than BREAKDOWN_LIMIT values are left out.
    """
    from headway.analytics import services as analytics

    metric = _simple_metric(metric_name)
    if metric is None or not dates:
        return {}
    cache = SegmentCache() if cache is None else cache
    where = [_filter_text(f) for f in metric.where]
    segments: dict[str, dict[str, list[float]]] = {}
    for prop in analytics.property_names(actor, metric.event):
        if prop.startswith("$"):
            continue
        values_key = (metric.event, tuple(where), dates[0], dates[-1], prop)
        if values_key in cache.too_varied:
            continue
        query_key = (*values_key, metric.math, metric.math_property)
        if query_key not in cache.splits:
            query = {"event": metric.event, "math": metric.math, "math_property": metric.math_property,
                     "interval": "day", "date_from": dates[0], "date_to": dates[-1], "where": where,
                     "breakdown": prop, "breakdown_limit": BREAKDOWN_LIMIT}
            result = analytics.trends(actor, query)
            if any(s.is_other for s in result.series):
                cache.too_varied.add(values_key)
                continue
            index = {label.date(): i for i, label in enumerate(result.labels)}
            cache.splits[query_key] = None if len(result.series) < 2 else {
                str(s.breakdown_value): [float(s.data[index[d]]) if d in index else 0.0 for d in dates]
                for s in result.series
            }
        split = cache.splits[query_key]
        if split is not None:
            segments[prop] = split
    return segments


def _ratio_parts(name: str) -> tuple[str, str] | None:
    """The simple numerator and denominator of a ratio metric, or None for any other metric."""
    from headway.analytics import services as analytics

    catalog = analytics.metric_catalog()
    metric = catalog.metrics.get(name)
    if metric is None or metric.type != "ratio" or not metric.numerator or not metric.denominator:
        return None
    parts = [catalog.metrics.get(metric.numerator), catalog.metrics.get(metric.denominator)]
    if any(p is None or p.type != "simple" for p in parts):
        return None
    return metric.numerator, metric.denominator


def _explain_ratio(kpi: Kpi, found: list[EngineAlert], weeks: Sequence[date], dates: Sequence[date],
                   parts: tuple[str, str], actor: User | None,
                   cache: SegmentCache | None) -> list[EngineAlert]:
    """The alerts of a ratio KPI, each explained by the ratio's own breakdown (numerator and denominator split
    by the same property, see :func:`headway.strategy.engine.ratio.explain_ratio_change`), not its numerator's."""
    grid = [dates[0] + timedelta(days=i) for i in range((dates[-1] - dates[0]).days + 1)]
    try:
        splits = [metric_segments(actor, part, grid, cache) for part in parts]
    except HeadwayError:
        return found
    weekly = [{prop: {value: _weekly(grid, series, "sum").values for value, series in split.items()}
               for prop, split in by_prop.items()} for by_prop in splits]
    slot = {d: i for i, d in enumerate(weeks)}
    explained = []
    for alert in found:
        if alert.since not in slot or alert.until not in slot:
            explained.append(alert)
            continue
        first, last = slot[alert.since], slot[alert.until]
        breakdown = explain_ratio_change(weekly[0], weekly[1], range(max(0, first - BASELINE_SLOTS), first),
                                         range(first, last + 1), ratio=kpi.label)
        explained.append(alert if breakdown is None else
                         replace(alert, breakdown=breakdown, message=f"{alert.message} {breakdown.sentence}"))
    return explained


def _weekly(dates: Sequence[date], values: Sequence[float], how: str) -> Series:
    return aggregate(regular(values, dates, "day"), "week", how_of(how))


def detect_alerts(kpi: Kpi, as_of: date, alerts: list[str] | None = None,
                  segments_cache: SegmentCache | None = None, *, actor: User | None = None) -> int:
    """Store an alert for each run of ALERT_MIN_WEEKS or more whole weeks outside the KPI's expected band
    (weeks add up the days by the KPI's aggregation), with the property that explains most of the change
    for metric KPIs; returns how many are new. ``segments_cache``: see :func:`metric_segments`."""
    dates, values = history(kpi, as_of)
    if len(dates) < 7 * ALERT_MIN_HISTORY_WEEKS:
        return 0
    try:
        weeks = _weekly(dates, values, kpi.aggregation)
        found = detect_anomalies(weeks.values, weeks.dates, kpi.label, level=ALERT_LEVEL, freq="week",
                                 min_slots=ALERT_MIN_WEEKS)
    except HeadwayError:
        return 0
    new = [a for a in found if not Alert.objects.filter(kpi=kpi, kind=Alert.Kind.ANOMALY, since=a.since).exists()]
    if not new:
        return 0
    ratio = _ratio_parts(kpi.metric) if kpi.source == Kpi.Source.METRIC else None
    if ratio is not None:
        new = _explain_ratio(kpi, new, weeks.dates, dates, ratio, actor, segments_cache)
    elif kpi.source == Kpi.Source.METRIC:
        grid = [dates[0] + timedelta(days=i) for i in range((dates[-1] - dates[0]).days + 1)]
        try:
            daily = metric_segments(actor, kpi.metric, grid, segments_cache)
            base = _simple_metric(kpi.metric)
            how = kpi.aggregation if base is not None and base.name == kpi.metric else "sum"  # a ratio: its numerator
            segments = {prop: {value: _weekly(grid, series, how).values for value, series in split.items()}
                        for prop, split in daily.items()}
        except HeadwayError:
            segments = {}
        if segments:
            explained = detect_anomalies(weeks.values, weeks.dates, kpi.label, level=ALERT_LEVEL, freq="week",
                                         min_slots=ALERT_MIN_WEEKS, segments=segments)
            by_since = {a.since: a for a in explained}
            new = [by_since.get(a.since, a) for a in new]
    for alert in new:
        breakdown = None
        if alert.breakdown is not None:
            breakdown = {"property": alert.breakdown.property, "sentence": alert.breakdown.sentence,
                         "kind": "ratio" if ratio is not None else "total",
                         "scores": alert.breakdown.scores,
                         "segments": [{"value": s.value, "before": s.before, "after": s.after, "delta": s.delta,
                                       "share": s.share} for s in alert.breakdown.segments]}
        stored = Alert.objects.create(kpi=kpi, kind=Alert.Kind.ANOMALY, direction=alert.direction,
                                      since=alert.since, until=alert.until, slots=alert.slots, actual=alert.actual,
                                      expected=alert.expected, delta=alert.delta, delta_pct=alert.delta_pct,
                                      message=alert.message, breakdown=breakdown)
        _announce(stored)
        if alerts is not None:
            alerts.append(alert.message)
    return len(new)
