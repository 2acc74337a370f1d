"""The demo's speed-ups reuse work without changing a number: a KPI model fitted once per series, and the
splits that explain an alert shared by KPIs counting the same events."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

import pytest

from headway.strategy.engine.forecast import choose_model, model_for
from headway.strategy.engine.series import regular

DAYS = [date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)]
# 30 purchases over three days: device takes two values, sku thirty (more than BREAKDOWN_LIMIT = 25).
EVENTS = [
    {"uuid": f"p{i}", "event": "purchase", "timestamp": f"{DAYS[i % 3].isoformat()}T{8 + i % 10:02d}:00:00Z",
     "distinct_id": "abc"[i % 4 % 3], "properties": {"device": "mobile" if i % 2 else "desktop", "sku": f"s{i}"}}
    for i in range(30)
]
CATALOGUE = """metrics:
  - name: purchases
    type: simple
    event: purchase
  - name: buyers
    type: simple
    event: purchase
    math: unique_users
"""


def test_a_series_fitted_before_reuses_its_model_and_it_is_the_same_fit():
    start = date(2026, 1, 1)
    values = [100 + 10 * ((start + timedelta(days=i)).weekday() >= 5) + (i % 5) + 0.5 * i for i in range(70)]
    dates = [start + timedelta(days=i) for i in range(70)]
    first = model_for(regular(list(values), list(dates), "day"))
    again = model_for(regular(list(values), list(dates), "day"))
    fresh = choose_model(values, 7)
    assert again is first
    assert (first.name, first.params, first.sigma, first.sse) == (fresh.name, fresh.params, fresh.sigma, fresh.sse)
    assert first.predict(14) == fresh.predict(14)
    assert math.isfinite(first.aicc) and first.aicc == fresh.aicc


@pytest.fixture
def purchases(db, workspace, settings, tmp_path):
    from headway.analytics import services as analytics

    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    analytics.ingest(None, EVENTS)
    analytics.load_metrics(None, CATALOGUE)
    yield
    analytics.close_store()


def _by_hand(math_: str) -> dict[str, list[float]]:
    """Purchases (or distinct buyers) per device and day, counted from EVENTS directly (London = UTC in January)."""
    split: dict[str, list[float]] = {}
    for device in ("desktop", "mobile"):
        rows = [e for e in EVENTS if e["properties"]["device"] == device]
        per_day = [[e["distinct_id"] for e in rows if e["timestamp"].startswith(d.isoformat())] for d in DAYS]
        split[device] = [float(len(ids) if math_ == "total" else len(set(ids))) for ids in per_day]
    return split


def test_kpis_counting_the_same_events_share_their_splits_and_skip_too_varied_properties(purchases):
    from headway.strategy.services import SegmentCache, metric_segments

    assert Counter(e["properties"]["device"] for e in EVENTS) == {"desktop": 15, "mobile": 15}
    alone = metric_segments(None, "purchases", DAYS)
    assert alone == {"device": _by_hand("total")}  # sku has 30 values: it explains nothing

    cache = SegmentCache()
    buyers = metric_segments(None, "buyers", DAYS, cache)
    assert buyers == {"device": _by_hand("unique_users")}
    assert cache.too_varied == {("purchase", (), DAYS[0], DAYS[-1], "sku")}
    shared = metric_segments(None, "purchases", DAYS, cache)
    assert shared == alone
    # the second metric ran only its own device split: sku was known to be too varied
    assert set(cache.splits) == {("purchase", (), DAYS[0], DAYS[-1], "device", "unique_users", None),
                                 ("purchase", (), DAYS[0], DAYS[-1], "device", "total", None)}
