"""``python -m benchmarks.demo.events_step [DEMO_MODULE.py] [USERS] [DAYS]``: time the demo's product-events step.

Generates Northwind Retail's events (``generate_events``, seed 7, ending 2026-06-30) and ingests them into a
fresh DuckDB file, printing the CPU time (``time.process_time``) and wall time of each part. By default it
times ``headway.analytics.demo``; give the path of another copy of that module (e.g. the one of an older
commit, ``git show COMMIT:src/headway/analytics/demo.py > /tmp/demo_old.py``) to compare the two, interleaved.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from datetime import date
from types import ModuleType

import numpy as np


def demo_module(path: str | None) -> ModuleType:
    """``headway.analytics.demo``, or the module at ``path``."""
    if path is None:
        from headway.analytics import demo

        return demo
    spec = importlib.util.spec_from_file_location("demo_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["demo_under_test"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> None:
    """Time one generate + ingest and print one line."""
    from headway.analytics import EventStore

    module = demo_module(argv[0] if argv else None)
    users, days = (int(argv[1]), int(argv[2])) if len(argv) > 2 else (50_000, 180)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    events = module.generate_events(users=users, days=days, as_of=date(2026, 6, 30), rng=np.random.default_rng([7, 1]))
    cpu1, wall1 = time.process_time(), time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        store = EventStore.connect(f"duckdb:///{folder}/events.duckdb", timezone="America/New_York")
        ingested = store.ingest(events.table).ingested
        store.close()
    cpu2, wall2 = time.process_time(), time.perf_counter()
    print(f"{argv[0] if argv else 'headway.analytics.demo'}: {ingested:,} events; generate CPU {cpu1 - cpu0:.2f} s "
          f"(wall {wall1 - wall0:.2f} s), ingest CPU {cpu2 - cpu1:.2f} s (wall {wall2 - wall1:.2f} s), "
          f"step CPU {cpu2 - cpu0:.2f} s (wall {wall2 - wall0:.2f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
