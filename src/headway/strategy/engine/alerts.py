"""Alerts: a KPI outside its expected band, or a target turning off track, each explained in words.

The expected band of a slot is the forecasting model's one-step prediction ± z·σ, σ estimated robustly
from the model's one-step errors (1.4826 × their median absolute value). A slot outside the
band is an outlier and is left out of the model's update, so after a step change the band stays where
the pattern said the KPI would be and the run of outliers shows since when it moved. The breakdown
finds the property whose split changed most between a baseline window and the anomalous one (the
Jensen-Shannon divergence of the shares, as in Adtributor) and each value's share of the change.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from headway.core.errors import ValidationError
from headway.strategy.engine.ets import run_filter, z_value
from headway.strategy.engine.forecast import check_level, model_for
from headway.strategy.engine.series import Freq, regular
from headway.strategy.engine.status import KpiStatus, StatusName
from headway.strategy.engine.text import number, percent, signed

#: Segments: property → value of the property → the metric's series for that value.
Segments = Mapping[str, Mapping[str, Sequence[float]]]

#: How many slots before an anomaly serve as its baseline for the breakdown (four weeks of days).
BASELINE_SLOTS = 28


@dataclass(frozen=True)
class Band:
    """Each slot's value, the model's one-step expectation, its band, and whether it fell outside."""

    dates: list[date]
    actual: list[float]
    expected: list[float]
    lower: list[float]
    upper: list[float]
    outside: list[bool]
    level: float
    freq: Freq
    model: str


@dataclass(frozen=True)
class SegmentChange:
    """One value of a property: its level per slot before and during the change, and its share of it."""

    value: str
    before: float
    after: float
    delta: float
    share: float


@dataclass(frozen=True)
class Breakdown:
    """The property that explains most of a change, its values by contribution, and every property's score."""

    property: str
    segments: list[SegmentChange]
    scores: dict[str, float]
    sentence: str


@dataclass(frozen=True)
class Alert:
    """What moved (``metric``), which way, by how much (per slot, absolute and relative to what was
    expected), since when, and why: ``message`` says it in one sentence."""

    kind: Literal["anomaly", "off_track"]
    metric: str
    direction: Literal["up", "down"]
    since: date
    until: date
    slots: int
    actual: float
    expected: float
    delta: float
    delta_pct: float | None
    message: str
    breakdown: Breakdown | None = None


def expected_band(values: Sequence[float], dates: Sequence[date], level: float = 0.99,
                  freq: Freq | None = None) -> Band:
    """The expected band of every slot of a KPI's history, from the forecasting model's one-step
    predictions; slots outside it are flagged and do not move the expectation."""
    check_level(level)
    series = regular(values, dates, freq)
    model = model_for(series)
    width = z_value(level) * robust_sigma(model.run.errors)
    run = run_filter([model.to_model(v) for v in series.values], model.spec, model.params, model.start,
                     band=width if width > 0 else None)
    return Band(
        dates=series.dates, actual=series.values,
        expected=[model.from_model(p) for p in run.predicted],
        lower=[model.from_model(p - width) for p in run.predicted],
        upper=[model.from_model(p + width) for p in run.predicted],
        outside=run.outliers, level=level, freq=series.freq, model=model.name,
    )


def robust_sigma(errors: Sequence[float]) -> float:
    """The spread of one-step errors as 1.4826 × their median absolute deviation: a step change or a
    few bad days, the very things to detect, barely move it (the root mean square would widen)."""
    present = sorted(abs(e) for e in errors if not math.isnan(e))
    if not present:
        return 0.0
    middle = len(present) // 2
    mad = present[middle] if len(present) % 2 else (present[middle - 1] + present[middle]) / 2
    return 1.4826 * mad


def outlier_runs(band: Band) -> list[list[int]]:
    """The runs of consecutive outliers on the same side of the band (missing slots neither break nor
    join a run), oldest first."""
    runs: list[list[int]] = []
    side: bool | None = None
    for i, value in enumerate(band.actual):
        if math.isnan(value):
            continue
        if not band.outside[i]:
            side = None
            continue
        above = value > band.expected[i]
        if side is None or above != side:
            runs.append([])
        runs[-1].append(i)
        side = above
    return runs


def detect_anomalies(
    values: Sequence[float],
    dates: Sequence[date],
    metric: str,
    level: float = 0.99,
    segments: Segments | None = None,
    freq: Freq | None = None,
    min_slots: int = 1,
) -> list[Alert]:
    """An alert for every run of at least ``min_slots`` consecutive outliers on the same side of the
    expected band, oldest first.

    ``since`` is the run's first slot; ``delta`` the mean gap between actual and expected over it. With
    ``segments`` (the same metric split by properties, aligned with ``dates``) each alert carries the
    breakdown that explains its change best, against the ``BASELINE_SLOTS`` slots before the run.
    """
    band = expected_band(values, dates, level, freq)
    aligned = {
        prop: {value: regular(series, dates, band.freq).values for value, series in split.items()}
        for prop, split in (segments or {}).items()
    }
    return [_alert(band, run, metric, aligned) for run in outlier_runs(band) if len(run) >= min_slots]


def detect_anomaly(
    values: Sequence[float],
    dates: Sequence[date],
    metric: str,
    level: float = 0.99,
    segments: Segments | None = None,
    freq: Freq | None = None,
) -> Alert | None:
    """The alert of the run that the latest value belongs to when it is outside its band, else None."""
    alerts = detect_anomalies(values, dates, metric, level, segments, freq)
    last = max((i for i, v in enumerate(values) if not math.isnan(float(v))), key=lambda i: dates[i], default=None)
    if not alerts or last is None or alerts[-1].until != dates[last]:
        return None
    return alerts[-1]


def _alert(band: Band, run: list[int], metric: str, segments: Segments) -> Alert:
    actual = math.fsum(band.actual[i] for i in run) / len(run)
    expected = math.fsum(band.expected[i] for i in run) / len(run)
    delta = actual - expected
    pct = delta / expected if expected else None
    unit = band.freq
    since = band.dates[run[0]]
    how_much = f"{percent(abs(pct))} " if pct is not None else ""
    message = (
        f"{metric} is {'up' if delta > 0 else 'down'} {how_much}({signed(delta)} a {unit} against "
        f"{number(expected)} expected) since {since.isoformat()}: {len(run)} {unit}{'s' if len(run) > 1 else ''} "
        f"outside the {percent(band.level)} expected band."
    )
    breakdown = None
    if segments:
        baseline = range(max(0, run[0] - BASELINE_SLOTS), run[0])
        breakdown = explain_change(segments, baseline, range(run[0], run[-1] + 1), unit=unit)
        if breakdown is not None:
            message = f"{message} {breakdown.sentence}"
    return Alert(
        kind="anomaly", metric=metric, direction="up" if delta > 0 else "down", since=since,
        until=band.dates[run[-1]], slots=len(run), actual=actual, expected=expected, delta=delta,
        delta_pct=pct, message=message, breakdown=breakdown,
    )


def _mean(series: Sequence[float], slots: Sequence[int]) -> float:
    present = [series[i] for i in slots if i < len(series) and not math.isnan(series[i])]
    return math.fsum(present) / len(present) if present else 0.0


def _divergence(p: float, q: float) -> float:
    """One value's term of the Jensen-Shannon divergence between shares ``p`` (before) and ``q``."""
    m = (p + q) / 2
    return 0.5 * sum(x * math.log(x / m) for x in (p, q) if x > 0)


def explain_change(segments: Segments, baseline: Sequence[int], current: Sequence[int],
                   unit: str = "day") -> Breakdown | None:
    """Which property explains a change between the ``baseline`` slots and the ``current`` slots.

    Each value's level is its mean per slot in each window. A property whose values all moved in
    proportion explains nothing (its shares did not change); the one whose shares changed most (largest
    Jensen-Shannon divergence) is reported, its values ordered by their part of the change. The
    segments of a property must add up to the metric (counts or sums, not rates). None when the
    windows are empty or nothing changed.
    """
    if not segments:
        raise ValidationError("no segments to explain the change with: give the metric split by a property")
    if not baseline or not current:
        return None
    scores: dict[str, float] = {}
    changes: dict[str, list[SegmentChange]] = {}
    for prop, split in segments.items():
        before = {value: _mean(series, baseline) for value, series in split.items()}
        after = {value: _mean(series, current) for value, series in split.items()}
        total_before, total_after = math.fsum(before.values()), math.fsum(after.values())
        total = total_after - total_before
        if total_before <= 0 or total_after <= 0 or total == 0:
            continue
        scores[prop] = math.fsum(_divergence(before[v] / total_before, after[v] / total_after) for v in split)
        changes[prop] = sorted(
            (SegmentChange(v, before[v], after[v], after[v] - before[v], (after[v] - before[v]) / total) for v in split),
            key=lambda change: -abs(change.delta),
        )
    if not scores:
        return None
    best = max(scores, key=lambda prop: scores[prop])
    top, *rest = changes[best]
    others = "; ".join(f"{c.value} {signed(c.delta)} ({percent(c.share)})" for c in rest[:4])
    sentence = (
        f"Most of the change comes from {best} = {top.value}: {signed(top.delta)} a {unit} "
        f"({percent(top.share)} of the change)" + (f"; {others}." if others else ".")
    )
    return Breakdown(property=best, segments=changes[best], scores=scores, sentence=sentence)


def status_alert(metric: str, previous: StatusName | None, current: KpiStatus, as_of: date) -> Alert | None:
    """An alert when a target turns off track (it was on track, at risk or not yet judged), or None."""
    if current.status != "off_track" or previous == "off_track":
        return None
    delta = current.projection - current.target
    was = f" (was {previous.replace('_', ' ')})" if previous else ""
    return Alert(
        kind="off_track", metric=metric, direction="up" if delta > 0 else "down", since=as_of, until=as_of,
        slots=1, actual=current.projection, expected=current.target, delta=delta,
        delta_pct=delta / current.target if current.target else None,
        message=f"{metric} turned off track{was}: {current.rule}.",
    )
