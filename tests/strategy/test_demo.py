"""Northwind Retail's strategy on a small demo: goals, North Star, KPIs of every status, the launch alert,
and a dashboard that reads precomputed numbers fast."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from headway.demo.builder import DemoContext, load_steps
from headway.demo.company import demo_password
from headway.strategy import services
from headway.strategy.models import Alert, Goal

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
STEPS = {"workspace and logins", "product events", "strategy and KPIs"}


@pytest.fixture
def demo(empty_store):
    from headway.demo.reset import reset_installation

    reset_installation()
    ctx = DemoContext(seed=7, as_of=date(2026, 6, 30), users=20_000, days=120)
    for step in load_steps():
        if step.name in STEPS:
            step.run(ctx)
    return ctx


def test_the_demo_has_goals_a_north_star_kpis_of_every_status_and_the_launch_alert(demo):
    made = demo.made["strategy"]
    assert made["period"] == "FY2027 Q2"  # fiscal year from February: May to July 2026
    company = Goal.objects.filter(level="company")
    assert company.count() == 3 and all(g.children.exists() for g in company)
    kpis = services.kpi_summaries(None)
    assert 7 <= len(kpis) <= 11
    north = [k for k in kpis if k.north_star]
    assert [k.name for k in north] == ["weekly_buyers"] and north[0].metric == "weekly_buyers"
    assert {k.status for k in kpis} >= {"on_track", "at_risk", "off_track"}
    assert all(k.error == "" and k.projection is not None for k in kpis)
    launch = demo.made["launch"]["date"]
    explained = [a for a in Alert.objects.filter(kind="anomaly", kpi__name="checkout_conversion")
                 if a.since <= launch + timedelta(days=7) and launch <= a.since + timedelta(days=6)]
    assert len(explained) == 1
    alert = explained[0]
    assert alert.direction == "up" and alert.delta_pct > 0.15 and alert.breakdown["property"] == "device"
    assert "Most of the change comes from device" in alert.message
    assert services.current_strategy(None).version == 2


def test_the_dashboard_shows_the_north_star_and_kpi_tree(demo):
    client = Client()
    assert client.login(username="leader", password=demo_password("leader"))
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and "Weekly purchasing customers" in html and '<svg class="kpi-tree"' in html
