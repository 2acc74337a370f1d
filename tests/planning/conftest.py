"""A small hand-made portfolio used across the planning tests.

Teams: Web (4,000 a person-week, 2 people x 12 weeks = 24 per quarter), Mobile (5,000, 1 x 12 = 12).

    A Saved carts       innovate   Web 10              cost 40,000  user 8 business 6  RICE 1000*2*0.8/10 = 160
                        serves the goal "Grow repeat purchase" (a strategy goal of the current quarter)
    B One-tap reorder   iterate    Web 4 + Mobile 4    cost 36,000  user 6 business 9  RICE 500*1*1/8    = 62.5
    C Payments SDK      tech_debt  Mobile 6            cost 30,000  user 2 business 4  RICE 200*.5*.5/6  = 8.333
    D Gift cards        innovate   Web 8               cost 32,000  user 5 business 5  (no RICE inputs)
"""

from __future__ import annotations

import pytest

from headway.planning import services
from headway.strategy import services as strategy


@pytest.fixture
def portfolio(db, workspace):
    services.save_team(None, "Web", cost_per_week=4000, headcount=2, weeks_per_quarter=12)
    services.save_team(None, "Mobile", cost_per_week=5000, headcount=1, weeks_per_quarter=12)
    goal = strategy.create_goal(None, "Grow repeat purchase")
    a = services.create_initiative(None, title="Saved carts", kind="innovate", team="Web", user_value=8,
                                   business_value=6, effort={"Web": 10}, goal=goal)
    b = services.create_initiative(None, title="One-tap reorder", kind="iterate", team="Mobile", user_value=6,
                                   business_value=9, effort={"Web": 4, "Mobile": 4})
    c = services.create_initiative(None, title="Payments SDK upgrade", kind="tech_debt", team="Mobile",
                                   user_value=2, business_value=4, effort={"Mobile": 6})
    d = services.create_initiative(None, title="Gift cards", kind="innovate", team="Web", user_value=5,
                                   business_value=5, effort={"Web": 8})
    services.set_inputs(None, a.pk, {"reach": 1000, "impact": 2, "confidence": 0.8})
    services.set_inputs(None, b.pk, {"reach": 500, "impact": 1, "confidence": 1})
    services.set_inputs(None, c.pk, {"reach": 200, "impact": 0.5, "confidence": 0.5})
    services.save_scoring_model(None, "RICE", "rice", primary=True)
    return {"A": a, "B": b, "C": c, "D": d, "goal": goal}
