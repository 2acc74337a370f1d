"""Status against a target: each rule at its boundary, and projections of an exact pattern by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from headway.core.errors import ValidationError
from headway.strategy.engine.status import judge, kpi_status

PATTERN = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]  # Monday..Sunday, 280 a week
HISTORY_START = date(2025, 1, 6)  # a Monday
PERIOD_START, PERIOD_END = date(2025, 2, 3), date(2025, 3, 2)  # four whole weeks


@pytest.mark.parametrize(
    ("projection", "lower", "upper", "target", "direction", "status", "rule"),
    [
        (1200, 1100, 1300, 1200, "higher", "on_track", "on track: projected 1,200 ≥ target 1,200"),
        (1199, 1100, 1300, 1300, "higher", "at_risk",
         "at risk: projected 1,199 < target 1,300, but the target is inside the 80% interval (1,100–1,300)"),
        (1199, 1100, 1300, 1301, "higher", "off_track",
         "off track: target 1,301 is above the 80% interval's upper bound 1,300 (projected 1,199)"),
        (2.5, 2.0, 3.0, 2.5, "lower", "on_track", "on track: projected 2.5 ≤ target 2.5"),
        (2.6, 2.0, 3.0, 2.0, "lower", "at_risk",
         "at risk: projected 2.6 > target 2, but the target is inside the 80% interval (2–3)"),
        (2.6, 2.0, 3.0, 1.99, "lower", "off_track",
         "off track: target 1.99 is below the 80% interval's lower bound 2 (projected 2.6)"),
    ],
)
def test_each_rule_at_its_boundary(projection, lower, upper, target, direction, status, rule):
    assert judge(projection, lower, upper, target, direction, 0.8) == (status, rule)


def history(until: date) -> tuple[list[float], list[date]]:
    n = (until - HISTORY_START).days + 1
    return [PATTERN[i % 7] for i in range(n)], [HISTORY_START + timedelta(days=i) for i in range(n)]


def test_a_sum_projects_the_days_so_far_plus_the_forecast_of_the_days_left():
    values, dates = history(date(2025, 2, 12))  # Wednesday of the period's second week
    result = kpi_status(values, dates, 1120, PERIOD_START, PERIOD_END, aggregation="sum")
    assert result.period_to_date == 280 + 10 + 20 + 30
    assert result.projection == pytest.approx(4 * 280)
    assert result.upper == pytest.approx(1120, abs=1e-6)
    assert result.status == "on_track"
    assert (result.days_elapsed, result.days_total) == (10, 28)
    assert (result.current, result.current_date) == (30.0, date(2025, 2, 12))
    off = kpi_status(values, dates, 1121, PERIOD_START, PERIOD_END, aggregation="sum")
    assert off.status == "off_track"
    assert off.rule == "off track: target 1,121 is above the 80% interval's upper bound 1,120 (projected 1,120)"


def test_mean_and_last_aggregations_and_a_missing_day():
    values, dates = history(date(2025, 2, 12))
    del values[-5], dates[-5]  # Saturday 8 February is missing: the model fills in 60
    mean = kpi_status(values, dates, 40, PERIOD_START, PERIOD_END, aggregation="mean")
    assert mean.projection == pytest.approx(40.0)
    assert mean.period_to_date == pytest.approx((280 - 60 + 10 + 20 + 30) / 9)  # nine observed days
    last = kpi_status(values, dates, 80, PERIOD_START, PERIOD_END, direction="lower", aggregation="last")
    assert last.projection == pytest.approx(70.0)  # the period ends on a Sunday
    assert last.status == "on_track"


def test_values_after_as_of_are_ignored_and_a_finished_period_is_judged_on_its_values():
    values, dates = history(date(2025, 3, 10))
    done = kpi_status(values, dates, 1200, PERIOD_START, PERIOD_END, as_of=PERIOD_END)
    assert (done.projection, done.lower, done.upper) == (1120.0, 1120.0, 1120.0)
    assert done.status == "off_track"
    before = kpi_status(values, dates, 1120, PERIOD_START, PERIOD_END, as_of=date(2025, 1, 26))
    assert before.period_to_date is None
    assert before.projection == pytest.approx(1120)


def test_bad_periods_and_directions_are_refused():
    values, dates = history(date(2025, 2, 12))
    with pytest.raises(ValidationError, match="swap the dates"):
        kpi_status(values, dates, 1, PERIOD_END, PERIOD_START)
    with pytest.raises(ValidationError, match="use 'higher' or 'lower'"):
        kpi_status(values, dates, 1, PERIOD_START, PERIOD_END, direction="up")  # type: ignore[arg-type]
