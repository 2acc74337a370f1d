"""Scoring formulas against values computed by hand."""

from __future__ import annotations

import pytest

from headway.core.errors import ValidationError
from headway.planning.engine import scoring


def test_rice() -> None:
    # 500 people × high impact 2 × 80 % ÷ 2 person-months = 400
    assert scoring.rice(500, 2, 0.8, 2) == pytest.approx(400.0)
    assert scoring.rice(1200, 0.25, 0.5, 3) == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((100, 1.5, 0.8, 1), "impact must be one of 0.25, 0.5, 1, 2, 3"),
        ((100, 1, 80, 1), "write 80% as 0.8"),
        ((100, 1, 0.8, 0), "effort must be greater than 0"),
        ((-1, 1, 0.8, 1), "reach must be 0 or more"),
    ],
)
def test_rice_rejects_bad_input(args: tuple[float, float, float, float], fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        scoring.rice(*args)
    assert fragment in str(caught.value)


def test_ice() -> None:
    assert scoring.ice(8, 5, 3) == 120.0
    with pytest.raises(ValidationError, match="ease must be between 1 and 10"):
        scoring.ice(8, 5, 11)


def test_wsjf() -> None:
    # cost of delay 8 + 5 + 3 = 16 over job size 4
    assert scoring.wsjf(8, 5, 3, 4) == 4.0
    with pytest.raises(ValidationError, match="job_size must be greater than 0"):
        scoring.wsjf(8, 5, 3, 0)


def test_value_vs_effort_quadrants() -> None:
    assert scoring.value_vs_effort(8, 2) == scoring.ValueEffort(4.0, "quick win")
    assert scoring.value_vs_effort(8, 8) == scoring.ValueEffort(1.0, "big bet")
    assert scoring.value_vs_effort(2, 1) == scoring.ValueEffort(2.0, "fill-in")
    assert scoring.value_vs_effort(2, 8) == scoring.ValueEffort(0.25, "time sink")


def test_weighted_score() -> None:
    assert scoring.weighted_score({"user": 8, "business": 5, "extra": 99}, {"user": 0.6, "business": 0.4}) == \
        pytest.approx(6.8)
    with pytest.raises(ValidationError, match="no value for criteria business"):
        scoring.weighted_score({"user": 8}, {"user": 0.6, "business": 0.4})


def test_normalise() -> None:
    assert scoring.normalise({"a": 10, "b": 30, "c": 20}) == {"a": 0.0, "b": 100.0, "c": 50.0}
    assert scoring.normalise({"a": 10, "b": 40}, method="max") == {"a": 25.0, "b": 100.0}
    assert scoring.normalise({"a": 3, "b": 3}) == {"a": 100.0, "b": 100.0}
    assert scoring.normalise({}) == {}


def test_pareto_frontier() -> None:
    points = {
        "a": (9.0, 1.0),  # best on the first score
        "b": (7.0, 5.0),
        "c": (6.0, 4.0),  # dominated by b
        "d": (3.0, 8.0),  # best on the second score
        "e": (3.0, 7.0),  # dominated by d (tie on first, worse second)
        "f": (7.0, 5.0),  # equal to b: neither dominates
        "g": (1.0, 8.0),  # dominated by d (tie on second, worse first)
    }
    assert scoring.pareto_frontier(points) == ["a", "b", "f", "d"]
    # independent check: brute force
    def dominated(k: str) -> bool:
        x = points[k]
        return any(o[0] >= x[0] and o[1] >= x[1] and o != x for o in points.values())
    assert sorted(scoring.pareto_frontier(points)) == sorted(k for k in points if not dominated(k))


def test_kano() -> None:
    assert scoring.kano_category("like", "dislike") == "one-dimensional"
    assert scoring.kano_category("neutral", "dislike") == "must-be"
    assert scoring.kano_category("like", "neutral") == "attractive"
    assert scoring.kano_category("expect", "tolerate") == "indifferent"
    assert scoring.kano_category("dislike", "like") == "reverse"
    with pytest.raises(ValidationError, match="Kano answers must be one of"):
        scoring.kano_category("love", "dislike")
