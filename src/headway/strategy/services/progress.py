"""A KPI's progress per period, from its stored values: the value so far, the projection to the period's end
with its interval, and the status against the target with the rule that decided it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from headway.core.errors import HeadwayError
from headway.strategy.engine import kpi_status
from headway.strategy.models import Kpi, KpiProgress, Period
from headway.strategy.services._common import STATUS_LEVEL, direction_of, history, how_of
from headway.strategy.services.alerts import raise_status_alert
from headway.strategy.services.periods import current_as_of, current_quarter, resolve_period


def _progress_periods(kpi: Kpi, as_of: date) -> list[Period]:
    periods = {t.period for t in kpi.targets.select_related("period")}
    periods.add(resolve_period(None, current_quarter(as_of).name))
    return sorted(periods, key=lambda p: (p.start, p.end))


def refresh_progress(kpi: Kpi, *, periods: Sequence[Period] | None = None, as_of: date | None = None,
                     alerts: list[str] | None = None) -> None:
    """Recompute a KPI's progress for ``periods`` (default: the current quarter and every period with a
    target) from its stored values; a current-quarter status turning off track raises an alert."""
    as_of = as_of or current_as_of()
    dates, values = history(kpi, as_of)
    targets = {t.period_id: t.value for t in kpi.targets.all()}
    current = current_quarter(as_of)
    for period in periods or _progress_periods(kpi, as_of):
        previous = KpiProgress.objects.filter(kpi=kpi, period=period).first()
        row = _progress(kpi, period, targets.get(period.pk), dates, values, as_of)
        if previous is not None:
            row.pk = previous.pk
        row.save()
        if period.start == current.start and period.end == current.end and row.status == "off_track":
            raise_status_alert(kpi, previous, row, as_of, alerts)


def _progress(kpi: Kpi, period: Period, target: float | None, dates: list[date], values: list[float],
              as_of: date) -> KpiProgress:
    row = KpiProgress(kpi=kpi, period=period, as_of=as_of, target=target, days_total=period.days,
                      level=STATUS_LEVEL)
    kept = [(d, v) for d, v in zip(dates, values, strict=True) if d <= min(as_of, period.end)]
    if not kept:
        row.status = KpiProgress.Status.NO_DATA
        row.rule = (f"no values up to {min(as_of, period.end)}: "
                    + ("refresh the KPIs" if kpi.source == Kpi.Source.METRIC
                       else f"import or enter the values of {kpi.name}"))
        return row
    try:
        result = kpi_status([v for _, v in kept], [d for d, _ in kept],
                            target if target is not None else 0.0, period.start, period.end,
                            direction=direction_of(kpi.direction), aggregation=how_of(kpi.aggregation),
                            level=STATUS_LEVEL)
    except HeadwayError as exc:
        row.status, row.rule = KpiProgress.Status.NO_DATA, exc.message
        return row
    row.projection, row.lower, row.upper = result.projection, result.lower, result.upper
    row.period_to_date, row.current, row.current_date = result.period_to_date, result.current, result.current_date
    row.days_elapsed, row.model = result.days_elapsed, result.model[:200]
    if target is None:
        row.status = KpiProgress.Status.NO_TARGET
        row.rule = f"no target for {period.name}: set the target of {kpi.name} for {period.name}"
    else:
        row.status, row.rule = result.status, result.rule
    return row
