"""Next Release Problem benchmark: every classic instance (nrp1..5) at budget ratios 0.3, 0.5 and 0.7.

``python -m benchmarks planning [--cases nrp2:0.3,nrp4:0.5] [--time-limit 60] [--baseline]``
(also ``python -m benchmarks.planning.nrp``)

For each case: Headway's exact solver (``headway.planning.nrp.solve``: presolve + HiGHS through the portfolio
optimiser), the score-and-sort greedy (customers by profit per cost), and with ``--baseline`` the plain textbook
MILP (binary x per requirement, y per customer, y <= x for each request, x_b <= x_a for each dependency, HiGHS
through scipy.optimize.milp with relative gap 0) run in the same process. Every release is re-checked (budget,
dependencies, profit recomputed) and compared with the proven optimum in tests/data/nrp/classic/OPTIMA.csv.
Prints a Markdown table for benchmarks/RESULTS.md; JSON goes to benchmarks/out/planning_nrp.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from headway.planning import nrp

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DATA = REPO / "tests" / "data" / "nrp" / "classic"
OUT = HERE.parent / "out"


def optima() -> dict[tuple[str, float], tuple[int, float]]:
    """(instance, ratio) -> (proven optimal value, plain MILP seconds) from OPTIMA.csv."""
    with (DATA / "OPTIMA.csv").open() as f:
        return {(r["instance"], float(r["budget_ratio"])): (int(r["optimal_value"]), float(r["plain_milp_seconds"]))
                for r in csv.DictReader(f)}


def check(problem: nrp.Problem, selected: tuple[int, ...]) -> int:
    """The profit of a release recomputed from the instance, after checking budget and dependencies."""
    chosen = set(selected)
    if sum(problem.costs[r - 1] for r in chosen) > problem.budget:
        raise AssertionError("over budget")
    if any(b in chosen and a not in chosen for a, b in problem.dependencies):
        raise AssertionError("dependency broken")
    return sum(c.profit for c in problem.customers if chosen.issuperset(c.requests))


def plain_milp(problem: nrp.Problem, time_limit: float) -> tuple[float, bool, float]:
    """The textbook model through scipy.optimize.milp: (value, proven optimal, seconds)."""
    started = time.perf_counter()
    m, n = len(problem.costs), len(problem.customers)
    rows, cols, vals, upper = [], [], [], []

    def row(terms: dict[int, float], high: float) -> None:
        for col, val in terms.items():
            rows.append(len(upper))
            cols.append(col)
            vals.append(val)
        upper.append(high)

    for k, customer in enumerate(problem.customers):
        for r in set(customer.requests):
            row({m + k: 1.0, r - 1: -1.0}, 0.0)
    for a, b in problem.dependencies:
        row({b - 1: 1.0, a - 1: -1.0}, 0.0)
    row({r: float(c) for r, c in enumerate(problem.costs)}, problem.budget)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(upper), m + n)).tocsr()
    objective = np.concatenate([np.zeros(m), -np.array([c.profit for c in problem.customers], dtype=float)])
    result = milp(objective, constraints=LinearConstraint(matrix, -np.inf, np.array(upper)),
                  integrality=np.ones(m + n), bounds=Bounds(0, 1),
                  options={"time_limit": time_limit, "mip_rel_gap": 0.0})
    value = -float(result.fun) if result.x is not None else 0.0
    return value, result.status == 0, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a case misses its proven optimum."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks planning")
    parser.add_argument("--cases", default="", help="comma-separated instance:ratio (default: all 15)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--baseline", action="store_true", help="also run the plain textbook MILP")
    args = parser.parse_args(argv)
    known = optima()
    cases = ([(c.split(":")[0], float(c.split(":")[1])) for c in args.cases.split(",")] if args.cases
             else sorted(known))
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
               "load_average_at_start": os.getloadavg()}
    print(f"machine: {machine}", file=sys.stderr)
    results, failures = [], 0
    for instance, ratio in cases:
        problem = nrp.load(DATA / f"{instance}.txt", budget_ratio=ratio)
        optimum, reference_seconds = known[(instance, ratio)]
        solution = nrp.solve(problem, time_limit=args.time_limit)
        greedy = nrp.greedy(problem)
        assert check(problem, solution.selected) == solution.value
        assert check(problem, greedy.selected) == greedy.value
        result = {"instance": instance, "ratio": ratio, "optimum": optimum, "value": solution.value,
                  "optimal": solution.optimal, "bound": solution.bound, "seconds": round(solution.seconds, 2),
                  "greedy": greedy.value, "greedy_loss_pct": round(100 * (optimum - greedy.value) / optimum, 1),
                  "reference_plain_milp_seconds": reference_seconds}
        if args.baseline:
            value, proven, seconds = plain_milp(problem, args.time_limit)
            result |= {"plain_value": value, "plain_optimal": proven, "plain_seconds": round(seconds, 2)}
        failures += not (solution.optimal and solution.value == optimum)
        results.append(result)
        print(json.dumps(result), file=sys.stderr, flush=True)
    header = "| instance | ratio | optimum | Headway value | proven | seconds | greedy | greedy loss |"
    rule = "|---|---|---|---|---|---|---|---|"
    if args.baseline:
        header += " plain MILP seconds (same run) |"
        rule += "---|"
    print(header)
    print(rule)
    for r in results:
        line = (f"| {r['instance']} | {r['ratio']} | {r['optimum']} | {r['value']:.0f} | "
                f"{'yes' if r['optimal'] else 'no'} | {r['seconds']:.2f} | {r['greedy']:.0f} | "
                f"{r['greedy_loss_pct']:.1f} % |")
        if args.baseline:
            line += f" {r['plain_seconds']:.2f}{'' if r['plain_optimal'] else ' (not proven)'} |"
        print(line)
    OUT.mkdir(exist_ok=True)
    (OUT / "planning_nrp.json").write_text(json.dumps({"machine": machine, "results": results}, indent=1))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
