"""Behavioural insights benchmark: a 3-step ordered funnel (14-day window) and recurring daily retention
over 11 days, Headway vs embedded ClickHouse (chdb) vs pandas, on the analytics generator's data.

``python -m benchmarks analytics behaviour --events 10000000`` (or ``python -m benchmarks.analytics.behaviour``)

Each engine runs in its own process (so peak memory is per engine), loads the Parquet file its own way, then
times the two queries (best of ``--repeat``). ClickHouse answers with its own ``windowFunnel(window,
'strict_increase')`` and a bit-mask retention query over a MergeTree table; pandas with ``merge_asof`` (the
next step strictly after the previous one) and per-person masks. The step counts and the retention table must
agree exactly; a Markdown table with ratios (engine time / Headway time) is printed for RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from benchmarks import harness

ENGINES = ("headway", "chdb", "pandas")
STEPS = ("pageview", "add_to_cart", "purchase")
WINDOW_DAYS = 14
INTERVALS = 11
FIRST_DAY = date(2024, 1, 1)
TARGET = "pageview"


def main(argv: list[str]) -> int:
    """Run the benchmark; 0 when every engine agrees."""
    from benchmarks.analytics import data_options

    args, spec, path = data_options("python -m benchmarks analytics behaviour", argv, ENGINES, repeat=2)
    load = os.getloadavg()
    results = harness.run_engines(
        ["benchmarks.analytics.behaviour", "--engine"], "behaviour", args.engines, path, spec, args.repeat,
        lambda engine, r: f"{engine}: load {r['load_s']:.1f} s, funnel {r['funnel_s']:.3f} s (CPU "
                          f"{r['funnel_cpu_s']:.2f} s) {r['funnel']}, retention {r['retention_s']:.3f} s (CPU "
                          f"{r['retention_cpu_s']:.2f} s), peak RSS {r['peak_rss_mb']:.0f} MB")
    reference = results.get("chdb") or next(iter(results.values()))
    agree = all(r["funnel"] == reference["funnel"] and r["retention"] == reference["retention"]
                for r in results.values())
    return harness.finish("behaviour", spec, results, agree, report(spec, args, results, agree, load), load)


def report(spec: Any, args: argparse.Namespace, results: dict[str, dict[str, Any]], agree: bool,
           load: tuple[float, float, float]) -> str:
    """A Markdown table of the run."""
    base = results.get("headway")
    lines = [
        f"### {spec.events:,} events, {spec.users:,} users, {spec.days} days (seed {spec.seed})",
        "",
        f"{harness.machine()}, load average before the run {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f}. Command: `python -m benchmarks analytics behaviour --events {spec.events} "
        f"--users {spec.users} --days {spec.days} --seed {spec.seed} --repeat {args.repeat}`. Funnel "
        f"{' -> '.join(STEPS)} ({WINDOW_DAYS}-day window) over the {spec.days} days; recurring daily retention of "
        f"{TARGET} over {INTERVALS} days. Step counts and retention table agree exactly: "
        f"**{'yes' if agree else 'NO'}**.",
        "",
        "| engine | load (s) | funnel (s) | ratio | funnel CPU (s) | retention (s) | ratio | retention CPU (s) "
        "| peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        f = r["funnel_s"] / base["funnel_s"] if base else 1.0
        t = r["retention_s"] / base["retention_s"] if base else 1.0
        lines.append(f"| {name} | {r['load_s']:.1f} | {r['funnel_s']:.3f} | {f:.2f} | {r['funnel_cpu_s']:.2f} | "
                     f"{r['retention_s']:.3f} | {t:.2f} | {r['retention_cpu_s']:.2f} | {r['peak_rss_mb']:.0f} |")
    return "\n".join(lines)


# -- the engines, each in its own process ------------------------------------------------------------------
def headway(path: str, days: int, repeat: int) -> dict[str, Any]:
    """Headway's EventStore on a DuckDB file."""
    store, folder, load = harness.headway_store(path, "headway-behaviour-")
    last = FIRST_DAY + timedelta(days=days - 1)

    def funnel() -> list[int]:
        result = store.funnel(list(STEPS), date_from=FIRST_DAY, date_to=last, window=timedelta(days=WINDOW_DAYS))
        return [s.count for s in result.steps]

    def retention() -> list[list[int]]:
        result = store.retention(TARGET, period="day", intervals=INTERVALS,
                                 date_to=FIRST_DAY + timedelta(days=INTERVALS - 1))
        return [c.values for c in result.cohorts]

    out = {"load_s": load, **harness.timed("funnel", funnel, repeat), **harness.timed("retention", retention, repeat)}
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return out


def chdb_engine(path: str, days: int, repeat: int) -> dict[str, Any]:
    """ClickHouse (chdb): windowFunnel and a bit-mask retention query over a MergeTree table."""
    db, folder, load = harness.chdb_events(path, "chdb-behaviour-",
                                           "toDate(timestamp), event, cityHash64(distinct_id)")
    lo, hi = FIRST_DAY.isoformat(), (FIRST_DAY + timedelta(days=days)).isoformat()
    names = ", ".join(f"'{s}'" for s in STEPS)
    conditions = ", ".join(f"event = '{s}'" for s in STEPS)
    window_us = WINDOW_DAYS * 86_400 * 1_000_000

    def csv(sql: str) -> list[list[int]]:
        text = str(db.query(sql, "CSV")).strip()
        return [[int(x) for x in line.split(",")] for line in text.splitlines() if line]

    def funnel() -> list[int]:
        rows = csv(
            f"SELECT level, count() FROM (SELECT distinct_id, windowFunnel({window_us}, 'strict_increase')("
            f"toUInt64(toUnixTimestamp64Micro(timestamp)), {conditions}) AS level FROM bench.events "
            f"WHERE timestamp >= toDateTime64('{lo}', 6, 'UTC') AND timestamp < toDateTime64('{hi}', 6, 'UTC') "
            f"AND event IN ({names}) GROUP BY distinct_id) GROUP BY level"
        )
        at = {level: n for level, n in rows}
        return [sum(n for level, n in at.items() if level >= k) for k in range(1, len(STEPS) + 1)]

    def retention() -> list[list[int]]:
        end = (FIRST_DAY + timedelta(days=INTERVALS)).isoformat()
        rows = csv(
            "SELECT i, j, count() FROM (SELECT distinct_id, groupBitOr(bitShiftLeft(toUInt64(1), "
            f"toUInt8(toRelativeDayNum(timestamp) - toRelativeDayNum(toDate('{lo}'))))) AS m FROM bench.events "
            f"WHERE event = '{TARGET}' AND timestamp >= toDateTime64('{lo}', 6, 'UTC') "
            f"AND timestamp < toDateTime64('{end}', 6, 'UTC') GROUP BY distinct_id) "
            f"ARRAY JOIN range({INTERVALS}) AS i ARRAY JOIN range(toUInt8({INTERVALS} - i)) AS j "
            "WHERE bitTest(m, i) AND bitTest(m, i + j) GROUP BY i, j"
        )
        table = [[0] * (INTERVALS - i) for i in range(INTERVALS)]
        for i, j, n in rows:
            table[i][j] = n
        return table

    out = {"load_s": load, **harness.timed("funnel", funnel, repeat), **harness.timed("retention", retention, repeat)}
    db.close()
    shutil.rmtree(folder, ignore_errors=True)
    return out


def pandas_engine(path: str, days: int, repeat: int) -> dict[str, Any]:
    """pandas: merge_asof for the next step strictly after the previous one; masks for retention."""
    import numpy as np
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_parquet(path, columns=["event", "timestamp", "distinct_id"])
    frame = frame[frame["timestamp"] < pd.Timestamp(FIRST_DAY + timedelta(days=days))]
    frame["timestamp"] = frame["timestamp"].astype("datetime64[ns]")  # one unit for merge_asof and Timestamp.max
    load = time.perf_counter() - started
    window = pd.Timedelta(days=WINDOW_DAYS)

    def funnel() -> list[int]:
        chain = frame.loc[frame["event"] == STEPS[0], ["distinct_id", "timestamp"]].rename(columns={"timestamp": "t0"})
        chain["prev"], chain["reached"] = chain["t0"], 1
        for k, step in enumerate(STEPS[1:], start=1):
            later = frame.loc[frame["event"] == step, ["distinct_id", "timestamp"]].rename(columns={"timestamp": "t"})
            chain = pd.merge_asof(chain.sort_values("prev"), later.sort_values("t"), left_on="prev", right_on="t",
                                  by="distinct_id", direction="forward", allow_exact_matches=False)
            ok = chain["t"].notna() & (chain["t"] <= chain["t0"] + window)
            chain["reached"] = np.where(ok, k + 1, chain["reached"])
            chain["prev"] = chain["t"].where(ok, pd.Timestamp.max)
            chain = chain.drop(columns="t")
        best_per_person = chain.groupby("distinct_id")["reached"].max()
        return [int((best_per_person >= k).sum()) for k in range(1, len(STEPS) + 1)]

    def retention() -> list[list[int]]:
        rows = frame.loc[(frame["event"] == TARGET)
                         & (frame["timestamp"] < pd.Timestamp(FIRST_DAY + timedelta(days=INTERVALS))),
                         ["distinct_id", "timestamp"]]
        day = (rows["timestamp"] - pd.Timestamp(FIRST_DAY)).dt.days.astype("int64")
        pairs = pd.DataFrame({"p": rows["distinct_id"].to_numpy(), "bit": np.left_shift(1, day.to_numpy())})
        masks = pairs.drop_duplicates().groupby("p")["bit"].sum().to_numpy()
        return [[int((((masks >> i) & 1) & ((masks >> (i + j)) & 1)).sum()) for j in range(INTERVALS - i)]
                for i in range(INTERVALS)]

    return {"load_s": load, **harness.timed("funnel", funnel, repeat), **harness.timed("retention", retention, repeat)}


RUNNERS: dict[str, Callable[[str, int, int], dict[str, Any]]] = {
    "headway": headway, "chdb": chdb_engine, "pandas": pandas_engine,
}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--engine":
        harness.engine_main(RUNNERS, sys.argv[2:])
    else:
        raise SystemExit(main(sys.argv[1:]))
