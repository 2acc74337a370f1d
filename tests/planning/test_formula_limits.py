"""Scoring formulas have length, operator and nesting limits checked before any parsing or evaluation (issue 15,
points 4 and 8): a 10,000-term or deeply nested formula is a 422 with a message, never a RecursionError or a
long run."""

from __future__ import annotations

import pytest

from headway.planning.engine import expressions
from headway.planning.engine.expressions import FormulaError
from tests.planning.test_faces import login

TEN_THOUSAND_TERMS = " + ".join(["reach"] * 10_000)
DEEP = "(" * 1_000 + "reach" + ")" * 1_000
DEEP_SHORT = "(" * 21 + "reach" + ")" * 21  # 47 characters, one level over the limit


def test_a_ten_thousand_term_formula_is_refused_before_parsing() -> None:
    with pytest.raises(FormulaError) as caught:
        expressions.parse(TEN_THOUSAND_TERMS)
    assert f"{len(TEN_THOUSAND_TERMS):,} characters, more than the 500 allowed" in caught.value.message
    assert caught.value.details == {"length": len(TEN_THOUSAND_TERMS), "limit": 500}


def test_too_many_operators_and_too_deep_nesting_are_refused() -> None:
    many = "+".join(["1"] * 102)  # 101 operators in 203 characters
    with pytest.raises(FormulaError, match="101 operators and function calls, more than the 100 allowed"):
        expressions.parse(many)
    with pytest.raises(FormulaError, match="more than the 20 allowed") as caught:
        expressions.parse(DEEP_SHORT)
    assert caught.value.details == {"token": "(", "column": 21, "limit": 20}
    with pytest.raises(FormulaError):
        expressions.parse(DEEP)  # no RecursionError
    # the limits themselves are fine: 100 operators, 20 levels
    assert expressions.evaluate("+".join(["1"] * 101), {}) == 101.0
    assert expressions.evaluate("(" * 20 + "2" + ")" * 20, {}) == 2.0


@pytest.mark.parametrize("formula", [TEN_THOUSAND_TERMS, DEEP, "-" * 400 + "reach"])
def test_the_api_answers_422_for_an_oversized_scoring_formula(client, portfolio, leader, formula):
    login(client, leader)
    response = client.post("/api/v1/planning/scoring", {"name": "Big", "framework": "formula", "formula": formula},
                           content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "formula_error"
    assert "allowed" in response.json()["error"]["message"]


def test_the_scoring_page_shows_the_limit_for_a_deeply_nested_formula(client, portfolio, leader):
    login(client, leader)
    response = client.post("/roadmap/scoring/", {"name": "Deep", "framework": "formula", "formula": DEEP_SHORT})
    assert response.status_code == 200
    assert "nests parentheses 21 or more deep at column 21" in response.content.decode()
