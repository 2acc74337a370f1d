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
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.impact.data import ExperimentSpec, generate

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
OUT = HERE.parent / "out"
ENGINES = ("headway", "chdb")
FIELDS = ("n", "sum", "sum_squares", "pre_sum", "pre_sum_squares", "sum_products")


def _options(argv: list[str]) -> tuple[argparse.Namespace, ExperimentSpec, Path]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks impact")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=None, help="default: events / 10")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ENGINES))
    args = parser.parse_args(argv)
    spec = ExperimentSpec(args.users or max(args.events // 10, 1), args.events, args.days, args.seed)
    path = DATA / spec.file_name
    if not path.exists():
        started = time.perf_counter()
        generate(spec, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return args, spec, path


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
    results: dict[str, dict[str, Any]] = {}
    for engine in args.engines.split(","):
        out = OUT / f"impact_{engine}_{spec.events}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "benchmarks.impact.engines", engine, str(path), str(out),
                   str(spec.days), str(args.repeat)]
        subprocess.run(command, check=True, cwd=HERE.parent.parent)
        results[engine] = json.loads(out.read_text())
        r = results[engine]
        print(f"{engine}: load {r['load_s']:.1f} s, read-out {r['readout_s']:.3f} s (CPU {r['readout_cpu_s']:.2f} s), "
              f"peak RSS {r['peak_rss_mb']:.0f} MB, arms {r['arms']}, excluded {r['excluded']}", flush=True)
    reference = next(iter(results.values()))
    same = all(agree(reference, r) for r in results.values())
    print(report(spec, args, results, same, load, os.getloadavg()))
    (OUT / f"impact_summary_{spec.events}.json").write_text(json.dumps(
        {"spec": spec.file_name, "agree": same, "load_average": load, "results": results}, indent=2))
    if not same:
        print("error: the engines disagree; see benchmarks/out/", file=sys.stderr)
        return 1
    return 0


def report(spec: ExperimentSpec, args: argparse.Namespace, results: dict[str, dict[str, Any]], same: bool,
           before: tuple[float, float, float], after: tuple[float, float, float]) -> str:
    """A Markdown table of the run."""
    base = results.get("headway")
    arms = next(iter(results.values()))["arms"]
    per_arm = ", ".join(f"{variant} {arm['n']:,}" for variant, arm in arms.items())
    lines = [
        f"### {spec.events:,} events, {spec.users:,} persons, {spec.days} days (seed {spec.seed})",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average {before[0]:.1f} / {before[1]:.1f} / {before[2]:.1f} before "
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
