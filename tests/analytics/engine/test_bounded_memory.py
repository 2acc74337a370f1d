"""Ingestion streams: the peak memory of an ingest does not grow with the size of the file.

The same child process ingests a small JSONL file (2 batches) and one of about 220 MB (50 batches) with the
same batch size, each into a new DuckDB file. Memory that grows with the file (a batch kept per batch, the
whole file read at once) shows as a gap between the two peaks: before Ibis's memtables were released after
each batch, the peaks were 281 MB and 712 MB (a 431 MB gap). What may still grow is DuckDB's cache of the
store's pages, capped while ingesting (HEADWAY_EVENTS_MEMORY_LIMIT, else 512 MB) and here about 25 MB for a
million events. Measured after the fix: 295 MB and 350 MB (printed with ``pytest -s``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from headway.analytics.engine.ingest import iter_batches

CHILD = Path(__file__).with_name("ingest_child.py")
BATCH = 20_000
#: allowed gap between the two peaks: the store's page cache (≈ 25 MB) and the allocators' noise
GROWTH_BOUND_MB = 150
LINE = (
    '{{"uuid": "ev-{i}", "event": "pageview", "timestamp": "2024-04-{d:02d}T{h:02d}:{m:02d}:{s:02d}Z", '
    '"distinct_id": "user-{u}", "properties": {{"plan": "pro", "path": "/pricing/{i}", "amount": {a}, '
    '"referrer": "https://www.example.com/campaign/{u}"}}}}\n'
)


def write_jsonl(path: Path, rows: int) -> None:
    with path.open("w") as out:
        for start in range(0, rows, 10_000):
            out.write("".join(
                LINE.format(i=i, d=1 + i % 28, h=i % 24, m=i % 60, s=(i * 7) % 60, u=i % 50_000, a=i % 100)
                for i in range(start, min(start + 10_000, rows))
            ))


def ingest_in_child(tmp_path: Path, source: Path) -> dict:
    url = f"duckdb:///{tmp_path / (source.stem + '.duckdb')}"
    done = subprocess.run([sys.executable, str(CHILD), url, str(source), str(BATCH)],
                          capture_output=True, text=True, check=True)
    report: dict = json.loads(done.stdout)
    return report


@pytest.mark.slow
def test_a_large_file_ingests_in_bounded_memory(tmp_path):
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    write_jsonl(small, 2 * BATCH)
    write_jsonl(large, 50 * BATCH)
    assert large.stat().st_size > 200 * 1024 * 1024
    small_run = ingest_in_child(tmp_path, small)
    large_run = ingest_in_child(tmp_path, large)
    assert (small_run["ingested"], large_run["ingested"]) == (2 * BATCH, 50 * BATCH)
    print(f"peak RSS: {small_run['peak_rss_mb']:.0f} MB (2 batches), {large_run['peak_rss_mb']:.0f} MB "
          f"(50 batches, {large.stat().st_size / 2**20:.0f} MB file)")
    assert large_run["peak_rss_mb"] - small_run["peak_rss_mb"] < GROWTH_BOUND_MB


def test_reading_a_parquet_file_does_not_keep_the_batches_already_read(tmp_path):
    """PyArrow's Parquet reader pre-buffers by default and keeps every column chunk it has read until the file
    is closed (+17 MB per million events: 1.7 GB over a 100M-event file); the ingest reader turns that off, so
    what it holds at the end of a file is about one batch, not the file."""
    path = tmp_path / "events.parquet"
    rows = 20_000
    schema = pa.schema([(name, pa.string()) for name in ("event", "timestamp", "distinct_id", "uuid")])
    with pq.ParquetWriter(str(path), schema, compression="none") as writer:
        for _ in range(40):
            noise = os.urandom(16 * rows).hex()  # incompressible: the file is as large as its text
            ids = [noise[32 * i: 32 * i + 32] for i in range(rows)]
            writer.write_table(pa.table({"event": ["pageview"] * rows, "timestamp": ["2024-01-01T00:00:00Z"] * rows,
                                         "distinct_id": ids, "uuid": ids}, schema=schema))
    size = path.stat().st_size
    assert size > 50 * 2**20
    held = 0
    for batch in iter_batches(path, rows):
        held = max(held, pa.total_allocated_bytes())
        del batch
    assert held < size / 4, f"{held >> 20} MB held while reading a {size >> 20} MB file"
