"""The demo's ground truth: the launch measured as a hit whose interval covers the planted jump, the experiment
read out correctly, a shipped initiative that moved nothing, and calibration with something to say."""

from __future__ import annotations

from datetime import date

import pytest

from headway.demo.builder import build_demo
from headway.impact import services

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def demo(settings, tmp_path):
    settings.HEADWAY_EVENTS_URL = f"duckdb:///{tmp_path / 'events.duckdb'}"
    from headway.analytics import services as analytics

    result = build_demo(seed=7, users=4000, days=120, as_of=date(2026, 6, 30))
    yield result
    analytics.close_store()


def test_the_demo_ground_truth(demo):
    made, launch = demo.made["impact"], demo.made["launch"]
    one_click = services.readout(None, made["one_click"])
    jump = launch["after"] - launch["before"]
    assert one_click.verdict == "hit"
    assert one_click.lower <= jump <= one_click.upper
    result = services.experiment_results(None, "wishlist-reminders")
    primary, secondary = result.primary[0], result.secondary[0]
    assert primary.significant and primary.lift > 0
    assert primary.lower <= 0.25 / 0.20 - 1 <= primary.upper
    assert not secondary.significant
    assert services.readout(None, made["wishlist"]).method == "experiment"
    verdicts = [v for pk, v in made["verdicts"].items() if pk not in (made["one_click"], made["wishlist"])]
    assert any(v in ("miss", "inconclusive") for v in verdicts)
    calibration = services.calibration(None)
    assert calibration.measured >= 4 and calibration.median_ratio is not None
    assert "Measured impact has been" in calibration.suggestion
