"""The counterfactual against CausalImpact's vignette recipe (Brodersen et al. 2015)."""

from __future__ import annotations

import numpy as np
import pytest

from headway.impact import counterfactual
from headway.impact.engine import ImpactInputError


def vignette(seed: int, effect: float = 10.0) -> tuple[np.ndarray, np.ndarray]:
    """x1 = 100 + AR(1, phi=0.999) over 100 periods; y = 1.2 x1 + N(0, 1); y[70:] += effect."""
    rng = np.random.default_rng(seed)
    shocks = rng.normal(size=100)
    ar = np.zeros(100)
    for t in range(1, 100):
        ar[t] = 0.999 * ar[t - 1] + shocks[t]
    x1 = 100 + ar
    y = 1.2 * x1 + rng.normal(size=100)
    y[70:] += effect
    return y, x1


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_vignette_effect_is_found_with_the_control(seed):
    y, x1 = vignette(seed)
    c = counterfactual(y, intervention=70, controls=x1.reshape(-1, 1), alpha=0.05, seed=seed)
    assert c.average_ci[0] <= 10 <= c.average_ci[1]
    assert c.p_value < 0.01
    assert len(c.predicted) == len(c.lower) == len(c.upper) == 30
    assert all(lo <= p <= hi for lo, p, hi in zip(c.lower, c.predicted, c.upper, strict=True))
    assert c.cumulative_effect == pytest.approx(c.average_effect * 30)
    assert c.cumulative_ci == pytest.approx((c.average_ci[0] * 30, c.average_ci[1] * 30))
    assert c.relative_effect == pytest.approx(c.average_effect / np.mean(c.predicted))


def test_the_average_interval_comes_from_paths_not_averaged_bands():
    y, x1 = vignette(0)
    c = counterfactual(y, intervention=70, controls=x1.reshape(-1, 1), seed=0)
    averaged_band = np.mean(np.array(c.upper) - np.array(c.lower))
    # the average of 30 correlated periods is tighter than one period's band
    assert c.average_ci[1] - c.average_ci[0] < averaged_band


def test_without_controls_a_local_level_still_reads_out():
    y, _ = vignette(5)
    c = counterfactual(y, intervention=70, seed=1)
    assert c.controls == 0
    assert c.average_ci[0] < c.average_ci[1]


def test_seed_makes_it_reproducible():
    y, x1 = vignette(3)
    one = counterfactual(y, 70, controls=x1, seed=4)
    two = counterfactual(y, 70, controls=x1, seed=4)
    assert one.average_ci == two.average_ci and one.p_value == two.p_value


@pytest.mark.parametrize(
    ("series", "intervention", "message"),
    [
        (list(range(30)), 5, "at least 10"),
        (list(range(30)), 0, "at least 10"),
        (list(range(30)), 30, "no post-period"),
        ([1.0] * 20 + [float("nan")] + [1.0] * 9, 15, "gaps"),
        ([3.0] * 30, 20, "constant"),
        ([], 0, "empty"),
    ],
)
def test_bad_input_says_what_to_change(series, intervention, message):
    with pytest.raises(ImpactInputError, match=message):
        counterfactual(series, intervention)


def test_controls_of_the_wrong_length_are_refused():
    with pytest.raises(ImpactInputError, match="periods by k"):
        counterfactual(np.arange(30.0) + np.sin(np.arange(30)), 20, controls=np.ones((29, 1)))


@pytest.mark.slow
def test_no_effect_gives_p_above_five_percent_in_ninety_percent_of_seeds():
    quiet = 0
    for seed in range(100):
        y, x1 = vignette(seed, effect=0.0)
        if counterfactual(y, 70, controls=x1.reshape(-1, 1), seed=seed, simulations=500).p_value > 0.05:
            quiet += 1
    assert quiet >= 90
