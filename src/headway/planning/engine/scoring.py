"""Prioritisation scores: RICE, ICE, WSJF, value vs effort, Kano, weighted scorecards, normalisation and the
Pareto frontier of two scores. Pure functions over numbers; invalid input raises a
:class:`~headway.core.errors.ValidationError` that says which input is wrong and what it accepts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from headway.core.errors import ValidationError

__all__ = [
    "KANO_CATEGORIES",
    "RICE_CONFIDENCE_SCALE",
    "RICE_IMPACT_SCALE",
    "ValueEffort",
    "ice",
    "kano_category",
    "normalise",
    "pareto_frontier",
    "rice",
    "value_vs_effort",
    "weighted_score",
    "wsjf",
]

#: Intercom's RICE impact scale: minimal, low, medium, high, massive.
RICE_IMPACT_SCALE: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 3.0)
#: RICE confidence: low (50 %), medium (80 %), high (100 %), as fractions.
RICE_CONFIDENCE_SCALE: tuple[float, ...] = (0.5, 0.8, 1.0)


def _finite(name: str, value: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValidationError(f"{name} must be a finite number, got {value!r}", details={"field": name})
    return float(value)


def _positive(name: str, value: float) -> float:
    number = _finite(name, value)
    if number <= 0:
        raise ValidationError(f"{name} must be greater than 0, got {value!r}: give the estimate in its unit "
                              "(a tiny job is still, say, 0.5)", details={"field": name})
    return number


def _non_negative(name: str, value: float) -> float:
    number = _finite(name, value)
    if number < 0:
        raise ValidationError(f"{name} must be 0 or more, got {value!r}", details={"field": name})
    return number


def _in_range(name: str, value: float, low: float, high: float) -> float:
    number = _finite(name, value)
    if not low <= number <= high:
        raise ValidationError(f"{name} must be between {low:g} and {high:g}, got {value!r}",
                              details={"field": name})
    return number


def rice(reach: float, impact: float, confidence: float, effort: float) -> float:
    """RICE = reach × impact × confidence ÷ effort.

    ``reach``: people or events per period (>= 0); ``impact``: one of :data:`RICE_IMPACT_SCALE`;
    ``confidence``: a fraction in (0, 1] (0.5, 0.8 and 1.0 are the usual low/medium/high);
    ``effort``: person-months (> 0).
    """
    reach = _non_negative("reach", reach)
    impact = _finite("impact", impact)
    if impact not in RICE_IMPACT_SCALE:
        scale = ", ".join(f"{v:g}" for v in RICE_IMPACT_SCALE)
        raise ValidationError(f"impact must be one of {scale} (minimal to massive), got {impact:g}",
                              details={"field": "impact"})
    confidence = _finite("confidence", confidence)
    if not 0 < confidence <= 1:
        raise ValidationError(f"confidence must be a fraction in (0, 1], got {confidence:g}: write 80% as 0.8",
                              details={"field": "confidence"})
    return reach * impact * confidence / _positive("effort", effort)


def ice(impact: float, confidence: float, ease: float) -> float:
    """ICE = impact × confidence × ease, each rated 1 to 10 (so the score runs from 1 to 1000)."""
    return _in_range("impact", impact, 1, 10) * _in_range("confidence", confidence, 1, 10) * _in_range(
        "ease", ease, 1, 10
    )


def wsjf(user_business_value: float, time_criticality: float, risk_reduction: float, job_size: float) -> float:
    """WSJF = cost of delay ÷ job size, where cost of delay = user-business value + time criticality +
    risk reduction / opportunity enablement (relative estimates, often Fibonacci numbers)."""
    cost_of_delay = (
        _non_negative("user_business_value", user_business_value)
        + _non_negative("time_criticality", time_criticality)
        + _non_negative("risk_reduction", risk_reduction)
    )
    return cost_of_delay / _positive("job_size", job_size)


@dataclass(frozen=True)
class ValueEffort:
    """Value per unit of effort and the quadrant of the value/effort matrix the item falls in."""

    ratio: float
    quadrant: Literal["quick win", "big bet", "fill-in", "time sink"]


def value_vs_effort(value: float, effort: float, *, value_threshold: float = 5.0,
                    effort_threshold: float = 5.0) -> ValueEffort:
    """Value ÷ effort, and the quadrant: high value (>= ``value_threshold``) with low effort
    (< ``effort_threshold``) is a quick win, with high effort a big bet; low value with low effort a fill-in,
    with high effort a time sink."""
    value = _non_negative("value", value)
    effort = _positive("effort", effort)
    high_value, high_effort = value >= value_threshold, effort >= effort_threshold
    quadrant: Literal["quick win", "big bet", "fill-in", "time sink"]
    if high_value:
        quadrant = "big bet" if high_effort else "quick win"
    else:
        quadrant = "time sink" if high_effort else "fill-in"
    return ValueEffort(value / effort, quadrant)


def weighted_score(values: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """A weighted scorecard: Σ weight × value over the criteria in ``weights`` (each must have a value)."""
    missing = sorted(set(weights) - set(values))
    if missing:
        raise ValidationError(f"no value for criteria {', '.join(missing)}: rate every weighted criterion",
                              details={"missing": missing})
    return sum(_finite(f"weight of {k}", w) * _finite(k, values[k]) for k, w in weights.items())


def normalise(scores: Mapping[str, float], method: Literal["minmax", "max"] = "minmax") -> dict[str, float]:
    """Scores rescaled to 0–100 for comparison.

    ``minmax``: the lowest becomes 0 and the highest 100 (all equal: 100 each).
    ``max``: each score as a percentage of the highest (keeps ratios; needs scores >= 0).
    """
    if not scores:
        return {}
    values = {k: _finite(k, v) for k, v in scores.items()}
    low, high = min(values.values()), max(values.values())
    if method == "max":
        if low < 0:
            raise ValidationError("method 'max' needs scores >= 0: use method 'minmax' for negative scores")
        return {k: (100.0 * v / high if high > 0 else 0.0) for k, v in values.items()}
    if high == low:
        return dict.fromkeys(values, 100.0)
    return {k: 100.0 * (v - low) / (high - low) for k, v in values.items()}


def pareto_frontier(points: Mapping[str, tuple[float, float]]) -> list[str]:
    """The keys of the points no other point dominates when both scores are to be maximised (another point
    dominates when it is at least as good on both and better on one), ordered by the first score, highest first.
    """
    ordered = sorted(points.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    frontier: list[str] = []
    best_second = -math.inf
    best_first_at_best = math.inf
    for key, (first, second) in ordered:
        # every earlier point has first >= this one; it dominates unless this one is strictly better on the
        # second score, or ties it on both (equal points do not dominate each other).
        if second > best_second or (second == best_second and first == best_first_at_best):
            frontier.append(key)
            if second > best_second:
                best_second, best_first_at_best = second, first
    return frontier


#: Kano answers to the functional ("how do you feel if it has ...") and dysfunctional question.
_KANO_ANSWERS = ("like", "expect", "neutral", "tolerate", "dislike")
#: Kano evaluation table: rows functional answer, columns dysfunctional answer.
_KANO_TABLE = (
    ("questionable", "attractive", "attractive", "attractive", "one-dimensional"),
    ("reverse", "indifferent", "indifferent", "indifferent", "must-be"),
    ("reverse", "indifferent", "indifferent", "indifferent", "must-be"),
    ("reverse", "indifferent", "indifferent", "indifferent", "must-be"),
    ("reverse", "reverse", "reverse", "reverse", "questionable"),
)
KANO_CATEGORIES = ("must-be", "one-dimensional", "attractive", "indifferent", "reverse", "questionable")


def kano_category(functional: str, dysfunctional: str) -> str:
    """The Kano category of one answer pair, from the standard evaluation table; answers are ``like``,
    ``expect``, ``neutral``, ``tolerate`` or ``dislike``."""
    try:
        row, col = _KANO_ANSWERS.index(functional.lower()), _KANO_ANSWERS.index(dysfunctional.lower())
    except ValueError:
        raise ValidationError(
            f"Kano answers must be one of {', '.join(_KANO_ANSWERS)}, got {functional!r} and {dysfunctional!r}"
        ) from None
    return _KANO_TABLE[row][col]
