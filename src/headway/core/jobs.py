"""Background work, the one way: register a handler for a kind of job, then :func:`enqueue` it.

A handler is a plain function ``handler(progress, **arguments) -> result`` (the result JSON-serialisable or
None). It runs in a worker through Django's Tasks framework (:mod:`headway.core.tasks`), reports its progress
with ``progress(fraction, message)``, and must leave nothing half-written when it is killed: write in one
transaction, or be safe to run again (a job whose worker died is run again, see :func:`recover_stale`).

A failure is retried with exponential backoff up to ``max_attempts``, except a :class:`HeadwayError` (bad input
stays bad); the last error is kept on the job for the page, the API and the CLI to show.

    @job_handler("discovery.themes", label="Compute feedback themes")
    def compute_themes(progress: Progress, run_id: int) -> None: ...

    job = enqueue("discovery.themes", actor=user, run_id=run.pk)
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone
from pydantic import BaseModel

from headway.core.errors import HeadwayError, NotFound, ValidationError
from headway.core.models import Job
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label

log = logging.getLogger("headway.jobs")

BACKOFF_SECONDS = 30.0
"""The first retry waits this long; each later one twice as long as the one before (capped at an hour)."""
STALE_AFTER = timedelta(minutes=10)
"""A running job whose heartbeat is older than this lost its worker (killed, or the machine stopped)."""


class Progress(Protocol):
    """What a handler calls to report how far it is: ``progress(0.4, "Clustering 1,200 items")``."""

    def __call__(self, fraction: float, message: str = "") -> None: ...


@dataclass(frozen=True)
class JobKind:
    """A registered kind of background work."""

    name: str
    label: str
    handler: Callable[..., Any]
    max_attempts: int = 3


KINDS: dict[str, JobKind] = {}


def job_handler(name: str, *, label: str, max_attempts: int = 3) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` as the handler of job kind ``name`` (``app.verb``); returns ``fn`` unchanged."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        KINDS[name] = JobKind(name=name, label=label, handler=fn, max_attempts=max_attempts)
        return fn

    return register


def kind_of(name: str) -> JobKind:
    """The registered kind ``name``, or a ValidationError that lists the kinds there are."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS)) or "none"
        raise ValidationError(f"There is no kind of background job {name!r}: the kinds are {known}.") from None


class JobView(BaseModel):
    """A job as the faces show it."""

    id: int
    kind: str
    label: str
    status: str
    status_label: str
    progress: float
    message: str
    attempts: int
    max_attempts: int
    error: str
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    run_after: datetime | None
    done: bool
    result: Any = None

    @classmethod
    def of(cls, job: Job) -> JobView:
        """The view of a job row."""
        return cls(
            id=job.pk, kind=job.kind, label=job.label, status=job.status,
            status_label=Job.Status(job.status).label, progress=round(job.progress, 4), message=job.message,
            attempts=job.attempts, max_attempts=job.max_attempts, error=job.error, created_by=job.created_by,
            created_at=job.created_at, started_at=job.started_at, finished_at=job.finished_at,
            run_after=job.run_after, done=job.done, result=job.result,
        )


def enqueue(name: str, *, actor: object | None = None, label: str | None = None, **arguments: Any) -> Job:
    """Record a job of kind ``name`` and hand it to the task backend.

    A backend that keeps its queue in Headway's database gets the task in the same transaction as the job (both
    or neither); an in-line backend runs it now; an outside queue (RQ, Celery) gets it once the transaction
    commits. The caller checks its own permission first (the job runs as the system). ``arguments`` must be
    JSON values.
    """
    kind = kind_of(name)
    job = Job.objects.create(kind=name, label=(label or kind.label)[:200], arguments=arguments,
                             max_attempts=kind.max_attempts, created_by=actor_label(actor), message="queued")
    if _queue_in_database():
        _send(job.pk)
    else:
        transaction.on_commit(lambda: _send(job.pk))
    return job


def _queue_in_database() -> bool:
    """Whether the task backend queues in Headway's own database, or runs tasks in-line (no outside queue)."""
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(_backend(), (DatabaseBackend, ImmediateBackend))


def runs_in_this_worker() -> bool:
    """Whether Headway's own worker runs the queued tasks (the database backend) rather than an outside queue's."""
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(_backend(), DatabaseBackend)


def queues_in_rq() -> bool:
    """Whether the task backend is RQ's (its tasks wait in Redis)."""
    return type(_backend()).__module__.startswith("django_tasks_rq")


def _backend() -> Any:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    return task_backends[DEFAULT_TASK_BACKEND_ALIAS]


def _send(job_id: int, run_after: datetime | None = None) -> None:
    from headway.core.tasks import run_job
    from headway.core.worker import wake

    task = run_job.using(run_after=run_after) if run_after is not None else run_job
    task.enqueue(job_id)
    if run_after is None:
        transaction.on_commit(wake)


def backoff(attempt: int) -> timedelta:
    """How long to wait before attempt ``attempt + 1``: 30 s, 60 s, 120 s, ... at most an hour."""
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempt - 1, 0), 3600.0))


def execute(job_id: int) -> None:
    """Run one attempt of a job (the task's body): claim it, call its handler, record the outcome."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.done or job.status == Job.Status.RUNNING:
            return  # gone, finished, or claimed by another worker
        now = timezone.now()
        job.status, job.attempts, job.heartbeat_at, job.run_after = Job.Status.RUNNING, job.attempts + 1, now, None
        job.started_at = job.started_at or now
        job.message = f"attempt {job.attempts} of {job.max_attempts}" if job.attempts > 1 else "started"
        job.save(update_fields=["status", "attempts", "heartbeat_at", "run_after", "started_at", "message"])
    try:
        result = kind_of(job.kind).handler(_progress_of(job.pk), **job.arguments)
    except Exception as exc:  # a handler's failure becomes the job's error, never the worker's death
        _failed(job, exc)
        return
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress=1.0, message="done", error="",
                                         result=result, finished_at=timezone.now())


def _progress_of(job_id: int) -> Progress:
    def progress(fraction: float, message: str = "") -> None:
        Job.objects.filter(pk=job_id).update(progress=min(max(float(fraction), 0.0), 1.0),
                                             message=message[:300], heartbeat_at=timezone.now())

    return progress


def _failed(job: Job, exc: Exception) -> None:
    if isinstance(exc, HeadwayError):
        error = exc.message
    else:
        log.exception("background job %s (%s) failed on attempt %s", job.pk, job.kind, job.attempts)
        error = f"unexpected {type(exc).__name__}: {exc}"
    retry = not isinstance(exc, HeadwayError) and job.attempts < job.max_attempts
    if not retry:
        outcome = None
        if isinstance(exc, HeadwayError):  # kept whole, so a face can answer it as if it had run in-line
            details = json.loads(json.dumps(exc.details, default=str))
            outcome = {"error": {"code": exc.code, "status": exc.status, "message": exc.message, "details": details}}
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=error[:4000], message=error[:300],
                                             result=outcome, finished_at=timezone.now())
        return
    when = timezone.now() + backoff(job.attempts)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RETRYING, error=error[:4000], run_after=when,
                                         message=f"failed ({error[:200]}); retrying at {when:%H:%M:%S} UTC")
    if _backend().supports_defer:
        _send(job.pk, run_after=when)
    else:  # a backend that cannot defer (tests' immediate one) retries at once
        execute(job.pk)


def recover_stale(*, now: datetime | None = None) -> int:
    """Run again each job whose worker died mid-way (its heartbeat is older than :data:`STALE_AFTER`), and each
    job left waiting whose task was lost; returns how many. Handlers are atomic or idempotent, so this is safe."""
    now = now or timezone.now()
    count = 0
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    for job in stale.only("pk", "attempts", "max_attempts"):
        if job.attempts >= job.max_attempts:
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, finished_at=now, message="the worker stopped while running it",
                error="The worker running this job stopped (killed or restarted) on its last attempt.")
        else:
            changed = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.RETRYING, run_after=now, message="its worker stopped; running it again")
            if changed:
                _send(job.pk)
        count += 1
    return count


def wait_for(job_id: int, seconds: float) -> JobView:
    """The job after it finished, or after ``seconds`` (whichever is first): a page waits this long before it
    shows a progress bar instead of the answer."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        job = Job.objects.get(pk=job_id)
        if job.done or time.monotonic() >= deadline:
            return JobView.of(job)
        time.sleep(0.05)


def raise_failure(job: JobView) -> None:
    """Raise again the error a failed job ended with (the same code, message and details), so a face answers it
    as it would have answered the work run in-line; a job that did not fail passes."""
    if job.status != Job.Status.FAILED:
        return
    error = (job.result or {}).get("error") if isinstance(job.result, dict) else None
    if error is None:
        raise HeadwayError(f"{job.label} failed: {job.error}", code="job_failed")
    failure = HeadwayError(error["message"], details=error.get("details"), code=error.get("code"))
    failure.status = int(error.get("status", 400))
    raise failure


def get_job(actor: object | None, job_id: int) -> JobView:
    """A job's status and progress, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"There is no background job {job_id}: the latest jobs are under Settings → Background jobs.")
    return JobView.of(job)


@functools.cache
def _unfinished_statement() -> str:
    quote, fields = connection.ops.quote_name, {f.name: f for f in Job._meta.concrete_fields}
    pk, kind, status, created = (quote(fields[name].column) for name in ("id", "kind", "status", "created_at"))
    return (f"SELECT {pk} FROM {quote(Job._meta.db_table)} WHERE {kind} = %s AND {status} NOT IN (%s, %s) "
            f"ORDER BY {created} DESC, {pk} DESC LIMIT 1")


def unfinished_job(actor: object | None, kind: str) -> JobView | None:
    """The newest job of ``kind`` still queued, running or waiting to retry, if any: one indexed query of its id
    (written once, not compiled by the ORM on every call: pages ask this on every view), the job read only when
    there is one."""
    check(actor, Perm.VIEW_WORKSPACE)
    with connection.cursor() as cursor:
        cursor.execute(_unfinished_statement(), [kind, Job.Status.SUCCEEDED.value, Job.Status.FAILED.value])
        row = cursor.fetchone()
    job = Job.objects.filter(pk=row[0]).first() if row else None
    return JobView.of(job) if job else None


def list_jobs(actor: object | None, *, limit: int = 50, status: str | None = None) -> list[JobView]:
    """The latest jobs, newest first, optionally of one status."""
    check(actor, Perm.VIEW_WORKSPACE)
    jobs = Job.objects.all()
    if status:
        if status not in Job.Status.values:
            raise ValidationError(f"Status {status!r} is not one of {', '.join(Job.Status.values)}.")
        jobs = jobs.filter(status=status)
    return [JobView.of(j) for j in jobs[: max(1, min(limit, 500))]]
