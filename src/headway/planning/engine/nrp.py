"""The Next Release Problem (Bagnall, Rayward-Smith & Whittley, 2001): loader, exact solver and the
score-and-sort greedy.

Choose requirements whose total cost stays within ``budget = budget_ratio × Σ cost``; a customer's profit counts
only when every requirement it requests is chosen; a dependency ``A B`` means A is a prerequisite of B. The
solver runs through the portfolio optimiser: requirements are initiatives, customers are bundles, profit is value.

>>> from headway.planning import nrp
>>> problem = nrp.load("nrp1.txt", budget_ratio=0.3)       # doctest: +SKIP
>>> solution = nrp.solve(problem, time_limit=60)           # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from headway.core.errors import NotFound, ValidationError
from headway.planning.engine.portfolio import Bundle, Initiative, Portfolio, dependency_closure, optimise

__all__ = ["Customer", "Problem", "Solution", "evaluate", "greedy", "load", "parse", "solve", "to_portfolio"]


@dataclass(frozen=True)
class Customer:
    """A customer: its profit and the 1-based ids of the requirements it requests."""

    profit: int
    requests: tuple[int, ...]


@dataclass(frozen=True)
class Problem:
    """One NRP instance at one budget ratio. Requirement ``r`` (1-based) costs ``costs[r - 1]``;
    ``dependencies`` are pairs ``(prerequisite, dependent)``."""

    name: str
    costs: tuple[int, ...]
    dependencies: tuple[tuple[int, int], ...]
    customers: tuple[Customer, ...]
    budget_ratio: float

    @property
    def budget(self) -> float:
        """``budget_ratio × Σ cost`` (not rounded)."""
        return self.budget_ratio * sum(self.costs)


@dataclass(frozen=True)
class Solution:
    """A release: its total profit, the chosen requirement ids (1-based, ascending), whether it is proven
    optimal, the best proven upper bound, and the seconds it took."""

    value: float
    selected: tuple[int, ...]
    optimal: bool
    bound: float
    seconds: float


class _Tokens:
    def __init__(self, text: str, source: str) -> None:
        self.words = text.split()
        self.position = 0
        self.source = source

    def next(self, what: str) -> int:
        if self.position >= len(self.words):
            raise ValidationError(f"{self.source}: the file ends where {what} was expected (after "
                                  f"{self.position} numbers): check it follows the NRP format")
        word = self.words[self.position]
        self.position += 1
        try:
            return int(word)
        except ValueError:
            raise ValidationError(f"{self.source}: {what} must be a whole number, found {word!r} at number "
                                  f"{self.position}") from None


def parse(text: str, *, budget_ratio: float = 0.3, name: str = "nrp") -> Problem:
    """Parse the text of an NRP instance file (format of Xuan's classic instances) at ``budget_ratio``."""
    if not 0 < budget_ratio <= 1:
        raise ValidationError(f"budget_ratio must be in (0, 1], got {budget_ratio!r}: 0.3, 0.5 and 0.7 are usual")
    tokens = _Tokens(text, name)
    costs: list[int] = []
    for level in range(1, tokens.next("the number of levels") + 1):
        count = tokens.next(f"the number of requirements in level {level}")
        costs += [tokens.next(f"a cost in level {level}") for _ in range(count)]
    if any(c < 0 for c in costs):
        raise ValidationError(f"{name}: requirement costs must be >= 0 (found {min(costs)})")
    m = len(costs)

    def requirement(what: str) -> int:
        r = tokens.next(what)
        if not 1 <= r <= m:
            raise ValidationError(f"{name}: {what} {r} is not a requirement id (1 to {m})")
        return r

    dependencies = tuple(
        (requirement("a prerequisite id"), requirement("a dependent id"))
        for _ in range(tokens.next("the number of dependencies"))
    )
    customers = []
    for k in range(1, tokens.next("the number of customers") + 1):
        profit = tokens.next(f"the profit of customer {k}")
        count = tokens.next(f"the number of requests of customer {k}")
        customers.append(Customer(profit, tuple(requirement(f"a request of customer {k}") for _ in range(count))))
    if tokens.position != len(tokens.words):
        raise ValidationError(f"{name}: {len(tokens.words) - tokens.position} numbers follow the last customer")
    return Problem(name, tuple(costs), dependencies, tuple(customers), budget_ratio)


def load(path: str | Path, budget_ratio: float = 0.3) -> Problem:
    """Load an NRP instance file at ``budget_ratio`` (budget = ratio × the sum of all costs)."""
    file = Path(path)
    if not file.is_file():
        raise NotFound(f"no NRP instance file at {file}: give the path of e.g. classic/nrp1.txt")
    return parse(file.read_text(encoding="utf-8"), budget_ratio=budget_ratio, name=file.stem)


def to_portfolio(problem: Problem) -> Portfolio:
    """The problem as a portfolio: requirements ``"1"..`` as initiatives, customers as bundles."""
    return Portfolio(
        initiatives=[Initiative(str(r), cost=float(c)) for r, c in enumerate(problem.costs, start=1)],
        bundles=[Bundle(f"customer {k}", frozenset(map(str, c.requests)), float(c.profit))
                 for k, c in enumerate(problem.customers, start=1)],
        requires=[(str(dependent), str(prerequisite)) for prerequisite, dependent in problem.dependencies],
        budget=problem.budget,
    )


def solve(problem: Problem, time_limit: float = 60.0) -> Solution:
    """The most profitable release within budget, solved exactly by the portfolio optimiser."""
    plan = optimise(to_portfolio(problem), time_limit=time_limit)
    return Solution(plan.value, tuple(sorted(int(i) for i in plan.selected)), plan.optimal, plan.bound,
                    plan.seconds)


def _closure(problem: Problem, requests: Iterable[int]) -> frozenset[int]:
    pairs = [(dependent, prerequisite) for prerequisite, dependent in problem.dependencies]
    return dependency_closure(requests, pairs)


def evaluate(problem: Problem, selected: Iterable[int]) -> float:
    """The profit of ``selected``: raise ``ValidationError`` when it breaks the budget or a dependency."""
    chosen = frozenset(selected)
    cost = sum(problem.costs[r - 1] for r in chosen)
    if cost > problem.budget + 1e-9:
        raise ValidationError(f"the release costs {cost} but the budget is {problem.budget:g}")
    broken = [(a, b) for a, b in problem.dependencies if b in chosen and a not in chosen]
    if broken:
        raise ValidationError(f"requirement {broken[0][1]} needs {broken[0][0]}, which is not in the release")
    return float(sum(c.profit for c in problem.customers if chosen.issuperset(c.requests)))


def greedy(problem: Problem) -> Solution:
    """Score and sort: customers by profit per cost of what they need (requests and their prerequisites),
    best first, each added when the requirements it still lacks fit the remaining budget."""
    started = time.perf_counter()
    scored = []
    for customer in problem.customers:
        closure = _closure(problem, customer.requests)
        cost = sum(problem.costs[r - 1] for r in closure)
        scored.append((customer.profit / cost if cost else float("inf"), closure))
    chosen: set[int] = set()
    spent = 0.0
    for _, closure in sorted(scored, key=lambda item: item[0], reverse=True):
        extra = sum(problem.costs[r - 1] for r in closure - chosen)
        if spent + extra <= problem.budget:
            chosen |= closure
            spent += extra
    value = evaluate(problem, chosen)
    return Solution(value, tuple(sorted(chosen)), False, float("nan"), time.perf_counter() - started)
