"""Write the benchmark generator's events as a JSONL file, for ingestion runs (benchmarks/RESULTS.md,
"Ingesting a 5 GB file").

``python -m benchmarks.analytics.events_jsonl EVENTS OUT.jsonl [--days 30] [--seed 42]``: users are EVENTS / 10
as in the analytics benchmark; each line is ``{"uuid", "event", "timestamp", "distinct_id", "properties"}``
with an ISO-8601 UTC timestamp and properties as an object, about 139 bytes a line (40M events: 5.55 GB).
The intermediate Parquet file is deleted.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from headway.analytics.engine.generator import GeneratorSpec, generate


def write_jsonl(events: int, out: Path, *, days: int = 30, seed: int = 42) -> Path:
    """Generate ``events`` events and write them to ``out`` as JSON lines, in time order."""
    parquet = out.with_suffix(".parquet")
    generate(GeneratorSpec(users=max(events // 10, 1), events=events, days=days, seed=seed), parquet)
    try:
        con = duckdb.connect()
        con.execute("SET preserve_insertion_order = true")
        con.execute(
            "COPY (SELECT uuid, event, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') AS timestamp, distinct_id, "
            f"CAST(properties AS JSON) AS properties FROM read_parquet('{parquet}')) TO '{out}' (FORMAT JSON)"
        )
        con.close()
    finally:
        parquet.unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out = write_jsonl(args.events, args.out, days=args.days, seed=args.seed)
    print(f"{out}: {out.stat().st_size:,} bytes, {args.events:,} events, {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
