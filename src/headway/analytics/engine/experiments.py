"""An experiment's arms from events: exposures, the metric per exposed person, and its pre-period covariate.

A person's variant is the value of ``variant_property`` on their exposure events in the date range; a person
seen in more than one variant is left out and counted. Each person's metric counts from their first exposure to
the end of ``date_to``; the CUPED covariate is the same metric over the ``pre_period_days`` before that first
exposure. Everything is aggregated in the backend, in one query: the exposures are grouped per person (on the
integer person key where the store keeps one), the metric's events in range are joined to those persons only
and summed per person, and one row per (several variants or not, variant) comes back (the persons, the sums of
the values, of their squares and of their products with the covariate), so the same numbers come from DuckDB,
PostgreSQL and Spark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import ibis
import ibis.expr.types as ir

from headway.analytics.engine.bitmasks import person_column
from headway.analytics.engine.cohorts import InCohort
from headway.analytics.engine.filters import prop_number, prop_text
from headway.analytics.engine.insight_support import apply_where, as_int, check_filters
from headway.analytics.engine.sufficient import CupedStats, ExperimentData, MeanStats, ProportionStats
from headway.analytics.engine.timebuckets import LocalRange, resolve_range, zone
from headway.analytics.engine.trends import QuerySource
from headway.analytics.engine.types import DateLike, Filter
from headway.core.errors import ValidationError

ExperimentMath = Literal["total", "conversion", "sum"]
EXPERIMENT_MATHS: tuple[str, ...] = ("total", "conversion", "sum")


@dataclass(frozen=True)
class ExperimentQuery:
    """What :func:`run` reads (see ``EventStore.experiment``)."""

    exposure_event: str
    variant_property: str
    metric_event: str
    math: ExperimentMath
    metric_property: str | None
    date_from: DateLike
    date_to: DateLike
    pre_period_days: int
    where: tuple[Filter | InCohort, ...]


def build(
    *,
    exposure_event: str,
    variant_property: str,
    metric_event: str,
    math: str,
    metric_property: str | None,
    date_from: DateLike,
    date_to: DateLike,
    pre_period_days: int,
    where: Iterable[Filter | InCohort],
) -> ExperimentQuery:
    """Check the request and return the query."""
    if math not in EXPERIMENT_MATHS:
        raise ValidationError(f"math must be one of {', '.join(EXPERIMENT_MATHS)}, not {math!r}")
    if math == "sum" and not metric_property:
        raise ValidationError('math="sum" needs metric_property: the numeric event property to add up')
    if not exposure_event or not variant_property or not metric_event:
        raise ValidationError("name the exposure event, the variant property and the metric event")
    if pre_period_days < 0:
        raise ValidationError("pre_period_days must be 0 or more (0 turns the CUPED covariate off)")
    return ExperimentQuery(
        exposure_event, variant_property, metric_event, math,  # type: ignore[arg-type]  # checked above
        metric_property, date_from, date_to, pre_period_days, check_filters(where),
    )


def _exposed(everything: ir.Table, query: ExperimentQuery, span: LocalRange, who: str) -> ir.Table:
    """Per exposed person: ``first`` (their first exposure with a variant), ``variant`` (the greatest variant
    seen) and ``several`` (whether they saw more than one: the least and the greatest variant differ, which needs
    no distinct count). The variant is read from the JSON once per exposure (MIN and MAX skip NULLs)."""
    exposures = everything.filter(
        everything.event == query.exposure_event,
        everything.timestamp >= span.utc_start,
        everything.timestamp < span.utc_end,
    )
    exposures = apply_where(exposures, query.where, everything)
    seen = exposures.select(exposures[who], exposures.timestamp, variant=prop_text(exposures, query.variant_property))
    with_variant = ibis.cases((seen.variant.notnull(), seen.timestamp), else_=ibis.null("timestamp"))
    persons = seen.group_by(who).aggregate(
        first=with_variant.min(), least=seen.variant.min(), variant=seen.variant.max()
    )
    persons = persons.filter(persons.first.notnull())
    return persons.select(who, "first", "variant", several=persons.least != persons.variant)


def _metric_per_person(everything: ir.Table, query: ExperimentQuery, span: LocalRange, persons: ir.Table,
                       who: str) -> ir.Table:
    """Per person exposed to one variant with a metric event in range: ``post`` (the metric from the first
    exposure on) and ``pre`` (over the ``pre_period_days`` before it). The metric's events are narrowed by their
    own columns first, then joined to the (few) exposed persons by the person key."""
    zero = _float(0)
    earliest = span.utc_start - timedelta(days=query.pre_period_days)
    metric = everything.filter(
        everything.event == query.metric_event,
        everything.timestamp >= earliest,
        everything.timestamp < span.utc_end,
    )
    value = (
        prop_number(metric, query.metric_property).fill_null(zero)
        if query.math == "sum" and query.metric_property
        else _float(1)
    )
    rows = metric.select(metric[who], metric.timestamp, v=value.cast("float64"))
    single = persons.filter(~persons.several).select(who, "first")
    joined = rows.join(single, rows[who] == single[who])
    pre_start = joined.first - ibis.interval(days=query.pre_period_days)
    in_post = joined.timestamp >= joined.first
    in_pre = (joined.timestamp >= pre_start) & (joined.timestamp < joined.first)
    return joined.group_by(joined[who]).aggregate(
        post=ibis.cases((in_post, joined.v), else_=zero).sum().cast("float64"),
        pre=ibis.cases((in_pre, joined.v), else_=zero).sum().cast("float64"),
    )


def _float(value: int) -> ir.FloatingValue:
    """An integer literal cast to double: PostgreSQL reads a float literal as NUMERIC, and Ibis drops a cast to a
    type it believes the value already has."""
    literal: ir.FloatingValue = ibis.literal(value).cast("float64")
    return literal


def run(source: QuerySource, query: ExperimentQuery) -> ExperimentData:
    """Compute the arms of ``query`` in one query: per (``several``, variant) the persons and the sums, the
    persons in several variants counted in their own rows."""
    span = resolve_range(query.date_from, query.date_to, zone(source.timezone))
    everything = source.events(with_person=True)
    who = person_column(everything)
    persons = _exposed(everything, query, span, who)
    per_person = _metric_per_person(everything, query, span, persons, who)
    one, zero = _float(1), _float(0)
    people = persons.left_join(per_person, persons[who] == per_person[who]).select(
        persons.several, persons.variant, post=per_person.post.fill_null(zero), pre=per_person.pre.fill_null(zero)
    )
    if query.math == "conversion":
        people = people.mutate(
            post=ibis.cases((people.post > 0, one), else_=zero),
            pre=ibis.cases((people.pre > 0, one), else_=zero),
        )
    # sums cast to float64: PostgreSQL sums floats given as literals as NUMERIC
    arms = people.group_by("several", "variant").aggregate(
        n=people.count(),
        total=people.post.sum().cast("float64"),
        squares=(people.post * people.post).sum().cast("float64"),
        pre_total=people.pre.sum().cast("float64"),
        pre_squares=(people.pre * people.pre).sum().cast("float64"),
        products=(people.post * people.pre).sum().cast("float64"),
    )
    found = source.rows(arms)
    excluded = sum(as_int(r["n"]) for r in found if r["several"])
    single = sorted((r for r in found if not r["several"]), key=lambda r: str(r["variant"]))
    return _result(query, single, excluded)


def _result(query: ExperimentQuery, found: list[dict[str, object]], excluded: int) -> ExperimentData:
    arms: dict[str, MeanStats | ProportionStats] = {}
    cuped: dict[str, CupedStats] = {}
    exposures: dict[str, int] = {}
    for row in found:
        variant, n = str(row["variant"]), as_int(row["n"])
        total, squares = float(row["total"] or 0.0), float(row["squares"] or 0.0)  # type: ignore[arg-type]
        exposures[variant] = n
        arms[variant] = (
            ProportionStats(n=n, successes=round(total)) if query.math == "conversion"
            else MeanStats(n=n, sum=total, sum_squares=squares)
        )
        cuped[variant] = CupedStats(
            n=n, sum=total, sum_squares=squares,
            pre_sum=float(row["pre_total"] or 0.0),  # type: ignore[arg-type]
            pre_sum_squares=float(row["pre_squares"] or 0.0),  # type: ignore[arg-type]
            sum_products=float(row["products"] or 0.0),  # type: ignore[arg-type]
        )
    srm: float | None = None
    if len(exposures) >= 2 and sum(exposures.values()) > 0:
        from scipy.stats import chisquare

        srm = float(chisquare(list(exposures.values())).pvalue)
    return ExperimentData(
        arms=arms, cuped=cuped, exposures=exposures, excluded=excluded, srm_p_value=srm, math=query.math,
        metric_event=query.metric_event, pre_period_days=query.pre_period_days,
    )
