"""The strategy area's background work: KPI values, progress and alerts, refreshed every hour (and on demand from
the dashboard's button or the CLI)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from headway.core.jobs import Progress, job_handler
from headway.core.schedules import register_schedule


@job_handler("strategy.refresh_kpis", label="Refresh KPIs and check alerts")
def refresh_kpis(progress: Progress, as_of: str | None = None) -> dict[str, Any]:
    """Compute every KPI up to ``as_of`` (default yesterday): its values, progress against targets, forecast,
    and raise its alerts."""
    from headway.strategy import services

    progress(0.0, "computing KPIs")
    day = date.fromisoformat(as_of) if as_of else services.current_as_of()
    report = services.refresh_kpis(None, as_of=day, progress=progress)
    progress(1.0, f"computed {len(report.values)} KPIs")
    return {"as_of": report.as_of.isoformat(), "kpis": len(report.values), "alerts": len(report.alerts),
            "errors": report.errors}


register_schedule("strategy.refresh_kpis", every=timedelta(hours=1))
