"""How every face writes a result: interval labels, percentages, the rows of a table and CSV.

A row is one line of the table an insight shows (``{"step": 1, "name": "visit", "persons": 3, ...}``): the same
keys in the API's ``rows``, the CLI's --csv and the web page's table (docs/analytics.md lists them per insight).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from headway.core.exports import csv_text

if TYPE_CHECKING:
    from headway.analytics.engine.insights_types import InsightBreakdown

Cell = str | int | float | None
Row = dict[str, Cell]
NONE_GROUP = "(none)"  # the group of persons in no listed cohort (or without the breakdown property)
WHOLE_GROUP = "(all)"  # the rows of the whole insight when it is broken down


def trends_label(label: date | datetime | str, interval: str = "day") -> str:
    """An interval start as text: a date for day and longer intervals, date and time for hours."""
    if isinstance(label, datetime):
        return label.isoformat(sep=" ", timespec="minutes") if interval == "hour" else label.date().isoformat()
    return label.isoformat() if isinstance(label, date) else str(label)


def percent(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole``, to 2 decimals (0 when ``whole`` is 0)."""
    return round(100.0 * part / whole, 2) if whole else 0.0


def seconds(value: float | None) -> float | None:
    """A duration in seconds to one decimal (None stays None)."""
    return None if value is None else round(float(value), 1)


def rows_as_csv(rows: Sequence[Row]) -> str:
    """Rows as CSV text with a header (the CLI's --csv and the web's download use it)."""
    return csv_text(list(rows[0]), rows) if rows else ""


R = TypeVar("R")


def group_name(value: str | None) -> str:
    """The name of a breakdown group as the rows show it ("(none)" for persons in no listed cohort)."""
    return NONE_GROUP if value is None else str(value)


def with_breakdowns(rows_of: Callable[[R], list[Row]]) -> Callable[[R], list[Row]]:
    """Rows of a result and, for a cohort breakdown, each group's rows after them, every row with a
    ``breakdown`` column ("(all)" for the whole, "(none)" for persons in no listed cohort)."""

    def rows(result: R) -> list[Row]:
        whole = rows_of(result)
        parts: Sequence[InsightBreakdown] = getattr(result, "breakdowns", None) or []
        if not parts:
            return whole
        out: list[Row] = [{"breakdown": WHOLE_GROUP, **row} for row in whole]
        for part in parts:
            out += [{"breakdown": group_name(part.value), **row} for row in rows_of(part.result)]
        return out

    return rows
