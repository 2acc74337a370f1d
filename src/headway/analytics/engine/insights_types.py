"""Plain inputs and results of the behavioural insights (funnels, retention, stickiness, lifecycle, paths).

Every result can name the persons behind any of its numbers: ``result.persons(...)`` runs one more query on
the store the result came from and returns the person ids, sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from headway.analytics.engine.types import Filter
from headway.core.errors import ValidationError

FunnelOrder = Literal["ordered", "strict", "unordered"]
RetentionKind = Literal["recurring", "first_time"]
RetentionMode = Literal["on", "on_or_after"]
LifecycleStatus = Literal["new", "returning", "resurrecting", "dormant"]
FUNNEL_ORDERS: tuple[str, ...] = ("ordered", "strict", "unordered")
RETENTION_KINDS: tuple[str, ...] = ("recurring", "first_time")
RETENTION_MODES: tuple[str, ...] = ("on", "on_or_after")
RETENTION_PERIODS: tuple[str, ...] = ("hour", "day", "week", "month")
LIFECYCLE_STATUSES: tuple[str, ...] = ("new", "returning", "resurrecting", "dormant")
PersonsFn = Callable[..., list[str]]


def _no_persons(**_: Any) -> list[str]:
    return []


@dataclass(frozen=True)
class InsightBreakdown:
    """The same insight over one group of a cohort breakdown: the persons of cohort ``value`` (not in an
    earlier cohort of the list), or of no listed cohort when ``value`` is None."""

    value: str | None
    result: Any


def breakdowns_dict(breakdowns: list[InsightBreakdown]) -> list[dict[str, Any]]:
    """JSON-ready breakdowns: each group's value and its result's own JSON form."""
    return [{"value": b.value, **b.result.as_dict()} for b in breakdowns]


def breakdown_part(breakdowns: list[InsightBreakdown], value: Any) -> Any:
    """The result of the breakdown group ``value`` (ValidationError listing the groups otherwise)."""
    for part in breakdowns:
        if part.value == value:
            return part.result
    known = ", ".join(repr(b.value) for b in breakdowns) or "none: run the insight with a cohort breakdown"
    raise ValidationError(f"there is no breakdown group {value!r}; the groups are {known}")


@dataclass(frozen=True)
class Step:
    """A funnel step with its own filters: ``Step("purchase", where=(Filter("plan", "eq", "pro"),))``."""

    event: str
    where: tuple[Filter, ...] = ()
    name: str | None = None

    @property
    def label(self) -> str:
        """The name shown for the step (``name`` or the event)."""
        return self.name or self.event


@dataclass(frozen=True)
class Exclusion:
    """Drop an attempt when ``event`` happens between steps ``from_step`` and ``to_step`` (0-based)."""

    event: str
    from_step: int
    to_step: int
    where: tuple[Filter, ...] = ()


@dataclass(frozen=True)
class FunnelStep:
    """One funnel step: persons who reached it, and the time from the previous step (seconds; None first)."""

    name: str
    count: int
    average_conversion_time: float | None
    median_conversion_time: float | None


@dataclass(frozen=True)
class HistogramBin:
    """Persons whose time to convert is in ``[start, end)`` seconds (the last bin includes ``end``)."""

    start: float
    end: float
    count: int


@dataclass(frozen=True)
class FunnelBreakdown:
    """The funnel of the persons whose attempt entered with property value ``value`` (None: not set)."""

    value: str | None
    steps: list[FunnelStep]


@dataclass(frozen=True)
class FunnelResult:
    """A funnel: ``steps[k].count`` persons reached step k+1 (all of them when there is a breakdown).

    ``persons(step=k)`` names the persons who reached step ``k`` (1-based); ``persons(step=k, dropped=True)``
    (or ``step=-k``) those who reached step k-1 but not step k. ``breakdown=value`` narrows to one value.
    ``histogram(from_step, to_step, bins)`` is the distribution of the time to convert (seconds).
    """

    steps: list[FunnelStep]
    breakdowns: list[FunnelBreakdown] = field(default_factory=list)
    order: str = "ordered"
    _persons: PersonsFn = field(default=_no_persons, repr=False, compare=False)
    _histogram: Callable[..., list[HistogramBin]] = field(default=lambda **_: [], repr=False, compare=False)

    def persons(self, *, step: int, dropped: bool = False, breakdown: Any = ..., limit: int | None = None) -> list[str]:
        """The persons behind a step count (see the class docstring)."""
        return self._persons(step=step, dropped=dropped, breakdown=breakdown, limit=limit)

    def histogram(self, *, from_step: int = 0, to_step: int | None = None, bins: int = 10) -> list[HistogramBin]:
        """Time-to-convert distribution between two 0-based steps (default: first to last) in ``bins`` bins."""
        return self._histogram(from_step=from_step, to_step=to_step, bins=bins)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "order": self.order,
            "steps": [vars(s) for s in self.steps],
            "breakdowns": [{"value": b.value, "steps": [vars(s) for s in b.steps]} for b in self.breakdowns],
        }


@dataclass(frozen=True)
class Cohort:
    """One retention row: the period ``start`` and ``values[j]``, persons retained j periods later.

    ``values[0]`` is the cohort size.
    """

    start: datetime
    values: list[int]


@dataclass(frozen=True)
class RetentionResult:
    """Retention cohorts (oldest first); ``persons(cohort=i, interval=j)`` names the persons of a cell."""

    cohorts: list[Cohort]
    period: str
    _persons: PersonsFn = field(default=_no_persons, repr=False, compare=False)
    breakdowns: list[InsightBreakdown] = field(default_factory=list)

    def persons(self, *, cohort: int, interval: int = 0, breakdown: Any = ..., limit: int | None = None) -> list[str]:
        """The persons of cohort ``cohort`` (0-based) counted at ``interval`` (0 = the cohort itself), of one
        breakdown group when ``breakdown`` is given."""
        if breakdown is not ...:
            found: list[str] = breakdown_part(self.breakdowns, breakdown).persons(cohort=cohort, interval=interval,
                                                                                 limit=limit)
            return found
        return self._persons(cohort=cohort, interval=interval, limit=limit)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "period": self.period,
            "cohorts": [{"start": c.start.isoformat(), "values": c.values} for c in self.cohorts],
            "breakdowns": breakdowns_dict(self.breakdowns),
        }


@dataclass(frozen=True)
class StickinessResult:
    """``data[k-1]``: persons active in exactly k intervals of the range (``labels[k-1]`` = "k days")."""

    labels: list[str]
    data: list[int]
    interval: str = "day"
    _persons: PersonsFn = field(default=_no_persons, repr=False, compare=False)
    breakdowns: list[InsightBreakdown] = field(default_factory=list)

    def persons(self, *, intervals: int, breakdown: Any = ..., limit: int | None = None) -> list[str]:
        """The persons active in exactly ``intervals`` intervals (of one breakdown group when given)."""
        if breakdown is not ...:
            found: list[str] = breakdown_part(self.breakdowns, breakdown).persons(intervals=intervals, limit=limit)
            return found
        return self._persons(intervals=intervals, limit=limit)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"interval": self.interval, "labels": self.labels, "data": self.data,
                "breakdowns": breakdowns_dict(self.breakdowns)}


@dataclass(frozen=True)
class LifecycleResult:
    """Per interval start in ``labels``: new, returning, resurrecting and dormant (negative) persons."""

    labels: list[datetime]
    new: list[int]
    returning: list[int]
    resurrecting: list[int]
    dormant: list[int]
    _persons: PersonsFn = field(default=_no_persons, repr=False, compare=False)
    breakdowns: list[InsightBreakdown] = field(default_factory=list)

    def persons(self, *, interval: int, status: str, breakdown: Any = ..., limit: int | None = None) -> list[str]:
        """The persons with ``status`` in the interval at index ``interval`` (0-based), of one breakdown
        group when ``breakdown`` is given."""
        if breakdown is not ...:
            found: list[str] = breakdown_part(self.breakdowns, breakdown).persons(interval=interval, status=status,
                                                                                 limit=limit)
            return found
        return self._persons(interval=interval, status=status, limit=limit)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "labels": [label.isoformat() for label in self.labels],
            "new": self.new,
            "returning": self.returning,
            "resurrecting": self.resurrecting,
            "dormant": self.dormant,
            "breakdowns": breakdowns_dict(self.breakdowns),
        }


@dataclass(frozen=True)
class PathEdge:
    """``count`` persons went from ``source`` (their step ``step``, 1-based) to ``target`` (step + 1)."""

    step: int
    source: str
    target: str
    count: int


@dataclass(frozen=True)
class PathsResult:
    """The transitions, by step then most frequent first; ``persons(step, source, target)`` names them."""

    edges: list[PathEdge]
    _persons: PersonsFn = field(default=_no_persons, repr=False, compare=False)
    breakdowns: list[InsightBreakdown] = field(default_factory=list)

    def persons(self, *, step: int, source: str, target: str, breakdown: Any = ...,
                limit: int | None = None) -> list[str]:
        """The persons behind one edge (of one breakdown group when ``breakdown`` is given)."""
        if breakdown is not ...:
            part = breakdown_part(self.breakdowns, breakdown)
            persons: list[str] = part.persons(step=step, source=source, target=target, limit=limit)
            return persons
        return self._persons(step=step, source=source, target=target, limit=limit)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"edges": [vars(e) for e in self.edges], "breakdowns": breakdowns_dict(self.breakdowns)}
