"""``{{ value|num }}``: a number as the API and CLI print it (up to 4 decimals, no trailing zeros);
``{% column_label name %}``: a roadmap column's heading."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def num(value: object) -> str:
    """62.5 stays 62.5, 31.0 becomes 31, 8.333333 becomes 8.3333; anything else is shown as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{round(float(value), 4):g}"
    return "" if value is None else str(value)


@register.simple_tag
def column_label(name: str) -> str:
    """``end_quarter`` becomes "End quarter", ``id`` "Id"."""
    return str(name).replace("_", " ").capitalize()
