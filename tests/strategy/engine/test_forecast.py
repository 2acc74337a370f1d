"""The forecaster: exact on exact patterns, fallbacks for short series, gaps, zeros, shifts, intervals."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from headway.core.errors import ValidationError
from headway.strategy.engine.ets import Params, Spec, State, fit, run_filter
from headway.strategy.engine.forecast import forecast
from headway.strategy.engine.series import aggregate, infer_freq, regular

MONDAY = date(2025, 1, 6)
PATTERN = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]


def days(n: int, start: date = MONDAY) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]


def test_a_pure_weekly_pattern_is_forecast_exactly_with_a_zero_width_interval():
    result = forecast(PATTERN * 6, days(42), horizon=14)
    assert result.dates[0] == MONDAY + timedelta(days=42)
    assert result.mean == pytest.approx(PATTERN * 2, abs=1e-9)
    assert result.lower == pytest.approx(PATTERN * 2, abs=1e-6)
    assert result.upper == pytest.approx(PATTERN * 2, abs=1e-6)
    assert result.model.startswith("ETS(A,N,A)")


def test_missing_days_and_zeros_do_not_disturb_an_exact_pattern():
    pattern = [0.0, 5.0, 5.0, 5.0, 5.0, 9.0, 0.0]  # closed at weekends... and on Mondays
    values = pattern * 8
    dates = days(56)
    kept = [i for i in range(56) if i not in (17, 30, 31, 44)]
    result = forecast([values[i] for i in kept], [dates[i] for i in kept], horizon=7)
    assert result.mean == pytest.approx(pattern, abs=1e-6)


def test_too_few_values_fall_back_to_their_mean_with_a_stated_model():
    result = forecast([1.0, 2.0, 3.0], days(3), horizon=2, level=0.8)
    assert result.mean == [2.0, 2.0]
    assert result.model == "mean of 3 values (too few for a model)"
    # sample sd of 1, 2, 3 is 1; the 80% normal quantile is 1.28155
    assert result.lower[0] == pytest.approx(2 - 1.2815516, abs=1e-6)
    assert result.upper[1] == pytest.approx(2 + 1.2815516, abs=1e-6)


def test_fewer_than_two_seasons_drops_the_season_and_says_so():
    result = forecast([float(v) for v in range(10)], days(10), horizon=3)
    assert "no seasonality" in result.model
    assert result.mean[0] == pytest.approx(10.0, abs=0.5)


def test_the_level_follows_a_launch():
    values = [p + (100.0 if i >= 35 else 0.0) for i, p in enumerate(PATTERN * 10)]
    result = forecast(values, days(70), horizon=7)
    assert result.mean == pytest.approx([p + 100 for p in PATTERN], rel=0.02)


def test_dates_out_of_order_are_sorted_and_a_duplicate_day_is_refused():
    shuffled = list(reversed(PATTERN * 3))
    result = forecast(shuffled, list(reversed(days(21))), horizon=7)
    assert result.mean == pytest.approx(PATTERN, abs=1e-6)
    with pytest.raises(ValidationError, match="two values for the day of 2025-01-06"):
        forecast([1.0, 2.0], [MONDAY, MONDAY], horizon=1)
    with pytest.raises(ValidationError, match="one date per value"):
        forecast([1.0, 2.0], [MONDAY], horizon=1)
    with pytest.raises(ValidationError, match="horizon 0"):
        forecast([1.0], [MONDAY], horizon=0)


def test_weekly_and_monthly_aggregates():
    daily = regular([float(v) for v in range(1, 22)], days(21, MONDAY - timedelta(days=2)))  # Sat..Fri
    weekly = aggregate(daily, "week", "sum")
    assert weekly.dates == [MONDAY, MONDAY + timedelta(days=7)]  # the partial first and last weeks are dropped
    assert weekly.values == [sum(range(3, 10)), sum(range(10, 17))]
    monthly = aggregate(regular([1.0] * 59, days(59, date(2025, 1, 1))), "month", "mean")
    assert monthly.dates == [date(2025, 1, 1), date(2025, 2, 1)]
    assert monthly.values == [1.0, 1.0]
    assert infer_freq(weekly.dates) == "week" and infer_freq(monthly.dates) == "month"
    assert infer_freq(days(3)) == "day"


def test_monthly_values_are_forecast_a_month_at_a_time():
    months = [date(2023 + (m // 12), m % 12 + 1, 1) for m in range(30)]
    season = [float(m % 12) for m in range(30)]
    result = forecast(season, months, horizon=3)
    assert result.freq == "month"
    assert result.dates == [date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)]
    assert result.mean == pytest.approx([6.0, 7.0, 8.0], abs=1e-6)


def test_the_interval_of_a_sum_matches_the_covariance_of_the_forecast_errors():
    rng = np.random.default_rng(3)
    values = [100 + 10 * math.sin(i) + float(rng.normal(0, 3)) for i in range(60)]
    model = fit(values, Spec(trend=True, period=7))
    c = model.coefficients(20)
    # independent: Cov(e_h, e_k) = σ² Σ_i c_(h-i) c_(k-i), summed over the slots 5..20 ahead
    cov = [[sum(c[h - i] * c[k - i] for i in range(1, min(h, k) + 1)) for k in range(1, 21)] for h in range(1, 21)]
    variance = sum(cov[h][k] for h in range(4, 20) for k in range(4, 20)) * model.sigma**2
    point, low, high = model.total(5, 20, 0.8)
    assert point == pytest.approx(sum(model.predict(20)[4:]))
    assert (high - point) == pytest.approx(1.2815516 * math.sqrt(variance), rel=1e-6)
    assert (point - low) == pytest.approx(high - point)
    assert model.horizon_std(20)[-1] == pytest.approx(math.sqrt(cov[19][19]) * model.sigma)


def test_the_filter_applies_the_holt_winters_equations():
    spec, params = Spec(trend=True, period=2), Params(alpha=0.5, beta=0.1, gamma=0.2, phi=0.9)
    run = run_filter([12.0, 7.0], spec, params, State(level=10.0, trend=1.0, season=(1.0, -1.0)))
    # slot 0: ŷ = 10 + 0.9 + 1 = 11.9, e = 0.1 → ℓ = 10.95, b = 0.91, s0 = 1.02
    # slot 1: ŷ = 10.95 + 0.819 − 1 = 10.769, e = −3.769
    assert run.predicted == pytest.approx([11.9, 10.769])
    assert run.errors == pytest.approx([0.1, -3.769])
    assert run.state.season == pytest.approx((1.02, -1 + 0.2 * -3.769))
