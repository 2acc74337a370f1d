"""Promotion readiness against the next level, and the nine-box grid."""

from __future__ import annotations

import pytest

from headway.core.errors import ValidationError
from headway.team.engine.default_ladder import default_ladder
from headway.team.engine.readiness import (
    band,
    nine_box,
    nine_box_grid,
    promotion_readiness,
    ratings_from_report,
)
from headway.team.engine.reviews import ReviewResponse, aggregate_reviews

LADDER = default_ladder()
ALL_FOUR = {c.slug: 4 for c in LADDER.competencies}


def test_senior_pm_one_point_short_in_discovery_is_nearly_ready():
    # Principal PM expects 5 in problem framing and discovery, 3 in developing people, 4 elsewhere.
    ratings = {**ALL_FOUR, "problem-framing": 5}
    result = promotion_readiness(LADDER, "senior_pm", ratings)
    assert result.target_level == "principal_pm"
    assert [(g.competency, g.expected, g.actual, g.gap) for g in result.gaps] == [("discovery", 5, 4.0, 1.0)]
    assert result.strengths[0].competency == "developing-people" and result.strengths[0].margin == 1.0
    assert len(result.strengths) == 11
    assert (result.verdict, result.verdict_label) == ("nearly", "Nearly ready")
    assert "Principal Product Manager" in result.rule and "1 point" in result.rule


def test_ready_and_not_yet():
    assert promotion_readiness(LADDER, "senior_pm", {c: 5 for c in ALL_FOUR}).verdict == "ready"
    # three gaps of one point each: more than two gaps
    three = {**ALL_FOUR, "problem-framing": 4, "discovery": 4, "delivery": 3}
    assert len(promotion_readiness(LADDER, "senior_pm", three).gaps) == 3
    assert promotion_readiness(LADDER, "senior_pm", three).verdict == "not_yet"
    # one gap of two points: too big
    deep = {**ALL_FOUR, "problem-framing": 5, "discovery": 3}
    result = promotion_readiness(LADDER, "senior_pm", deep)
    assert [(g.competency, g.gap) for g in result.gaps] == [("discovery", 2.0)]
    assert result.verdict == "not_yet"


def test_unrated_competency_counts_as_a_full_gap():
    ratings = {k: v for k, v in ALL_FOUR.items() if k != "market"}
    result = promotion_readiness(LADDER, "pm", ratings)  # Senior PM expects 3 in market
    assert [(g.competency, g.actual, g.gap) for g in result.gaps] == [("market", None, 3.0)]
    assert result.verdict == "not_yet"


def test_tracks_and_targets():
    assert promotion_readiness(LADDER, "senior_pm", ALL_FOUR, track="manager").target_level == "group_pm"
    # Group PM expects 4 everywhere: all fours is ready
    assert promotion_readiness(LADDER, "senior_pm", ALL_FOUR, track="manager").verdict == "ready"
    assert promotion_readiness(LADDER, "principal_pm", ALL_FOUR, target_level="director").target_level == "director"
    with pytest.raises(ValidationError, match="Principal Product Manager is the top of the ic track"):
        promotion_readiness(LADDER, "principal_pm", ALL_FOUR)
    with pytest.raises(ValidationError, match="is not above"):
        promotion_readiness(LADDER, "senior_pm", ALL_FOUR, target_level="pm")
    with pytest.raises(ValidationError, match="rating of 'delivery' is 7"):
        promotion_readiness(LADDER, "pm", {"delivery": 7})
    with pytest.raises(ValidationError, match="unknown competency 'charm'"):
        promotion_readiness(LADDER, "pm", {"charm": 3})


def test_readiness_from_an_aggregated_review():
    comps = [c.slug for c in LADDER.competencies]
    responses = [ReviewResponse("manager", dict.fromkeys(comps, 3))] + [
        ReviewResponse("peer", dict.fromkeys(comps, r)) for r in (3, 4, 4)
    ]
    report = aggregate_reviews(responses, cycle="c1", reviewee="ann", competencies=comps)
    ratings = ratings_from_report(report)
    assert ratings["delivery"] == 3.5  # (3+3+4+4)/4
    result = promotion_readiness(LADDER, "pm", ratings)  # Senior PM: 4 in the first four, 3 elsewhere
    assert [(g.competency, g.gap) for g in result.gaps] == [
        ("problem-framing", 0.5), ("delivery", 0.5), ("metrics", 0.5), ("discovery", 0.5),
    ]
    assert result.verdict == "not_yet"
    assert promotion_readiness(LADDER, "pm", ratings, nearly_max_gaps=4).verdict == "nearly"


@pytest.mark.parametrize(
    ("performance", "potential", "name", "row", "column"),
    [
        (4, 4, "Star", 0, 2),
        (3, 5, "High potential", 0, 1),
        (1, 5, "Rough diamond", 0, 0),
        (5, 3, "High performer", 1, 2),
        (3, 3, "Core player", 1, 1),
        (2, 3, "Inconsistent player", 1, 0),
        (5, 1, "Trusted professional", 2, 2),
        (3, 2, "Effective contributor", 2, 1),
        (1, 1, "Talent risk", 2, 0),
    ],
)
def test_nine_box_cells(performance, potential, name, row, column):
    cell = nine_box(performance, potential)
    assert (cell.name, cell.row, cell.column) == (name, row, column)


def test_band_edges_and_grid():
    assert [band(x) for x in (1, 2.49, 2.5, 3.49, 3.5, 5)] == ["low", "low", "medium", "medium", "high", "high"]
    with pytest.raises(ValidationError, match="performance is 0"):
        nine_box(0, 3)
    with pytest.raises(ValidationError, match=r"potential is 5\.5"):
        nine_box(3, 5.5)
    grid = nine_box_grid({"ann": (4.5, 4), "bea": (3, 3), "cy": (3.2, 2.9)})
    assert grid["Star"] == ["ann"] and grid["Core player"] == ["bea", "cy"]
    assert len(grid) == 9 and sum(len(v) for v in grid.values()) == 3
