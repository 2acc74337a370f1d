"""Reading KPIs as every face shows them: a KPI's summary for a period (raw and as text), the KPI detail
chart's series, and the dashboard (North Star, KPI tree with sparklines, goals, alerts, pinned insights)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from headway.core.models import User
from headway.core.services import get_workspace
from headway.strategy.display import STATUS_LABELS, format_value
from headway.strategy.models import Alert, Kpi, KpiProgress, KpiValue, Period
from headway.strategy.services._common import STATUS_LEVEL, history, read
from headway.strategy.services.alerts import open_alert_count, recent_open_alerts
from headway.strategy.services.freshness import cached, data_version
from headway.strategy.services.goals import GoalView, goal_views, list_goals
from headway.strategy.services.kpis import get_kpi
from headway.strategy.services.periods import current_as_of, current_period, resolve_period
from headway.strategy.services.progress import refresh_progress

#: Days of values in the dashboard's sparklines.
SPARK_DAYS = 56


@dataclass
class KpiSummary:
    """A KPI's numbers for one period, as every face shows them (raw and as text)."""

    name: str
    label: str
    unit: str
    direction: str
    aggregation: str
    source: str
    metric: str
    owner: str
    parent: str | None
    north_star: bool
    period: str
    period_start: date
    period_end: date
    status: str
    status_label: str
    rule: str
    target: float | None
    projection: float | None
    lower: float | None
    upper: float | None
    period_to_date: float | None
    current: float | None
    current_date: date | None
    days_elapsed: int
    days_total: int
    model: str
    error: str
    as_of: date | None
    display: dict[str, str]
    spark: list[float] = field(default_factory=list)


@dataclass
class ChartPoint:
    """One day of the KPI chart: an actual value, or the forecast with its interval."""

    date: str
    series: str
    value: float
    lower: float | None = None
    upper: float | None = None


@dataclass
class KpiChart:
    """The KPI detail chart's data: the summary, the actuals (running totals for summed KPIs), the forecast
    with its interval to the period's end, and the target."""

    summary: KpiSummary
    cumulative: bool
    actual: list[ChartPoint]
    forecast: list[ChartPoint]
    target: float | None


@dataclass
class PinnedInsight:
    """A saved insight pinned to the dashboard."""

    id: int
    name: str


@dataclass
class Dashboard:
    """What the dashboard shows."""

    period: Period
    as_of: date
    north_star: KpiSummary | None
    kpis: list[KpiSummary]
    goals: list[GoalView]
    alerts: list[Alert]
    open_alerts: int
    insights: list[PinnedInsight]


def card_value(display: dict[str, str], progress: KpiProgress | None, period: Period) -> tuple[str, str]:
    """The number a KPI card puts next to its target, on the target's basis (like with like): the projection
    for the period (what the status rule compares with the period's target); without one, the period's value
    so far; without that, the latest day's value. Returns the text and the basis it is on."""
    if progress is not None and progress.projection is not None:
        return display["projection"], f"projected for {period.name}"
    if progress is not None and progress.period_to_date is not None:
        return display["period_to_date"], f"so far in {period.name}"
    return display["current"], "latest day"


def summarize(kpi: Kpi, period: Period, progress: KpiProgress | None, currency: str,
              last_value: tuple[date, float] | None = None) -> KpiSummary:
    """The summary of a KPI for a period from its precomputed progress."""
    p = progress
    current = p.current if p and p.current is not None else (last_value[1] if last_value else None)
    current_date = p.current_date if p and p.current_date else (last_value[0] if last_value else None)
    status = p.status if p else KpiProgress.Status.NO_DATA
    fmt = {key: format_value(getattr(p, key, None) if p else None, kpi.unit, currency)
           for key in ("target", "projection", "lower", "upper", "period_to_date")}
    fmt["current"] = format_value(current, kpi.unit, currency)
    fmt["card"], fmt["card_basis"] = card_value(fmt, p, period)
    return KpiSummary(
        name=kpi.name, label=kpi.label, unit=kpi.unit, direction=kpi.direction, aggregation=kpi.aggregation,
        source=kpi.source, metric=kpi.metric, owner=kpi.owner.name if kpi.owner else "",
        parent=kpi.parent.name if kpi.parent else None, north_star=kpi.is_north_star,
        period=period.name, period_start=period.start, period_end=period.end, status=status,
        status_label=STATUS_LABELS.get(status, status),
        rule=p.rule if p else "not computed yet: refresh the KPIs",
        target=p.target if p else None, projection=p.projection if p else None, lower=p.lower if p else None,
        upper=p.upper if p else None, period_to_date=p.period_to_date if p else None, current=current,
        current_date=current_date, days_elapsed=p.days_elapsed if p else 0,
        days_total=p.days_total if p else period.days, model=p.model if p else "", error=kpi.last_error,
        as_of=p.as_of if p else None, display=fmt,
    )


def kpi_summaries(actor: User | None, period: str | None = None, *, spark_days: int = 0) -> list[KpiSummary]:
    """Every KPI's summary for ``period`` (default: the current quarter), with ``spark_days`` of values."""
    read(actor)
    chosen = resolve_period(actor, period) if period else current_period()
    kpis = list(Kpi.objects.select_related("owner", "parent"))
    progress = {p.kpi_id: p for p in KpiProgress.objects.filter(period=chosen)}
    currency = get_workspace().currency
    as_of = current_as_of()
    recent: dict[int, list[tuple[date, float]]] = {}
    since = as_of - timedelta(days=max(spark_days, 1) - 1) if spark_days else None
    missing = [k.pk for k in kpis if k.pk not in progress or progress[k.pk].current is None]
    if spark_days or missing:
        rows = KpiValue.objects.filter(date__lte=as_of)
        rows = rows.filter(date__gte=since) if since and not missing else rows
        for kpi_id, day, value in rows.order_by("date").values_list("kpi_id", "date", "value"):
            recent.setdefault(kpi_id, []).append((day, value))
    result = []
    for kpi in kpis:
        values = recent.get(kpi.pk, [])
        summary = summarize(kpi, chosen, progress.get(kpi.pk), currency, values[-1] if values else None)
        if spark_days and since:
            summary.spark = [v for d, v in values if d >= since]
        result.append(summary)
    return result


def kpi_summary(actor: User | None, name: str, period: str | None = None) -> KpiSummary:
    """One KPI's summary for ``period`` (default: the current quarter)."""
    kpi = get_kpi(actor, name)
    chosen = resolve_period(actor, period) if period else current_period()
    progress = KpiProgress.objects.filter(kpi=kpi, period=chosen).first()
    if progress is None and period:
        refresh_progress(kpi, periods=[chosen])
        progress = KpiProgress.objects.filter(kpi=kpi, period=chosen).first()
    last = kpi.values.order_by("-date").values_list("date", "value").first()
    return summarize(kpi, chosen, progress, get_workspace().currency, last)


def kpi_chart_data(actor: User | None, name: str, period: str | None = None) -> KpiChart:
    """The KPI detail chart's rows: daily (or running-total) actuals, the forecast with its interval to the
    period's end, and the target, for ``period`` (default: the current quarter)."""
    from headway.strategy.engine.forecast import model_for
    from headway.strategy.engine.series import regular

    summary = kpi_summary(actor, name, period)
    kpi = get_kpi(actor, name)
    as_of = summary.as_of or current_as_of()
    dates, values = history(kpi, as_of)
    start, end = summary.period_start, summary.period_end
    cumulative = kpi.aggregation == Kpi.Aggregation.SUM
    shown_from = start if cumulative else max(start - timedelta(days=28), dates[0] if dates else start)
    actual: list[ChartPoint] = []
    running = 0.0
    for day, value in zip(dates, values, strict=True):
        if shown_from <= day <= end:
            running += value if day >= start else 0.0
            actual.append(ChartPoint(date=day.isoformat(), series="actual", value=running if cumulative else value))
    band: list[ChartPoint] = []
    if dates and end > dates[-1] and len(dates) >= 2:
        model = model_for(regular(values, dates, "day"))
        horizon = (end - dates[-1]).days
        done = running if cumulative else 0.0
        first = max(1, (start - dates[-1]).days)
        mean = model.predict(horizon)
        lows, highs = model.interval(horizon, STATUS_LEVEL)
        for h in range(first, horizon + 1):
            day = dates[-1] + timedelta(days=h)
            if cumulative:
                total, low, high = model.total(first, h, STATUS_LEVEL)
                point, low, high = done + total, done + low, done + high
            else:
                point, low, high = mean[h - 1], lows[h - 1], highs[h - 1]
            band.append(ChartPoint(date=day.isoformat(), series="forecast", value=point, lower=low, upper=high))
    return KpiChart(summary=summary, cumulative=cumulative, actual=actual, forecast=band, target=summary.target)


def dashboard(actor: User | None, version: str | None = None) -> Dashboard:
    """What the dashboard shows, read from precomputed values: the North Star, the KPI tree with
    sparklines, the current period's goals with progress, recent alerts and pinned saved insights.

    Computed once per data version (:func:`~headway.strategy.services.freshness.data_version`, read now unless
    given) and shared by every reader: nothing in it depends on who reads beyond the read permission."""
    read(actor)
    return cached("dashboard", version or data_version(), lambda: _dashboard(actor))


def _dashboard(actor: User | None) -> Dashboard:
    period = current_period()
    kpis = kpi_summaries(actor, spark_days=SPARK_DAYS)
    return Dashboard(
        period=period, as_of=current_as_of(), north_star=next((k for k in kpis if k.north_star), None), kpis=kpis,
        goals=goal_views(actor, list_goals(actor, period.name)), alerts=recent_open_alerts(actor),
        open_alerts=open_alert_count(actor), insights=_pinned_insights(actor),
    )


def _pinned_insights(actor: User | None) -> list[PinnedInsight]:
    from headway.analytics import services as analytics

    return [PinnedInsight(id=i.id, name=i.name) for i in analytics.list_insights(actor)
            if getattr(i, "pinned", False)][:6]
