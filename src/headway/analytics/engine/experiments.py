"""An experiment's arms from events: exposures, the metric per exposed person, and its pre-period covariate.

A person's variant is the value of ``variant_property`` on their exposure events in the date range; a person
seen in more than one variant is left out and counted. Each person's metric counts from their first exposure to
the end of ``date_to``; the CUPED covariate is the same metric over the ``pre_period_days`` before that first
exposure. Everything is aggregated in the backend: one row per variant comes back (the sums of the values, of
their squares and of their products with the covariate), so the same numbers come from DuckDB, PostgreSQL and
Spark.
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
from headway.analytics.engine.timebuckets import resolve_range, zone
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


def _persons(source: QuerySource, query: ExperimentQuery) -> tuple[ir.Table, ir.Table, ir.Table, str]:
    """(every event with its person, the metric's candidate events, the exposed persons, the person column)."""
    span = resolve_range(query.date_from, query.date_to, zone(source.timezone))
    everything = source.events(with_person=True)
    who = person_column(everything)
    exposures = everything.filter(
        everything.event == query.exposure_event,
        everything.timestamp >= span.utc_start,
        everything.timestamp < span.utc_end,
    )
    exposures = apply_where(exposures, query.where, everything)
    seen = exposures.select(exposures[who], exposures.timestamp, variant=prop_text(exposures, query.variant_property))
    seen = seen.filter(seen.variant.notnull())
    persons = seen.group_by(who).aggregate(
        first=seen.timestamp.min(), variants=seen.variant.nunique(), variant=seen.variant.max()
    )
    earliest = span.utc_start - timedelta(days=query.pre_period_days)
    metric = everything.filter(
        everything.event == query.metric_event,
        everything.timestamp >= earliest,
        everything.timestamp < span.utc_end,
    )
    return everything, metric, persons, who


def run(source: QuerySource, query: ExperimentQuery) -> ExperimentData:
    """Compute the arms of ``query``."""
    _, metric, persons, who = _persons(source, query)
    # integer literals cast to double: PostgreSQL reads a float literal as NUMERIC, and Ibis drops a cast to a
    # type it believes the value already has
    one, zero = ibis.literal(1).cast("float64"), ibis.literal(0).cast("float64")
    single = persons.filter(persons.variants == 1)
    value = (
        prop_number(metric, query.metric_property).fill_null(zero)
        if query.math == "sum" and query.metric_property
        else one
    )
    rows = metric.select(metric[who], metric.timestamp, v=value.cast("float64"))
    joined = rows.join(single, rows[who] == single[who])
    pre_start = joined.first - ibis.interval(days=query.pre_period_days)
    in_post = joined.timestamp >= joined.first
    in_pre = (joined.timestamp >= pre_start) & (joined.timestamp < joined.first)
    per_person = joined.group_by(joined[who]).aggregate(
        post=ibis.cases((in_post, joined.v), else_=zero).sum().cast("float64"),
        pre=ibis.cases((in_pre, joined.v), else_=zero).sum().cast("float64"),
    )
    people = single.left_join(per_person, single[who] == per_person[who]).select(
        single.variant, post=per_person.post.fill_null(zero), pre=per_person.pre.fill_null(zero)
    )
    if query.math == "conversion":
        people = people.mutate(
            post=ibis.cases((people.post > 0, one), else_=zero),
            pre=ibis.cases((people.pre > 0, one), else_=zero),
        )
    # sums cast to float64: PostgreSQL sums floats given as literals as NUMERIC
    arms = people.group_by("variant").aggregate(
        n=people.count(),
        total=people.post.sum().cast("float64"),
        squares=(people.post * people.post).sum().cast("float64"),
        pre_total=people.pre.sum().cast("float64"),
        pre_squares=(people.pre * people.pre).sum().cast("float64"),
        products=(people.post * people.pre).sum().cast("float64"),
    )
    several = persons.filter(persons.variants > 1)
    excluded = as_int(source.rows(several.aggregate(k=several.count()))[0]["k"])
    found = sorted(source.rows(arms), key=lambda r: str(r["variant"]))
    return _result(query, found, excluded)


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
