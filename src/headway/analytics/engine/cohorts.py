"""Cohorts: sets of persons defined by behaviour or by property, as Ibis tables of ``person``.

``PersonCohort((BehaviourRule("purchase", min_count=2, days=30),))`` is "did purchase at least twice in the 30
days before ``as_of``"; ``PropertyRule(Filter("plan", "eq", "pro"))`` is "the latest event that carries
``plan`` says pro" (events carry the properties; a person's property is its latest value). ``match="all"``
intersects the rules, ``"any"`` unites them. ``InCohort(cohort)`` in the ``where`` of a behavioural insight
keeps the events of the cohort's persons; :func:`cohort_breakdown` gives each person's first matching cohort.

One mechanism serves every insight: a ``where`` may hold ``InCohort`` items (:func:`check_where`,
:func:`apply_where`), and a breakdown by cohorts is the insight run once per group of
:func:`breakdown_groups` (each cohort's persons not in an earlier one, then the persons in none), each group
being a tuple of ``InCohort`` restrictions added to the ``where`` (:func:`split`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal, TypeVar

import ibis
import ibis.expr.types as ir

from headway.analytics.engine.filters import check_filter, predicate, prop_text, where_all
from headway.analytics.engine.insights_types import InsightBreakdown
from headway.analytics.engine.types import Filter
from headway.core.errors import ValidationError


@dataclass(frozen=True)
class BehaviourRule:
    """Persons who did ``event`` (matching ``where``) between ``min_count`` and ``max_count`` times (None:
    no upper bound) in the ``days`` days before the cohort's ``as_of``; ``min_count=0`` includes persons who
    never did it (among every person with an event)."""

    event: str
    min_count: int = 1
    max_count: int | None = None
    days: int = 30
    where: tuple[Filter, ...] = ()


@dataclass(frozen=True)
class PropertyRule:
    """Persons whose latest event carrying ``filter.property`` matches ``filter`` (for ``is_not_set``:
    persons with no event carrying it)."""

    filter: Filter


@dataclass(frozen=True)
class PersonCohort:
    """A set of persons: every rule (``match="all"``) or at least one (``"any"``), evaluated at ``as_of``."""

    rules: tuple[BehaviourRule | PropertyRule, ...]
    match: Literal["all", "any"] = "all"
    name: str = ""
    as_of: datetime | None = None  # when the look-back windows end (naive UTC); None: now


@dataclass(frozen=True)
class InCohort:
    """A ``where`` item of the behavioural insights: only the events of the cohort's persons (or, with
    ``negate``, of everyone else); ``as_of`` (naive UTC) defaults to now."""

    cohort: PersonCohort
    negate: bool = False
    as_of: datetime | None = None


WhereItem = Filter | InCohort
Restriction = tuple[InCohort, ...]
ResultT = TypeVar("ResultT")


def check(cohort: PersonCohort) -> None:
    """Raise ValidationError for a cohort that cannot be computed, saying how to fix it."""
    if not isinstance(cohort, PersonCohort):
        raise ValidationError(f"{cohort!r} is not a PersonCohort(rules, match)")
    if not cohort.rules:
        raise ValidationError("a cohort needs at least one rule, e.g. BehaviourRule('purchase', min_count=2)")
    if cohort.match not in ("all", "any"):
        raise ValidationError(f"cohort match must be 'all' or 'any', not {cohort.match!r}")
    for rule in cohort.rules:
        if isinstance(rule, BehaviourRule):
            if not isinstance(rule.event, str) or not rule.event:
                raise ValidationError("a behaviour rule needs an event name")
            if rule.min_count < 0 or (rule.max_count is not None and rule.max_count < rule.min_count):
                raise ValidationError("a behaviour rule needs 0 <= min_count <= max_count")
            if rule.days < 1:
                raise ValidationError("a behaviour rule looks back at least 1 day: set days >= 1")
            for item in rule.where:
                check_filter(item)
        elif isinstance(rule, PropertyRule):
            check_filter(rule.filter)
        else:
            raise ValidationError(f"{rule!r} is not a BehaviourRule or PropertyRule")


def members(events: ir.Table, cohort: PersonCohort, as_of: datetime | None = None) -> ir.Table:
    """The cohort's persons as a table with one column ``person`` (``events`` has a ``person`` column)."""
    check(cohort)
    moment = as_of or cohort.as_of or datetime.now().replace(microsecond=0)
    everyone = events.select("person").distinct()
    parts = [_rule(events, everyone, rule, moment) for rule in cohort.rules]
    result = parts[0]
    for part in parts[1:]:
        result = result.intersect(part) if cohort.match == "all" else result.union(part)
    return result


def _rule(events: ir.Table, everyone: ir.Table, rule: BehaviourRule | PropertyRule, as_of: datetime) -> ir.Table:
    if isinstance(rule, BehaviourRule):
        done = events.filter(
            events.event == rule.event,
            events.timestamp >= as_of - timedelta(days=rule.days),
            events.timestamp < as_of,
        )
        done = where_all(done, rule.where)
        counts = done.group_by("person").aggregate(n=ibis._.count())
        if rule.min_count == 0:
            joined = everyone.left_join(counts, everyone.person == counts.person)
            counts = joined.select(everyone.person, n=counts.n.fill_null(0))
        keep = counts.n >= rule.min_count
        if rule.max_count is not None:
            keep = keep & (counts.n <= rule.max_count)
        return counts.filter(keep).select("person")
    key = rule.filter.property
    carrying = events.filter(prop_text(events, key).notnull())
    if rule.filter.op == "is_not_set":
        return everyone.difference(carrying.select("person").distinct())
    latest = carrying.group_by("person").aggregate(last=carrying.timestamp.max())
    last_events = carrying.join(latest, [carrying.person == latest.person, carrying.timestamp == latest.last])
    last_events = last_events.select(carrying.person, carrying.properties)
    return last_events.filter(predicate(last_events, rule.filter)).select("person").distinct()


def restrict(events: ir.Table, item: InCohort, everything: ir.Table) -> ir.Table:
    """``events`` of the persons in (or, negated, not in) ``item.cohort``; ``everything`` is the full events
    table the cohort is computed on."""
    inside = members(everything, item.cohort, item.as_of)
    if item.negate:
        return events.anti_join(inside, "person")
    return events.semi_join(inside, "person")


def cohort_breakdown(events: ir.Table, cohorts: list[PersonCohort], as_of: datetime | None = None) -> ir.Table:
    """``person`` and ``cohort`` (the name of the first cohort, in list order, the person belongs to)."""
    if not cohorts:
        raise ValidationError("give at least one cohort to break down by")
    parts = [
        members(events, c, as_of).mutate(cohort=ibis.literal(c.name or f"cohort {i + 1}"), rank=ibis.literal(i))
        for i, c in enumerate(cohorts)
    ]
    every = parts[0]
    for part in parts[1:]:
        every = every.union(part)
    first = every.group_by("person").aggregate(rank=every.rank.min())
    return every.join(first, ["person", "rank"]).select("person", "cohort")


# --- the one mechanism every insight uses: cohorts in ``where`` and as a breakdown -------------------------


def check_where(where: Iterable[WhereItem], *, cohorts_allowed: bool = True) -> tuple[WhereItem, ...]:
    """The filters (and cohort restrictions) as a tuple, each checked (ValidationError otherwise)."""
    items = tuple(where)
    for item in items:
        if isinstance(item, InCohort) and cohorts_allowed:
            check(item.cohort)
        elif isinstance(item, Filter):
            check_filter(item)
        else:
            allowed = "Filter(property, op, value)" + (" or InCohort(cohort)" if cohorts_allowed else "")
            raise ValidationError(f"{item!r} is not a filter: use {allowed}")
    return items


def apply_where(events: ir.Table, where: Iterable[WhereItem], everything: ir.Table) -> ir.Table:
    """``events`` restricted by property filters and cohort restrictions; ``everything`` is the whole events
    table (with ``person``) that the cohorts are computed on."""
    items = tuple(where)
    rows = where_all(events, [i for i in items if isinstance(i, Filter)])
    for item in items:
        if isinstance(item, InCohort):
            rows = restrict(rows, item, everything)
    return rows


def has_cohort(where: Iterable[WhereItem]) -> bool:
    """Whether ``where`` restricts to (or excludes) a cohort, so the events need their ``person``."""
    return any(isinstance(item, InCohort) for item in where)


def check_breakdown(breakdown: Sequence[PersonCohort]) -> tuple[PersonCohort, ...]:
    """The cohorts of a breakdown as a tuple, each checked (ValidationError saying how to fix it)."""
    if isinstance(breakdown, str | PersonCohort) or not isinstance(breakdown, Sequence):
        raise ValidationError("a cohort breakdown is a list of cohorts, e.g. [PersonCohort(...), PersonCohort(...)]")
    cohorts = tuple(breakdown)
    if not cohorts:
        raise ValidationError("a cohort breakdown needs at least one cohort")
    for cohort in cohorts:
        check(cohort)
    return cohorts


def group_name(cohort: PersonCohort, index: int) -> str:
    """The breakdown value of a cohort: its name, else ``cohort N`` (1-based position in the list)."""
    return cohort.name or f"cohort {index + 1}"


def breakdown_groups(cohorts: Sequence[PersonCohort]) -> list[tuple[str | None, Restriction]]:
    """The groups of a breakdown by ``cohorts``, as (value, restriction): a person counts in the first cohort
    of the list they belong to, and in the last group (value None) when they belong to none. The groups
    partition the persons, so their numbers add up to the whole (every group evaluates a cohort at the same
    moment: its ``as_of``, else now)."""
    now = datetime.now().replace(microsecond=0)
    inside = [InCohort(c, as_of=c.as_of or now) for c in cohorts]
    outside = [InCohort(c, negate=True, as_of=c.as_of or now) for c in cohorts]
    groups: list[tuple[str | None, Restriction]] = [
        (group_name(cohort, i), (inside[i], *outside[:i])) for i, cohort in enumerate(cohorts)]
    groups.append((None, tuple(outside)))
    return groups


def split(run: Callable[[Restriction], ResultT], breakdown: Sequence[PersonCohort] | None) -> ResultT:
    """``run(())`` (the whole insight) with, for a cohort breakdown, ``breakdowns`` holding ``run(group)`` per
    group of :func:`breakdown_groups`; ``run`` adds the restriction to the insight's ``where``."""
    whole = run(())
    if breakdown is None:
        return whole
    parts = [InsightBreakdown(value, run(restriction)) for value, restriction in breakdown_groups(
        check_breakdown(breakdown))]
    # every insight result is a dataclass with a ``breakdowns`` field; mypy cannot see that through the TypeVar
    result = replace(whole, breakdowns=parts)  # type: ignore[type-var]
    return result
