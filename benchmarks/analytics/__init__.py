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
import platform
from pathlib import Path

from benchmarks import harness
from headway.analytics.engine.generator import GeneratorSpec, generate

ENGINES = ("headway", "chdb", "pandas")


def data_options(prog: str, argv: list[str], engines: tuple[str, ...], *,
                 repeat: int) -> tuple[argparse.Namespace, GeneratorSpec, Path]:
    """The options every analytics benchmark takes, the generator's spec, and its Parquet file (generated once
    into benchmarks/data)."""
    return harness.data_options(prog, argv, engines, repeat=repeat, spec_type=GeneratorSpec, generate=generate)


def main(argv: list[str]) -> int:
    if argv[:1] == ["behaviour"]:  # funnels and retention: benchmarks/analytics/behaviour.py
        from benchmarks.analytics import behaviour

        return behaviour.main(argv[1:])
    args, spec, path = data_options("python -m benchmarks analytics", argv, ENGINES, repeat=3)
    results = harness.run_engines(
        ["benchmarks.analytics.engines"], "analytics", args.engines, path, spec, args.repeat,
        lambda engine, r: f"{engine}: load {r['load_s']:.2f} s, unique_users {r['unique_users_s']:.3f} s, "
                          f"weekly_active {r['weekly_active_s']:.3f} s, peak RSS {r['peak_rss_mb']:.0f} MB")
    reference = results.get("headway") or next(iter(results.values()))
    agree = all(
        r["unique_users"] == reference["unique_users"] and r["weekly_active"] == reference["weekly_active"]
        for r in results.values()
    )
    brief = {k: {key: v for key, v in r.items() if not isinstance(v, list)} for k, r in results.items()}
    return harness.finish("analytics", spec, brief, agree, report(spec, args, results, agree))


def report(spec: GeneratorSpec, args: argparse.Namespace, results: dict[str, dict], agree: bool) -> str:
    """A Markdown table of the run."""
    base = results.get("headway")
    lines = [
        f"### {spec.events:,} events, {spec.users:,} users, {spec.days} days (seed {spec.seed})",
        "",
        f"{harness.machine()}, {platform.system()} {platform.release()}. "
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
