"""Reach as evidence: persons who did an event, counted by the analytics engine."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import Conflict, ValidationError
from headway.planning import services
from tests.analytics.conftest import empty_store, events  # noqa: F401 - fixtures


def test_reach_from_analytics_counts_persons(portfolio, events):  # noqa: F811
    a = portfolio["A"].pk
    # purchases by a (5 and 6 Jan), b (5 Jan), c (7 Jan): three persons in the 30 days to 7 January
    initiative = services.reach_from_analytics(None, a, "purchase", 30, today=date(2026, 1, 7))
    assert initiative.inputs["reach"]["value"] == 3
    assert initiative.inputs["reach"]["source"] == "analytics"
    # up to 6 January only a and b had purchased
    initiative = services.reach_from_analytics(None, a, "purchase", 7, today=date(2026, 1, 6))
    assert initiative.inputs["reach"]["value"] == 2
    assert services.score_one(None, a) == pytest.approx(2 * 2 * 0.8 / 10)
    with pytest.raises(ValidationError, match="7 or 30 days, not 14"):
        services.reach_from_analytics(None, a, "purchase", 14)


@pytest.mark.parametrize(("expected", "impact", "word"), [
    ("+5 a day", 3.0, "massive"), ("+2.5", 2.0, "high"), ("+1,2 orders", 1.0, "medium"), ("−0.6", 0.5, "low"),
    ("+0.1", 0.25, "minimal")])
def test_impact_from_the_linked_kpi(portfolio, expected, impact, word):
    from headway.strategy import services as strategy

    a = portfolio["A"].pk
    strategy.create_kpi(None, "orders", "Orders a day")
    strategy.enter_value(None, "orders", date(2026, 1, 5), "50")
    services.update_initiative(None, a, kpi="orders", expected_impact=expected)
    initiative = services.impact_from_kpi(None, a)
    entry = initiative.inputs["impact"]
    assert (entry["value"], entry["source"]) == (impact, "kpi")  # the expected change over 50
    assert entry["detail"].startswith(f"{word}: ")


def test_impact_on_a_percent_kpi_is_in_points(portfolio):
    from headway.strategy import services as strategy

    a = portfolio["A"].pk
    strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    strategy.enter_value(None, "conversion", date(2026, 1, 5), "50%")
    services.update_initiative(None, a, kpi="conversion", expected_impact="+2 pts")
    entry = services.impact_from_kpi(None, a).inputs["impact"]
    assert entry["value"] == 1.0 and "4.0% of its latest value 0.5" in entry["detail"]  # 0.02 / 0.5
    from typer.testing import CliRunner

    from headway.cli import app

    services.set_inputs(None, a, {"impact": 3})
    scored = CliRunner().invoke(app, ["idea", "score", str(a), "--impact-from-kpi"])
    assert scored.exit_code == 0 and f"#{a}: 80 (RICE)" in scored.output  # 1000 x 1 x 0.8 / 10 weeks


def test_impact_from_kpi_says_what_is_missing(portfolio, viewer):
    from headway.core.errors import PermissionDenied

    a = portfolio["A"].pk
    with pytest.raises(Conflict, match="has no KPI: link one first"):
        services.impact_from_kpi(None, a)
    from headway.strategy import services as strategy

    strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    services.update_initiative(None, a, kpi="conversion", expected_impact="a lot")
    with pytest.raises(Conflict, match="has no number: write it in the KPI's unit"):
        services.impact_from_kpi(None, a)
    with pytest.raises(PermissionDenied):
        services.impact_from_kpi(viewer, a)
