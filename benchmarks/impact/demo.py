"""``python -m benchmarks impact demo``: build the demo company, then time the impact read-outs on it.

Times (median and worst of ``--repeat``, wall and CPU) measuring "One-click checkout" again (its KPI read-out
with the feedback after launch: ``services.measure``), reading the stored read-out (``services.readout``) and the
experiment's read-out from the events (``services.experiment_results``). Target from the issue: under 1 s.
Run it in a fresh HEADWAY_HOME (it wipes the installation it points at):
``HEADWAY_HOME=$(mktemp -d) python -m benchmarks impact demo``.
"""

from __future__ import annotations

import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from benchmarks import harness


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), max(walls), statistics.median(cpus)


def main(argv: list[str]) -> int:
    """Build the demo and print the read-out timings; 0 when every median is under 1 s."""
    args = harness.demo_options("python -m benchmarks impact demo", argv, repeat=5)
    from headway.demo import builder
    from headway.impact import services

    as_of = date.fromisoformat(args.as_of)
    started = time.perf_counter()
    result = builder.build_demo(seed=args.seed, as_of=as_of)
    print(f"demo built in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}")
    made = result.made["impact"]
    one_click = made["one_click"]
    experiment = "wishlist-reminders"
    rows = {
        "measure One-click checkout (KPI read-out + feedback)": lambda: services.measure(None, one_click,
                                                                                          as_of=as_of),
        "stored read-out": lambda: services.readout(None, one_click),
        f"experiment {experiment} (events: arms, CUPED, SRM)": lambda: services.experiment_results(None, experiment),
    }
    ok = True
    print(f"| read-out | median (s) | worst (s) | CPU median (s) |  (repeat {args.repeat}, load average "
          f"{os.getloadavg()[0]:.1f})")
    print("|---|---:|---:|---:|")
    for name, fn in rows.items():
        median, worst, cpu = _timed(fn, args.repeat)
        ok = ok and median < 1.0
        print(f"| {name} | {median:.3f} | {worst:.3f} | {cpu:.3f} |")
    print(f"peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"under 1 s: {'yes' if ok else 'NO'}")
    return 0 if ok else 1
