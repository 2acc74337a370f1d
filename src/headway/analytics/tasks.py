"""The analytics area's background work: importing event files."""

from __future__ import annotations

from headway.core.jobs import Progress, job_handler


@job_handler("analytics.import_events", label="Import events", max_attempts=3)
def import_events(progress: Progress, username: str | None, path: str, rejects_path: str,
                  remove_after: bool = False) -> dict[str, object]:
    """Ingest one events file; safe to run again after a crash (events are keyed by their uuid or content)."""
    from headway.analytics import services

    return services.run_event_import(username, path, rejects_path, remove_after, progress)
