"""Analytics benchmark: ``unique_users`` and ``weekly_active`` per day, Headway vs pandas vs chdb.

``python -m benchmarks analytics --events 10000000 --users 1000000 --days 30``

1. Generates (once, cached under benchmarks/data/) the reproducible event file of the arguments.
2. Runs each engine in its own subprocess (so peak memory is per engine): it loads the file, then times the
   two queries (best of ``--repeat``), and reports its numbers, timings and peak resident memory.
3. Checks that the three engines return exactly the same numbers, and prints a Markdown table of times and
   ratios (engine time / Headway time) to paste into benchmarks/RESULTS.md; JSON goes to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from headway.analytics.engine.generator import GeneratorSpec, generate

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
OUT = HERE.parent / "out"
ENGINES = ("headway", "chdb", "pandas")


def data_options(prog: str, argv: list[str], engines: tuple[str, ...], *,
                 repeat: int) -> tuple[argparse.Namespace, GeneratorSpec, Path]:
    """The options every analytics benchmark takes, the generator's spec, and its Parquet file (generated once
    into benchmarks/data)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=None, help="default: events / 10")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--engines", default=",".join(engines))
    args = parser.parse_args(argv)
    spec = GeneratorSpec(args.users or max(args.events // 10, 1), args.events, args.days, args.seed)
    path = DATA / spec.file_name
    if not path.exists():
        started = time.perf_counter()
        generate(spec, path.with_suffix(".tmp"))
        path.with_suffix(".tmp").rename(path)
        print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return args, spec, path


def main(argv: list[str]) -> int:
    if argv[:1] == ["behaviour"]:  # funnels and retention: benchmarks/analytics/behaviour.py
        from benchmarks.analytics import behaviour

        return behaviour.main(argv[1:])
    args, spec, path = data_options("python -m benchmarks analytics", argv, ENGINES, repeat=3)
    results = {}
    for engine in args.engines.split(","):
        out = OUT / f"analytics_{engine}_{spec.events}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "benchmarks.analytics.engines", engine, str(path), str(out),
                   str(spec.days), str(args.repeat)]
        subprocess.run(command, check=True, cwd=HERE.parent.parent)
        results[engine] = json.loads(out.read_text())
        r = results[engine]
        print(f"{engine}: load {r['load_s']:.2f} s, unique_users {r['unique_users_s']:.3f} s, "
              f"weekly_active {r['weekly_active_s']:.3f} s, peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
    reference = results.get("headway") or next(iter(results.values()))
    agree = all(
        r["unique_users"] == reference["unique_users"] and r["weekly_active"] == reference["weekly_active"]
        for r in results.values()
    )
    print(report(spec, args, results, agree))
    (OUT / f"analytics_summary_{spec.events}.json").write_text(json.dumps(
        {"spec": spec.file_name, "agree": agree, "results": {
            k: {key: v for key, v in r.items() if not isinstance(v, list)} for k, r in results.items()
        }}, indent=2))
    if not agree:
        print("error: the engines disagree; see benchmarks/out/", file=sys.stderr)
        return 1
    return 0


def report(spec: GeneratorSpec, args: argparse.Namespace, results: dict[str, dict], agree: bool) -> str:
    """A Markdown table of the run."""
    base = results.get("headway")
    lines = [
        f"### {spec.events:,} events, {spec.users:,} users, {spec.days} days (seed {spec.seed})",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}. "
        f"Command: `python -m benchmarks analytics --events {spec.events} --users {spec.users} "
        f"--days {spec.days} --seed {spec.seed} --repeat {args.repeat}`. Numbers agree exactly: "
        f"**{'yes' if agree else 'NO'}**.",
        "",
        "| engine | load (s) | unique_users/day (s) | ratio | weekly_active/day (s) | ratio | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        u = r["unique_users_s"] / base["unique_users_s"] if base else 1.0
        w = r["weekly_active_s"] / base["weekly_active_s"] if base else 1.0
        lines.append(
            f"| {name} | {r['load_s']:.1f} | {r['unique_users_s']:.3f} | {u:.2f} | "
            f"{r['weekly_active_s']:.3f} | {w:.2f} | {r['peak_rss_mb']:.0f} |"
        )
    return "\n".join(lines)
