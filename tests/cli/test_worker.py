"""`headway worker`, `headway jobs` and the worker that `headway serve` runs in-process, in real processes."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

from tests.cli.test_setup_commands import headway, home, initialised  # noqa: F401  (fixtures)


def test_worker_once_and_the_schedule(initialised):  # noqa: F811
    result = headway(initialised, "worker", "--once")
    assert result.returncode == 0, result.stderr
    assert "Worker round done." in result.stdout
    with sqlite3.connect(initialised / "headway.sqlite3") as db:
        states = db.execute("select name from core_schedulestate order by name").fetchall()
    from headway.core.schedules import SCHEDULES

    assert states == [(name,) for name in sorted(SCHEDULES)] and ("strategy.refresh_kpis",) in states
    listing = headway(initialised, "jobs", "schedule")
    assert "Refresh KPIs and check alerts" in listing.stdout and "1 h" in listing.stdout
    jobs = headway(initialised, "jobs", "list", "--status", "sideways")
    assert jobs.returncode != 0 and "Status 'sideways' is not one of" in jobs.stderr


def test_serve_runs_a_worker_in_process(initialised):  # noqa: F811
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env["HEADWAY_HOME"] = str(initialised)
    server = subprocess.Popen([sys.executable, "-m", "headway", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        rows: list[tuple[str]] = []
        while time.monotonic() < deadline and len(rows) < 2:
            time.sleep(0.5)
            with sqlite3.connect(initialised / "headway.sqlite3") as db:
                rows = db.execute("select name from core_schedulestate order by name").fetchall()
        assert ("strategy.refresh_kpis",) in rows  # the in-process worker has done a round
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=60) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
