"""Alerts: an injected step change is found from its first day, and the breakdown names the changed segment."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from headway.strategy.engine.alerts import detect_anomalies, detect_anomaly, explain_change, status_alert
from headway.strategy.engine.status import kpi_status

START = date(2025, 1, 6)
SHAPE = np.array([1.0, 0.9, 0.9, 1.0, 1.1, 1.4, 1.3])
STEP_DAY = 100


def cells(days: int = 120, step: float = 0.5) -> dict[tuple[str, str], np.ndarray]:
    """Daily counts by (platform, country); only iOS jumps by ``step`` from day 100."""
    rng = np.random.default_rng(11)
    t = np.arange(days)
    out = {}
    for platform, p_share in (("ios", 0.3), ("android", 0.5), ("web", 0.2)):
        for country, c_share in (("us", 0.5), ("de", 0.3), ("fr", 0.2)):
            level = 1000 * p_share * c_share * SHAPE[t % 7] * (1 + 0.002 * t)
            if platform == "ios":
                level = level * np.where(t >= STEP_DAY, 1 + step, 1.0)
            out[(platform, country)] = level + rng.normal(0, 3, days)
    return out


def dates(n: int) -> list[date]:
    return [START + timedelta(days=i) for i in range(n)]


def split(table: dict[tuple[str, str], np.ndarray]) -> dict[str, dict[str, list[float]]]:
    out: dict[str, dict[str, list[float]]] = {"platform": {}, "country": {}}
    for (platform, country), series in table.items():
        for prop, value in (("platform", platform), ("country", country)):
            current = out[prop].get(value)
            out[prop][value] = list(series if current is None else np.asarray(current) + series)
    return out


def test_a_step_change_alerts_from_its_first_day_with_its_size_and_breakdown():
    table = cells()
    total = sum(table.values())
    alert = detect_anomaly(list(total), dates(120), "Orders", segments=split(table))
    assert alert is not None
    assert alert.since == START + timedelta(days=STEP_DAY)
    assert alert.until == START + timedelta(days=119)
    assert alert.slots == 20
    assert alert.direction == "up"
    # iOS is 30% of the orders and jumps 50%: the total rises by 15% (a little more against an
    # expectation whose damped trend lags the 0.2% a day growth)
    assert alert.delta_pct == pytest.approx(0.15, abs=0.03)
    assert alert.breakdown is not None
    assert alert.breakdown.property == "platform"
    assert alert.breakdown.segments[0].value == "ios"
    # iOS's jump is ~180 a day of a ~230 change; the rest is the growth every platform shares between the
    # four weeks before and the twenty days of the run
    shares = {s.value: s.share for s in alert.breakdown.segments}
    assert 0.7 < shares["ios"] < 0.9
    assert shares["android"] == pytest.approx(shares["web"] * 5 / 2, rel=0.3)
    assert alert.breakdown.scores["platform"] > 10 * alert.breakdown.scores["country"]
    assert alert.message.startswith(f"Orders is up {alert.delta_pct:.0%} (+")
    assert "since 2025-04-16: 20 days outside the 99% expected band" in alert.message
    assert "Most of the change comes from platform = ios" in alert.message


def test_a_steady_series_raises_no_alert():
    table = cells(step=0.0)
    total = list(sum(table.values()))
    assert detect_anomaly(total, dates(120), "Orders") is None
    assert [a for a in detect_anomalies(total, dates(120), "Orders") if a.slots >= 3] == []


def test_the_breakdown_by_hand():
    segments = {
        "device": {"mobile": [10.0, 10.0, 28.0, 28.0], "desktop": [10.0, 10.0, 12.0, 12.0]},
        "plan": {"free": [10.0, 10.0, 20.0, 20.0], "paid": [10.0, 10.0, 20.0, 20.0]},
    }
    breakdown = explain_change(segments, baseline=[0, 1], current=[2, 3])
    assert breakdown is not None
    assert breakdown.property == "device"  # plan's shares stayed 50/50: it explains nothing
    assert breakdown.scores["plan"] == 0.0
    assert [(s.value, s.delta, s.share) for s in breakdown.segments] == [("mobile", 18.0, 0.9), ("desktop", 2.0, 0.1)]
    assert breakdown.sentence == (
        "Most of the change comes from device = mobile: +18 a day (90% of the change); desktop +2 (10%)."
    )


def test_a_target_turning_off_track_raises_one_alert():
    values = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0] * 5
    days = dates(35)
    status = kpi_status(values, days, 2000, date(2025, 2, 3), date(2025, 3, 2))
    assert status.status == "off_track"
    alert = status_alert("Orders", "at_risk", status, days[-1])
    assert alert is not None
    assert alert.kind == "off_track" and alert.direction == "down"
    assert alert.delta == pytest.approx(1120 - 2000)
    assert alert.message.startswith("Orders turned off track (was at risk): off track: target 2,000 is above")
    assert status_alert("Orders", "off_track", status, days[-1]) is None
