"""The same jobs on RQ: HEADWAY_TASKS_BACKEND and HEADWAY_REDIS_URL move background work to a real Redis server
without a code change (CI installs redis-server; the test is skipped, with the reason, where it is absent)."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(REDIS).exists(), reason="needs redis-server (CI installs Debian's)"),
]


@pytest.fixture
def redis_url(tmp_path):
    pytest.importorskip("django_tasks_rq", reason="needs the `rq` extra")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def test_a_theme_run_goes_through_redis_and_rq(tmp_path, redis_url):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"HEADWAY_HOME": str(home), "HEADWAY_TASKS_BACKEND": "django_tasks_rq.RQBackend",
                "HEADWAY_REDIS_URL": redis_url})

    def headway(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "headway", *args], env=env, capture_output=True, text=True,
                              timeout=300, check=False)

    assert headway("init", "--workspace", "Acme").returncode == 0
    feedback = tmp_path / "feedback.csv"
    feedback.write_text("text,date\n" + "".join(
        f"\"Delivery {i} came a week late and the courier never called\",2026-11-01\n" for i in range(20)) + "".join(
        f"\"The app crashes at checkout when I pay by card, try {i}\",2026-11-02\n" for i in range(20)))
    assert headway("feedback", "import", str(feedback)).returncode == 0
    script = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'headway.conf.settings'); "
              "django.setup(); from headway.discovery import services; "
              "print(services.start_theme_run(None, method='lexical').pk)")
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, timeout=120)
    with sqlite3.connect(home / "headway.sqlite3") as db:
        assert db.execute("select status from core_job").fetchone() == ("queued",)
        assert db.execute("select count(*) from django_tasks_database_dbtaskresult").fetchone() == (0,)  # not in the DB
    done = headway("worker", "--once")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(home / "headway.sqlite3") as db:
        assert db.execute("select status, attempts from core_job").fetchone() == ("succeeded", 1)
        assert db.execute("select status, items from discovery_themerun").fetchone() == ("done", 40)


def test_the_rq_backend_needs_a_redis_url(tmp_path):
    from headway.conf.config import load_config
    from headway.core.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="set HEADWAY_REDIS_URL"):
        load_config({"HEADWAY_HOME": str(tmp_path), "HEADWAY_TASKS_BACKEND": "django_tasks_rq.RQBackend"})
    with pytest.raises(ConfigurationError, match="is not a Redis URL"):
        load_config({"HEADWAY_HOME": str(tmp_path), "HEADWAY_TASKS_BACKEND": "django_tasks_rq.RQBackend",
                     "HEADWAY_REDIS_URL": "http://cache:6379"})
