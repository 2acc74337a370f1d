"""Targets: what a KPI should reach over a period (a total, an average or a final value, by its aggregation),
set one by one or imported from CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from headway.core import audit
from headway.core.errors import HeadwayError, ValidationError
from headway.core.models import AuditEvent, User
from headway.strategy import importers
from headway.strategy.models import Kpi, KpiTarget, Period
from headway.strategy.services._common import edit
from headway.strategy.services.kpis import get_kpi
from headway.strategy.services.periods import resolve_period
from headway.strategy.services.progress import refresh_progress


@dataclass
class TargetView:
    """A KPI's target for a period."""

    kpi: str
    period: str
    period_start: dt.date
    period_end: dt.date
    value: float

    @classmethod
    def from_model(cls, target: KpiTarget) -> TargetView:
        """The view of a stored target."""
        return cls(kpi=target.kpi.name, period=target.period.name, period_start=target.period.start,
                   period_end=target.period.end, value=target.value)


def _target_value(kpi: Kpi, value: object) -> float:
    try:
        return importers.parse_number(str(value), kpi.unit)
    except ValueError as exc:
        raise ValidationError(f"The target of {kpi.name} is not valid: {exc}.", details={"target": str(exc)}) from None


@transaction.atomic
def set_target(actor: User | None, name: str, period: str, value: object) -> KpiTarget:
    """Set what a KPI should reach over a period (a total, an average or a final value, by its aggregation)."""
    edit(actor)
    kpi = get_kpi(actor, name)
    number = _target_value(kpi, value)
    target = _save_target(actor, kpi, resolve_period(actor, period), number)
    refresh_progress(kpi, periods=[target.period])
    return target


def _save_target(actor: User | None, kpi: Kpi, period: Period, number: float) -> KpiTarget:
    target, created = KpiTarget.objects.update_or_create(kpi=kpi, period=period,
                                                         defaults={"value": number, "set_by": actor})
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, target,
                 summary=f"target of KPI {kpi.name} for {period.name}: {number:g}")
    return target


@transaction.atomic
def import_targets(actor: User | None, name: str, text: str) -> list[KpiTarget]:
    """Set a KPI's targets from CSV (``period,target``): every line checked, all or nothing."""
    edit(actor)
    kpi = get_kpi(actor, name)
    rows = importers.read_targets(text, kpi.unit)
    problems: list[dict[str, object]] = []
    periods: list[Period] = []
    for row in rows:
        try:
            periods.append(resolve_period(actor, row.period))
        except HeadwayError as exc:
            problems.append({"line": row.line, "message": exc.message})
    if problems:
        raise ValidationError(
            f"{len(problems)} of {len(rows)} target rows are not valid, so nothing was imported: "
            + "; ".join(f"line {p['line']}: {p['message']}" for p in problems[:5]), details=problems)
    targets = [_save_target(actor, kpi, p, r.value) for p, r in zip(periods, rows, strict=True)]
    refresh_progress(kpi, periods=periods)
    return targets


def list_targets(actor: User | None, name: str) -> QuerySet[KpiTarget]:
    """A KPI's targets by period."""
    return get_kpi(actor, name).targets.select_related("period").order_by("period__start")
