"""The events store: the one place that opens it, ingestion, what it holds, and read-only SQL.

``actor=None`` means the system itself (the CLI run by the machine's operator, the demo builder).

Readers never wait for writers: each thread reads through its own cursor (DuckDB: a cursor of the one
connection, so it sees every committed batch; other engines: its own connection), while writes go through the
one writer connection. A server's concurrent event batches are committed together (group commit): each request
validates its batch in its own thread, queues it, and whichever request holds the writer stores everything
queued in one transaction; every request answers once its events are committed (acknowledged = durable).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from django.conf import settings
from pydantic import BaseModel, Field, field_serializer

from headway.core import audit
from headway.core.budget import cancellable
from headway.core.errors import ConfigurationError, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.services import get_workspace

if TYPE_CHECKING:
    import pyarrow as pa

    from headway.analytics.engine import EventStore, IngestReport
    from headway.analytics.engine.ingest import BatchValidator, ValidBatch

ProgressFn = Callable[[str, float], None]

_stores: dict[tuple[str, str], EventStore] = {}
_lock = threading.RLock()  # opening and closing the store
_write_lock = threading.RLock()  # the one writer
_generation = [0]  # bumped when the writer connection is closed: the readers' cursors are then stale
_readers = threading.local()
_queue: list[_Pending] = []
_queue_lock = threading.Lock()


class _Pending:
    """One request's validated batch waiting for the writer, and what became of it."""

    def __init__(self, clean: pa.Table) -> None:
        self.clean = clean
        self.added: int | None = None
        self.error: BaseException | None = None


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
    """The events store at ``HEADWAY_EVENTS_URL`` in the workspace time zone, for reading, on this thread's
    own cursor: readers run at the same time as each other and as the writer.

    Where the engine cannot hand out cursors (capability ``script_insert`` off: PostgreSQL, Spark), reads share
    the writer connection one at a time, as before.
    """
    from headway.analytics.engine import EventStore

    tz, _ = workspace_timezone()
    key = (str(settings.HEADWAY_EVENTS_URL), tz)
    cached = getattr(_readers, "stores", {})
    reader = cached.get(key)
    if reader is None or reader[0] != _generation[0]:
        with _lock:  # not the writer's lock: a long write never delays a new reader
            writer = _connection(key)
            if writer.capabilities.script_insert:
                import ibis

                cursor = writer.backend.con.cursor()
                cursor.execute("SET enable_progress_bar = false")
                reader = (_generation[0], EventStore(ibis.duckdb.from_connection(cursor), timezone=tz), cursor)
                _readers.stores = {key: reader}
            else:
                reader = None
    if reader is not None:
        with cancellable(reader[2].interrupt):  # a request over its budget cancels its query
            yield reader[1]
        return
    with _writer() as shared, cancellable(_statement_canceller(shared)):  # no cursors: one caller at a time
        yield shared


def _statement_canceller(store: EventStore) -> Callable[[], None]:
    """What cancels the statement running on ``store``'s connection: the driver's ``cancel_safe`` or ``cancel``
    (psycopg, for PostgreSQL: the server stops the statement) or ``interrupt`` (DuckDB); nothing for an engine
    with none of them (Spark)."""
    con = getattr(store.backend, "con", None)
    for name in ("cancel_safe", "cancel", "interrupt"):
        method = getattr(con, name, None)
        if callable(method):
            return cast("Callable[[], None]", method)
    return lambda: None


@contextmanager
def _writer() -> Iterator[EventStore]:
    """The one writer connection to the store, used by one caller at a time (a DuckDB connection is not safe
    to share between threads)."""
    tz, _ = workspace_timezone()
    key = (str(settings.HEADWAY_EVENTS_URL), tz)
    with _write_lock:
        with _lock:
            store = _connection(key)
        yield store


def _connection(key: tuple[str, str]) -> EventStore:
    """The writer connection for ``key`` (URL, time zone), opened once per process (call under ``_lock``): the
    one place that opens the store."""
    from headway.analytics.engine import EventStore

    store = _stores.get(key)
    if store is None:
        for old_key in [k for k in _stores if k[0] == key[0]]:
            _stores.pop(old_key).close()
            _generation[0] += 1
        try:
            store = EventStore.connect(key[0], timezone=key[1])
        except ConfigurationError as exc:
            if "lock" not in exc.message.lower():
                raise
            raise StoreHeld(
                "Another process holds the DuckDB events file (often a running `headway serve`): stop it "
                "and retry, or send events to the running server with POST /api/v1/analytics/events."
            ) from exc
        _stores[key] = store
    return store


def close_store() -> None:
    """Close every cached connection to the events store (tests and shutdown)."""
    with _lock:
        _generation[0] += 1
        while _stores:
            _stores.popitem()[1].close()
    _readers.stores = {}


def reset_events() -> None:
    """Drop every event (and identity) from the store; the demo builder calls this before rebuilding."""
    with _writer() as store:
        store.reset()
        _generation[0] += 1  # the readers' cursors knew the dropped tables


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

    if isinstance(source, list) and len(source) <= GROUP_COMMIT_ROWS and rejects_path is None:
        from headway.analytics.engine.ingest import iter_batches

        validator = _validator()
        report = _store_checked(validator.validate(batch) for batch in iter_batches(source, GROUP_COMMIT_ROWS))
        on_progress(len(source), len(source))
    else:
        with _writer() as store:
            report = store.ingest(source, on_progress=on_progress, rejects_path=rejects_path)
    _audit_ingest(actor, report)
    return report


def ingest_json(actor: User | None, body: bytes) -> IngestReport:
    """Ingest the API's batch, a JSON body ``{"events": [...]}`` of at most :data:`MAX_BATCH` events (see
    :mod:`headway.analytics.engine.ingest_json`); answers once the events are committed with the other
    requests' batches (acknowledged = durable)."""
    check(actor, Perm.INGEST_EVENTS)
    from headway.analytics.engine.ingest_json import check_events, parse_body

    events = parse_body(body, limit=MAX_BATCH)
    report = _store_checked([check_events(_validator(), events)])
    _audit_ingest(actor, report)
    return report


def _audit_ingest(actor: User | None, report: IngestReport) -> None:
    if actor is not None:
        audit.record(actor, AuditEvent.Action.CREATE, object_type="events",
                     summary=f"{actor.username} ingested {report.ingested} events "
                             f"({report.duplicates} duplicates, {len(report.rejected)} rejected)")


#: a list of at most this many events (an API batch) is committed together with other requests' batches
GROUP_COMMIT_ROWS = 10_000
#: the most events one API request may send (413 beyond)
MAX_BATCH = 10_000


def _validator() -> BatchValidator:
    """This thread's validator (its own in-memory DuckDB connection, kept for the thread's next batches)."""
    from headway.analytics.engine.ingest import BatchValidator

    validator: BatchValidator | None = getattr(_readers, "validator", None)
    if validator is None:
        validator = _readers.validator = BatchValidator()
    return validator


def _store_checked(batches: Iterable[ValidBatch]) -> IngestReport:
    """Commit each validated batch with whatever other batches are queued; what became of their rows."""
    from headway.analytics.engine import IngestReport

    report = IngestReport()
    for checked in batches:
        report.rejected.extend(checked.rejected)
        report.duplicates += checked.duplicates_in_batch
        added = _commit(checked.clean)
        report.ingested += added
        report.duplicates += checked.clean.num_rows - added
    return report


def _commit(clean: pa.Table) -> int:
    """Store ``clean`` (validated rows) in the next group commit; returns how many were new. Returns only once
    they are committed (or raises what the commit raised)."""
    if clean.num_rows == 0:
        return 0
    pending = _Pending(clean)
    with _queue_lock:
        _queue.append(pending)
    with _writer() as store:
        if pending.added is None and pending.error is None:  # nobody took it yet: write everything queued
            with _queue_lock:
                group, _queue[:] = list(_queue), []
            _write_group(store, group)
    if pending.error is not None:
        raise pending.error
    assert pending.added is not None
    return pending.added


def _write_group(store: EventStore, group: list[_Pending]) -> None:
    """Commit ``group`` in one transaction; if that fails, each batch alone (one bad batch fails alone)."""
    try:
        counts = store.insert_clean([p.clean for p in group])
    except Exception as exc:
        if len(group) == 1:
            group[0].error = exc
            return
        for pending in group:
            _write_group(store, [pending])
        return
    except BaseException as exc:  # over its budget or interrupted: the other requests of the group fail too
        for pending in group:
            pending.error = exc
        raise
    for pending, added in zip(group, counts, strict=True):
        pending.added = added


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
