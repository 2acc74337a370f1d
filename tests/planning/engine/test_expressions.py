"""The safe expression language: values computed by hand, errors that name the token and its column."""

from __future__ import annotations

import math

import pytest

from headway.core.errors import ValidationError
from headway.planning.engine import expressions
from headway.planning.engine.expressions import FormulaError, parse

FIELDS = {"reach": 2000.0, "impact": 2.0, "confidence": 0.8, "effort": 4.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reach * impact * confidence / effort", 800.0),
        ("reach × impact × confidence ÷ effort", 800.0),
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("2 ^ 3 ^ 2", 512.0),  # right-associative: 2^(3^2)
        ("-2 ^ 2", -4.0),
        ("2 ^ -1", 0.5),
        ("10 − 4 − 3", 3.0),  # left-associative
        ("16 / 4 / 2", 2.0),
        ("sqrt(reach / 20)", 10.0),
        ("log(1)", 0.0),
        ("log(8, 2)", 3.0),
        ("min(effort, 3, 7)", 3.0),
        ("max(impact, confidence)", 2.0),
        ("abs(confidence - impact)", 1.2),
        ("1.5e2 + .5", 150.5),
        ("+effort", 4.0),
    ],
)
def test_evaluates_by_hand(text: str, expected: float) -> None:
    assert expressions.evaluate(text, FIELDS) == pytest.approx(expected)


def test_formula_lists_its_fields_and_is_reusable() -> None:
    formula = parse("reach * impact / max(effort, 1)", fields=FIELDS)
    assert formula.fields == {"reach", "impact", "effort"}
    assert formula.evaluate({"reach": 10, "impact": 3, "effort": 0.5}) == 30.0
    assert formula.evaluate({"reach": 10, "impact": 3, "effort": 5}) == 6.0


def test_unknown_field_names_token_column_and_known_fields() -> None:
    with pytest.raises(FormulaError) as caught:
        parse("reech * impact", fields=["reach", "impact", "effort"])
    assert str(caught.value) == "unknown field 'reech' at column 1: known fields are effort, impact, reach"
    assert caught.value.details == {"token": "reech", "column": 1}
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("reach * ", 9, "expected a number, a field or '(' but found the end of the formula"),
        ("reach ** 2", 8, "expected a number, a field or '(' but found '*'"),
        ("(reach + 1", 11, "expected ')' to close the parenthesis opened at column 1"),
        ("reach + 1)", 10, "unexpected ')' at column 10"),
        ("reach impact", 7, "unexpected 'impact' at column 7"),
        ("reach $ 2", 7, "unexpected character '$' at column 7"),
        ("pow(reach, 2)", 1, "unknown function 'pow' at column 1"),
        ("sqrt(reach, 2)", 1, "sqrt at column 1 takes 1 argument(s) but was given 2"),
        ("", 1, "the formula is empty"),
        ("impact + sqrt", 10, "unknown field 'sqrt' at column 10 (it is a function"),
    ],
)
def test_syntax_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse(text, fields=FIELDS)
    assert fragment in str(caught.value)
    assert caught.value.details["column"] == column


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("reach / (effort - 4)", "division by zero at column 7"),
        ("sqrt(impact - 3)", "sqrt(-1) at column 1 is undefined"),
        ("log(0)", "log(0) at column 1 is undefined"),
        ("(0 - 8) ^ 0.5", "is not a real number"),
    ],
)
def test_evaluation_errors(text: str, fragment: str) -> None:
    with pytest.raises(FormulaError) as caught:
        expressions.evaluate(text, FIELDS)
    assert fragment in str(caught.value)


def test_missing_value_at_evaluation() -> None:
    formula = parse("reach * impact")
    with pytest.raises(FormulaError, match="no value for field 'impact' at column 9"):
        formula.evaluate({"reach": 1})


def test_no_eval_of_python() -> None:
    with pytest.raises(FormulaError, match="unexpected character"):
        expressions.evaluate("__import__('os')", {})
    with pytest.raises(FormulaError, match="unknown function '__import__'"):
        parse("__import__(1)")
    assert math.isclose(expressions.evaluate("2 ^ 0.5", {}), math.sqrt(2))
