"""Why a ratio KPI (a conversion rate: numerator ÷ denominator) moved, segment by segment.

A ratio is not explained by its numerator's split: fewer orders from mobile may only mean fewer mobile
visitors. Split both the numerator and the denominator by the same property; the overall ratio over a
window is ``R = ΣN_s / ΣD_s``, and a segment's **contribution** to the change between a baseline window
and the current one is ``c_s = N'_s/D' − N_s/D`` (its numerator over the whole denominator, after minus
before). The contributions add up exactly to ``R' − R``, whether the segment's own rate moved or its part
of the traffic did. A property explains nothing when every segment contributed in proportion to its
traffic (``c_s = ΔR · w_s``); its score is how far the contributions are from that,
``Σ|c_s − ΔR·w̄_s| / |ΔR|`` with ``w̄_s`` the segment's mean share of the denominator, and the property
with the highest score is reported with its segments' rates before and after.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from headway.strategy.engine.alerts import Breakdown, SegmentChange
from headway.strategy.engine.text import percent

#: property → value → the numerator's (or the denominator's) series for that value.
Split = Mapping[str, Mapping[str, Sequence[float]]]


def _total(series: Sequence[float], slots: Sequence[int]) -> float:
    return math.fsum(series[i] for i in slots if i < len(series) and not math.isnan(series[i]))


def _points(change: float) -> str:
    """A change of a ratio in percentage points: ``−0.6 points``."""
    text = f"{abs(change) * 100:.2g}"
    return f"{'+' if change >= 0 else '−'}{text} points"


def _rate(value: float) -> str:
    """A segment's rate with one decimal: ``3.1 %``."""
    return f"{value * 100:.1f} %"


def explain_ratio_change(numerators: Split, denominators: Split, baseline: Sequence[int],
                         current: Sequence[int], ratio: str = "the ratio") -> Breakdown | None:
    """The property that explains most of a ratio's change between the ``baseline`` and ``current`` slots.

    Each segment's ``before``/``after`` is its own rate (numerator ÷ denominator) in each window, ``delta``
    its contribution to the overall ratio's change and ``share`` its part of that change. None when a window
    is empty, a denominator is zero or the ratio did not move.
    """
    if not baseline or not current:
        return None
    scores: dict[str, float] = {}
    changes: dict[str, list[SegmentChange]] = {}
    for prop, num_split in numerators.items():
        den_split = denominators.get(prop)
        if not den_split:
            continue
        values = sorted(set(num_split) | set(den_split))
        n0 = {v: _total(num_split.get(v, ()), baseline) for v in values}
        n1 = {v: _total(num_split.get(v, ()), current) for v in values}
        d0 = {v: _total(den_split.get(v, ()), baseline) for v in values}
        d1 = {v: _total(den_split.get(v, ()), current) for v in values}
        total0, total1 = math.fsum(d0.values()), math.fsum(d1.values())
        if total0 <= 0 or total1 <= 0:
            continue
        overall = math.fsum(n1.values()) / total1 - math.fsum(n0.values()) / total0
        if overall == 0:
            continue
        rows = []
        score = 0.0
        for v in values:
            contribution = n1[v] / total1 - n0[v] / total0
            weight = (d0[v] / total0 + d1[v] / total1) / 2
            score += abs(contribution - overall * weight)
            rows.append(SegmentChange(v, n0[v] / d0[v] if d0[v] else 0.0, n1[v] / d1[v] if d1[v] else 0.0,
                                      contribution, contribution / overall))
        scores[prop] = score / abs(overall)
        changes[prop] = sorted(rows, key=lambda change: -abs(change.delta))
    if not scores:
        return None
    best = max(scores, key=lambda prop: scores[prop])
    top, *rest = changes[best]
    others = "; ".join(f"{c.value} {_points(c.delta)} ({percent(c.share)})" for c in rest[:4])
    sentence = (
        f"Most of the change comes from {best} = {top.value}: its {ratio} went from {_rate(top.before)} to "
        f"{_rate(top.after)}, {_points(top.delta)} of the overall ({percent(top.share)} of the change)"
        + (f"; {others}." if others else ".")
    )
    return Breakdown(property=best, segments=changes[best], scores=scores, sentence=sentence)
