"""Impact read-outs of shipped initiatives: the measured effect on the initiative's KPI and the verdict.

The strongest method the data allows, named in the result: a linked experiment; a counterfactual with control
KPIs (a structural time-series model, CausalImpact-style); difference-in-differences when only a segment got the
change (see :mod:`segments`); else before/after against the KPI's own forecast (fitted on the pre-period,
correlational). A read-out moves the initiative to ``measured`` and is stored;
measuring again recomputes it. The scheduled job measures each shipped initiative ``measure_after_days`` after
it shipped (28 by default).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.impact.models import Experiment, Measurement, Method
from headway.impact.services.feedback_shifts import ThemeShift, feedback_shifts
from headway.impact.services.markers import shipped_on as ship_date
from headway.impact.services.segments import SegmentUnavailable, did_effect, parse_segment, segment_panel
from headway.impact.services.verdicts import parse_expected, verdict

PRE_PERIOD_DAYS = 90
MIN_PRE_DAYS = 10
LEVEL = 0.95
PRE_TREND_ALPHA = 0.05
ALIASES = {"did": "diff_in_diff", "difference-in-differences": "diff_in_diff"}
METHOD_WORDS = {
    "forecast": "Before/after: the KPI after the ship date against its own forecast from the 90 days before "
                "(correlational: anything else that changed at the same time is in the effect).",
    "counterfactual": "Counterfactual: a structural time-series model of the KPI on control KPIs the change did "
                      "not touch, fitted before the ship date (in the manner of CausalImpact).",
    "experiment": "Randomised experiment: the treatment arm against the control arm of the linked experiment.",
    "diff_in_diff": "Difference-in-differences: the treated segment's change against the untreated segments' "
                    "(two-way fixed effects over segments and days, errors clustered by segment, with a check that "
                    "their trends were parallel before the ship date).",
}


class SeriesPoint(BaseModel):
    """One day of the read-out chart: the actual value and, after the ship date, the counterfactual band."""

    date: date
    actual: float
    predicted: float | None = None
    lower: float | None = None
    upper: float | None = None


class ReadOut(BaseModel):
    """An initiative's measured effect (in the KPI's unit), its interval, the method and the verdict."""

    initiative_id: int
    title: str
    kpi: str
    method: str
    method_words: str
    correlational: bool
    shipped_on: date
    days: int
    average_effect: float
    lower: float
    upper: float
    cumulative_effect: float
    cumulative_lower: float
    cumulative_upper: float
    relative_effect: float | None
    p_value: float | None
    chance_to_win: float | None = None
    expected_impact: str
    expected: float | None
    expected_relative: bool
    verdict: str
    reason: str
    measured_at: str
    series: list[SeriesPoint] = []
    feedback: list[ThemeShift] = []
    segment: str = ""
    pre_trend_p_value: float | None = None


def _kpi_series(actor: User | None, kpi: str, start: date, end: date) -> dict[date, float]:
    from headway.strategy import services as strategy

    return {v.date: float(v.value) for v in strategy.kpi_values(actor, kpi, start, end)}


def _aligned(values: dict[date, float], days: list[date], what: str) -> list[float]:
    missing = [d for d in days if d not in values]
    if missing:
        raise ValidationError(
            f"{what} has no value on {len(missing)} day(s) from {missing[0]} on; refresh the KPI or import its "
            "values so the series has no gaps, then measure again."
        )
    return [values[d] for d in days]


def _window(actor: User | None, kpi: str, ship: date, days: int, as_of: date) -> tuple[list[date], int]:
    """The days of the read-out (pre-period then post-period) and the index of the ship date."""
    values = _kpi_series(actor, kpi, ship - timedelta(days=PRE_PERIOD_DAYS), ship + timedelta(days=days - 1))
    pre_days = sorted(d for d in values if d < ship)
    if len(pre_days) < MIN_PRE_DAYS:
        raise ValidationError(
            f"KPI {kpi} has {len(pre_days)} daily value(s) before the ship date {ship}; a read-out needs at least "
            f"{MIN_PRE_DAYS}. Import the KPI's history, or measure a KPI with more history."
        )
    end = min(ship + timedelta(days=days - 1), as_of, max(values))
    if end < ship:
        raise ValidationError(f"KPI {kpi} has no value since the ship date {ship}: wait for data, then measure.")
    first = pre_days[0]
    grid = [first + timedelta(days=k) for k in range((end - first).days + 1)]
    return grid, grid.index(ship) if ship in grid else len([d for d in grid if d < ship])


def _forecast_effect(pre: list[float], pre_days: list[date], post: list[float]) -> dict[str, object]:
    from scipy import stats

    from headway.strategy.engine.forecast import model_for
    from headway.strategy.engine.series import regular

    model = model_for(regular(pre, pre_days, "day"))
    h = len(post)
    total, low, high = model.total(1, h, LEVEL)
    lows, highs = model.interval(h, LEVEL)
    predicted = model.predict(h)
    mean_post = sum(post) / h
    effect = mean_post - total / h
    lo, hi = mean_post - high / h, mean_post - low / h
    se = (hi - lo) / (2 * float(stats.norm.ppf(0.5 + LEVEL / 2)))
    p = float(2 * stats.norm.sf(abs(effect) / se)) if se > 0 else None
    baseline = total / h
    return {
        "effect": effect, "lo": lo, "hi": hi, "p": p, "predicted": predicted, "lower": lows, "upper": highs,
        "relative": effect / baseline if baseline else None, "baseline": baseline,
    }


def _counterfactual_effect(y: list[float], split: int, controls: list[list[float]]) -> dict[str, object]:
    import numpy as np

    from headway.impact.engine import counterfactual

    result = counterfactual(y, split, controls=np.array(controls).T, alpha=1 - LEVEL, seed=0)
    return {
        "effect": result.average_effect, "lo": result.average_ci[0], "hi": result.average_ci[1],
        "p": result.p_value, "predicted": result.predicted, "lower": result.lower, "upper": result.upper,
        "relative": None if math.isnan(result.relative_effect) else result.relative_effect,
        "baseline": float(np.mean(result.predicted)),
    }


def _method(name: str) -> str:
    chosen = ALIASES.get(name.strip().lower(), name.strip().lower())
    if chosen and chosen not in Method.values:
        raise ValidationError(f"Unknown method {name!r}; use one of {', '.join(Method.values)} (or did), or leave "
                              "it blank for the strongest the data allows.")
    return chosen


def _measurement(initiative_id: int) -> Measurement:
    row, _ = Measurement.objects.get_or_create(initiative_id=initiative_id)
    return row


def set_measurement(actor: User | None, initiative_id: int, *, measure_after_days: int | None = None,
                    controls: list[str] | None = None, method: str | None = None,
                    shipped_on: date | None = None, segment: str | None = None) -> Measurement:
    """How an initiative is measured: days after shipping, control KPIs, a method (blank: the strongest), the
    segment that got the change (``device=ios``: difference-in-differences; blank: everyone), and the ship date
    when it differs from the day the initiative was moved to shipped."""
    check(actor, Perm.EDIT_IDEAS)
    from headway.planning import services as planning
    from headway.strategy import services as strategy

    planning.get_initiative(actor, initiative_id)
    row = _measurement(initiative_id)
    if measure_after_days is not None:
        if not 1 <= measure_after_days <= 365:
            raise ValidationError("measure_after_days must be between 1 and 365 days.")
        row.measure_after_days = measure_after_days
    if controls is not None:
        for name in controls:
            strategy.get_kpi(actor, name)
        row.controls = list(controls)
    if method is not None:
        row.method = _method(method)
    if segment is not None:
        row.segment = str(parse_segment(segment) or "")
    if shipped_on is not None:
        row.shipped_on = shipped_on
    row.save()
    return row


def measure(actor: User | None, initiative_id: int, *, method: str | None = None, days: int | None = None,
            controls: list[str] | None = None, segment: str | None = None, as_of: date | None = None) -> ReadOut:
    """Measure a shipped initiative now (needs ideas.edit), store the read-out and move it to ``measured``.

    ``method``: blank for the strongest the data allows (a linked experiment, then a counterfactual with control
    KPIs, then difference-in-differences when a ``segment`` such as ``device=ios`` is named, then before/after
    against the forecast), or one of them by name (``did`` is short for ``diff_in_diff``)."""
    check(actor, Perm.EDIT_IDEAS)
    from headway.planning import services as planning

    detail = planning.initiative_detail(actor, initiative_id)
    if detail.stage not in ("shipped", "measured"):
        raise Conflict(
            f"Initiative #{initiative_id} is {detail.stage}, not shipped: move it to shipped, then measure."
        )
    ship = ship_date(actor, initiative_id)
    if ship is None:
        raise Conflict(f"Initiative #{initiative_id} has no ship date in its history; move it to shipped.")
    row = _measurement(initiative_id)
    days = days or row.measure_after_days
    chosen = _method(method or row.method or "")
    linked = Experiment.objects.filter(initiative_id=initiative_id).order_by("-date_from").first()
    if chosen == "experiment" or (not chosen and linked is not None):
        from headway.impact.services.experiment_readouts import initiative_readout_from_experiment

        if linked is None:
            raise Conflict(f"No experiment is linked to initiative #{initiative_id}; link one first.")
        readout = initiative_readout_from_experiment(actor, linked, detail.title, detail.expected_impact, ship, days)
    else:
        readout = _kpi_readout(actor, detail, ship, days, chosen, row, controls, segment, as_of)
    readout.feedback = feedback_shifts(actor, detail.title, detail.hypothesis, ship, days, initiative_id=initiative_id)
    _store(actor, row, readout, detail.stage)
    return readout


def _kpi_readout(actor: User | None, detail: Any, ship: date, days: int, chosen: str, row: Measurement,
                 controls: list[str] | None, segment: str | None, as_of: date | None) -> ReadOut:
    """A read-out from the KPI's series: counterfactual with controls, else difference-in-differences when a
    segment is named and the data allows, else before/after against the forecast."""
    from headway.strategy import services as strategy

    if not detail.kpi:
        raise Conflict(
            f"Initiative #{detail.id} names no KPI; set the KPI it should move, then measure."
        )
    kpi = strategy.get_kpi(actor, detail.kpi)
    control_names = list(controls if controls is not None else row.controls)
    if chosen == "counterfactual" and not control_names:
        raise ValidationError("A counterfactual needs control KPIs: pass --control KPI (one the change did not touch).")
    named = parse_segment(segment if segment is not None else row.segment)
    if chosen == "diff_in_diff" and named is None:
        raise ValidationError("Difference-in-differences needs the segment that got the change: pass --segment "
                              "property=value (for example device=ios).")
    today = as_of or timezone.localdate()
    note = ""
    found: dict[str, object] | None = None
    if control_names and chosen != "diff_in_diff":
        used = "counterfactual"
    elif named is not None and chosen in ("", "diff_in_diff"):
        try:
            panel = segment_panel(actor, kpi.metric, named, ship, pre_days=PRE_PERIOD_DAYS, post_days=days,
                                  as_of=today, min_pre=MIN_PRE_DAYS)
        except SegmentUnavailable as exc:
            if chosen == "diff_in_diff":
                raise
            used, note = "forecast", f" Difference-in-differences on {named} was not possible: {exc.message}"
        else:
            used, found = "diff_in_diff", did_effect(panel, 1 - LEVEL)
            grid, split, y = panel.days, panel.split, list(found["y"])  # type: ignore[call-overload]
    else:
        used = "forecast"
    if found is None:
        grid, split = _window(actor, detail.kpi, ship, days, today)
        y = _aligned(_kpi_series(actor, detail.kpi, grid[0], grid[-1]), grid, f"KPI {detail.kpi}")
        if used == "counterfactual":
            xs = [_aligned(_kpi_series(actor, c, grid[0], grid[-1]), grid, f"Control KPI {c}") for c in control_names]
            found = _counterfactual_effect(y, split, xs)
        else:
            found = _forecast_effect(y[:split], grid[:split], y[split:])
    higher = kpi.direction == "higher"
    expected = parse_expected(detail.expected_impact, higher_is_better=higher)
    effect, lo, hi = float(found["effect"]), float(found["lo"]), float(found["hi"])  # type: ignore[arg-type]
    baseline = float(found["baseline"])  # type: ignore[arg-type]
    scale = baseline if expected is not None and expected.relative and baseline else 1.0
    judged = verdict(lo / scale, hi / scale, expected.value if expected else None, higher_is_better=higher)
    pre_trend = found.get("pre_trend_p_value")
    if isinstance(pre_trend, float) and pre_trend < PRE_TREND_ALPHA:
        judged = "inconclusive"
        note += (f" The segments' trends already differed before the ship date (pre-trend p = {pre_trend:.3g}), "
                 "so the difference-in-differences is not trusted.")
    h = len(y) - split
    predicted, lower, upper = (list(found[k]) for k in ("predicted", "lower", "upper"))  # type: ignore[call-overload]
    series = [SeriesPoint(date=d, actual=v) for d, v in zip(grid[:split], y[:split], strict=True)]
    series += [SeriesPoint(date=d, actual=v, predicted=p, lower=lw, upper=up)
               for d, v, p, lw, up in zip(grid[split:], y[split:], predicted, lower, upper, strict=True)]
    return ReadOut(
        initiative_id=detail.id, title=detail.title, kpi=detail.kpi, method=used,
        method_words=METHOD_WORDS[used], correlational=used == "forecast", shipped_on=ship, days=h,
        average_effect=effect, lower=lo, upper=hi, cumulative_effect=effect * h, cumulative_lower=lo * h,
        cumulative_upper=hi * h, relative_effect=found["relative"],  # type: ignore[arg-type]
        p_value=found["p"], expected_impact=detail.expected_impact,  # type: ignore[arg-type]
        expected=expected.value if expected else None, expected_relative=bool(expected and expected.relative),
        verdict=judged, reason=_reason(judged, expected is not None, h, days) + note,
        measured_at=timezone.now().isoformat(), series=series,
        segment=str(named) if used == "diff_in_diff" else "",
        pre_trend_p_value=pre_trend if isinstance(pre_trend, float) else None,
    )


def _reason(judged: str, has_expected: bool, observed: int, asked: int) -> str:
    partial = f" Only {observed} of {asked} days after shipping have data so far." if observed < asked else ""
    words = {
        "hit": "The interval lies above zero and reaches at least half of the expected impact.",
        "miss": "The interval stays below half of the expected impact.",
        "opposite": "The KPI moved the other way: the whole interval is on the wrong side of zero.",
        "inconclusive": "The interval holds both zero and a good part of the expected impact: not enough evidence.",
    }
    note = "" if has_expected else " The initiative's expected impact names no number, so only the direction is judged."
    return words[judged] + note + partial


@transaction.atomic
def _store(actor: User | None, row: Measurement, readout: ReadOut, stage: str) -> None:
    from headway.planning import services as planning

    row.shipped_on = readout.shipped_on
    row.measured_at = timezone.now()
    row.kpi = readout.kpi
    row.used_method = readout.method
    row.verdict = readout.verdict
    row.expected = readout.expected
    row.expected_relative = readout.expected_relative
    row.average_effect = readout.average_effect
    row.lower, row.upper = readout.lower, readout.upper
    row.relative_effect = readout.relative_effect
    row.p_value = readout.p_value
    row.readout = readout.model_dump(mode="json")
    row.save()
    audit.record(actor, AuditEvent.Action.UPDATE, row,
                 summary=f"initiative #{row.initiative_id} measured: {readout.verdict} ({readout.method})")
    if stage == "shipped":
        planning.set_stage(actor, row.initiative_id, "measured")


def readout(actor: User | None, initiative_id: int) -> ReadOut:
    """The stored read-out of an initiative, or a NotFound that says how to make one."""
    check(actor, Perm.VIEW_WORKSPACE)
    row = Measurement.objects.filter(initiative_id=initiative_id).first()
    if row is None or not row.readout:
        raise NotFound(
            f"Initiative #{initiative_id} has no read-out yet; measure it with `headway impact measure "
            f"{initiative_id}` or the Measure button on its page."
        )
    return ReadOut.model_validate(row.readout)


def due_measurements(actor: User | None, *, today: date | None = None) -> list[int]:
    """Shipped initiatives whose ``measure_after_days`` have passed and that have no read-out yet."""
    from headway.impact.services.markers import releases

    today = today or timezone.localdate()
    due = []
    for release in releases(actor):
        row = Measurement.objects.filter(initiative_id=release.initiative_id).first()
        wait = row.measure_after_days if row else 28
        if release.stage == "shipped" and (row is None or row.measured_at is None) \
                and release.shipped_on + timedelta(days=wait) <= today:
            due.append(release.initiative_id)
    return due
