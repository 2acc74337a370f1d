"""A safe arithmetic expression language for formulas (``A / B``) and derived metrics.

Expressions are parsed with :mod:`ast` and only numbers, names, ``+ - * /``, unary minus and parentheses
are accepted; nothing is ever passed to ``eval``. Division by zero gives 0 (as in PostHog's formulas).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from headway.core.errors import ValidationError

Vector = npt.NDArray[np.float64]
MAX_LENGTH = 500
"""The longest formula or derived-metric expression accepted, in characters."""
MAX_OPERATORS = 100
"""The most operators in one expression: evaluation stays shallow and quick."""
MAX_DEPTH = 20
"""The deepest nesting of parentheses accepted."""
_ALLOWED = (ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)


def check_size(expression: str) -> None:
    """Refuse an expression over the length, operator or nesting limits, before it is parsed or evaluated."""
    if len(expression) > MAX_LENGTH:
        raise ValidationError(
            f"the formula has {len(expression):,} characters, more than the {MAX_LENGTH} allowed: shorten it, "
            "e.g. define a derived metric for a part and name it",
            details={"length": len(expression), "limit": MAX_LENGTH},
        )
    operators = sum(expression.count(op) for op in "+-*/")
    if operators > MAX_OPERATORS:
        raise ValidationError(
            f"the formula has {operators} operators, more than the {MAX_OPERATORS} allowed: simplify it",
            details={"operators": operators, "limit": MAX_OPERATORS},
        )
    depth = 0
    for char in expression:
        depth += (char == "(") - (char == ")")
        if depth > MAX_DEPTH:
            raise ValidationError(
                f"the formula nests parentheses more than {MAX_DEPTH} deep: remove redundant parentheses",
                details={"limit": MAX_DEPTH},
            )


def parse(expression: str) -> ast.expr:
    """Parse ``expression``; raise ValidationError naming what is not allowed or over the size limits."""
    if not isinstance(expression, str):
        raise ValidationError(f"a formula is text such as A / B, not {type(expression).__name__}")
    check_size(expression)
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValidationError(f"formula {expression!r} is not valid: {exc.msg}; e.g. write A / B") from exc
    for node in ast.walk(tree.body):
        allowed = isinstance(node, _ALLOWED)
        if isinstance(node, ast.Constant):
            allowed = isinstance(node.value, int | float) and not isinstance(node.value, bool)
        if not allowed:
            raise ValidationError(
                f"formula {expression!r} uses {type(node).__name__}: only numbers, names, + - * / and "
                "parentheses are allowed"
            )
    return tree.body


def names(expression: str) -> list[str]:
    """The names an expression refers to, in order of first use."""
    found: list[str] = []
    for node in ast.walk(parse(expression)):
        if isinstance(node, ast.Name) and node.id not in found:
            found.append(node.id)
    return found


def evaluate(expression: str, values: Mapping[str, Sequence[float]]) -> list[float]:
    """Evaluate ``expression`` point by point over equally long value lists."""
    tree = parse(expression)
    missing = [n for n in names(expression) if n not in values]
    if missing:
        raise ValidationError(
            f"formula {expression!r} names {', '.join(missing)}; known: {', '.join(values) or 'none'}"
        )
    length = max((len(v) for v in values.values()), default=0)
    arrays = {k: np.asarray(v, dtype=np.float64) for k, v in values.items()}
    result = _eval(tree, arrays, length)
    return [float(x) for x in np.broadcast_to(result, (length,))]


def _eval(node: ast.expr, arrays: Mapping[str, Vector], length: int) -> Vector:
    if isinstance(node, ast.Constant):
        value = node.value
        assert isinstance(value, int | float)
        return np.full(length, float(value))
    if isinstance(node, ast.Name):
        return arrays[node.id]
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, arrays, length)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    left, right = _eval(node.left, arrays, length), _eval(node.right, arrays, length)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    out = np.zeros_like(left)
    np.divide(left, right, out=out, where=right != 0)
    return out
