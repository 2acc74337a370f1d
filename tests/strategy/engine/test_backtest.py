"""Rolling-origin backtest: hand-computed scores, seasonal-naive as its own yardstick, the synthetic KPI."""

from __future__ import annotations

import pytest

from headway.core.errors import ValidationError
from headway.strategy.engine.backtest import backtest, seasonal_naive_forecaster
from headway.strategy.engine.synthetic import demo_like_kpi


def test_scores_of_a_small_series_computed_by_hand():
    # period 2; history 1 3 2 4 3 5: seasonal differences are all 1 → scale 1
    # seasonal-naive forecast of the last two slots: 3, 5; actual 4, 6 → MAE 1
    result = backtest([1, 3, 2, 4, 3, 5, 4, 6], horizon=2, folds=1, period=2, forecaster=seasonal_naive_forecaster)
    assert result.mase == 1.0
    assert result.mase_in_sample == 1.0
    assert result.smape == pytest.approx((200 * 1 / 7 + 200 * 1 / 11) / 2)
    assert result.folds[0].origin == 6


def test_seasonal_naive_scores_exactly_one_against_itself_and_on_a_trending_pattern():
    # weekly pattern plus 1 a day: every seasonal difference is 7 in and out of sample
    series = [p + t for t, p in enumerate([5.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0] * 10)]
    result = backtest(series, horizon=7, folds=3, forecaster=seasonal_naive_forecaster)
    assert result.mase == 1.0
    assert result.mase_in_sample == 1.0
    assert [f.scale for f in result.folds] == [7.0, 7.0, 7.0]


def test_missing_actuals_are_not_scored_and_too_short_a_series_is_refused():
    series = [1.0, 2.0] * 10
    series[-1] = float("nan")
    result = backtest(series, horizon=4, folds=1, period=2, forecaster=seasonal_naive_forecaster)
    assert result.mase == 0.0 and result.coverage == 1.0
    with pytest.raises(ValidationError, match="give at least 36 slots"):
        backtest([1.0] * 20, horizon=7, folds=4)


def test_the_forecaster_beats_seasonal_naive_on_the_demo_like_kpi():
    kpi = demo_like_kpi()
    ours = backtest(kpi.values, horizon=14, folds=6)
    naive = backtest(kpi.values, horizon=14, folds=6, forecaster=seasonal_naive_forecaster)
    assert ours.mase < 0.8
    assert ours.mase_in_sample < naive.mase_in_sample
    assert 0.75 <= ours.coverage <= 1.0
    assert all(f.model.startswith("ETS(") for f in ours.folds)
