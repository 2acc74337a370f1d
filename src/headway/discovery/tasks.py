"""The discovery area's background work: computing feedback themes, importing feedback files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from headway.core.jobs import Progress, job_handler
from headway.core.schedules import register_schedule


@job_handler("discovery.compute_themes", label="Compute feedback themes", max_attempts=2)
def compute_themes(progress: Progress, run_id: int, seed: int = 0) -> None:
    """Carry out theme run ``run_id``: everything it writes is one transaction, so a retry starts clean."""
    from headway.discovery import services

    services.run_theme_computation(run_id, seed=seed, progress=lambda label, fraction: progress(fraction, label))


@job_handler("discovery.import_feedback", label="Import feedback", max_attempts=2)
def import_feedback(progress: Progress, username: str | None, path: str, filename: str, fmt: str | None,
                    mapping: dict[str, str], default_source: str = "support") -> dict[str, Any]:
    """Import an uploaded feedback file, all or nothing (one transaction, so a retry starts clean)."""
    from headway.discovery import services

    result = services.run_feedback_import(username, path, filename, fmt, mapping, default_source, progress)
    return result.model_dump(exclude={"ids"})  # the counts, without every new item's id


@job_handler("discovery.recover_theme_runs", label="Mark orphaned theme runs failed", max_attempts=1)
def recover_theme_runs(progress: Progress) -> dict[str, Any]:
    """Theme runs left queued or running by a crash are marked failed, so they block no new run."""
    from headway.discovery import services

    return {"recovered": services.recover_orphaned_runs()}


# at worker start (due at once), then every five minutes
register_schedule("discovery.recover_theme_runs", every=timedelta(minutes=5), first_after=timedelta(0))
