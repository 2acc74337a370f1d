"""Difference-in-differences chosen for a read-out when only one segment got the change.

Events of four devices over 60 days before and 28 days after the ship date: every device has 100 ``checkout``
events a day and ``purchase`` events at its own base rate plus noise; after the ship date every device gains
3 points (a market-wide shock that before/after would take for the initiative's effect) and iOS, the segment
that got the change, 5 points more. The expected effect is the difference-in-differences of the generated
daily rates, computed here by hand (with a balanced panel the two-way fixed-effects estimate is exactly that).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from headway.core.errors import ValidationError
from headway.impact import services
from headway.planning import services as planning
from headway.strategy import services as strategy

SHIP = date.today() - timedelta(days=28)
BASE = {"ios": 0.30, "android": 0.25, "web": 0.20, "desktop": 0.22}
SHOCK, LIFT, CHECKOUTS = 0.03, 0.05, 100
METRICS = """
metrics:
  - name: checkouts
    type: simple
    event: checkout
  - name: purchases
    type: simple
    event: purchase
  - name: checkout_conversion
    type: ratio
    numerator: purchases
    denominator: checkouts
"""


def _events(devices: dict[str, float], pre_trend: float = 0.0) -> tuple[list[dict], dict[str, list[float]]]:
    rng = np.random.default_rng(16)
    rows, rates = [], {d: [] for d in devices}
    for k in range(88):
        day = SHIP - timedelta(days=60) + timedelta(days=k)
        post = k >= 60
        for device, base in devices.items():
            rate = base + rng.normal(0, 0.01) + (SHOCK if post else 0) + (LIFT if post and device == "ios" else 0)
            rate += pre_trend * k if device == "ios" else 0.0
            bought = round(CHECKOUTS * rate)
            rates[device].append(bought / CHECKOUTS)
            for i in range(CHECKOUTS):
                who = f"{device}-{k}-{i}"
                when = f"{day}T12:00:00"
                rows.append({"event": "checkout", "timestamp": when, "distinct_id": who,
                             "properties": {"device": device}})
                if i < bought:
                    rows.append({"event": "purchase", "timestamp": when.replace("T12", "T13"), "distinct_id": who,
                                 "properties": {"device": device}})
    return rows, rates


def _by_hand(rates: dict[str, list[float]]) -> float:
    others = [d for d in rates if d != "ios"]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    treated = mean(rates["ios"][60:]) - mean(rates["ios"][:60])
    control = mean([mean(rates[d][60:]) - mean(rates[d][:60]) for d in others])
    return treated - control


@pytest.fixture
def segmented(db, workspace, settings, tmp_path):
    from headway.analytics import services as analytics

    def build(devices: dict[str, float], pre_trend: float = 0.0) -> dict:
        settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
        rows, rates = _events(devices, pre_trend)
        assert analytics.ingest(None, rows).ingested == len(rows)
        analytics.load_metrics(None, METRICS)
        strategy.create_kpi(None, "checkout_conversion", "Checkout conversion", metric="checkout_conversion",
                            unit="number", aggregation="mean")
        initiative = planning.create_initiative(None, title="Apple Pay", kind="iterate", kpi="checkout_conversion",
                                                expected_impact="+3 pp")
        planning.set_stage(None, initiative.pk, "shipped")
        services.set_measurement(None, initiative.pk, shipped_on=SHIP, segment="device=ios")
        return {"initiative": initiative, "rates": rates}

    yield build
    analytics.close_store()


def test_a_named_segment_is_measured_by_difference_in_differences(segmented):
    found = segmented(BASE)
    readout = services.measure(None, found["initiative"].pk, as_of=date.today())
    expected = _by_hand(found["rates"])
    assert readout.method == "diff_in_diff" and not readout.correlational
    assert readout.segment == "device=ios"
    assert "Difference-in-differences" in readout.method_words
    assert readout.average_effect == pytest.approx(expected, abs=1e-9)
    assert abs(expected - LIFT) < 0.01  # the shock every device had is not in the effect
    assert readout.lower <= LIFT <= readout.upper
    assert readout.verdict == "hit"
    assert readout.pre_trend_p_value is not None and readout.pre_trend_p_value > 0.05
    assert readout.days == 28
    after = [p for p in readout.series if p.predicted is not None]
    assert [p.actual for p in after] == pytest.approx(found["rates"]["ios"][60:])
    # the counterfactual is the others' mean plus iOS's pre-period gap to them
    others = [d for d in BASE if d != "ios"]
    gap = np.mean([found["rates"]["ios"][k] - np.mean([found["rates"][d][k] for d in others]) for k in range(60)])
    assert after[0].predicted == pytest.approx(np.mean([found["rates"][d][60] for d in others]) + gap)
    assert services.readout(None, found["initiative"].pk).method == "diff_in_diff"


def test_the_method_order_and_the_fallbacks(segmented):
    found = segmented({"ios": 0.30, "android": 0.25})  # one untreated segment: too few for clustered errors
    pk = found["initiative"].pk
    with pytest.raises(ValidationError, match="at least 2 untreated segments"):
        services.measure(None, pk, method="did", as_of=date.today())
    strategy.refresh_kpis(None, as_of=date.today())
    readout = services.measure(None, pk, as_of=date.today())
    assert readout.method == "forecast"
    assert "Difference-in-differences on device=ios was not possible" in readout.reason
    with pytest.raises(ValidationError, match="property=value"):
        services.measure(None, pk, segment="ios", as_of=date.today())
    with pytest.raises(ValidationError, match=r"seen: (android, ios|ios, android)"):
        services.measure(None, pk, method="did", segment="device=tv", as_of=date.today())
    with pytest.raises(ValidationError, match="Unknown method"):
        services.measure(None, pk, method="magic", as_of=date.today())


def test_diverging_pre_trends_make_the_read_out_inconclusive(segmented):
    found = segmented(BASE, pre_trend=0.002)
    readout = services.measure(None, found["initiative"].pk, as_of=date.today())
    assert readout.method == "diff_in_diff"
    assert readout.pre_trend_p_value is not None and readout.pre_trend_p_value < 0.05
    assert readout.verdict == "inconclusive"
    assert "trends already differed" in readout.reason


@pytest.mark.django_db(transaction=True)
def test_difference_in_differences_on_every_face(segmented, capsys, leader, viewer):
    import json

    from django.test import Client

    from headway.cli import main
    from headway.core import services as core
    from tests.conftest import PASSWORD

    found = segmented(BASE)
    pk = found["initiative"].pk
    services.set_measurement(None, pk, segment="")  # the faces name the segment
    expected = _by_hand(found["rates"])
    with pytest.raises(SystemExit) as exit_:
        main(["impact", "measure", str(pk), "--method", "did", "--segment", "device=ios", "--json"])
    assert exit_.value.code in (0, None)
    cli = json.loads(capsys.readouterr().out)
    assert (cli["method"], cli["segment"]) == ("diff_in_diff", "device=ios")
    assert cli["average_effect"] == pytest.approx(expected, abs=1e-9)

    headers = {"Authorization": f"Bearer {core.create_token(leader, 'test').secret}"}
    client = Client()
    answer = client.post(f"/api/v1/impact/initiatives/{pk}/readout", {"segment": "device=ios", "method": "did"},
                         content_type="application/json", headers=headers)
    assert answer.status_code == 200, answer.content
    assert answer.json()["average_effect"] == pytest.approx(cli["average_effect"])
    bad = client.post(f"/api/v1/impact/initiatives/{pk}/readout", {"segment": "ios"},
                      content_type="application/json", headers=headers)
    assert bad.status_code == 422 and "property=value" in bad.json()["error"]["message"]
    refused = client.post(f"/api/v1/impact/initiatives/{pk}/readout", {"segment": "device=ios"},
                          content_type="application/json",
                          headers={"Authorization": f"Bearer {core.create_token(viewer, 'test').secret}"})
    assert refused.status_code == 403

    browser = Client()
    assert browser.login(username=viewer.username, password=PASSWORD)
    page = browser.get(f"/impact/initiatives/{pk}/").content.decode()
    assert "Treated segment: <strong>device=ios</strong>" in page
    assert 'name="segment"' not in page  # a viewer sees no Measure form
