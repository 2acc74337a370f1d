"""Difference-in-differences against an independent statsmodels-formula fit and a hand-built panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from headway.impact import diff_in_diff
from headway.impact.engine import ImpactInputError


def panel(seed: int = 1, effect: float = 2.0, trend_gap: float = 0.0) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(40):
        treated = u < 20
        level = rng.normal()
        for t in range(8):
            y = level + 0.3 * t + (trend_gap * t if treated else 0.0)
            y += effect if treated and t >= 5 else 0.0
            rows.append({"unit": f"u{u}", "period": t, "treated": treated, "post": t >= 5, "y": y + rng.normal()})
    return rows


def test_matches_the_formula_fit_with_clustered_errors():
    rows = panel()
    d = diff_in_diff(rows, unit="unit", period="period", treated="treated", post="post", y="y")
    frame = pd.DataFrame(rows)
    frame["d"] = (frame.treated & frame.post).astype(int)
    ref = smf.ols("y ~ d + C(unit) + C(period)", frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame.unit}, use_t=True
    )
    assert d.effect == pytest.approx(ref.params["d"])
    assert d.se == pytest.approx(ref.bse["d"])
    assert d.p_value == pytest.approx(ref.pvalues["d"])
    assert d.ci == pytest.approx(tuple(ref.conf_int().loc["d"]))
    assert d.ci[0] < 2.0 < d.ci[1]
    assert d.pre_trend_p_value is not None and d.pre_trend_p_value > 0.05
    assert (d.units, d.treated_units, d.periods, d.observations) == (40, 20, 8, 320)


def test_exact_effect_without_noise():
    rows = [
        {"unit": u, "period": t, "treated": u in ("a", "b"), "post": t == 1,
         "y": {"a": 1, "b": 2, "c": 3, "d": 5}[u] + t * 1.5 + (4.0 if u in ("a", "b") and t == 1 else 0) + e}
        for u in "abcd" for t, e in ((0, 0.0), (1, 0.0))
    ]
    rows[-1]["y"] += 0.2  # d's post value: a little noise so the errors are not zero
    d = diff_in_diff(pd.DataFrame(rows))
    # by hand: treated change 1.5 + 4 = 5.5; control change (1.5 + 1.5 + 0.2) / 2 = 1.6 → 3.9
    assert d.effect == pytest.approx(3.9)
    assert d.pre_trend_p_value is None  # one pre period


def test_a_diverging_pre_trend_is_flagged():
    d = diff_in_diff(panel(seed=3, trend_gap=0.8))
    assert d.pre_trend_p_value is not None and d.pre_trend_p_value < 0.01


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: {**r, "treated": False}, "treated and untreated"),
        (lambda r: {**r, "post": False}, "before and after"),
        (lambda r: {k: v for k, v in r.items() if k != "y"}, "lack the column"),
        (lambda r: {**r, "y": "n/a"}, "numeric outcome"),
    ],
)
def test_bad_input_says_what_to_change(mutate, message):
    with pytest.raises(ImpactInputError, match=message):
        diff_in_diff([mutate(r) for r in panel()])


def test_linear_pre_trend_is_the_newey_west_slope_of_the_gap():
    rows = panel(seed=3, trend_gap=0.8)
    d = diff_in_diff(rows, pre_trend="linear")
    frame = pd.DataFrame(rows)
    pre = frame[~frame.post]
    by = pre.groupby(["period", "treated"]).y.mean().unstack()
    gap = pd.DataFrame({"gap": by[True] - by[False], "t": range(5)})
    ref = smf.ols("gap ~ t", gap).fit(cov_type="HAC", cov_kwds={"maxlags": 2}, use_t=True)  # floor(4 (5/100)^(2/9))
    assert d.pre_trend_p_value == pytest.approx(ref.pvalues["t"])
    assert d.pre_trend_p_value < 0.01
    flat = diff_in_diff(panel(seed=1), pre_trend="linear")
    assert flat.pre_trend_p_value is not None and flat.pre_trend_p_value > 0.05
    with pytest.raises(ImpactInputError, match="pre_trend"):
        diff_in_diff(rows, pre_trend="quadratic")
