"""The discovery area's background work: computing feedback themes."""

from __future__ import annotations

from headway.core.jobs import Progress, job_handler


@job_handler("discovery.compute_themes", label="Compute feedback themes", max_attempts=2)
def compute_themes(progress: Progress, run_id: int, seed: int = 0) -> None:
    """Carry out theme run ``run_id``: everything it writes is one transaction, so a retry starts clean."""
    from headway.discovery import services

    services.run_theme_computation(run_id, seed=seed, progress=lambda label, fraction: progress(fraction, label))
