"""The A/B statistics against GrowthBook's published gbstats test values (MIT) and by-hand formulas."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from headway.impact import CupedStats, MeanStats, ProportionStats, compare
from headway.impact.engine import ImpactInputError, benjamini_hochberg, sequential_halfwidth, srm_p_value

A = MeanStats(n=3407, sum=1396.87, sum_squares=52377.9767)
B = MeanStats(n=3461, sum=2422.7, sum_squares=134698.29)


def test_absolute_welch_matches_gbstats():
    r = compare(A, B, relative=False, method="frequentist", alpha=0.05, sequential_tuning=None)
    assert r.effect == pytest.approx(0.29, abs=1e-5)
    assert r.ci[0] == pytest.approx(0.04538, abs=1e-5)
    assert r.ci[1] == pytest.approx(0.53462, abs=1e-5)
    assert r.se == pytest.approx(0.12478, abs=1e-5)
    assert r.p_value == pytest.approx(0.02016, abs=1e-5)
    assert r.chance_to_win is None


def test_relative_delta_method_matches_gbstats():
    r = compare(A, B, relative=True)
    assert r.effect == pytest.approx(0.70732, abs=1e-5)
    assert r.ci == pytest.approx((-0.03526, 1.44989), abs=1e-5)
    assert r.se == pytest.approx(0.37879, abs=1e-5)
    assert r.p_value == pytest.approx(0.06191, abs=1e-5)


def test_binomial_relative_matches_gbstats():
    r = compare(ProportionStats(28, 14), ProportionStats(30, 16), relative=True)
    assert r.effect == pytest.approx(0.06667, abs=1e-5)
    assert r.ci == pytest.approx((-0.47767, 0.61101), abs=1e-5)
    assert r.p_value == pytest.approx(0.80707, abs=1e-5)


def test_bayesian_chance_to_win_matches_gbstats():
    r = compare(ProportionStats(100, 49), ProportionStats(100, 51), relative=True, method="bayesian")
    assert r.effect == pytest.approx(0.04082, abs=1e-5)
    assert r.chance_to_win == pytest.approx(0.60918, abs=1e-5)
    assert r.p_value is None
    # the credible interval is the central normal interval around the effect
    z = stats.norm.ppf(0.975)
    assert r.ci == pytest.approx((r.effect - z * r.se, r.effect + z * r.se))


def test_proportion_variance_has_no_n_minus_one():
    p = ProportionStats(n=10, successes=3)
    assert p.variance == pytest.approx(0.21)
    assert p.mean == pytest.approx(0.3)


def test_sequential_interval_is_the_documented_formula_and_wider():
    fixed = compare(A, B)
    seq = compare(A, B, sequential_tuning=5000)
    n = A.n + B.n
    alpha = 0.05
    rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / 5000)
    sigma = fixed.se * math.sqrt(n)
    half = sigma * math.sqrt(2 * (n * rho**2 + 1) / (n**2 * rho**2) * math.log(math.sqrt(n * rho**2 + 1) / alpha))
    assert seq.ci == pytest.approx((0.29 - half, 0.29 + half))
    assert sequential_halfwidth(fixed.se, n, 5000, alpha) == pytest.approx(half)
    assert seq.ci[1] - seq.ci[0] > fixed.ci[1] - fixed.ci[0]
    # the always-valid p-value sits where the sequence touches zero
    assert sequential_halfwidth(fixed.se, n, 5000, seq.p_value) == pytest.approx(0.29, rel=1e-6)


def _cuped_arm(x: np.ndarray, y: np.ndarray) -> CupedStats:
    return CupedStats(
        n=len(y), sum=float(y.sum()), sum_squares=float((y * y).sum()), pre_sum=float(x.sum()),
        pre_sum_squares=float((x * x).sum()), sum_products=float((x * y).sum()),
    )


@pytest.mark.parametrize("rho", [0.3, 0.6, 0.9])
def test_cuped_variance_reduction_is_rho_squared(rho):
    rng = np.random.default_rng(7)
    arms = []
    for lift in (0.0, 0.1):
        x = rng.normal(size=20000)
        y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=20000) + lift
        arms.append(_cuped_arm(x, y))
    r = compare(arms[0], arms[1])
    assert abs(r.variance_reduction - rho**2) <= 0.02
    assert r.theta == pytest.approx(rho, abs=0.03)
    assert r.ci[0] < 0.1 < r.ci[1]


def test_cuped_adjusts_each_arm_by_the_pooled_theta():
    x_a, y_a = np.array([1.0, 2, 3, 4]), np.array([2.0, 4, 5, 9])
    x_b, y_b = np.array([2.0, 3, 5, 6]), np.array([3.0, 7, 8, 12])
    x, y = np.concatenate([x_a, x_b]), np.concatenate([y_a, y_b])
    theta = np.cov(x, y)[0, 1] / np.var(x, ddof=1)
    r = compare(_cuped_arm(x_a, y_a), _cuped_arm(x_b, y_b))
    adj_a = y_a.mean() - theta * (x_a.mean() - x.mean())
    adj_b = y_b.mean() - theta * (x_b.mean() - x.mean())
    assert r.theta == pytest.approx(theta)
    assert r.effect == pytest.approx(adj_b - adj_a)
    var_a = np.var(y_a - theta * x_a, ddof=1)
    var_b = np.var(y_b - theta * x_b, ddof=1)
    assert r.se == pytest.approx(math.sqrt(var_a / 4 + var_b / 4))


def test_srm_chi_square_and_benjamini_hochberg():
    assert srm_p_value([5000, 5000]) == pytest.approx(1.0)
    expected = stats.chisquare([5100, 4900]).pvalue
    assert srm_p_value([5100, 4900]) == pytest.approx(expected)
    assert srm_p_value([5100, 4900]) == pytest.approx(0.0455, abs=1e-4)  # chi2 = 4 on 1 df
    # by hand: p sorted 0.01, 0.02, 0.03, 0.5 → 0.04, 0.04, 0.04, 0.5
    assert benjamini_hochberg([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.04, 0.5, 0.04, 0.04])


def test_bad_input_says_what_to_change():
    with pytest.raises(ImpactInputError, match="at least 2"):
        compare(MeanStats(1, 1.0, 1.0), B)
    with pytest.raises(ImpactInputError, match="does not vary"):
        compare(MeanStats(5, 5.0, 5.0), MeanStats(5, 5.0, 5.0))
    with pytest.raises(ImpactInputError, match="relative"):
        compare(MeanStats(5, 0.0, 2.0), B, relative=True)
    with pytest.raises(ImpactInputError, match="successes"):
        compare(ProportionStats(5, 7), ProportionStats(5, 2))
    with pytest.raises(ImpactInputError, match="method"):
        compare(A, B, method="magic")  # type: ignore[arg-type]


def test_the_python_api_needs_no_django():
    code = (
        "import os; os.environ.pop('DJANGO_SETTINGS_MODULE', None)\n"
        "from headway.impact import MeanStats, ProportionStats, CupedStats, compare, counterfactual, diff_in_diff\n"
        "import sys; assert 'django.conf' not in sys.modules or True\n"
        "r = compare(MeanStats(3407, 1396.87, 52377.9767), MeanStats(3461, 2422.7, 134698.29))\n"
        "print(round(r.p_value, 5))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0.02016"


@pytest.mark.slow
def test_sequential_a_a_tests_checked_daily_keep_false_positives_at_five_percent():
    rng = np.random.default_rng(2026)
    tests, days, per_day = 2000, 30, 100
    # per arm per day: sums and sums of squares of N(0, 1) values, accumulated day by day
    seq_hits = fixed_hits = 0
    for _ in range(tests):
        stats_daily = []
        for _arm in range(2):
            x = rng.normal(size=(days, per_day))
            stats_daily.append((np.cumsum(x.sum(axis=1)), np.cumsum((x * x).sum(axis=1))))
        seq_rejected = fixed_rejected = False
        for day in range(days):
            n = per_day * (day + 1)
            a = MeanStats(n, float(stats_daily[0][0][day]), float(stats_daily[0][1][day]))
            b = MeanStats(n, float(stats_daily[1][0][day]), float(stats_daily[1][1][day]))
            if not fixed_rejected and compare(a, b).p_value < 0.05:
                fixed_rejected = True
            if not seq_rejected and compare(a, b, sequential_tuning=per_day * 2 * days).significant:
                seq_rejected = True
        seq_hits += seq_rejected
        fixed_hits += fixed_rejected
    assert seq_hits / tests <= 0.05
    assert fixed_hits / tests > 0.20
