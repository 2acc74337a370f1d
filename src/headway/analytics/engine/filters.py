"""Event property access and :class:`Filter` predicates as Ibis expressions (the same on every backend).

Properties are stored as JSON text. A property's *text* is its value when it is a JSON string, number or
boolean (objects, arrays and JSON null have no text), its *number* is set only for JSON numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis
import ibis.expr.types as ir

from headway.analytics.engine.types import FILTER_OPS, Filter
from headway.core.errors import ValidationError

NUMERIC_OPS = {"gt": "__gt__", "gte": "__ge__", "lt": "__lt__", "lte": "__le__"}


def check_property_name(key: str) -> None:
    """Raise ValidationError for a property name no backend can look up as one key.

    A backslash cannot be written into DuckDB's quoted JSON-path key (``a\\"b`` ends the key early), so such a
    name is refused up front, on every backend alike, with a message instead of a failing query.
    """
    if not isinstance(key, str) or not key:
        raise ValidationError("a property name is needed, e.g. plan or $current_url")
    if "\\" in key:
        raise ValidationError(
            f"the property name {key!r} holds a backslash, which cannot be queried: rename the property "
            "(e.g. replace \\ with /) when sending events",
            details={"property": key},
        )
    if len(key) > 200:
        raise ValidationError(f"a property name has at most 200 characters, this one {len(key)}",
                              details={"property": key[:200]})


def prop(events: ir.Table, key: str) -> ir.JSONValue:
    """The JSON value of property ``key``."""
    check_property_name(key)
    json: ir.JSONValue = events.properties.cast("json")
    return json[key]


def prop_text(events: ir.Table, key: str) -> ir.StringValue:
    """Property ``key`` as text: strings as they are, numbers and booleans written out; else NULL."""
    value = prop(events, key)
    scalar = value.float.notnull() | value.bool.notnull()  # a number or boolean: its JSON literal
    text: ir.StringValue = ibis.coalesce(
        value.str, ibis.cases((scalar, value.cast("string")), else_=ibis.null("string"))
    )
    return text


def prop_number(events: ir.Table, key: str) -> ir.FloatingValue:
    """Property ``key`` as a float when it is a JSON number, else NULL."""
    number: ir.FloatingValue = prop(events, key).float
    return number


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare_as(events: ir.Table, key: str, value: Any) -> ir.Value:
    if isinstance(value, bool):
        return prop(events, key).bool
    if _is_number(value):
        return prop_number(events, key)
    if isinstance(value, str):
        return prop_text(events, key)
    raise ValidationError(f"filter on {key!r}: value {value!r} must be text, a number or a boolean")


def check_filter(item: Filter) -> None:
    """Raise ValidationError when ``item`` cannot be applied (unknown op, value of the wrong kind)."""
    if not isinstance(item.property, str) or not item.property:
        raise ValidationError("a filter needs a property name, e.g. Filter('plan', 'eq', 'pro')")
    if item.op not in FILTER_OPS:
        raise ValidationError(f"unknown filter op {item.op!r}: use one of {', '.join(FILTER_OPS)}")
    if item.op in NUMERIC_OPS and not _is_number(item.value):
        raise ValidationError(f"filter {item.property} {item.op} needs a number, not {item.value!r}")
    if item.op == "contains" and not isinstance(item.value, str):
        raise ValidationError(f"filter {item.property} contains needs text, not {item.value!r}")
    if item.op == "in" and (isinstance(item.value, str) or not isinstance(item.value, Iterable)):
        raise ValidationError(f"filter {item.property} in needs a list of values, not {item.value!r}")
    if item.op in ("eq", "neq") and item.value is None:
        raise ValidationError(f"filter {item.property} {item.op} needs a value; use is_set or is_not_set")


def predicate(events: ir.Table, item: Filter) -> ir.BooleanValue:
    """The Ibis condition of one filter on ``events``.

    ``neq`` and ``is_not_set`` match events without the property (as PostHog's "is not" does);
    ``contains`` is case-insensitive.
    """
    check_filter(item)
    key, op, value = item.property, item.op, item.value
    result: ir.BooleanValue
    if op == "is_set":
        result = prop_text(events, key).notnull()
    elif op == "is_not_set":
        result = prop_text(events, key).isnull()
    elif op == "eq":
        result = _compare_as(events, key, value) == value
    elif op == "neq":
        compared = _compare_as(events, key, value)
        result = (compared != value) | compared.isnull()
    elif op in NUMERIC_OPS:
        result = getattr(prop_number(events, key), NUMERIC_OPS[op])(value)
    elif op == "contains":
        result = prop_text(events, key).lower().contains(str(value).lower())
    else:  # in
        values = list(value)
        if not values:
            raise ValidationError(f"filter {key} in needs at least one value")
        parts = [_compare_as(events, key, v) == v for v in values]
        result = parts[0]
        for part in parts[1:]:
            result = result | part
        result = result.fill_null(False)
    return result


def where_all(events: ir.Table, where: Iterable[Filter]) -> ir.Table:
    """``events`` restricted to the rows that match every filter."""
    conditions = [predicate(events, item) for item in where]
    return events.filter(*conditions) if conditions else events


def one_if(condition: ir.BooleanValue) -> ir.IntegerValue:
    """1 where ``condition`` holds, else 0 (PostgreSQL can neither sum nor cast a boolean to bigint)."""
    one: ir.IntegerValue = ibis.cases((condition, 1), else_=0)
    return one
