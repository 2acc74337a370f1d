"""Derived metrics and trend formulas have length, operator and nesting limits checked before evaluation (issue
15, points 4 and 8): a 50,000-term derived metric is a 422 with a message, not a 500."""

from __future__ import annotations

import pytest

from headway.analytics.engine import formula
from headway.core.errors import ValidationError
from tests.analytics.test_api import bearer

pytestmark = pytest.mark.django_db

FIFTY_THOUSAND_TERMS = " + ".join(["purchases"] * 50_000)


def catalogue(expression: str) -> str:
    return ("metrics:\n  - name: purchases\n    type: simple\n    event: purchase\n"
            f"  - name: big\n    type: derived\n    expression: {expression}\n")


def test_the_engine_refuses_oversized_expressions_before_parsing() -> None:
    with pytest.raises(ValidationError, match="more than the 500 allowed"):
        formula.evaluate(FIFTY_THOUSAND_TERMS, {"purchases": [1.0]})
    with pytest.raises(ValidationError, match="101 operators, more than the 100 allowed"):
        formula.parse("+".join(["A"] * 102))
    with pytest.raises(ValidationError, match="more than 20 deep"):
        formula.parse("(" * 21 + "A" + ")" * 21)
    assert formula.evaluate("+".join(["A"] * 101), {"A": [1.0, 2.0]}) == [101.0, 202.0]
    assert formula.evaluate("(" * 20 + "A" + ")" * 20, {"A": [3.0]}) == [3.0]


@pytest.mark.parametrize("expression", [FIFTY_THOUSAND_TERMS, "(" * 5_000 + "purchases" + ")" * 5_000])
def test_a_huge_derived_metric_is_a_422_with_a_message(client, empty_store, admin, expression):
    response = client.put("/api/v1/analytics/metrics", {"yaml": catalogue(expression)},
                          content_type="application/json", headers=bearer(admin))
    assert response.status_code == 422, response.content[:500]
    assert "allowed" in str(response.json()["error"]) or "deep" in str(response.json()["error"])
