"""Feedback files imported in the background: an uploaded CSV or JSON Lines file (as ``headway feedback import``
reads it) is kept under ``$HEADWAY_HOME/uploads`` and imported by the job ``discovery.import_feedback``, all or
nothing; a file with bad rows fails the job with every bad row's line and reason, for the page to list."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from django.conf import settings

from headway.core import jobs
from headway.core.errors import HeadwayError, ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.discovery.models import Source
from headway.discovery.services.feedback import FeedbackImport
from headway.discovery.services.imports import FEEDBACK_COLUMNS, import_feedback_file

JOB_KIND = "discovery.import_feedback"
SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".txt")
FORMATS = ("csv", "jsonl", "json")
MAX_FILE_BYTES = 50 * 1024 * 1024


def _uploads_dir() -> Path:
    folder = Path(settings.HEADWAY_HOME) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _check_options(name: str, fmt: str | None, mapping: Mapping[str, str], default_source: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(f"{Path(name).name or 'The file'} is not a feedback file Headway reads: give a CSV "
                              "(first line: column names) or JSON Lines file (.csv, .jsonl, .ndjson, .json).",
                              details={"file": name[:200]})
    if fmt not in (None, *FORMATS):
        raise ValidationError(f"Unknown file format {fmt!r}: use csv, jsonl or json, or leave it out to tell by "
                              "the file's content.", details={"format": str(fmt)[:100]})
    unknown = [field for field in mapping if field not in FEEDBACK_COLUMNS]
    if unknown:
        raise ValidationError(f"Unknown field(s) in the mapping: {', '.join(unknown)}; the fields are "
                              f"{', '.join(FEEDBACK_COLUMNS)}.", details={"mapping": unknown})
    if default_source not in Source.values:
        raise ValidationError(f"source {default_source!r} is not one of {', '.join(Source.values)}.",
                              details={"source": default_source[:100]})
    return suffix


def start_feedback_import(actor: User | None, name: str, content: IO[bytes], *, fmt: str | None = None,
                          mapping: Mapping[str, str] | None = None,
                          default_source: str = "support") -> jobs.JobView:
    """Keep an uploaded feedback file and queue its import; returns the job to follow (its result: the
    import's counts; its failure: every bad row with its line)."""
    check(actor, Perm.EDIT_FEEDBACK)
    mapping = dict(mapping or {})
    suffix = _check_options(name, fmt, mapping, default_source)
    target = _uploads_dir() / f"feedback-{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        shutil.copyfileobj(content, out)
    if target.stat().st_size > MAX_FILE_BYTES:
        size = target.stat().st_size
        target.unlink()
        raise ValidationError(f"The file has {size // (1024 * 1024):,} MB: keep it under "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} MB or split it.", details={"file": "too large"})
    job = jobs.enqueue(JOB_KIND, actor=actor, label=f"Import feedback from {Path(name).name}"[:200],
                       username=actor.username if actor is not None else None, path=str(target),
                       filename=Path(name).name[:200], fmt=fmt, mapping=mapping, default_source=default_source)
    return jobs.JobView.of(job)


def run_feedback_import(username: str | None, path: str, filename: str, fmt: str | None,
                        mapping: dict[str, str], default_source: str, progress: jobs.Progress) -> FeedbackImport:
    """The job's body: import the file as the user who asked (one transaction), then remove it; a file that
    is refused (bad rows) is removed too, one that failed otherwise stays for the retry."""
    from headway.core.services import get_user

    actor = get_user(username) if username else None
    progress(0.1, "reading the file")
    data = Path(path).read_bytes()
    progress(0.3, f"checking and importing the rows of {filename}")
    try:
        result = import_feedback_file(actor, data, filename=filename, fmt=fmt, mapping=mapping,
                                      default_source=default_source)
    except HeadwayError:
        Path(path).unlink(missing_ok=True)
        raise
    Path(path).unlink(missing_ok=True)
    return result
