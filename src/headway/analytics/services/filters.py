"""Filters as every face writes them: ``property:op:value`` text, parsed once into the engine's Filter."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, cast

from headway.core.errors import ValidationError

if TYPE_CHECKING:
    from headway.analytics.engine.types import Filter, FilterOp

OPS = ("eq", "neq", "gt", "gte", "lt", "lte", "contains", "in", "is_set", "is_not_set")
Scalar = str | int | float | bool
FilterValue = Scalar | list[Scalar] | None


def parse_filter(text: str) -> Filter:
    """``property:op:value`` as an engine Filter; ``in`` takes a comma-separated list, numbers compare as numbers."""
    from headway.analytics.engine.types import Filter

    prop, sep, rest = text.partition(":")
    op, _, raw = rest.partition(":")
    op = op.strip().lower()
    if not sep or not prop.strip() or op not in OPS:
        raise ValidationError(
            f"The filter {text!r} is not property:op:value with op one of {', '.join(OPS)} "
            "(e.g. device:eq:mobile, amount:gt:100, country:in:US,CA, plan:is_set).",
            details={"where": text},
        )
    value: FilterValue
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
    return Filter(prop.strip(), cast("FilterOp", op), value)


def check_filters(value: list[str]) -> list[str]:
    """``value`` unchanged when every filter in it parses (a pydantic field validator of the requests)."""
    for text in value:
        parse_filter(text)
    return value


def _scalar(raw: str) -> Scalar:
    """Filter text as the value a JSON property holds: numbers and true/false typed, the rest text."""
    raw = raw.strip()
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    return parsed if isinstance(parsed, int | float | bool) else raw
