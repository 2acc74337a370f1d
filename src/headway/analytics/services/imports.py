"""Event-file imports in the background: a file (uploaded, or a path on the server) becomes a job that ingests
it in batches with its progress, writes the rejected rows beside it, and can be run again safely (an event
without a uuid gets one from its content, so a second pass adds nothing twice)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings

from headway.analytics.services.store import ingest
from headway.core import jobs
from headway.core.errors import NotFound, ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check

JOB_KIND = "analytics.import_events"
SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".parquet")
REPORTED_ROWS = 100  # rejected rows kept in the job's result for the page (all of them go to the rejects file)


def uploads_dir() -> Path:
    """Where uploaded event files wait for their import: ``$HEADWAY_HOME/uploads``."""
    folder = Path(settings.HEADWAY_HOME) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(f"{Path(name).name or 'The file'} is not an events file Headway reads: give a "
                              f"{', '.join(SUFFIXES)} file.", details={"file": name})
    return suffix


def start_event_import(actor: User | None, path: str, *, rejects_path: str | None = None,
                       remove_after: bool = False) -> jobs.JobView:
    """Queue the import of the events file at ``path`` (on this server); returns the job to follow."""
    check(actor, Perm.INGEST_EVENTS)
    _suffix(path)
    if not Path(path).is_file():
        raise NotFound(f"There is no file {path}: give the path of a .csv, .jsonl, .json or .parquet file.")
    job = jobs.enqueue(JOB_KIND, actor=actor, label=f"Import events from {Path(path).name}"[:200],
                       username=actor.username if actor is not None else None, path=str(path),
                       rejects_path=rejects_path or f"{path}.rejects.jsonl", remove_after=remove_after)
    return jobs.JobView.of(job)


def import_uploaded_events(actor: User | None, name: str, content: IO[bytes]) -> jobs.JobView:
    """Keep an uploaded events file under :func:`uploads_dir` and queue its import (the file goes once done)."""
    check(actor, Perm.INGEST_EVENTS)
    target = uploads_dir() / f"events-{uuid.uuid4().hex}{_suffix(name)}"
    with target.open("wb") as out:
        shutil.copyfileobj(content, out)
    return start_event_import(actor, str(target), remove_after=True)


def run_event_import(username: str | None, path: str, rejects_path: str, remove_after: bool,
                     progress: jobs.Progress) -> dict[str, object]:
    """The job's body: ingest the file as the user who asked, report progress, keep the counts as the result."""
    from headway.core.services import get_user

    actor = get_user(username) if username else None
    report = ingest(actor, path, rejects_path=rejects_path,
                    progress=lambda message, fraction: progress(fraction, message))
    if remove_after:
        Path(path).unlink(missing_ok=True)
    return {"ingested": report.ingested, "duplicates": report.duplicates, "rejected": len(report.rejected),
            "rejects_path": rejects_path if report.rejected else None,
            "rejected_rows": [{"line": r.row, "reason": r.reason} for r in report.rejected[:REPORTED_ROWS]]}
