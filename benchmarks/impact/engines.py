"""One engine of the experiment read-out benchmark, run in its own process:
``python -m benchmarks.impact.engines ENGINE PARQUET OUT.json DAYS REPEAT``.

The read-out: persons exposed (``$exposure``, variant in ``variant``) from day 8 to the last day; per arm the
persons, and of ``purchase`` events per person from the first exposure to the end (math "total") the sum, the sum
of squares, the same over the 7 days before the first exposure (the CUPED covariate), its squares and the sum of
products; persons seen in several variants are excluded and counted. Timings are the best of REPEAT runs; peak
memory is this process's maximum RSS.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

FIRST_DAY = date(2024, 1, 1)
START = FIRST_DAY + timedelta(days=7)
PRE_DAYS = 7
METRIC = "purchase"


def best(fn: Callable[[], Any], repeat: int) -> tuple[Any, float, float]:
    """The result of ``fn``, its best wall time over ``repeat`` runs and that run's CPU time (all threads)."""
    times, result = [], None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    wall, cpu_s = min(times)
    return result, wall, cpu_s


def headway(path: str, days: int, repeat: int) -> dict[str, Any]:
    """Headway's ``EventStore.experiment`` on a DuckDB file."""
    from headway.analytics import EventStore

    folder = tempfile.mkdtemp(prefix="headway-impact-")
    store = EventStore.connect(f"duckdb:///{folder}/events.duckdb")
    started = time.perf_counter()
    report = store.ingest(path, batch_size=1_000_000)
    load = time.perf_counter() - started
    assert not report.rejected, report.rejected[:3]
    last = FIRST_DAY + timedelta(days=days - 1)

    def readout() -> dict[str, Any]:
        data = store.experiment(exposure_event="$exposure", variant_property="variant", metric_event=METRIC,
                                math="total", date_from=START, date_to=last, pre_period_days=PRE_DAYS)
        arms = {v: {"n": c.n, "sum": c.sum, "sum_squares": c.sum_squares, "pre_sum": c.pre_sum,
                    "pre_sum_squares": c.pre_sum_squares, "sum_products": c.sum_products}
                for v, c in sorted(data.cuped.items())}
        return {"arms": arms, "excluded": data.excluded}

    found, wall, cpu = best(readout, repeat)
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"load_s": load, "readout_s": wall, "readout_cpu_s": cpu, **found}


def chdb_engine(path: str, days: int, repeat: int) -> dict[str, Any]:
    """ClickHouse (chdb): the same aggregation in SQL over a MergeTree table."""
    from chdb import session

    folder = tempfile.mkdtemp(prefix="chdb-impact-")
    db = session.Session(folder)
    db.query("CREATE DATABASE IF NOT EXISTS bench")
    db.query(
        "CREATE TABLE bench.events (uuid String, event LowCardinality(String), timestamp DateTime64(6, 'UTC'), "
        "distinct_id String, properties String) ENGINE = MergeTree "
        "ORDER BY (event, toDate(timestamp), cityHash64(distinct_id))"
    )
    started = time.perf_counter()
    db.query(f"INSERT INTO bench.events SELECT * FROM file('{path}', Parquet)")
    db.query("OPTIMIZE TABLE bench.events FINAL")
    load = time.perf_counter() - started
    lo = f"toDateTime64('{START.isoformat()}', 6, 'UTC')"
    hi = f"toDateTime64('{(FIRST_DAY + timedelta(days=days)).isoformat()}', 6, 'UTC')"
    persons = (
        "SELECT distinct_id, min(timestamp) AS first, uniqExact(v) AS variants, any(v) AS variant FROM ("
        "SELECT distinct_id, timestamp, JSONExtract(properties, 'variant', 'Nullable(String)') AS v "
        f"FROM bench.events WHERE event = '$exposure' AND timestamp >= {lo} AND timestamp < {hi}) "
        "WHERE v IS NOT NULL GROUP BY distinct_id"
    )
    sql = (
        f"WITH persons AS ({persons}), single AS (SELECT distinct_id, first, variant FROM persons WHERE variants = 1), "
        "per_person AS (SELECT m.distinct_id AS distinct_id, "
        "toFloat64(countIf(m.timestamp >= s.first)) AS post, "
        f"toFloat64(countIf(m.timestamp >= s.first - INTERVAL {PRE_DAYS} DAY AND m.timestamp < s.first)) AS pre "
        f"FROM bench.events AS m INNER JOIN single AS s ON m.distinct_id = s.distinct_id "
        f"WHERE m.event = '{METRIC}' AND m.timestamp >= {lo} - INTERVAL {PRE_DAYS} DAY AND m.timestamp < {hi} "
        "GROUP BY m.distinct_id) "
        "SELECT s.variant, count(), sum(p.post), sum(p.post * p.post), sum(p.pre), sum(p.pre * p.pre), "
        "sum(p.post * p.pre) FROM single AS s LEFT JOIN per_person AS p ON s.distinct_id = p.distinct_id "
        "GROUP BY s.variant ORDER BY s.variant "
        "UNION ALL SELECT '__excluded__', count(), 0, 0, 0, 0, 0 FROM persons WHERE variants > 1"
    )

    def readout() -> dict[str, Any]:
        text = str(db.query(sql, "TabSeparated")).strip()
        arms, excluded = {}, 0
        for line in text.splitlines():
            variant, n, *sums = line.split("\t")
            if variant == "__excluded__":
                excluded = int(n)
                continue
            values = [float(v) for v in sums]
            arms[variant] = {"n": int(n), **dict(zip(("sum", "sum_squares", "pre_sum", "pre_sum_squares",
                                                       "sum_products"), values, strict=True))}
        return {"arms": dict(sorted(arms.items())), "excluded": excluded}

    found, wall, cpu = best(readout, repeat)
    shutil.rmtree(folder, ignore_errors=True)
    return {"load_s": load, "readout_s": wall, "readout_cpu_s": cpu, **found}


RUNNERS: dict[str, Callable[[str, int, int], dict[str, Any]]] = {"headway": headway, "chdb": chdb_engine}


if __name__ == "__main__":
    engine, parquet, out, days, repeat = sys.argv[1:6]
    result = RUNNERS[engine](str(Path(parquet).resolve()), int(days), int(repeat))
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(out).write_text(json.dumps(result))
