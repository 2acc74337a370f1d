"""Periodic work: each app registers what must run every so often; the worker enqueues it when due.

    register_schedule("strategy.refresh_kpis", every=timedelta(hours=1))

A schedule names a job kind (:func:`headway.core.jobs.job_handler`). :func:`enqueue_due` claims each due
schedule in a transaction (two workers never enqueue the same one twice) and moves its next due time on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel

from headway.core import jobs
from headway.core.models import Job, ScheduleState
from headway.core.permissions import Perm, check


@dataclass(frozen=True)
class Schedule:
    """Run job kind ``kind`` with ``arguments`` every ``every``; the first run is due ``first_after`` after start."""

    kind: str
    every: timedelta
    arguments: dict[str, Any] = field(default_factory=dict)
    first_after: timedelta = timedelta(minutes=1)


SCHEDULES: dict[str, Schedule] = {}


def register_schedule(kind: str, *, every: timedelta, first_after: timedelta = timedelta(minutes=1),
                      **arguments: Any) -> None:
    """Run the job kind ``kind`` every ``every`` (its name is the schedule's name)."""
    if every < timedelta(minutes=1):
        raise ValueError(f"schedule {kind}: run it at most once a minute")
    SCHEDULES[kind] = Schedule(kind=kind, every=every, arguments=arguments, first_after=first_after)


def enqueue_due(*, now: datetime | None = None) -> list[Job]:
    """Enqueue every schedule that is due (creating its state on first sight); returns the jobs enqueued."""
    now = now or timezone.now()
    enqueued: list[Job] = []
    for name, schedule in sorted(SCHEDULES.items()):
        # get_or_create absorbs the race of two workers creating the same row
        ScheduleState.objects.get_or_create(name=name, defaults={"next_due_at": now + schedule.first_after})
        with transaction.atomic():
            state = ScheduleState.objects.select_for_update().get(name=name)
            if state.next_due_at > now:
                continue
            job = jobs.enqueue(schedule.kind, label=f"{jobs.kind_of(schedule.kind).label} (scheduled)",
                               **schedule.arguments)
            state.next_due_at = max(state.next_due_at + schedule.every, now + schedule.every / 2)
            state.last_job = job
            state.save(update_fields=["next_due_at", "last_job"])
            enqueued.append(job)
    return enqueued


class ScheduleView(BaseModel):
    """A periodic job as the faces show it."""

    kind: str
    label: str
    every_seconds: float
    next_due_at: datetime | None
    last_job: jobs.JobView | None


def list_schedules(actor: object | None) -> list[ScheduleView]:
    """Every periodic job, when it is next due and how its last run went."""
    check(actor, Perm.VIEW_WORKSPACE)
    states = {s.name: s for s in ScheduleState.objects.select_related("last_job")}
    views = []
    for name, schedule in sorted(SCHEDULES.items()):
        state = states.get(name)
        last = state.last_job if state is not None else None
        views.append(ScheduleView(
            kind=name, label=jobs.kind_of(schedule.kind).label, every_seconds=schedule.every.total_seconds(),
            next_due_at=state.next_due_at if state is not None else None,
            last_job=jobs.JobView.of(last) if last is not None else None,
        ))
    return views
