"""One engine of the analytics benchmark, run in its own process:
``python -m benchmarks.analytics.engines ENGINE PARQUET OUT.json DAYS REPEAT``.

Each engine loads the Parquet file its own way, then answers, for every day of the data set,
``unique_users`` (distinct ids active that day) and ``weekly_active`` (distinct ids active in the 7 days
ending that day). Timings are the best of REPEAT runs; peak memory is this process's maximum RSS.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from benchmarks import harness

FIRST_DAY = date(2024, 1, 1)


def best(fn: Callable[[], list[int]], repeat: int) -> tuple[list[int], float]:
    """The result of ``fn`` and its best wall time over ``repeat`` runs."""
    result, wall, _ = harness.best(fn, repeat)
    return result, wall


def headway(path: str, days: int, repeat: int) -> dict:
    store, _, load = harness.headway_store(path, "headway-bench-")
    span = {"date_from": FIRST_DAY, "date_to": FIRST_DAY + timedelta(days=days - 1)}

    def unique() -> list[int]:
        return [int(v) for v in store.trends(None, math="unique_users", **span).series[0].data]

    def weekly() -> list[int]:
        return [int(v) for v in store.trends(None, math="weekly_active", **span).series[0].data]

    u, ut = best(unique, repeat)
    w, wt = best(weekly, repeat)
    return {"load_s": load, "unique_users": u, "unique_users_s": ut, "weekly_active": w, "weekly_active_s": wt}


def chdb_engine(path: str, days: int, repeat: int) -> dict:
    db, _, load = harness.chdb_events(path, "chdb-bench-", "toDate(timestamp), event, cityHash64(distinct_id)")
    lo, hi = FIRST_DAY.isoformat(), (FIRST_DAY + timedelta(days=days)).isoformat()
    where = f"timestamp >= toDateTime64('{lo}', 6, 'UTC') AND timestamp < toDateTime64('{hi}', 6, 'UTC')"

    def rows(sql: str) -> list[int]:
        text = str(db.query(sql, "CSV")).strip()
        return [int(line.split(",")[1]) for line in text.splitlines()]

    def unique() -> list[int]:
        return rows(f"SELECT toDate(timestamp) AS d, uniqExact(distinct_id) FROM bench.events WHERE {where} "
                    "GROUP BY d ORDER BY d")

    def weekly() -> list[int]:
        return rows(
            "SELECT d + n AS day, uniqExact(distinct_id) FROM (SELECT DISTINCT toDate(timestamp) AS d, "
            f"distinct_id FROM bench.events WHERE {where}) ARRAY JOIN range(7) AS n "
            f"WHERE day < toDate('{hi}') GROUP BY day ORDER BY day"
        )

    u, ut = best(unique, repeat)
    w, wt = best(weekly, repeat)
    return {"load_s": load, "unique_users": u, "unique_users_s": ut, "weekly_active": w, "weekly_active_s": wt}


def pandas_engine(path: str, days: int, repeat: int) -> dict:
    import pandas as pd

    started = time.perf_counter()
    frame = pd.read_parquet(path, columns=["timestamp", "distinct_id"])
    frame["day"] = frame["timestamp"].dt.floor("D")
    load = time.perf_counter() - started
    all_days = pd.date_range(pd.Timestamp(FIRST_DAY), periods=days, freq="D")

    def unique() -> list[int]:
        counts = frame.groupby("day")["distinct_id"].nunique()
        return [int(counts.get(d, 0)) for d in all_days]

    def weekly() -> list[int]:
        pairs = frame[["day", "distinct_id"]].drop_duplicates()
        out = []
        for d in all_days:
            window = pairs[(pairs["day"] > d - pd.Timedelta(days=7)) & (pairs["day"] <= d)]
            out.append(int(window["distinct_id"].nunique()))
        return out

    u, ut = best(unique, repeat)
    w, wt = best(weekly, repeat)
    return {"load_s": load, "unique_users": u, "unique_users_s": ut, "weekly_active": w, "weekly_active_s": wt}


RUNNERS = {"headway": headway, "chdb": chdb_engine, "pandas": pandas_engine}


if __name__ == "__main__":
    harness.engine_main(RUNNERS, sys.argv[1:])
