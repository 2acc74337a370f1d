"""Experiment read-out benchmark: exposures, the metric and the CUPED covariate per arm, Headway's
``EventStore.experiment`` against the same aggregation written in SQL for embedded ClickHouse (chdb).

``python -m benchmarks impact --events 10000000 --users 1000000`` (``--engines headway,chdb``)

1. Generates (once, cached under benchmarks/data/) the reproducible events of the arguments
   (benchmarks/impact/data.py: the analytics generator's stream with ``$exposure`` events and a planted lift).
2. Runs each engine in its own process (so peak memory is per engine): it loads the file, then times the
   read-out (best of ``--repeat``) and reports its numbers, wall and CPU time and peak resident memory.
3. Checks that the engines agree (exposures, persons excluded, and every sum per arm to 1e-9 relative), and
   prints a Markdown table with ratios (engine time / Headway time) for benchmarks/RESULTS.md.

``python -m benchmarks impact demo`` times a read-out on the demo instead (benchmarks/impact/demo.py).
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path
from typing import Any

from benchmarks import harness
from benchmarks.impact.data import ExperimentSpec, generate

ENGINES = ("headway", "chdb")
FIELDS = ("n", "sum", "sum_squares", "pre_sum", "pre_sum_squares", "sum_products")


def _options(argv: list[str]) -> tuple[argparse.Namespace, ExperimentSpec, Path]:
    return harness.data_options("python -m benchmarks impact", argv, ENGINES, repeat=3,  # type: ignore[return-value]
                                spec_type=ExperimentSpec, generate=generate)


def agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Same arms, exposures and exclusions; every sum equal to 1e-9 relative (float sums in another order)."""
    if a["excluded"] != b["excluded"] or set(a["arms"]) != set(b["arms"]):
        return False
    return all(math.isclose(a["arms"][v][f], b["arms"][v][f], rel_tol=1e-9, abs_tol=1e-9)
               for v in a["arms"] for f in FIELDS)


def main(argv: list[str]) -> int:
    """Run the benchmark; 0 when the engines agree."""
    if argv[:1] == ["demo"]:
        from benchmarks.impact import demo

        return demo.main(argv[1:])
    args, spec, path = _options(argv)
    load = os.getloadavg()
    results = harness.run_engines(
        ["benchmarks.impact.engines"], "impact", args.engines, path, spec, args.repeat,
        lambda engine, r: f"{engine}: load {r['load_s']:.1f} s, read-out {r['readout_s']:.3f} s (CPU "
                          f"{r['readout_cpu_s']:.2f} s), peak RSS {r['peak_rss_mb']:.0f} MB, arms {r['arms']}, "
                          f"excluded {r['excluded']}")
    reference = next(iter(results.values()))
    same = all(agree(reference, r) for r in results.values())
    return harness.finish("impact", spec, results, same, report(spec, args, results, same, load, os.getloadavg()),
                          load)


def report(spec: ExperimentSpec, args: argparse.Namespace, results: dict[str, dict[str, Any]], same: bool,
           before: tuple[float, float, float], after: tuple[float, float, float]) -> str:
    """A Markdown table of the run."""
    base = results.get("headway")
    arms = next(iter(results.values()))["arms"]
    per_arm = ", ".join(f"{variant} {arm['n']:,}" for variant, arm in arms.items())
    lines = [
        f"### {spec.events:,} events, {spec.users:,} persons, {spec.days} days (seed {spec.seed})",
        "",
        f"{harness.machine()}; load average {before[0]:.1f} / {before[1]:.1f} / {before[2]:.1f} before "
        f"the run and {after[0]:.1f} after. Command: `python -m benchmarks impact --events {spec.events} "
        f"--users {spec.users} --days {spec.days} --seed {spec.seed} --repeat {args.repeat}`. Exposed persons "
        f"per arm: {per_arm}; excluded (several variants): "
        f"{next(iter(results.values()))['excluded']:,}. Numbers agree: **{'yes' if same else 'NO'}**.",
        "",
        "| engine | load (s) | read-out (s) | ratio | read-out CPU (s) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        ratio = r["readout_s"] / base["readout_s"] if base else 1.0
        lines.append(f"| {name} | {r['load_s']:.1f} | {r['readout_s']:.3f} | {ratio:.2f} | {r['readout_cpu_s']:.2f} "
                     f"| {r['peak_rss_mb']:.0f} |")
    return "\n".join(lines)
