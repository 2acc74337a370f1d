"""A fixed workspace for driving the whole API: every area holds a little of everything.

It is built from the areas' own hand-made fixtures (the team's org and a released review of Ann, the planning
portfolio, the discovery accounts and themed feedback, a hand-entered KPI, a few events), plus one of each
thing those leave out (a goal, a strategy, a check-in pair, a job description, a saved insight, a cohort, a
demand link, a saved scenario). Built the same way on every run, so generated requests meet the same rows.
"""

from __future__ import annotations

import pytest

from tests.analytics.conftest import empty_store, events  # noqa: F401 (fixtures used by name)
from tests.discovery.conftest import accounts, corpus, themed  # noqa: F401
from tests.planning.conftest import portfolio  # noqa: F401
from tests.strategy.conftest import signups  # noqa: F401
from tests.team.conftest import org, people, run_review  # noqa: F401


@pytest.fixture
def seeded(admin, people, portfolio, themed, signups, events):  # noqa: F811
    """Every area with data; returns the admin who drives the API."""
    from headway.analytics import services as analytics
    from headway.discovery import services as discovery
    from headway.planning import services as planning
    from headway.strategy import services as strategy
    from headway.team.services import checkins, jobs

    run_review(people)
    checkins.create_pair(None, people["Vic"].pk, people["Ann"].pk, "weekly")
    jobs.generate(None, level="pm", specialisation="core", team="Search", location="London")
    strategy.update_goal(None, portfolio["goal"].pk, key_results=["signups"])  # the goal Saved carts serves
    strategy.save_strategy(None, vision="Everyday shopping, faster.", body="## Bets\n- reorder")
    analytics.create_insight(admin, "Purchases", {"event": "purchase"})
    analytics.create_cohort(admin, "Buyers", {"rules": [{"event": "purchase"}]})
    discovery.link_demand(None, portfolio["A"].pk, item_id=discovery.list_feedback(None)[0].pk)
    planning.optimise(None, {"quarters": 2, "start": "2026-Q3"}, scenario="plan-a", explain=False)
    return admin
