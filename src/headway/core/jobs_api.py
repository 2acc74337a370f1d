"""API for background jobs under /api/v1/jobs: their status and progress, and the periodic schedule."""

from __future__ import annotations

from ninja import Router

from headway.core import jobs, schedules
from headway.core.http import AuthedRequest, actor_of

router = Router(tags=["jobs"])


@router.get("", response=list[jobs.JobView])
def list_jobs(request: AuthedRequest, status: str | None = None, limit: int = 50) -> list[jobs.JobView]:
    """The latest background jobs, newest first (``?status=failed`` for the failures)."""
    return jobs.list_jobs(actor_of(request), status=status, limit=limit)


@router.get("/schedule", response=list[schedules.ScheduleView])
def list_schedule(request: AuthedRequest) -> list[schedules.ScheduleView]:
    """The periodic jobs: how often each runs, when it is next due, how its last run went."""
    return schedules.list_schedules(actor_of(request))


@router.get("/{job_id}", response=jobs.JobView)
def get_job(request: AuthedRequest, job_id: int) -> jobs.JobView:
    """One job's status, progress (0 to 1), message, attempts and last error."""
    return jobs.get_job(actor_of(request), job_id)
