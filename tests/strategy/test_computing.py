"""KPIs computed from events, a failing metric, anomaly and off-track alerts, acknowledging them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from headway.core.errors import PermissionDenied
from headway.strategy import services
from headway.strategy.models import Alert, KpiValue

pytestmark = pytest.mark.django_db

EVENTS = [
    {"uuid": "e1", "event": "purchase", "timestamp": "2026-01-05T10:00:00Z", "distinct_id": "a"},
    {"uuid": "e2", "event": "purchase", "timestamp": "2026-01-05T12:00:00Z", "distinct_id": "b"},
    {"uuid": "e3", "event": "purchase", "timestamp": "2026-01-06T09:00:00Z", "distinct_id": "a"},
    {"uuid": "e4", "event": "visit", "timestamp": "2026-01-06T23:30:00Z", "distinct_id": "c"},
    {"uuid": "e5", "event": "purchase", "timestamp": "2026-01-07T00:30:00Z", "distinct_id": "c"},
]
CATALOGUE = "metrics:\n  - name: orders\n    type: simple\n    event: purchase\n"


@pytest.fixture
def orders(empty_store):
    from headway.analytics import services as analytics

    analytics.ingest(None, EVENTS)
    analytics.load_metrics(None, CATALOGUE)
    return services.create_kpi(None, "orders", "Orders", metric="orders")


def test_a_metric_kpi_caches_its_daily_values(orders):
    report = services.refresh_kpis(None, as_of=date(2026, 1, 7))
    assert report.errors == {} and report.values == {"orders": 3}
    # London days: 2 purchases on the 5th, 1 on the 6th, 1 on the 7th; the days before the first are not zeros
    assert list(KpiValue.objects.values_list("date", "value")) == [
        (date(2026, 1, 5), 2.0), (date(2026, 1, 6), 1.0), (date(2026, 1, 7), 1.0)]
    k = services.kpi_summary(None, "orders")
    assert (k.period, k.period_to_date, k.current, k.error) == ("FY2026 Q1", 4.0, 1.0, "")


def test_a_failing_metric_shows_its_error_and_the_last_good_value(orders):
    from headway.analytics import services as analytics

    services.refresh_kpis(None, as_of=date(2026, 1, 7))
    analytics.load_metrics(None, "metrics:\n  - name: visits\n    type: simple\n    event: visit\n")
    report = services.refresh_kpis(None, as_of=date(2026, 1, 8))
    assert "There is no metric 'orders'" in report.errors["orders"]
    k = services.kpi_summary(None, "orders")
    assert "There is no metric 'orders'" in k.error
    assert (k.current, k.current_date, k.period_to_date) == (1.0, date(2026, 1, 7), 4.0)  # never a silent zero
    assert KpiValue.objects.count() == 3


def _stepped_kpi() -> None:
    """70 days from Monday 2 March 2026: 100 a weekday, 120 a weekend day, ±2, then 50 more from day 56."""
    start = date(2026, 3, 2)
    rows = [(start + timedelta(days=i), 100 + (20 if (start + timedelta(days=i)).weekday() >= 5 else 0)
             + (i % 3 - 1) * 2 + (50 if i >= 56 else 0)) for i in range(70)]
    services.create_kpi(None, "tickets", "Support tickets", unit="count", aggregation="sum")
    services.import_values(None, "tickets", "date,value\n" + "".join(f"{d},{v}\n" for d, v in rows))


def test_a_step_change_raises_an_explained_alert_once(workspace, viewer, leader):
    _stepped_kpi()
    report = services.refresh_kpis(None, as_of=date(2026, 5, 10))
    # weeks sum to 738–742 for eight weeks, then 1092 and 1088: up 350 a week (47%) from Monday 27 April
    assert report.alerts == ["Support tickets is up 47% (+350 a week against 740 expected) since 2026-04-27: "
                             "2 weeks outside the 99% expected band."]
    services.refresh_kpis(None, as_of=date(2026, 5, 10))
    alert = Alert.objects.get()
    assert (alert.kind, alert.since, alert.until, alert.slots, alert.direction) == (
        "anomaly", date(2026, 4, 27), date(2026, 5, 4), 2, "up")
    assert alert.actual == 1090.0
    with pytest.raises(PermissionDenied, match="Only a product leader or the owner of Support tickets"):
        services.acknowledge_alert(viewer, alert.pk)  # a reader may not acknowledge the leader's alerts
    services.acknowledge_alert(leader, alert.pk)
    alert.refresh_from_db()
    assert alert.acknowledged_by == leader and services.list_alerts(None, include_acknowledged=False).count() == 0


def test_a_target_turning_off_track_raises_an_alert(workspace):
    _stepped_kpi()
    services.refresh_kpis(None, as_of=date(2026, 5, 10))
    services.set_target(None, "tickets", "current", "1")  # the current quarter (from today): on track
    services.set_target(None, "tickets", "2026-05-01..2026-05-31", 100_000)
    assert not Alert.objects.filter(kind="off_track").exists()  # only the current quarter raises these
    target = services.kpi_summary(None, "tickets", "current")
    services.set_target(None, "tickets", "current", (target.upper or 0) * 2 + 1_000)
    alert = Alert.objects.get(kind="off_track")
    assert alert.message.startswith("Support tickets turned off track (was on track): off track: target")


def test_an_alert_on_a_ratio_kpi_is_explained_by_the_ratios_own_breakdown(empty_store, viewer):
    """Conversion = purchases ÷ visits. Every day 10 mobile and 9–11 desktop visits; mobile buys 2 of its 10 and
    desktop 2 of its visits (about 20 %), until mobile buys 6 of 10 (60 %) from Monday 27 April. The alert says mobile's
    own conversion went from 20.0 % to 60.0 %, not how many orders each segment made."""
    from headway.analytics import services as analytics

    start, events = date(2026, 3, 2), []
    for i in range(70):
        day = (start + timedelta(days=i)).isoformat()
        desktop_visits = 10 + (i % 3 - 1)
        for device, visits, buys in (("mobile", 10, 6 if i >= 56 else 2), ("desktop", desktop_visits, 2)):
            for n in range(visits):
                who = f"{device}-{i}-{n}"
                props = {"device": device}
                events.append({"uuid": f"v-{who}", "event": "visit", "timestamp": f"{day}T12:00:00Z",
                               "distinct_id": who, "properties": props})
                if n < buys:
                    events.append({"uuid": f"p-{who}", "event": "purchase", "timestamp": f"{day}T12:30:00Z",
                                   "distinct_id": who, "properties": props})
    analytics.ingest(None, events)
    analytics.load_metrics(None, "metrics:\n  - name: purchases\n    type: simple\n    event: purchase\n"
                                 "  - name: visits\n    type: simple\n    event: visit\n"
                                 "  - name: conversion\n    type: ratio\n    numerator: purchases\n"
                                 "    denominator: visits\n")
    services.create_kpi(None, "conversion", "Conversion", metric="conversion", unit="percent", aggregation="mean")
    services.refresh_kpis(None, as_of=date(2026, 5, 10))
    alert = Alert.objects.get(kpi__name="conversion", kind="anomaly")
    assert (alert.since, alert.direction, alert.breakdown["property"]) == (date(2026, 4, 27), "up", "device")
    mobile, desktop = alert.breakdown["segments"]
    assert (mobile["value"], mobile["before"], mobile["after"]) == ("mobile", pytest.approx(0.2), pytest.approx(0.6))
    # baseline: the 8 weeks before (days 0–55): desktop 559 visits (the ±1 cycle leaves −1), 112 purchases;
    # the alert's 2 weeks (days 56–69): 140 visits, 28 purchases
    assert (desktop["value"], desktop["before"], desktop["after"]) == ("desktop", pytest.approx(112 / 559),
                                                                       pytest.approx(28 / 140))
    # contributions: N'_s/D' − N_s/D with D = 560 + 559, D' = 280; they add up to R' − R = 112/280 − 224/1119
    change = 112 / 280 - 224 / 1119
    assert mobile["delta"] == pytest.approx(84 / 280 - 112 / 1119)
    assert mobile["share"] == pytest.approx((84 / 280 - 112 / 1119) / change)
    assert desktop["share"] == pytest.approx((28 / 280 - 112 / 1119) / change)
    assert "Most of the change comes from device = mobile: its Conversion went from 20.0 % to 60.0 %" in alert.message
    assert alert.breakdown["kind"] == "ratio"
    from django.test import Client

    from tests.conftest import PASSWORD

    client = Client()
    assert client.login(username=viewer.username, password=PASSWORD)
    page = " ".join(client.get("/goals/alerts/").content.decode().split())
    assert "Split by device: each value's own Conversion (numerator ÷ denominator)" in page
    assert "<td>mobile</td><td>20 %</td><td>60 %</td>" in page
