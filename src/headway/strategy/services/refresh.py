"""KPI refresh as background work: a leader starts it from the dashboard (or the CLI hands it to the server's
worker when the server holds the embedded events store), and the page follows its progress.

The job (``strategy.refresh_kpis``, :mod:`headway.strategy.tasks`) calls :func:`refresh_kpis` as the system.
"""

from __future__ import annotations

from datetime import date

from headway.core import jobs
from headway.core.models import User
from headway.core.permissions import Perm, check

JOB_KIND = "strategy.refresh_kpis"


def start_kpi_refresh(actor: User | None, *, as_of: date | None = None) -> jobs.JobView:
    """Queue a refresh of every KPI's values, progress and alerts (those who edit strategy may)."""
    check(actor, Perm.EDIT_STRATEGY)
    job = jobs.enqueue(JOB_KIND, actor=actor, as_of=as_of.isoformat() if as_of else None)
    return jobs.JobView.of(job)


def latest_kpi_refresh(actor: User | None) -> jobs.JobView | None:
    """The KPI refresh still queued or running, if any (so a reloaded dashboard keeps showing its progress)."""
    return jobs.unfinished_job(actor, JOB_KIND)


def events_held_by_server() -> bool:
    """Whether a running Headway server holds the embedded events store (work on it goes to its worker)."""
    from headway.analytics import services as analytics

    return analytics.events_store_held()
