"""One engine of the experiment read-out benchmark, run in its own process:
``python -m benchmarks.impact.engines ENGINE PARQUET OUT.json DAYS REPEAT``.

The read-out: persons exposed (``$exposure``, variant in ``variant``) from day 8 to the last day; per arm the
persons, and of ``purchase`` events per person from the first exposure to the end (math "total") the sum, the sum
of squares, the same over the 7 days before the first exposure (the CUPED covariate), its squares and the sum of
products; persons seen in several variants are excluded and counted. Timings are the best of REPEAT runs; peak
memory is this process's maximum RSS.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from benchmarks import harness

FIRST_DAY = date(2024, 1, 1)
START = FIRST_DAY + timedelta(days=7)
PRE_DAYS = 7
METRIC = "purchase"


def headway(path: str, days: int, repeat: int) -> dict[str, Any]:
    """Headway's ``EventStore.experiment`` on a DuckDB file."""
    store, folder, load = harness.headway_store(path, "headway-impact-")
    last = FIRST_DAY + timedelta(days=days - 1)

    def readout() -> dict[str, Any]:
        data = store.experiment(exposure_event="$exposure", variant_property="variant", metric_event=METRIC,
                                math="total", date_from=START, date_to=last, pre_period_days=PRE_DAYS)
        arms = {v: {"n": c.n, "sum": c.sum, "sum_squares": c.sum_squares, "pre_sum": c.pre_sum,
                    "pre_sum_squares": c.pre_sum_squares, "sum_products": c.sum_products}
                for v, c in sorted(data.cuped.items())}
        return {"arms": arms, "excluded": data.excluded}

    found, wall, cpu = harness.best(readout, repeat)
    store.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"load_s": load, "readout_s": wall, "readout_cpu_s": cpu, **found}


def chdb_engine(path: str, days: int, repeat: int) -> dict[str, Any]:
    """ClickHouse (chdb): the same aggregation in SQL over a MergeTree table."""
    db, folder, load = harness.chdb_events(path, "chdb-impact-", "event, toDate(timestamp), cityHash64(distinct_id)")
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

    found, wall, cpu = harness.best(readout, repeat)
    shutil.rmtree(folder, ignore_errors=True)
    return {"load_s": load, "readout_s": wall, "readout_cpu_s": cpu, **found}


RUNNERS: dict[str, Callable[[str, int, int], dict[str, Any]]] = {"headway": headway, "chdb": chdb_engine}


if __name__ == "__main__":
    harness.engine_main(RUNNERS, sys.argv[1:])
