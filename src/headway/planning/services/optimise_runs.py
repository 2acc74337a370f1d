"""Optimiser runs in the background: start one as a job, follow its progress, read its plan when done.

A web page or an API client that may wait longer than a second starts the run here; the job
(``planning.optimise``, :mod:`headway.planning.tasks`) calls :func:`optimise` as the same user and keeps the plan
as its result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headway.core import jobs
from headway.core.errors import Conflict, NotFound
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.planning.services.portfolio import OptimisedPlan, plan_request

JOB_KIND = "planning.optimise"


def start_optimisation(actor: User | None, request: Mapping[str, Any], *, scenario: str | None = None,
                       explain: bool = True) -> jobs.JobView:
    """Queue an optimiser run; bad input is refused now, not later in a failed job."""
    check(actor, Perm.EDIT_PLANS if scenario else Perm.VIEW_WORKSPACE)
    plan_request(request, actor=actor)  # validates every field
    job = jobs.enqueue(JOB_KIND, actor=actor, label=f"Optimise the portfolio{f' ({scenario})' if scenario else ''}",
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
