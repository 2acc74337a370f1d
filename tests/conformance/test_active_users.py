"""Weekly and monthly active users over a range longer than one bit mask holds (so the counts are read in
several pieces), per day and per week, with a breakdown, an identified person and a timezone, against a
brute-force count of the persons active in each window."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from headway.analytics.engine.timebuckets import bucket_start, next_bucket

FIRST = datetime(2024, 1, 1, tzinfo=UTC)
DATE_FROM, DATE_TO = date(2024, 1, 20), date(2024, 4, 5)  # 77 days: 2 pieces of weekly, 3 of monthly masks
WINDOWS = {"weekly_active": 7, "monthly_active": 30}
MERGED = ("u3", "u4")  # u3's events belong to the person u4


def _records() -> list[dict]:
    rng = random.Random(11)
    out = []
    for _ in range(400):
        who = f"u{rng.randrange(30)}"
        moment = FIRST + timedelta(days=rng.randrange(100), minutes=rng.randrange(24 * 60))
        out.append({"event": "pageview", "timestamp": moment.isoformat(), "distinct_id": who,
                    "properties": {"plan": "pro" if int(who[1:]) % 3 == 0 else "free"}})
    return out


RECORDS = _records()


def expected(math: str, interval: str, tz: str, plan: str | None = None) -> list[int]:
    """Persons active in the window ending on each interval's last day (the range's last day at most)."""
    zone = ZoneInfo(tz)
    active: dict[date, set[str]] = {}
    for r in RECORDS:
        if plan is not None and r["properties"]["plan"] != plan:
            continue
        person = MERGED[1] if r["distinct_id"] == MERGED[0] else r["distinct_id"]
        day = datetime.fromisoformat(r["timestamp"]).astimezone(zone).date()
        active.setdefault(day, set()).add(person)
    counts = []
    label = bucket_start(datetime.combine(DATE_FROM, datetime.min.time()), interval)
    last = datetime.combine(DATE_TO, datetime.min.time())
    while label <= last:
        checkpoint = min(next_bucket(label, interval) - timedelta(days=1), last).date()
        persons: set[str] = set()
        for back in range(WINDOWS[math]):
            persons |= active.get(checkpoint - timedelta(days=back), set())
        counts.append(len(persons))
        label = next_bucket(label, interval)
    return counts


@pytest.mark.parametrize("tz", ["UTC", "Asia/Tokyo"])
def test_active_users_over_a_long_range_with_breakdown_and_identified_person(make_store, tz):
    """One store per timezone (ingesting is what costs on Spark), every math, interval and breakdown on it."""
    store = make_store(timezone=tz)
    assert store.ingest(RECORDS).rejected == []
    store.identify(*MERGED)
    for math, interval in (("weekly_active", "day"), ("monthly_active", "day"), ("monthly_active", "week")):
        result = store.trends("pageview", math=math, interval=interval, date_from=DATE_FROM, date_to=DATE_TO)
        assert [int(v) for v in result.series[0].data] == expected(math, interval, tz), (math, interval)
    result = store.trends("pageview", math="monthly_active", date_from=DATE_FROM, date_to=DATE_TO, breakdown="plan")
    by_plan = {s.breakdown_value: [int(v) for v in s.data] for s in result.series}
    assert by_plan == {plan: expected("monthly_active", "day", tz, plan) for plan in ("free", "pro")}
