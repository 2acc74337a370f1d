"""The Next Release Problem: loader, exact solver and greedy, each release checked independently."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from headway.core.errors import NotFound, ValidationError
from headway.planning import nrp

DATA = Path(__file__).resolve().parents[2] / "data" / "nrp" / "classic"
OPTIMA = {(row["instance"], float(row["budget_ratio"])): int(row["optimal_value"])
          for row in csv.DictReader((DATA / "OPTIMA.csv").open())}


def check_release(problem: nrp.Problem, selected: tuple[int, ...]) -> int:
    """Recompute a release's profit from the file's own numbers, checking budget and dependencies."""
    chosen = set(selected)
    assert len(chosen) == len(selected) and all(1 <= r <= len(problem.costs) for r in chosen)
    assert sum(problem.costs[r - 1] for r in chosen) <= problem.budget
    assert all(a in chosen for a, b in problem.dependencies if b in chosen)
    return sum(c.profit for c in problem.customers if set(c.requests) <= chosen)


def test_load_nrp1() -> None:
    problem = nrp.load(DATA / "nrp1.txt", budget_ratio=0.3)
    assert problem.name == "nrp1"
    assert len(problem.costs) == 20 + 40 + 80
    assert problem.costs[:3] == (4, 3, 4)
    assert len(problem.dependencies) == 97 and problem.dependencies[0] == (1, 85)
    assert len(problem.customers) == 100
    assert problem.budget == pytest.approx(0.3 * sum(problem.costs))


def test_solve_nrp1_to_the_proven_optimum() -> None:
    problem = nrp.load(DATA / "nrp1.txt", budget_ratio=0.3)
    solution = nrp.solve(problem, time_limit=60)
    assert solution.optimal and solution.value == OPTIMA[("nrp1", 0.3)] == 1204
    assert solution.bound == solution.value
    assert solution.selected == tuple(sorted(solution.selected))
    assert check_release(problem, solution.selected) == solution.value


def test_greedy_is_feasible_and_below_the_optimum() -> None:
    problem = nrp.load(DATA / "nrp1.txt", budget_ratio=0.3)
    greedy = nrp.greedy(problem)
    assert not greedy.optimal
    assert check_release(problem, greedy.selected) == greedy.value
    assert greedy.value < OPTIMA[("nrp1", 0.3)]


def test_tiny_instance_by_hand() -> None:
    # costs 2, 3, 4; 1 is a prerequisite of 3; customers: 10 wants {3} (needs 1 too: cost 6), 6 wants {2}
    text = "1\n3\n2 3 4\n1\n1 3\n2\n10 1 3\n6 1 2\n"
    problem = nrp.parse(text, budget_ratio=6 / 9)
    assert problem.budget == pytest.approx(6)
    solution = nrp.solve(problem)
    assert (solution.value, solution.selected, solution.optimal, solution.bound) == (10.0, (1, 3), True, 10.0)
    assert nrp.evaluate(problem, (1, 3)) == 10
    with pytest.raises(ValidationError, match="requirement 3 needs 1"):
        nrp.evaluate(problem, (3,))
    with pytest.raises(ValidationError, match="the release costs 9 but the budget is 6"):
        nrp.evaluate(problem, (1, 2, 3))
    # greedy: customer 2 (6 / 3 = 2 per unit) before customer 1 (10 / 6): takes {2}, then {1, 3} does not fit
    assert nrp.greedy(problem).value == 6


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1\n3\n2 3", "the file ends where a cost in level 1 was expected"),
        ("1\n2\n2 x", "a cost in level 1 must be a whole number, found 'x'"),
        ("1\n2\n2 3\n1\n1 7\n0", "a dependent id 7 is not a requirement id (1 to 2)"),
        ("1\n2\n2 -3\n0\n0", "requirement costs must be >= 0"),
        ("1\n2\n2 3\n0\n0\n5", "1 numbers follow the last customer"),
    ],
)
def test_parse_errors(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        nrp.parse(text)
    assert fragment in str(caught.value)


def test_missing_file_and_bad_ratio() -> None:
    with pytest.raises(NotFound, match="no NRP instance file at"):
        nrp.load(DATA / "nrp9.txt")
    with pytest.raises(ValidationError, match="budget_ratio must be in"):
        nrp.parse("1\n1\n1\n0\n0", budget_ratio=1.5)


@pytest.mark.slow
@pytest.mark.parametrize(("instance", "ratio"), sorted(OPTIMA))
def test_every_classic_case_reaches_the_proven_optimum(instance: str, ratio: float) -> None:
    problem = nrp.load(DATA / f"{instance}.txt", budget_ratio=ratio)
    solution = nrp.solve(problem, time_limit=300)
    assert solution.optimal and solution.value == OPTIMA[(instance, ratio)]
    assert check_release(problem, solution.selected) == solution.value
