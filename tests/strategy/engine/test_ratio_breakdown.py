"""A ratio KPI's alert is explained by the ratio's own breakdown (numerator and denominator split by the same
property), with every number computed by hand."""

from __future__ import annotations

import pytest

from headway.strategy.engine.ratio import explain_ratio_change


def test_the_segment_whose_rate_moved_explains_the_change_and_a_proportional_property_scores_zero():
    # device: mobile's conversion goes 10/100 -> 30/100, desktop stays 20/100.
    # R before = 30/200 = 0.15, after = 50/200 = 0.25, change 0.10.
    # mobile contributes 30/200 - 10/200 = 0.10 (all of it), desktop 0.
    # score(device) = (|0.10 - 0.10*0.5| + |0 - 0.10*0.5|) / 0.10 = 1.0
    # country: uk and us both go 15 -> 25 of 100: each contributes 0.05 = 0.10 * 0.5, score 0.
    numerators = {"device": {"mobile": [10, 30], "desktop": [20, 20]},
                  "country": {"uk": [15, 25], "us": [15, 25]}}
    denominators = {"device": {"mobile": [100, 100], "desktop": [100, 100]},
                    "country": {"uk": [100, 100], "us": [100, 100]}}
    b = explain_ratio_change(numerators, denominators, [0], [1], ratio="checkout conversion")
    assert b is not None and b.property == "device"
    assert b.scores["device"] == pytest.approx(1.0) and b.scores["country"] == pytest.approx(0.0)
    top, other = b.segments
    assert (top.value, top.before, top.after) == ("mobile", pytest.approx(0.10), pytest.approx(0.30))
    assert top.delta == pytest.approx(0.10) and top.share == pytest.approx(1.0)
    assert (other.value, other.delta, other.share) == ("desktop", pytest.approx(0.0), pytest.approx(0.0))
    assert b.sentence == ("Most of the change comes from device = mobile: its checkout conversion went from 10.0 % "
                          "to 30.0 %, +10 points of the overall (100% of the change); desktop +0 points (0%).")


def test_a_shift_of_traffic_between_segments_is_explained_even_when_no_segment_rate_moved():
    # mobile converts at 10 %, desktop at 30 %, before and after; traffic moves from mobile to desktop.
    # before: 15/150 + 15/50 -> R = 30/200 = 0.15; after: 5/50 + 45/150 -> R = 50/200 = 0.25; change 0.10.
    # contributions: mobile 5/200 - 15/200 = -0.05, desktop 45/200 - 15/200 = +0.15 (they add up to 0.10).
    b = explain_ratio_change({"device": {"mobile": [15, 5], "desktop": [15, 45]}},
                             {"device": {"mobile": [150, 50], "desktop": [50, 150]}}, [0], [1])
    assert b is not None
    desktop, mobile = b.segments
    assert desktop.value == "desktop" and desktop.before == pytest.approx(0.3) and desktop.after == pytest.approx(0.3)
    assert desktop.delta == pytest.approx(0.15) and desktop.share == pytest.approx(1.5)
    assert mobile.delta == pytest.approx(-0.05) and mobile.share == pytest.approx(-0.5)
    # weights are 0.5 each on average: (|0.15 - 0.05| + |-0.05 - 0.05|) / 0.10 = 2.0
    assert b.scores["device"] == pytest.approx(2.0)


def test_nothing_to_explain_when_the_ratio_did_not_move_or_a_window_is_empty():
    same = {"device": {"mobile": [10, 10]}}
    assert explain_ratio_change(same, {"device": {"mobile": [100, 100]}}, [0], [1]) is None
    assert explain_ratio_change(same, {"device": {"mobile": [100, 100]}}, [], [1]) is None
    assert explain_ratio_change(same, {"device": {"mobile": [0, 0]}}, [0], [1]) is None
