"""Theme runs are background jobs: queued in the database, run by a worker, run again after a kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from headway.core import jobs
from headway.core.models import Job
from headway.core.worker import Worker
from headway.discovery import services
from headway.discovery.models import FeedbackItem, ThemeRun

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_a_theme_run_is_queued_then_run_by_the_worker(corpus, leader):
    with override_settings(TASKS=DATABASE_TASKS):
        run = services.start_theme_run(leader, method="lexical")
        job = Job.objects.get(kind="discovery.compute_themes")
        assert (run.status, job.status, job.arguments, job.created_by) == (
            "queued", "queued", {"run_id": run.pk, "seed": 0}, "lena")
        Worker().run_once()
    run.refresh_from_db()
    job.refresh_from_db()
    assert (run.status, run.items, run.progress) == ("done", 36, 1.0)
    assert (job.status, job.progress, job.attempts) == ("succeeded", 1.0, 1)
    assert FeedbackItem.objects.filter(theme__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_theme_run_whose_worker_died_is_run_again_from_a_clean_state(corpus):
    """The run's writes are one transaction: a worker killed mid-way leaves no theme behind, and recovery
    runs the job again to the end."""
    with override_settings(TASKS=DATABASE_TASKS):
        run = services.start_theme_run(None, method="lexical")
        job = Job.objects.get(kind="discovery.compute_themes")
        # what a worker killed between its progress reports leaves: the job running with an old heartbeat
        Job.objects.filter(pk=job.pk).update(status="running", attempts=1,
                                             heartbeat_at=timezone.now() - timedelta(minutes=30))
        ThemeRun.objects.filter(pk=run.pk).update(status="running", progress=0.4, message="finding themes")
        assert FeedbackItem.objects.filter(theme__isnull=False).count() == 0
        assert jobs.recover_stale() == 1
        Worker().run_once()
    run.refresh_from_db()
    job.refresh_from_db()
    assert (run.status, run.items) == ("done", 36)
    assert (job.status, job.attempts) == ("succeeded", 2)


@pytest.mark.slow
def test_kill_9_during_a_theme_run_loses_nothing_acknowledged(tmp_path):
    """A real worker process killed with SIGKILL while computing themes: the job is run again by the next worker
    and ends with every item themed once (no half-written run)."""
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEADWAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"HEADWAY_HOME": str(home)})

    def headway(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "headway", *args], env=env, capture_output=True, text=True,
                              timeout=300, check=False)

    assert headway("init", "--workspace", "Acme").returncode == 0
    feedback = tmp_path / "feedback.csv"
    rows = ["text,date"] + [f"\"The delivery was late again, order {i} arrived a week after the promised day\",2026-11-01"
                            for i in range(150)] + [f"\"Checkout crashes when I pay with a card, attempt {i}\",2026-11-02"
                                                    for i in range(150)]
    feedback.write_text("\n".join(rows) + "\n")
    imported = headway("feedback", "import", str(feedback))
    assert imported.returncode == 0, imported.stderr
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'headway.conf.settings'); django.setup();"
        "from headway.discovery import services; print(services.start_theme_run(None, method='lexical').pk)"
    )
    started = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120,
                             check=True)
    run_id = int(started.stdout.strip().splitlines()[-1])
    worker = subprocess.Popen([sys.executable, "-m", "headway", "worker", "--interval", "0.2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import sqlite3

    db = home / "headway.sqlite3"
    deadline = time.monotonic() + 120
    status = ""
    while time.monotonic() < deadline and status != "running":
        time.sleep(0.05)
        with sqlite3.connect(db) as con:
            status = con.execute("select status from core_job").fetchone()[0]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    with sqlite3.connect(db) as con:
        con.execute("update core_job set heartbeat_at = datetime('now', '-1 hour') where status = 'running'")
    assert headway("worker", "--once").returncode == 0
    with sqlite3.connect(db) as con:
        job_status, attempts = con.execute("select status, attempts from core_job").fetchone()
        run_status, items = con.execute("select status, items from discovery_themerun where id = ?",
                                        (run_id,)).fetchone()
        unthemed = con.execute("select count(*) from discovery_feedbackitem where theme_id is null").fetchone()[0]
    assert job_status == "succeeded" and attempts >= 1
    assert (run_status, items, unthemed) == ("done", 300, 0)
