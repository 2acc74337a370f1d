"""Optimiser runs in the background: start one as a job, follow its progress, read its plan when done.

A web page or an API client that may wait longer than a second starts the run here; the job
(``planning.optimise``, :mod:`headway.planning.tasks`) calls :func:`optimise` as the same user and keeps the plan
as its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from headway.core import jobs
from headway.core.errors import Conflict, NotFound
from headway.core.models import Job, User
from headway.core.permissions import Perm, check
from headway.planning.services.portfolio import OptimisedPlan, plan_request

JOB_KIND = "planning.optimise"
MAX_RUNS_PER_USER = 2
"""How many optimiser runs one user may have queued or running at once; the next one is a Conflict."""
_UNFINISHED = (Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.RETRYING)


def start_optimisation(actor: User | None, request: Mapping[str, Any], *, scenario: str | None = None,
                       explain: bool = True) -> jobs.JobView:
    """Queue an optimiser run; bad input is refused now, not later in a failed job."""
    check(actor, Perm.EDIT_PLANS if scenario else Perm.VIEW_WORKSPACE)
    plan_request(request, actor=actor)  # validates every field
    with transaction.atomic():  # the count and the new job together: two requests cannot both take the last slot
        if actor is not None:
            running = Job.objects.filter(kind=JOB_KIND, created_by=actor.username, status__in=_UNFINISHED).count()
            if running >= MAX_RUNS_PER_USER:
                raise Conflict(
                    f"You already have {running} optimiser runs queued or running (at most {MAX_RUNS_PER_USER} "
                    "at once): wait for one to finish, then start this one.",
                    details={"running": running, "limit": MAX_RUNS_PER_USER},
                )
        job = jobs.enqueue(JOB_KIND, actor=actor,
                           label=f"Optimise the portfolio{f' ({scenario})' if scenario else ''}",
                           username=actor.username if actor is not None else None, request=dict(request),
                           scenario=scenario, explain=explain)
    return jobs.JobView.of(job)


def optimisation_result(actor: User | None, job_id: int) -> OptimisedPlan | None:
    """The plan of a finished optimiser run; None while it runs; its error when it failed."""
    job = jobs.get_job(actor, job_id)
    if job.kind != JOB_KIND:
        raise NotFound(f"Job {job_id} is not an optimiser run.")
    jobs.raise_failure(job)
    if not job.done:
        return None
    if job.result is None:
        raise Conflict(f"Optimiser run {job_id} finished without a plan: run it again.")
    return OptimisedPlan.model_validate(job.result)
