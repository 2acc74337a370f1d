"""Per-person bit masks of period indexes (bit ``i`` set: active in period ``i``), shared by retention, lifecycle
and the active-user trends: one hash aggregation per person instead of a window or a join per period."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

#: the most periods one mask holds (bits 0..61 of a signed 64-bit integer, on every backend)
MAX_BITS = 62


def power_of_two(index: ir.IntegerValue) -> ir.IntegerValue:
    """``2 ** index`` as a 64-bit integer (a bit of a period mask)."""
    one = ibis.literal(1).cast("int64")
    bit: ir.IntegerValue = one << index.cast("int32")  # PostgreSQL shifts a bigint by an int only
    return bit


def person_column(events: ir.Table) -> str:
    """The column that identifies a person in ``events``: the integer ``person_key`` where the backend keeps
    keys (grouping by an integer is cheaper), else ``person`` (insight_support.named turns keys into ids)."""
    return "person_key" if "person_key" in events.columns else "person"


def masks(rows: ir.Table, by: Sequence[str], name: str, bit_or: bool) -> ir.Table:
    """Per group of the ``by`` columns of ``rows``, the mask ``name`` of their period indexes ``idx``: one
    ``bit_or`` where the backend has it (capability ``bit_or``), else the sum over the distinct indexes (the same
    value, one more pass)."""
    if bit_or:
        return rows.group_by(*by).aggregate(**{name: power_of_two(rows.idx).bit_or()})
    distinct = rows.select(*by, "idx").distinct()
    return distinct.group_by(*by).aggregate(**{name: power_of_two(distinct.idx).sum()})


def any_bit(mask: ir.IntegerValue, first: int, count: int) -> ir.BooleanValue:
    """Whether ``mask`` has any of the ``count`` bits from bit ``first`` set."""
    bits = ibis.literal(((1 << count) - 1) << first, type="int64")
    hit: ir.BooleanValue = (mask & bits) != 0
    return hit


def has_bit(mask: ir.IntegerValue, index: int) -> ir.BooleanValue:
    """Whether bit ``index`` of ``mask`` is set (arithmetic: every backend has it)."""
    result: ir.BooleanValue = (mask // 2**index) % 2 == 1
    return result
