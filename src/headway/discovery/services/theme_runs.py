"""Computing themes: a theme run finds the themes of all feedback and stores them, keeping people's edits.

``start_theme_run`` is the use case (checks, one run at a time, the run row); ``launch_theme_run`` is the one
place that starts a run in the background; ``run_theme_computation`` does the work for a queued run (what a
background task calls). The run row holds the status and progress the faces show.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import zlib
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import cast

import numpy as np
from django.db import transaction
from django.utils import timezone

from headway.core import audit
from headway.core.errors import Conflict, HeadwayError, NotFound, ValidationError
from headway.core.models import AuditEvent, Job, User
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label
from headway.discovery.engine import Theme as FoundTheme
from headway.discovery.engine import ThemeResult, find_themes, near_duplicates
from headway.discovery.engine.embeddings import Method
from headway.discovery.engine.texts import MAX_CHARS, cut
from headway.discovery.models import FeedbackItem, Theme, ThemeRun
from headway.discovery.services._common import (
    ProgressFn,
    announce_demand,
    recount_sizes,
    to_bytes,
    write_columns,
)

log = logging.getLogger(__name__)

#: A foreground run on another machine older than this is taken as abandoned (its process cannot be checked).
STALE_RUN = timedelta(hours=2)
#: A background run whose job is gone (finished, failed, never queued) is orphaned once it is this old.
ORPHAN_GRACE = timedelta(minutes=1)
JOB_KIND = "discovery.compute_themes"
_UNFINISHED_JOB = (Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.RETRYING)
METHODS = ("auto", "minilm", "lexical")


def latest_run(*, done: bool = False) -> ThemeRun | None:
    """The newest theme run (the newest finished one with ``done``)."""
    qs = ThemeRun.objects.all()
    if done:
        qs = qs.filter(status=ThemeRun.Status.DONE)
    return qs.order_by("-id").first()


def get_run(actor: User | None, run_id: int) -> ThemeRun:
    """A theme run (its status and progress), or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    run = ThemeRun.objects.defer("model").filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"There is no theme run {run_id}: start one with `headway feedback themes --compute`.")
    return run


def start_theme_run(
    actor: User | None,
    *,
    method: str = "auto",
    background: bool = True,
    progress: ProgressFn | None = None,
    seed: int = 0,
    merge: float | None = None,
) -> ThemeRun:
    """Compute themes over all feedback: in the background (the run row holds the progress), or here.

    Only one run at a time: a Conflict names the run in progress. ``method``: auto, minilm or lexical;
    ``merge``: merge near-duplicate themes at this similarity (0-1, see ``find_themes``), None keeps them all.
    """
    check(actor, Perm.EDIT_FEEDBACK)
    if method not in METHODS:
        raise ValidationError(f"Unknown method {method!r}: use auto, minilm or lexical.")
    if merge is not None and not 0.0 <= merge <= 1.0:
        raise ValidationError(f"merge must be a similarity between 0 and 1, not {merge}.")
    recover_orphaned_runs()
    with transaction.atomic():
        busy = ThemeRun.objects.filter(status__in=[ThemeRun.Status.QUEUED, ThemeRun.Status.RUNNING]).first()
        if busy is not None:
            raise Conflict(
                f"Themes are already being computed (run {busy.pk}, {busy.percent}%): wait for it to "
                "finish, then start another."
            )
        if not FeedbackItem.objects.exists():
            raise ValidationError(
                "There is no feedback yet: add or import some first."
            )
        owner: dict[str, object] = {} if background else {
            "foreground": {"host": socket.gethostname(), "pid": os.getpid()}}
        if merge is not None:
            owner["merge"] = merge
        run = ThemeRun.objects.create(requested=method, started_by=actor_label(actor), message="queued",
                                      details=owner)
        audit.record(actor, AuditEvent.Action.CREATE, run, summary=f"theme computation {run.pk} started")
    if background:
        launch_theme_run(run.pk, seed=seed, actor=actor)
        return run
    run_theme_computation(run.pk, progress=progress, seed=seed)
    return ThemeRun.objects.get(pk=run.pk)


def _orphaned(run: ThemeRun, now: datetime) -> bool:
    """Whether nothing is computing ``run`` any more: its process died (foreground) or its job is gone."""
    owner = (run.details or {}).get("foreground") if isinstance(run.details, dict) else None
    if isinstance(owner, dict):
        if owner.get("host") != socket.gethostname():
            return now - run.created_at >= STALE_RUN
        try:
            os.kill(int(owner.get("pid", 0)), 0)  # signal 0: does the process still exist?
        except ProcessLookupError:
            return True
        except (OSError, ValueError):
            return False
        return False
    if now - run.created_at < ORPHAN_GRACE:  # its job is queued just after the run row
        return False
    return not Job.objects.filter(kind=JOB_KIND, arguments__run_id=run.pk, status__in=_UNFINISHED_JOB).exists()


def recover_orphaned_runs(*, now: datetime | None = None) -> int:
    """Mark failed every queued or running theme run that nothing computes any more (a crash, a kill -9, a job
    that ran out of attempts), so it blocks no new run; returns how many. Runs at worker start and every few
    minutes (the ``discovery.recover_theme_runs`` schedule), and before a new run starts."""
    now = now or timezone.now()
    busy = ThemeRun.objects.defer("model").filter(status__in=[ThemeRun.Status.QUEUED, ThemeRun.Status.RUNNING])
    orphans = [run.pk for run in busy if _orphaned(run, now)]
    if orphans:
        ThemeRun.objects.filter(pk__in=orphans, status__in=[ThemeRun.Status.QUEUED, ThemeRun.Status.RUNNING]).update(
            status=ThemeRun.Status.FAILED, finished_at=now,
            message="stopped: the process computing it ended (a crash or a restart); start a new run")
        log.warning("marked %s orphaned theme run(s) failed: %s", len(orphans), orphans)
    return len(orphans)


def launch_theme_run(run_id: int, *, seed: int = 0, actor: User | None = None) -> None:
    """Hand the queued run ``run_id`` to a background worker (the job ``discovery.compute_themes``)."""
    from headway.core import jobs

    jobs.enqueue(JOB_KIND, actor=actor, label=f"Compute feedback themes (run {run_id})",
                 run_id=run_id, seed=seed)


def run_theme_computation(run_id: int, *, progress: ProgressFn | None = None, seed: int = 0) -> None:
    """Carry out a queued run; a failure marks the run failed with its message (nothing half-written).

    With ``progress`` (a run in the foreground) a failure is raised after it is recorded.
    """
    try:
        run = ThemeRun.objects.get(pk=run_id)
        _compute(run, progress, seed)
    except Exception as exc:
        message = exc.message if isinstance(exc, HeadwayError) else f"unexpected {type(exc).__name__}: {exc}"
        if not isinstance(exc, HeadwayError):
            log.exception("theme run %s failed", run_id)
        ThemeRun.objects.filter(pk=run_id).update(
            status=ThemeRun.Status.FAILED, message=message[:300], finished_at=timezone.now()
        )
        if progress is not None:
            raise


def _report(run_id: int, label: str, fraction: float, progress: ProgressFn | None) -> None:
    ThemeRun.objects.filter(pk=run_id).update(
        status=ThemeRun.Status.RUNNING, progress=fraction, message=label[:300]
    )
    if progress is not None:
        progress(label, fraction)


def _majority(groups: Mapping[int, list[int]], old_of: Mapping[int, int | None]) -> dict[int, int | None]:
    """For each group of items, the old theme holding at least half of them (else None)."""
    matched: dict[int, int | None] = {}
    for key, members in groups.items():
        counts = Counter(old for m in members if (old := old_of.get(m)) is not None)
        best = min(counts.items(), key=lambda kv: (-kv[1], kv[0])) if counts else None
        matched[key] = best[0] if best is not None and best[1] * 2 >= len(members) else None
    return matched


def _compute(run: ThemeRun, progress: ProgressFn | None, seed: int) -> None:
    items = list(FeedbackItem.objects.select_related("theme").order_by("id").defer("vector"))
    if not items:
        raise ValidationError("There is no feedback yet: add or import some first.")
    _report(run.pk, f"finding themes in {len(items)} feedback items", 0.05, progress)
    asked = run.details.get("merge") if isinstance(run.details, dict) else None
    result = find_themes([i.text for i in items], seed=seed, method=cast("Method", run.requested),
                         merge=float(asked) if asked is not None else None)
    _report(run.pk, "matching with the themes you have", 0.75, progress)
    duplicates = {d.index: d for d in near_duplicates([i.text for i in items], result.vectors)}
    with transaction.atomic():
        theme_map = _store_themes(run, items, result)
        truncated = set(result.truncated)
        sims = np.sum(result.vectors * result.model.centroids[np.asarray(result.assignments)], axis=1)
        for index, item in enumerate(items):
            cluster = result.assignments[index]
            if not item.pinned:
                item.theme_id = theme_map[cluster]
            item.theme_similarity = round(float(sims[index]), 4)
            item.vector = to_bytes(result.vectors[index])
            item.truncated = index in truncated or cut(item.text, MAX_CHARS)[1]
            duplicate = duplicates.get(index)
            item.duplicate_of_id = items[duplicate.original].pk if duplicate else None
            item.duplicate_similarity = duplicate.similarity if duplicate else None
        _report(run.pk, "saving themes", 0.9, progress)
        write_columns(items, ["theme", "theme_similarity", "vector", "truncated", "duplicate_of", "duplicate_similarity"])
        _drop_orphans()
        recount_sizes()
        run.model = zlib.compress(json.dumps(result.model.to_dict()).encode())
        run.theme_map = {str(k): v for k, v in theme_map.items()}
        run.method, run.items = result.method, len(items)
        run.themes = Theme.objects.filter(is_parent=False).count()
        run.details = {k: v for k, v in result.details.items() if k != "candidates"}
        run.status, run.progress, run.message = ThemeRun.Status.DONE, 1.0, f"{run.themes} themes found"
        run.finished_at = timezone.now()
        run.save()
        announce_demand()
    if progress is not None:
        progress(run.message, 1.0)


def _store_themes(run: ThemeRun, items: list[FeedbackItem], result: ThemeResult) -> dict[int, int]:
    """Map each new cluster to the existing theme holding most of its items (keeping ids, renames, merges)."""
    old_of = {i.pk: i.theme_id for i in items}
    old_parent_of = {i.pk: (i.theme.parent_id if i.theme else None) for i in items}
    clusters: dict[int, list[int]] = defaultdict(list)
    for item, cluster in zip(items, result.assignments, strict=True):
        clusters[cluster].append(item.pk)
    matched = _majority(clusters, old_of)
    by_id = {t.id: t for t in result.themes}
    parents_by_id = {p.id: p for p in result.parents}
    parent_groups: dict[int, list[int]] = defaultdict(list)
    for cluster, members in clusters.items():
        parent = by_id[cluster].parent
        if parent is not None:
            parent_groups[int(parent)].extend(members)
    parent_match = _majority(parent_groups, old_parent_of)
    parent_rows: dict[int, Theme] = {}
    for pid, engine_parent in parents_by_id.items():
        parent_rows[pid] = _upsert_theme(parent_match.get(pid), engine_parent, run, is_parent=True)
    theme_map: dict[int, int] = {}
    largest: dict[int, int] = {}
    for cluster in sorted(clusters, key=lambda c: -len(clusters[c])):
        engine_theme = by_id[cluster]
        target = matched.get(cluster)
        if target is not None and target in largest.values():  # a second cluster of a theme: merge into it
            theme_map[cluster] = target
            continue
        row = _upsert_theme(target, engine_theme, run, is_parent=False)
        row.parent = parent_rows.get(engine_theme.parent) if engine_theme.parent is not None else None
        row.save(update_fields=["parent"])
        theme_map[cluster] = row.pk
        largest[cluster] = row.pk
    return theme_map


def _upsert_theme(theme_id: int | None, engine_theme: FoundTheme, run: ThemeRun, *, is_parent: bool) -> Theme:
    row = Theme.objects.filter(pk=theme_id, is_parent=is_parent).first() if theme_id else None
    if row is None:
        row = Theme(is_parent=is_parent)
    if not row.label_edited:
        row.label = engine_theme.label[:120]
    row.keywords = list(engine_theme.keywords)
    row.run = run
    row.save()
    return row


def _drop_orphans() -> None:
    """Delete themes left with no items and no demand link (parents with no children)."""
    Theme.objects.filter(is_parent=False, items__isnull=True, links__isnull=True).delete()
    Theme.objects.filter(is_parent=True, children__isnull=True, links__isnull=True).delete()
