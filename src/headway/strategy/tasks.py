"""The strategy area's background work: KPI values, progress and alerts, refreshed every hour."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from headway.core.jobs import Progress, job_handler
from headway.core.schedules import register_schedule


@job_handler("strategy.refresh_kpis", label="Refresh KPIs and check alerts")
def refresh_kpis(progress: Progress) -> dict[str, Any]:
    """Compute every KPI up to yesterday (its values, progress against targets, forecast) and raise its alerts."""
    from headway.strategy import services

    progress(0.0, "computing KPIs")
    report = services.refresh_kpis(None, as_of=services.current_as_of())
    return {"as_of": report.as_of.isoformat(), "kpis": len(report.values), "alerts": len(report.alerts)}


register_schedule("strategy.refresh_kpis", every=timedelta(hours=1))
