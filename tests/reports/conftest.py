"""Reports fixtures: a small product (a North Star KPI with a target, a goal with a check-in, a shipped and a
planned initiative on the roadmap) built through the other apps' public services."""

from __future__ import annotations

import pytest

from headway.core.permissions import Role

CSV = "date,value\n2026-05-01,10\n2026-05-02,20\n2026-05-03,30\n"
PERIOD = "2026-05-01..2026-05-10"


@pytest.fixture
def store(db, workspace, settings, tmp_path):
    from headway.analytics import services

    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    yield
    services.close_store()


@pytest.fixture
def product(store, leader, make_user):
    """Sign-ups (North Star, 10+20+30 against a target of 250), a goal on it with one check-in, #1 shipped and
    #2 planned on the roadmap."""
    from headway.planning import services as planning
    from headway.strategy import services as strategy

    strategy.create_kpi(None, "signups", "Sign-ups", unit="count", aggregation="sum", north_star=True)
    assert strategy.import_values(None, "signups", CSV) == 3
    strategy.set_target(None, "signups", PERIOD, "250")
    goal = strategy.create_goal(None, "Grow sign-ups", period=PERIOD, key_results=["signups"])
    strategy.update_goal(None, goal.pk, status="at_risk", confidence=4, comment="launch slipped a week")
    shipped = planning.create_initiative(None, title="Faster onboarding", kind="iterate",
                                         expected_impact="+10% sign-ups", problem="Sign-up takes too long.")
    planning.set_stage(None, shipped.pk, "shipped")
    planned = planning.create_initiative(None, title="Team workspaces", kind="innovate")
    planning.place(None, planned.pk, planning.quarters(None, 1)[0], "committed")
    return {"goal": goal, "shipped": shipped, "planned": planned}


@pytest.fixture
def pm(make_user):
    return make_user("pat", Role.PRODUCT_MANAGER)
