"""The Django task that runs every Headway job (see :mod:`headway.core.jobs`), and the periodic ones."""

from __future__ import annotations

from django_tasks import task

from headway.core import jobs


@task()
def run_job(job_id: int) -> None:
    """Run one attempt of background job ``job_id``; failures are recorded on the job and retried there."""
    jobs.execute(job_id)
