"""The reports app's background work: each delivery is a job retried with backoff; subscriptions run on their
schedules (checked every few minutes)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from headway.core.jobs import Progress, job_handler
from headway.core.schedules import register_schedule
from headway.reports.services.deliveries import MAX_ATTEMPTS


@job_handler("reports.deliver", label="Deliver a report or an alert", max_attempts=MAX_ATTEMPTS)
def deliver(progress: Progress, delivery_id: int) -> dict[str, Any]:
    """Send one delivery to the recipients it has not reached yet."""
    from headway.reports import services

    progress(0.0, "sending")
    return {"delivery": delivery_id, "status": services.deliver(delivery_id)}


@job_handler("reports.deliver_alert", label="Deliver a raised alert to its subscribers")
def deliver_alert(progress: Progress, alert_id: int) -> dict[str, Any]:
    """Queue one delivery per alert subscription of the alert's KPI."""
    from headway.reports import services

    return {"alert": alert_id, "deliveries": [d.pk for d in services.deliver_alert(alert_id)]}


@job_handler("reports.run_subscriptions", label="Send the subscribed report packs that are due")
def run_subscriptions(progress: Progress) -> dict[str, Any]:
    """Build and send each subscribed pack whose time has come."""
    from headway.reports import services

    return {"deliveries": [d.pk for d in services.run_due()]}


register_schedule("reports.run_subscriptions", every=timedelta(minutes=5))
