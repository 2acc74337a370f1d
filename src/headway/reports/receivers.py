"""Listeners: an alert the strategy app raises is delivered to its subscribers at once (as a background job, so
a failing channel never breaks the KPI refresh that raised it)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from headway.core import jobs
from headway.strategy.signals import alert_raised


@receiver(alert_raised, dispatch_uid="headway.reports.deliver_alert")
def on_alert_raised(sender: Any, alert_id: int, kpi: str, **kwargs: Any) -> None:
    """Queue the delivery of a newly raised alert."""
    jobs.enqueue("reports.deliver_alert", label=f"Deliver the alert on {kpi}", alert_id=alert_id)
