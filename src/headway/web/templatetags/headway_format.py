"""Template filters over the one formatting layer (:mod:`headway.core.formatting`):
``{{ value|number }}``, ``{{ share|percent }}``, ``{{ amount|money:workspace.currency }}``,
``{{ seconds|duration }}``, ``{{ enum_value|label }}``, ``{{ date|day }}``, ``{{ datetime|moment }}``."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from headway.core import formatting

register = template.Library()


def _float(value: object) -> float | None:
    try:
        return None if value is None or value == "" else float(str(value))
    except ValueError:
        return None


@register.filter
def number(value: object, decimals: int | None = None) -> str:
    """``1,234,568``; ``12.3``."""
    return formatting.number(_float(value), decimals)


@register.filter
def percent(value: object, ratio: bool = True) -> str:
    """A ratio as ``68.8 %`` (``|percent:False`` for a value already in percent)."""
    return formatting.percent(_float(value), ratio=ratio)


@register.filter
def money(value: object, currency: str = "USD") -> str:
    """``$36,621`` in the workspace currency (``|money:workspace.currency``)."""
    return formatting.money(_float(value), currency or "USD")


@register.filter
def duration(value: object) -> str:
    """Seconds as ``5 min``, ``3.5 h`` or ``5.4 days``."""
    return formatting.duration(_float(value))


@register.filter
def label(value: object) -> str:
    """``in_progress`` → ``In progress``."""
    return formatting.label(value)


@register.filter
def day(value: date | datetime | None) -> str:
    """``7 Dec 2026`` (a datetime in the current time zone)."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.day(value)


@register.filter
def moment(value: datetime | None) -> str:
    """``7 Dec 2026, 14:05`` in the current time zone."""
    if value is not None and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.moment(value)
