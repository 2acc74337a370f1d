"""Periods: the workspace's today, fiscal quarters and custom ranges named by text, saved on first use."""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone as dj_timezone

from headway.core.errors import NotFound, ValidationError
from headway.core.models import User
from headway.core.services import get_workspace
from headway.strategy.engine.periods import PeriodSpan, parse_period, quarter_of
from headway.strategy.models import KpiProgress, Period
from headway.strategy.services._common import read


def today() -> date:
    """Today in the workspace's time zone."""
    ws = get_workspace()
    return dj_timezone.now().astimezone(zoneinfo.ZoneInfo(ws.timezone)).date()


def default_as_of() -> date:
    """The day KPIs are computed up to: yesterday in the workspace (today is not complete yet)."""
    return today() - timedelta(days=1)


def current_as_of() -> date:
    """The day of the latest computed progress, or :func:`default_as_of` before the first refresh."""
    latest: date | None = KpiProgress.objects.aggregate(day=Max("as_of"))["day"]
    return latest or default_as_of()


def list_periods(actor: User | None) -> QuerySet[Period]:
    """The periods goals and targets use, by start date."""
    read(actor)
    return Period.objects.all()


def period_span(text: str) -> PeriodSpan | None:
    """The span a period text names (see :func:`headway.strategy.engine.periods.parse_period`)."""
    return parse_period(text, current_as_of(), get_workspace().fiscal_year_start_month)


def resolve_period(actor: User | None, text: str | Period, *, create: bool = True) -> Period:
    """A period from ``current``, ``next``, ``FY2027 Q2``, ``2026-05-01..2026-07-31`` or a saved name.

    Fiscal quarters and date ranges are saved on first use (with ``create``).
    """
    read(actor)
    if isinstance(text, Period):
        return text
    text = str(text or "").strip()
    saved = Period.objects.filter(name=text).first()
    if saved is not None:
        return saved
    span = period_span(text) if text else None
    if span is None:
        raise ValidationError(
            f"{text!r} is not a period: use current, next, previous, a fiscal quarter such as "
            f"{quarter_of(current_as_of(), get_workspace().fiscal_year_start_month).name}, or a date range "
            "START..END such as 2026-05-01..2026-07-31.",
            details={"period": text},
        )
    existing = Period.objects.filter(start=span.start, end=span.end).first()
    if existing is not None:
        return existing
    if not create:
        raise NotFound(f"There is no period {span.name} yet: set a target or a goal for it first.")
    period, _ = Period.objects.get_or_create(name=span.name,
                                             defaults={"start": span.start, "end": span.end, "kind": span.kind})
    return period


def current_period() -> Period:
    """The fiscal quarter holding :func:`current_as_of` (created on first use)."""
    return resolve_period(None, "current")


def current_quarter(as_of: date) -> PeriodSpan:
    """The fiscal quarter that holds ``as_of`` (not saved)."""
    return quarter_of(as_of, get_workspace().fiscal_year_start_month)
