"""The events store: the one place that opens it, ingestion, what it holds, and read-only SQL.

``actor=None`` means the system itself (the CLI run by the machine's operator, the demo builder).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.conf import settings
from pydantic import BaseModel, Field, field_serializer

from headway.core import audit
from headway.core.errors import ConfigurationError, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.services import get_workspace

if TYPE_CHECKING:
    import pyarrow as pa

    from headway.analytics.engine import EventStore, IngestReport

ProgressFn = Callable[[str, float], None]

_stores: dict[tuple[str, str], EventStore] = {}
_lock = threading.RLock()


def workspace_timezone() -> tuple[str, str]:
    """The workspace's time zone and week start (UTC and monday before a workspace exists)."""
    try:
        ws = get_workspace()
    except NotFound:
        return "UTC", "monday"
    return ws.timezone, ws.week_start


class StoreHeld(ConfigurationError):
    """The embedded DuckDB events file is held by another process (a running Headway server)."""

    code = "events_store_held"
    status = 503


@contextmanager
def open_store() -> Iterator[EventStore]:
    """The events store at ``HEADWAY_EVENTS_URL`` in the workspace time zone, used by one caller at a time.

    The one place that opens the store: connections are cached per process and calls are serialised (a
    DuckDB connection is not safe to share between threads).
    """
    from headway.analytics.engine import EventStore

    tz, _ = workspace_timezone()
    key = (str(settings.HEADWAY_EVENTS_URL), tz)
    with _lock:
        store = _stores.get(key)
        if store is None:
            for old_key in [k for k in _stores if k[0] == key[0]]:
                _stores.pop(old_key).close()
            try:
                store = EventStore.connect(key[0], timezone=tz)
            except ConfigurationError as exc:
                if "lock" not in exc.message.lower():
                    raise
                raise StoreHeld(
                    "Another process holds the DuckDB events file (often a running `headway serve`): stop it "
                    "and retry, or send events to the running server with POST /api/v1/analytics/events."
                ) from exc
            _stores[key] = store
        yield store


def close_store() -> None:
    """Close every cached connection to the events store (tests and shutdown)."""
    with _lock:
        while _stores:
            _stores.popitem()[1].close()


def reset_events() -> None:
    """Drop every event (and identity) from the store; the demo builder calls this before rebuilding."""
    with open_store() as store:
        store.reset()


class StoreSummary(BaseModel):
    """What the events store holds: counts per event name, distinct ids, persons, first and last event."""

    events: int
    distinct_ids: int
    persons: int
    first: datetime | None = Field(None, description="First event (UTC).")
    last: datetime | None = Field(None, description="Last event (UTC).")
    by_event: dict[str, int]

    @field_serializer("first", "last")
    def _utc(self, value: datetime | None) -> datetime | None:
        """The store's naive UTC timestamps as aware datetimes (RFC 3339 in JSON)."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def store_stats(actor: User | None) -> StoreSummary:
    """Counts of the store: events, distinct users, event names, first and last timestamps (naive UTC)."""
    check(actor, Perm.VIEW_WORKSPACE)
    with open_store() as store:
        stats = store.stats()
    return StoreSummary(events=stats.events, distinct_ids=stats.distinct_ids, persons=stats.persons,
                        first=stats.first, last=stats.last, by_event=stats.by_event)


def event_names(actor: User | None) -> list[str]:
    """The event names in the store, most frequent first."""
    check(actor, Perm.VIEW_WORKSPACE)
    with open_store() as store:
        return list(store.event_names())


def property_names(actor: User | None, event: str | None = None) -> list[str]:
    """Property keys seen in recent events (of ``event`` when given), for filter and breakdown pickers."""
    check(actor, Perm.VIEW_WORKSPACE)
    with open_store() as store:
        return list(store.property_names(event))


def run_sql(actor: User | None, sql: str) -> pa.Table:
    """A read-only SQL query over the events table (see docs/analytics.md for its columns)."""
    check(actor, Perm.INGEST_EVENTS)
    if not sql.strip():
        raise ValidationError('Give a SQL query, for example: SELECT event, count(*) FROM events GROUP BY 1.')
    with open_store() as store:
        return store.sql(sql)


def ingest(actor: User | None, source: object, *, progress: ProgressFn | None = None,
           rejects_path: str | None = None) -> IngestReport:
    """Ingest events (list of dicts, DataFrame, Arrow table or file path); returns the IngestReport."""
    check(actor, Perm.INGEST_EVENTS)

    def on_progress(done: int, total: int | None) -> None:
        if progress is not None:
            progress(f"{done:,} of {total:,} rows" if total else f"{done:,} rows", done / total if total else 0.0)

    with open_store() as store:
        report = store.ingest(source, on_progress=on_progress, rejects_path=rejects_path)
    if actor is not None:
        audit.record(actor, AuditEvent.Action.CREATE, object_type="events",
                     summary=f"{actor.username} ingested {report.ingested} events "
                             f"({report.duplicates} duplicates, {len(report.rejected)} rejected)")
    return report


def ingest_demo_events(table: pa.Table, *, progress: ProgressFn | None = None) -> IngestReport:
    """Bulk-ingest the demo's generated events (system actor)."""
    return ingest(None, table, progress=progress)


def events_store_held() -> bool:
    """Whether another process (a running Headway server) holds the embedded events file, so that work on the
    events must go through that server's worker."""
    try:
        with open_store():
            return False
    except StoreHeld:
        return True
