"""Numbers, money, durations, dates and labels as people read them: the one formatting layer of every face.

Pages use it through the template filters of ``headway.web.templatetags.headway_format``; the CLI's tables and
the KPI ``display`` fields call it directly. Plain Python (no Django), so any face may import it.

- ``number(1234567.8)`` → ``1,234,568``; ``number(12.345)`` → ``12.3`` (three significant digits below 100)
- ``percent(0.688)`` → ``68.8 %`` (a ratio); ``percent(68.8, ratio=False)`` → ``68.8 %``
- ``money(36621, "USD")`` → ``$36,621``; ``money(-5, "SEK")`` → ``-SEK 5``
- ``duration(467614.4)`` → ``5.4 days``; ``duration(300)`` → ``5 min``; ``duration(42)`` → ``42 s``
- ``label("in_progress")`` → ``In progress``; ``label("senior_pm")`` → ``Senior PM``
- ``day(date(2026, 12, 7))`` → ``7 Dec 2026``; ``moment(datetime)`` → ``7 Dec 2026, 14:05``
"""

from __future__ import annotations

import math
from datetime import date, datetime

DASH = "–"  # no value
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "CHF": "CHF ",
                    "INR": "₹"}
#: Words written in capitals inside a label (roles, levels, frameworks, KPIs).
ACRONYMS = frozenset({"pm", "vp", "cpo", "cto", "ceo", "kpi", "okr", "nps", "api", "ux", "ui", "ic", "em",
                      "rice", "ice", "wsjf", "csv", "sql", "id", "url", "hr", "qa", "ab", "did", "srm"})
#: Labels that are not the value's words with the first capitalised.
LABELS = {"tech_debt": "Tech debt", "on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
          "no_target": "No target", "no_data": "No data", "first_time": "First time", "on_or_after": "On or after"}
DAY_FORMAT = "%-d %b %Y"


def _finite(value: float | int | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number_value = float(value)
    return number_value if math.isfinite(number_value) else None


def number(value: float | int | None, decimals: int | None = None) -> str:
    """Thousands separators; whole above 100, three significant digits below (``decimals`` fixes them)."""
    v = _finite(value)
    if v is None:
        return DASH
    if decimals is not None:
        return f"{v:,.{decimals}f}"
    if v == int(v) or abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.3g}"


def percent(value: float | int | None, *, ratio: bool = True, decimals: int = 1) -> str:
    """A share as a percentage: ``0.688`` → ``68.8 %`` (``ratio=False`` when the value is already ×100)."""
    v = _finite(value)
    if v is None:
        return DASH
    shown = v * 100 if ratio else v
    text = f"{shown:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{shown:,.0f}"
    return f"{text} %"


def money(value: float | int | None, currency: str = "USD", *, decimals: int = 0) -> str:
    """An amount in the workspace currency: ``$36,621``, ``€1,200``, ``SEK 5`` (code when no symbol)."""
    v = _finite(value)
    if v is None:
        return DASH
    symbol = CURRENCY_SYMBOLS.get(currency.upper(), f"{currency.upper()} ")
    return f"{'-' if v < 0 else ''}{symbol}{abs(v):,.{decimals}f}"


def duration(seconds: float | int | None) -> str:
    """A length of time in the unit that reads best: ``42 s``, ``5 min``, ``3.5 h``, ``5.4 days``."""
    v = _finite(seconds)
    if v is None:
        return DASH
    sign, v = ("-" if v < 0 else ""), abs(v)
    if v < 60:
        return f"{sign}{v:.0f} s"
    if v < 3600:
        return f"{sign}{_short(v / 60)} min"
    if v < 86400:
        return f"{sign}{_short(v / 3600)} h"
    days = v / 86400
    return f"{sign}{_short(days)} day{'' if _short(days) == '1' else 's'}"


def _short(value: float) -> str:
    """One decimal below 10, whole numbers above (``3.5``, ``12``, ``1,205``)."""
    return f"{value:.1f}".removesuffix(".0") if value < 10 else f"{value:,.0f}"


def editable(value: object) -> str:
    """A value as a form field shows it for editing: a number without separators or a needless ``.0``
    (``1200``, ``0.8``), text as typed."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def label(value: object) -> str:
    """The human label of an enum value: ``in_progress`` → ``In progress``, ``senior_pm`` → ``Senior PM``."""
    if value is None or value == "":
        return DASH
    text = str(value)
    if text in LABELS:
        return LABELS[text]
    words = text.replace("-", "_").split("_")
    out = [w.upper() if w.lower() in ACRONYMS else w.lower() for w in words if w]
    if out and out[0] == out[0].lower():
        out[0] = out[0].capitalize()
    return " ".join(out)


def day(value: date | datetime | None) -> str:
    """The one date format: ``7 Dec 2026``."""
    if value is None:
        return DASH
    return value.strftime(DAY_FORMAT)


def moment(value: datetime | None) -> str:
    """A date and time: ``7 Dec 2026, 14:05`` (in the time zone the value carries)."""
    if value is None:
        return DASH
    return f"{day(value)}, {value:%H:%M}"
