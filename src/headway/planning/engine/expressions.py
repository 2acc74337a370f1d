"""A small, safe expression language for custom scoring formulas.

``reach * impact * confidence / effort`` or ``sqrt(demand) + 2 ^ risk`` — numbers, fields by name, the operators
``+ - * / ^`` (also written ``− × ÷``), parentheses, and the functions ``sqrt``, ``log``, ``min``, ``max`` and
``abs``. Text is tokenised, parsed by recursive descent into an immutable tree, and evaluated against a mapping
of field values: nothing is ever handed to ``eval``. Every error names the offending token and its column
(1-based) and says how to fix it.

Grammar (``^`` binds tightest and is right-associative; ``-2 ^ 2`` is ``-(2 ^ 2)``)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-") unary | power
    power      := atom ("^" unary)?
    atom       := NUMBER | NAME | NAME "(" expression ("," expression)* ")" | "(" expression ")"
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from headway.core.errors import ValidationError

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_OPERATORS",
    "Binary",
    "Call",
    "Field",
    "Formula",
    "FormulaError",
    "Node",
    "Number",
    "Token",
    "Unary",
    "check_size",
    "evaluate",
    "parse",
    "tokenize",
]

_UNICODE_OPERATORS = {"−": "-", "×": "*", "÷": "/"}
_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>[-+*/^(),−×÷]))"
)


MAX_LENGTH = 500
"""The longest formula accepted, in characters (the scoring setup stores at most 500)."""
MAX_OPERATORS = 100
"""The most operators and function calls in one formula: the tree stays shallow enough to evaluate quickly."""
MAX_DEPTH = 20
"""The deepest nesting of parentheses accepted."""


class FormulaError(ValidationError):
    """A formula that cannot be parsed or evaluated; ``details`` holds the token and its column."""

    code = "formula_error"


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is ``number``, ``name``, ``op`` or ``end``; ``column`` is 1-based."""

    kind: str
    text: str
    column: int


@dataclass(frozen=True)
class Number:
    """A numeric literal."""

    value: float
    column: int


@dataclass(frozen=True)
class Field:
    """A reference to an input field by name."""

    name: str
    column: int


@dataclass(frozen=True)
class Unary:
    """``-operand`` or ``+operand``."""

    op: str
    operand: Node
    column: int


@dataclass(frozen=True)
class Binary:
    """``left op right`` for ``+ - * / ^``."""

    op: str
    left: Node
    right: Node
    column: int


@dataclass(frozen=True)
class Call:
    """A call of one of :data:`FUNCTIONS`."""

    function: str
    args: tuple[Node, ...]
    column: int


Node = Number | Field | Unary | Binary | Call


def _log(*args: float) -> float:
    if len(args) == 1:
        return math.log(args[0])
    return math.log(args[0], args[1])


#: name -> (minimum arguments, maximum arguments or None for any, implementation)
FUNCTIONS: dict[str, tuple[int, int | None, Callable[..., float]]] = {
    "sqrt": (1, 1, math.sqrt),
    "log": (1, 2, _log),
    "abs": (1, 1, abs),
    "min": (1, None, min),
    "max": (1, None, max),
}


def _error(message: str, token: str, column: int) -> FormulaError:
    return FormulaError(message, details={"token": token, "column": column})


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token; raise :class:`FormulaError` on a bad character."""
    tokens: list[Token] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            tokens.append(Token("end", "", len(text) + 1))
            return tokens
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            char = text[position]
            raise _error(
                f"unexpected character {char!r} at column {position + 1}: a formula may use numbers, field names, "
                "+ - * / ^, parentheses, commas and the functions " + ", ".join(FUNCTIONS),
                char,
                position + 1,
            )
        kind = match.lastgroup
        raw = match.group(kind)
        column = match.start(kind) + 1
        tokens.append(Token(kind, _UNICODE_OPERATORS.get(raw, raw), column))
        position = match.end()


def check_size(text: str) -> list[Token]:
    """Tokenise ``text`` after checking its length, then check its operators and nesting against the limits.

    Runs before any parsing or evaluation, so an oversized or deeply nested formula costs no recursion and no
    time: it is a :class:`FormulaError` that says which limit it passes.
    """
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula has {len(text):,} characters, more than the {MAX_LENGTH} allowed: shorten it, e.g. "
            "by scoring with a weighted scorecard instead of a long sum",
            details={"length": len(text), "limit": MAX_LENGTH},
        )
    tokens = tokenize(text)
    operators = sum(1 for t in tokens if t.kind == "op" and t.text in "+-*/^")
    operators += sum(1 for t in tokens if t.kind == "name" and t.text in FUNCTIONS)
    if operators > MAX_OPERATORS:
        raise FormulaError(
            f"the formula has {operators} operators and function calls, more than the {MAX_OPERATORS} allowed: "
            "simplify it",
            details={"operators": operators, "limit": MAX_OPERATORS},
        )
    depth = deepest = 0
    for token in tokens:
        if token.kind == "op" and token.text == "(":
            depth += 1
            if depth > deepest:
                deepest = depth
            if depth > MAX_DEPTH:
                raise FormulaError(
                    f"the formula nests parentheses {MAX_DEPTH + 1} or more deep at column {token.column}, more "
                    f"than the {MAX_DEPTH} allowed: remove redundant parentheses",
                    details={"token": "(", "column": token.column, "limit": MAX_DEPTH},
                )
        elif token.kind == "op" and token.text == ")":
            depth -= 1
    return tokens


class _Parser:
    def __init__(self, text: str, fields: frozenset[str] | None) -> None:
        self.tokens = check_size(text)
        self.index = 0
        self.fields = fields

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str, context: str) -> Token:
        token = self.current
        if token.kind != "op" or token.text != text:
            found = "the end of the formula" if token.kind == "end" else f"{token.text!r}"
            raise _error(f"expected {text!r} {context} but found {found} at column {token.column}", token.text,
                         token.column)
        return self.advance()

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise _error("the formula is empty: write an expression such as 'reach * impact / effort'", "", 1)
        node = self.expression()
        token = self.current
        if token.kind != "end":
            raise _error(
                f"unexpected {token.text!r} at column {token.column}: an operator (+ - * / ^) is missing "
                "or a parenthesis is unbalanced",
                token.text,
                token.column,
            )
        return node

    def expression(self) -> Node:
        node = self.term()
        while self.current.kind == "op" and self.current.text in "+-":
            op = self.advance()
            node = Binary(op.text, node, self.term(), op.column)
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.current.kind == "op" and self.current.text in "*/":
            op = self.advance()
            node = Binary(op.text, node, self.unary(), op.column)
        return node

    def unary(self) -> Node:
        if self.current.kind == "op" and self.current.text in "+-":
            op = self.advance()
            return Unary(op.text, self.unary(), op.column)
        return self.power()

    def power(self) -> Node:
        node = self.atom()
        if self.current.kind == "op" and self.current.text == "^":
            op = self.advance()
            node = Binary("^", node, self.unary(), op.column)
        return node

    def atom(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            return Number(float(token.text), token.column)
        if token.kind == "name":
            if self.current.kind == "op" and self.current.text == "(":
                return self.call(token)
            return self.field(token)
        if token.kind == "op" and token.text == "(":
            node = self.expression()
            self.expect(")", f"to close the parenthesis opened at column {token.column}")
            return node
        found = "the end of the formula" if token.kind == "end" else repr(token.text)
        raise _error(f"expected a number, a field or '(' but found {found} at column {token.column}", token.text,
                     token.column)

    def field(self, token: Token) -> Field:
        if self.fields is not None and token.text not in self.fields:
            known = ", ".join(sorted(self.fields)) or "(none)"
            hint = " (it is a function: call it with parentheses)" if token.text in FUNCTIONS else ""
            raise _error(
                f"unknown field {token.text!r} at column {token.column}{hint}: known fields are {known}",
                token.text,
                token.column,
            )
        return Field(token.text, token.column)

    def call(self, name: Token) -> Call:
        if name.text not in FUNCTIONS:
            raise _error(
                f"unknown function {name.text!r} at column {name.column}: functions are " + ", ".join(FUNCTIONS),
                name.text,
                name.column,
            )
        self.expect("(", f"after {name.text}")
        args = [self.expression()]
        while self.current.kind == "op" and self.current.text == ",":
            self.advance()
            args.append(self.expression())
        self.expect(")", f"to close the call of {name.text} at column {name.column}")
        low, high, _ = FUNCTIONS[name.text]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = str(low) if low == high else (f"{low} or {high}" if high is not None else f"at least {low}")
            raise _error(
                f"{name.text} at column {name.column} takes {wanted} argument(s) but was given {len(args)}",
                name.text,
                name.column,
            )
        return Call(name.text, tuple(args), name.column)


def _fields_of(node: Node) -> Iterable[str]:
    if isinstance(node, Field):
        yield node.name
    elif isinstance(node, Unary):
        yield from _fields_of(node.operand)
    elif isinstance(node, Binary):
        yield from _fields_of(node.left)
        yield from _fields_of(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _fields_of(arg)


def _evaluate(node: Node, values: Mapping[str, float]) -> float:
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Field):
        if node.name not in values:
            known = ", ".join(sorted(values)) or "(none)"
            raise _error(f"no value for field {node.name!r} at column {node.column}: values were given for {known}",
                         node.name, node.column)
        return float(values[node.name])
    if isinstance(node, Unary):
        operand = _evaluate(node.operand, values)
        return -operand if node.op == "-" else operand
    if isinstance(node, Binary):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if node.op == "/":
            if right == 0:
                raise _error(f"division by zero at column {node.column}: the divisor evaluates to 0 "
                             "(guard it, e.g. max(effort, 1))", "/", node.column)
            return left / right
        try:
            result = left**right
        except (OverflowError, ZeroDivisionError) as exc:
            raise _error(f"cannot raise {left:g} to {right:g} at column {node.column}: {exc}", "^",
                         node.column) from exc
        if isinstance(result, complex):
            raise _error(f"{left:g} ^ {right:g} at column {node.column} is not a real number: "
                         "a negative base needs a whole exponent", "^", node.column)
        return float(result)
    args = [_evaluate(arg, values) for arg in node.args]
    try:
        return float(FUNCTIONS[node.function][2](*args))
    except (ValueError, ZeroDivisionError) as exc:
        shown = ", ".join(f"{a:g}" for a in args)
        raise _error(f"{node.function}({shown}) at column {node.column} is undefined: sqrt needs a value >= 0 and "
                     "log a value > 0", node.function, node.column) from exc


@dataclass(frozen=True)
class Formula:
    """A parsed formula: evaluate it with :meth:`evaluate`; ``fields`` lists the field names it reads."""

    text: str
    tree: Node

    @property
    def fields(self) -> frozenset[str]:
        """The field names the formula reads."""
        return frozenset(_fields_of(self.tree))

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The formula's value for ``values`` (field name -> number)."""
        return _evaluate(self.tree, values)


def parse(text: str, fields: Iterable[str] | None = None) -> Formula:
    """Parse ``text`` into a :class:`Formula`; with ``fields``, any other field name is an error."""
    known = frozenset(fields) if fields is not None else None
    return Formula(text, _Parser(text, known).parse())


def evaluate(text: str, values: Mapping[str, float]) -> float:
    """Parse ``text`` (fields restricted to the keys of ``values``) and evaluate it."""
    return parse(text, values.keys()).evaluate(values)
