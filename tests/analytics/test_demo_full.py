"""The full-size demo (50,000 users, 180 days) through the real builder and the events store."""

from __future__ import annotations

from datetime import date

import pytest

from headway.analytics import services
from headway.demo.builder import build_demo

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
AS_OF = date(2026, 6, 30)


def test_the_full_demo_has_50000_users_over_180_days_and_a_visible_launch(empty_store):
    result = build_demo(seed=7, as_of=AS_OF)
    stats = services.store_stats(None)
    assert stats.distinct_ids >= 50_000
    assert set(stats.by_event) == {"visit", "sign_up", "login", "search", "view_item", "add_to_cart", "checkout",
                                   "purchase", "$pageview",
                                   "$exposure", "wishlist_add", "share_product"}  # the impact demo's experiment
    pageviews = services.trends(None, {"event": "$pageview", "date_from": "2026-06-30", "date_to": "2026-06-30"})
    assert pageviews.series[0].data[0] > services.trends(None, {"event": "visit", "date_from": "2026-06-30",
                                                           "date_to": "2026-06-30"}).series[0].data[0]
    days = services.trends(None, {"event": "visit", "date_from": "2026-01-02", "date_to": "2026-06-30"})
    assert len(days.labels) == 180 and min(days.series[0].data) > 0
    outside = services.trends(None, {"event": "visit", "date_from": "2026-01-01", "date_to": "2026-01-01"})
    assert outside.series[0].data == [0.0]
    launch = result.made["launch"]
    assert launch["date"] == date(2026, 4, 2) and launch["after"] - launch["before"] > 0.1
    assert [m.name for m in services.list_metrics(None)][:2] == ["visitors", "buyers"]
