"""The worker: runs queued jobs, enqueues periodic ones when due, and recovers jobs whose worker died.

``headway worker`` runs one in the foreground (as many processes as you like); ``headway serve`` runs one in a
thread of the server process, so the two-command set-up needs nothing else — and so that the jobs that read
the embedded DuckDB events store share the server's connection to it.

With the default database backend this worker runs the tasks itself (django-tasks-db's worker, in batches);
with RQ (``HEADWAY_TASKS_BACKEND=django_tasks_rq.RQBackend``) it runs RQ's worker in burst mode each round, so
`headway worker` is the one command on every machine; with any other outside queue that queue's own workers run
the tasks and this one only keeps the schedule.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections
from django.utils.crypto import get_random_string

from headway.core import jobs, schedules

log = logging.getLogger("headway.worker")

RECOVER_EVERY = 60.0
_wake = threading.Event()
"""Set when a job is queued in this process, so that an in-process worker starts it at once."""


def wake() -> None:
    """Tell a worker in this process that a job is waiting (no effect when there is none)."""
    _wake.set()


class Worker:
    """One worker loop; :meth:`run_once` does one round, :meth:`run` loops until ``stop`` is set."""

    def __init__(self, *, interval: float = 1.0, worker_id: str | None = None) -> None:
        self.interval = interval
        self.worker_id = worker_id or f"headway-{get_random_string(12)}"
        self._last_recovery = 0.0

    def run_once(self) -> None:
        """Recover dead jobs (once a minute), enqueue the periodic jobs that are due, run the ready tasks."""
        close_old_connections()
        try:
            if time.monotonic() - self._last_recovery >= RECOVER_EVERY:
                self._last_recovery = time.monotonic()
                recovered = jobs.recover_stale()
                if recovered:
                    log.warning("recovered %s background job(s) whose worker had stopped", recovered)
            schedules.enqueue_due()
            if jobs.runs_in_this_worker():
                self._run_ready_tasks()
            elif jobs.queues_in_rq():
                self._run_rq_tasks()
        finally:
            close_old_connections()

    def _run_ready_tasks(self) -> None:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
        from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker

        DatabaseWorker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME], interval=0, batch=True, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False, max_tasks=None, worker_id=self.worker_id, excluded_queue_names=[],
        ).run()

    def _run_rq_tasks(self) -> None:
        """With the RQ backend: run what is queued in Redis (due deferred retries included), then return."""
        import django_rq
        from django_tasks_rq import Job as RQJob

        worker = django_rq.get_worker("default", job_class=RQJob, name=f"{self.worker_id}-{get_random_string(6)}")
        worker.work(burst=True, with_scheduler=True)

    def run(self, stop: threading.Event) -> None:
        """Loop until ``stop`` is set; an error in one round is logged and the next round goes on."""
        log.info("worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # the loop must outlive a database hiccup; the error is in the log
                log.exception("worker %s: a round failed; trying again", self.worker_id)
            if _wake.wait(self.interval):  # a job queued in this process: start it now
                _wake.clear()
        log.info("worker %s stopped", self.worker_id)


def start_in_process(*, interval: float = 1.0) -> threading.Event:
    """Start a worker in a daemon thread of this process (``headway serve``); set the returned event to stop it."""
    stop = threading.Event()
    worker = Worker(interval=interval)
    threading.Thread(target=worker.run, args=(stop,), name="headway-worker", daemon=True).start()
    return stop
