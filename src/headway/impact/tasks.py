"""Impact's background work: measure each shipped initiative once its ``measure_after_days`` have passed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from headway.core.errors import HeadwayError
from headway.core.jobs import Progress, job_handler
from headway.core.schedules import register_schedule


@job_handler("impact.measure_due", label="Measure shipped initiatives whose waiting time has passed")
def measure_due(progress: Progress) -> dict[str, Any]:
    """Measure every due initiative; one that cannot be measured yet keeps its reason and the rest go on."""
    from headway.impact import services

    due = services.due_measurements(None)
    measured: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for k, initiative_id in enumerate(due):
        progress(k / max(len(due), 1), f"measuring initiative #{initiative_id}")
        try:
            measured[str(initiative_id)] = services.measure(None, initiative_id).verdict
        except HeadwayError as exc:
            skipped[str(initiative_id)] = exc.message
    return {"measured": measured, "skipped": skipped}


register_schedule("impact.measure_due", every=timedelta(hours=24))
