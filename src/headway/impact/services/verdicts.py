"""The verdict of a read-out against the initiative's ``expected_impact``: hit, miss, inconclusive or opposite.

``expected_impact`` is free text such as ``"+2 pp"``, ``"+10%"``, ``"-3"`` or ``"+0.02"``. A number with ``%``
is relative to the counterfactual; ``pp`` (percentage points) is absolute on a percent KPI (0.01 per point);
else absolute in the KPI's unit. Without a sign, the expected direction is the KPI's good direction.

With ``lo..hi`` the effect's interval, signed so that positive is the expected direction:

- **opposite**: the whole interval is below 0 (it moved the other way);
- **hit**: the interval is above 0 and reaches at least half the expected effect;
- **miss**: the interval lies below half the expected effect (it cannot have done what was hoped);
- **inconclusive**: anything else (the interval holds 0 and half the expectation), or too little data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"([+-]?)\s*(\d+(?:[.,]\d+)?)\s*(%|pp|p\.p\.|points?)?", re.IGNORECASE)


@dataclass(frozen=True)
class Expected:
    """The expected effect: ``value`` signed, ``relative`` when it is a share of the counterfactual."""

    value: float
    relative: bool


def parse_expected(text: str, *, higher_is_better: bool = True) -> Expected | None:
    """The expected effect in ``text`` (None when it names no number)."""
    match = _NUMBER.search(text or "")
    if match is None:
        return None
    sign, number, unit = match.groups()
    value = float(number.replace(",", "."))
    unit = (unit or "").lower()
    relative = unit == "%"
    if unit in ("pp", "p.p.", "point", "points"):
        value /= 100.0
    if relative:
        value /= 100.0
    if sign == "-" or (not sign and not higher_is_better):
        value = -value
    return Expected(value, relative)


def verdict(lower: float, upper: float, expected: float | None, *, higher_is_better: bool = True) -> str:
    """hit, miss, inconclusive or opposite for the interval ``lower..upper`` against ``expected``."""
    direction = 1.0
    if expected is not None and expected != 0:
        direction = 1.0 if expected > 0 else -1.0
    elif not higher_is_better:
        direction = -1.0
    lo, hi = sorted((lower * direction, upper * direction))
    if hi < 0:
        return "opposite"
    half = abs(expected) / 2 if expected else 0.0
    if lo > 0 and hi >= half:
        return "hit"
    if expected and hi < half:
        return "miss"
    return "inconclusive"
