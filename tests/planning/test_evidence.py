"""Reach as evidence: persons who did an event, counted by the analytics engine."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import ValidationError
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
