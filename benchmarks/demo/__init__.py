"""``python -m benchmarks demo``: build the full demo company and time each step, then time the dashboard.

Targets from the issues: the whole demo under 60 s on 2 cores; the dashboard under 300 ms with demo data.
Run it in a fresh HEADWAY_HOME (it wipes the installation it points at):
``HEADWAY_HOME=$(mktemp -d) python -m benchmarks demo``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from datetime import date


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks demo")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default="2026-06-30")
    parser.add_argument("--dashboard-loads", type=int, default=20)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.conf.settings")
    from headway.conf.bootstrap import setup_django

    setup_django()
    from django.conf import settings
    from django.test import Client

    from headway.demo.builder import build_demo
    from headway.demo.company import demo_password

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    result = build_demo(seed=args.seed, as_of=date.fromisoformat(args.as_of))
    total = time.perf_counter() - started
    print(f"demo build: {total:.1f} s (target < 60 s); load average {os.getloadavg()[0]:.1f}")
    for step, seconds in result.seconds.items():
        print(f"  {step:<32} {seconds:6.1f} s")
    print(f"  peak resident memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    client = Client()
    assert client.login(username="leader", password=demo_password("leader"))
    client.get("/")
    timings = []
    for _ in range(args.dashboard_loads):
        t0 = time.perf_counter()
        response = client.get("/")
        timings.append(time.perf_counter() - t0)
        assert response.status_code == 200
    timings.sort()
    p90 = timings[int(0.9 * (len(timings) - 1))]
    print(f"dashboard: median {statistics.median(timings) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms (target < 300 ms)")
    return 0
