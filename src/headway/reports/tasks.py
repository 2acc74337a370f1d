"""The reports app's background work: each delivery is a job retried with backoff; subscriptions run on their
schedules (checked every few minutes)."""

from __future__ import annotations

from typing import Any

from headway.core.jobs import Progress, job_handler
from headway.reports.services.deliveries import MAX_ATTEMPTS


@job_handler("reports.deliver", label="Deliver a report or an alert", max_attempts=MAX_ATTEMPTS)
def deliver(progress: Progress, delivery_id: int) -> dict[str, Any]:
    """Send one delivery to the recipients it has not reached yet."""
    from headway.reports import services

    progress(0.0, "sending")
    return {"delivery": delivery_id, "status": services.deliver(delivery_id)}
