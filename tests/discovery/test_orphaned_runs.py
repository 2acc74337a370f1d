"""Theme runs left queued or running by a crash are marked failed at worker start (and before a new run), so a
killed run no longer blocks theme computation for two hours (issue 15, point 4). A run that is still being
computed (its job alive, or its foreground process alive) is left alone."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from django.utils import timezone

from headway.core import schedules
from headway.core.models import Job
from headway.discovery import services
from headway.discovery.models import ThemeRun


def old_run(minutes: int = 10, **fields) -> ThemeRun:
    run = ThemeRun.objects.create(status="running", progress=0.4, **fields)
    ThemeRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return ThemeRun.objects.get(pk=run.pk)


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_whose_job_is_gone_is_marked_failed_and_a_new_run_starts(corpus):
    orphan = old_run()
    Job.objects.create(kind="discovery.compute_themes", label="x", arguments={"run_id": orphan.pk},
                       status=Job.Status.FAILED)
    alive = old_run()
    Job.objects.create(kind="discovery.compute_themes", label="y", arguments={"run_id": alive.pk},
                       status=Job.Status.RUNNING)
    assert services.recover_orphaned_runs() == 1
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert orphan.status == "failed" and "the process computing it ended" in orphan.message
    assert alive.status == "running"
    ThemeRun.objects.filter(pk=alive.pk).update(status="done")
    run = services.start_theme_run(None, background=False, method="lexical")  # not blocked by the orphan
    assert run.status == "done"


def test_a_foreground_run_is_orphaned_only_when_its_process_is_gone(db, workspace):
    import os
    import socket

    here = socket.gethostname()
    gone = old_run(details={"foreground": {"host": here, "pid": dead_pid()}})
    mine = old_run(details={"foreground": {"host": here, "pid": os.getpid()}})
    elsewhere = old_run(minutes=30, details={"foreground": {"host": "another-machine", "pid": 1}})
    assert services.recover_orphaned_runs() == 1
    statuses = {r.pk: r.status for r in ThemeRun.objects.all()}
    assert statuses == {gone.pk: "failed", mine.pk: "running", elsewhere.pk: "running"}


def test_the_worker_recovers_runs_at_start(db, workspace):
    schedule = schedules.SCHEDULES["discovery.recover_theme_runs"]
    assert schedule.first_after == timedelta(0)
    orphan = old_run()
    ran = schedules.enqueue_due()  # the worker's first round; jobs run in-line in the tests
    assert "discovery.recover_theme_runs" in [job.kind for job in ran]
    orphan.refresh_from_db()
    assert orphan.status == "failed"
    assert Job.objects.get(kind="discovery.recover_theme_runs").result == {"recovered": 1}
