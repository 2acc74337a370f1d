"""The plain values the analytics engine takes and returns (no Django, no Ibis)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from headway.analytics.engine.cohorts import InCohort

Math = Literal[
    "total", "unique_users", "weekly_active", "monthly_active", "sum", "avg", "min", "max", "median"
]
Interval = Literal["hour", "day", "week", "month"]
WeekStart = Literal["monday", "sunday"]
FilterOp = Literal["eq", "neq", "gt", "gte", "lt", "lte", "contains", "in", "is_set", "is_not_set"]

MATHS: tuple[str, ...] = (
    "total", "unique_users", "weekly_active", "monthly_active", "sum", "avg", "min", "max", "median"
)
PROPERTY_MATHS: tuple[str, ...] = ("sum", "avg", "min", "max", "median")
ACTIVE_WINDOWS: dict[str, int] = {"weekly_active": 7, "monthly_active": 30}
INTERVALS: tuple[str, ...] = ("hour", "day", "week", "month")
FILTER_OPS: tuple[str, ...] = (
    "eq", "neq", "gt", "gte", "lt", "lte", "contains", "in", "is_set", "is_not_set"
)
DateLike = date | datetime | str
OTHER = "Other"


@dataclass(frozen=True)
class Filter:
    """A condition on an event property: ``Filter("plan", "eq", "pro")``.

    ``value`` is compared as text when it is a string, as a number when it is an int or float, and as a
    boolean when it is a bool; ``in`` takes a list; ``is_set`` and ``is_not_set`` take no value.
    """

    property: str
    op: FilterOp = "eq"
    value: Any = None


@dataclass(frozen=True)
class EventSeries:
    """One series of a multi-series trend (``A``, ``B``, ... in a formula)."""

    event: str | None
    math: Math = "total"
    math_property: str | None = None
    where: tuple[Filter | InCohort, ...] = ()  # InCohort: only (or not) the events of a cohort's persons


@dataclass(frozen=True)
class Series:
    """One line of a trend: ``data[i]`` is the value of the interval starting at ``labels[i]``.

    ``breakdown_value`` is the property value (``None`` for events without it, ``"Other"`` for the values
    beyond the breakdown limit, with ``is_other`` set); ``compare`` is ``"current"`` or ``"previous"``
    when the trend compares to the previous period, else ``None``.
    """

    label: str
    breakdown_value: str | None
    data: list[float]
    is_other: bool = False
    compare: str | None = None
    labels: list[datetime] = field(default_factory=list)

    @property
    def total(self) -> float:
        """The sum of the series (the "big number" of a total trend)."""
        return float(sum(self.data))


@dataclass(frozen=True)
class TrendsResult:
    """A trend: interval starts (naive, in the store's timezone) and one or more series."""

    labels: list[datetime]
    series: list[Series]
    interval: str
    timezone: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: ISO labels and plain lists."""
        return {
            "interval": self.interval,
            "timezone": self.timezone,
            "labels": [label.isoformat() for label in self.labels],
            "series": [
                {
                    "label": s.label,
                    "breakdown_value": s.breakdown_value,
                    "is_other": s.is_other,
                    "compare": s.compare,
                    "labels": [label.isoformat() for label in s.labels],
                    "data": s.data,
                }
                for s in self.series
            ],
        }


@dataclass(frozen=True)
class Rejected:
    """A row that was not ingested: its 1-based number in the source and why."""

    row: int
    reason: str


@dataclass
class IngestReport:
    """What an ingest did: rows added, rows already there (same uuid), rows rejected."""

    ingested: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class StoreStats:
    """What a store holds: event counts per name, the time span, distinct ids and persons."""

    events: int
    by_event: dict[str, int]
    first: datetime | None
    last: datetime | None
    distinct_ids: int
    persons: int
