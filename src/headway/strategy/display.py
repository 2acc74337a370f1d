"""KPI numbers as people read them, the same on every face (CLI, API ``display`` fields, pages)."""

from __future__ import annotations

from headway.strategy.engine.text import number

STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track", "no_target": "No target",
                 "no_data": "No data"}
CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"}


def format_value(value: float | None, unit: str, currency: str = "USD") -> str:
    """``1,240``, ``52.3%``, ``$1,240`` or ``–`` when there is no value."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    if unit == "currency":
        symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
        return f"{'-' if value < 0 else ''}{symbol}{number(abs(value))}"
    return number(value)
