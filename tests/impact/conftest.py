"""A shipped initiative with a KPI history, and an events store with a randomised experiment.

KPI ``checkout_conversion`` (a daily rate): 60 days before the ship date at 0.30 + N(0, 0.005), then 28 days at
0.35 + N(0, 0.005): a planted jump of 0.05. KPI ``basket_size`` moves nothing around the same ship date.
"One-click checkout" expects "+3 pp" on checkout conversion (0.03); "Wishlist" expects "+5 pp" on basket size.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from headway.impact import services
from headway.planning import services as planning
from headway.strategy import services as strategy

SHIP = date.today() - timedelta(days=28)
JUMP = 0.05


def _csv(values: list[float], start: date) -> str:
    lines = ["date,value"] + [f"{start + timedelta(days=k)},{v:.6f}" for k, v in enumerate(values)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def shipped(db, workspace):
    rng = np.random.default_rng(16)
    conversion = list(0.30 + rng.normal(0, 0.005, 60)) + list(0.30 + JUMP + rng.normal(0, 0.005, 28))
    basket = list(40 + rng.normal(0, 0.5, 88))
    strategy.create_kpi(None, "checkout_conversion", "Checkout conversion", unit="number", aggregation="mean")
    strategy.create_kpi(None, "basket_size", "Basket size", unit="number", aggregation="mean")
    start = SHIP - timedelta(days=60)
    strategy.import_values(None, "checkout_conversion", _csv(conversion, start))
    strategy.import_values(None, "basket_size", _csv(basket, start))
    hit = planning.create_initiative(None, title="One-click checkout", kind="iterate", kpi="checkout_conversion",
                                     expected_impact="+3 pp checkout conversion")
    miss = planning.create_initiative(None, title="Wishlist", kind="innovate", kpi="basket_size",
                                      expected_impact="+5 basket size")
    planning.set_inputs(None, hit.pk, {"reach": 1000, "impact": 2, "confidence": 0.8})
    planning.set_inputs(None, miss.pk, {"reach": 1000, "impact": 2, "confidence": 0.5})
    for initiative in (hit, miss):
        planning.set_stage(None, initiative.pk, "shipped")
        services.set_measurement(None, initiative.pk, shipped_on=SHIP)
    return {"hit": hit, "miss": miss, "conversion": conversion, "basket": basket}


def experiment_events() -> list[dict]:
    """2,000 persons exposed Jan 2026, half to ``test``: ``purchase`` converts 20% in control and 26% in test
    (a planted lift); ``signup`` converts 30% in both (none)."""
    rng = random.Random(7)
    rows = []
    for i in range(2000):
        who = f"p{i}"
        variant = "test" if i % 2 else "control"
        when = f"2026-01-{1 + i % 20:02d}T10:00:00"
        rows.append({"event": "$exposure", "timestamp": when, "distinct_id": who,
                     "properties": {"variant": variant}})
        if rng.random() < (0.26 if variant == "test" else 0.20):
            rows.append({"event": "purchase", "timestamp": when.replace("T10", "T11"), "distinct_id": who,
                         "properties": {"amount": 30}})
        if rng.random() < 0.30:
            rows.append({"event": "signup", "timestamp": when.replace("T10", "T12"), "distinct_id": who,
                         "properties": {}})
    return rows


@pytest.fixture
def experiment_store(db, workspace, settings, tmp_path):
    from headway.analytics import services as analytics

    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    events = experiment_events()
    report = analytics.ingest(None, events)
    assert report.ingested == len(events)
    yield events
    analytics.close_store()
