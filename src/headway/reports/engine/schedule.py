"""When a subscription runs next: daily at an hour, weekly on a weekday and hour, monthly on the 1st, quarterly on the 1st of a
fiscal quarter, in the workspace's time zone (``after`` and the result are aware datetimes in that zone)."""

from __future__ import annotations

from datetime import datetime, timedelta


def next_run(cadence: str, after: datetime, *, weekday: int = 0, hour: int = 8,
             fiscal_year_start_month: int = 1) -> datetime:
    """The first run strictly after ``after`` (an aware datetime in the workspace's zone)."""
    if not 0 <= weekday <= 6 or not 0 <= hour <= 23:
        raise ValueError("weekday is 0 (Monday) to 6 (Sunday) and hour 0 to 23")
    base = after.replace(minute=0, second=0, microsecond=0, hour=hour)
    if cadence == "daily":
        return base if base > after else base + timedelta(days=1)
    if cadence == "weekly":
        candidate = base + timedelta(days=(weekday - base.weekday()) % 7)
        if candidate <= after:
            candidate += timedelta(days=7)
        return candidate
    if cadence in ("monthly", "quarterly"):
        step = 1 if cadence == "monthly" else 3
        year, month = base.year, base.month
        while True:
            offset = (month - fiscal_year_start_month) % step
            if offset == 0:
                candidate = base.replace(year=year, month=month, day=1)
                if candidate > after:
                    return candidate
            month += 1
            if month > 12:
                year, month = year + 1, 1
    raise ValueError(f"cadence {cadence!r} has no schedule: daily, weekly, monthly or quarterly")
