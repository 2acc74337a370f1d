"""EventStore: product events in any Ibis backend (embedded DuckDB by default).

Public API (``from headway.analytics import EventStore, Filter``)::

    store = EventStore.connect(url=None, *, timezone="UTC")
    store.ingest(source, *, batch_size=200_000, on_progress=None, rejects_path=None) -> IngestReport
    store.identify(distinct_id, person_id)
    store.trends(event, *, math, math_property, interval, date_from, date_to, where, breakdown,
                 breakdown_limit, cumulative, week_start, formula=None, compare=False) -> TrendsResult
    store.funnel(steps, *, date_from, date_to, window, order, exclusions, where, breakdown) -> FunnelResult
    store.retention(target_event, *, returning_event, period, intervals, date_to, kind, mode, target_where,
                    returning_where, week_start) -> RetentionResult
    store.stickiness(event, ...) -> StickinessResult; store.lifecycle(event, ...) -> LifecycleResult
    store.paths(*, date_from, date_to, event_type, path_property, include_events, max_steps) -> PathsResult
    store.cohort_persons(cohort, *, as_of=None) -> list[str]     (see engine/behaviour_api.py)
    store.experiment(*, exposure_event, variant_property, metric_event, math, metric_property, date_from,
                     date_to, pre_period_days, where) -> ExperimentData   (see engine/experiments.py)

Extra helpers (for the Django services, CLI and notebooks):

- ``EventStore(backend, timezone=...)``: wrap an Ibis backend you already hold.
- ``ingest(..., on_progress=fn)``: ``fn(rows_done, rows_total_or_None)`` after each batch (for a .csv, .jsonl or
  .json file the total is estimated from the share of the file read, and exact at the last batch);
  ``rejects_path=...`` writes the rejected rows as JSONL ``{"row", "reason", "record"}``.
- ``identify_many(pairs)``: many ``(distinct_id, person_id)`` at once (one insert).
- ``stats() -> StoreStats``: events per event name, first/last timestamp, distinct ids, persons.
- ``sql(query) -> pyarrow.Table``: a read-only SQL query (``headway events sql``).
- ``event_names() -> list[str]`` and ``property_names(event=None, limit=1000) -> list[str]``: for builders.
- ``events_table(with_person=True)``: the Ibis table (with ``person``) for further insights.
- ``reset()``: drop every event and person mapping; ``close()``: release the connection.
- ``capabilities``: the backend's :class:`Capabilities` flags.

Layout: ``events(uuid, event, timestamp, distinct_id, properties)`` with naive UTC timestamps and properties
as JSON text, and ``person_distinct_ids(distinct_id, person_id, version)``, append-only: the row with the
highest version wins, and an event's person is ``COALESCE(person_id, distinct_id)``. The join is skipped
while nobody has been identified. Where the backend has transactions (capability ``person_day_rollup``),
``person_days(timestamp, event, distinct_id)`` holds each UTC day's active distinct ids per event and for any
event (``event = ''``), written in the same transaction as the batch's events; ``unique_users`` and
``weekly_active``/``monthly_active`` trends without filters or breakdown read it instead of the events.

Integer person keys (capability ``person_keys``: DuckDB): ``distinct_ids(distinct_id, key)`` gives each
distinct id, and each identified person id, a dense key from 0 (a batch's new ids get max(key) + 1 onwards, in
the batch's transaction; ``identify`` adds the new person ids in the transaction of its mapping rows), and the
events carry their id's key as ``distinct_key``. An event's ``person_key`` is the key of its person: the key
of the person id where the distinct id is identified, else ``distinct_key``; so two events have the same
person exactly when they have the same ``person_key``, and the ordered funnel reads integers instead of
fetching and hashing the person strings. A store written before the keys gets them when it is opened (one
transaction: the dictionary, the column and its values).

Idempotency: the key is ``uuid``, whatever the timestamp (an SDK that retries with a new timestamp adds
nothing). A record without one (nor a Segment ``messageId``) gets a uuid derived from md5(event, timestamp,
distinct_id, properties), so re-ingesting a source adds nothing. A batch's uuids are looked up among all the
stored events. Each batch is one INSERT, atomic where the backend has transactions; ``insert_clean`` writes
several validated batches (a server's concurrent requests) in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends import BaseBackend

from headway.analytics.engine import behaviour_api  # funnels, retention, stickiness, lifecycle, paths
from headway.analytics.engine import experiments as experiments_runner
from headway.analytics.engine import trends as trends_runner
from headway.analytics.engine.backends import (
    Capabilities,
    capabilities,
    connect,
    ingest_memory,
    registered,
    staged,
    transaction,
)
from headway.analytics.engine.cohorts import InCohort, PersonCohort, check_breakdown
from headway.analytics.engine.ingest import (
    DEFAULT_BATCH_SIZE,
    BatchValidator,
    count_rows,
    estimated_total,
    interrupt_watch,
    iter_batches,
    write_rejects,
)
from headway.analytics.engine.readonly_sql import read_only_query
from headway.analytics.engine.sufficient import ExperimentData
from headway.analytics.engine.timebuckets import zone
from headway.analytics.engine.types import (
    DateLike,
    EventSeries,
    Filter,
    IngestReport,
    Math,
    StoreStats,
    TrendsResult,
)
from headway.core.errors import ValidationError

EVENTS = "events"
PERSONS = "person_distinct_ids"
EVENTS_SCHEMA = ibis.schema(
    {
        "uuid": "string",
        "event": "string",
        "timestamp": "timestamp(6)",
        "distinct_id": "string",
        "properties": "string",
    }
)
PERSONS_SCHEMA = ibis.schema({"distinct_id": "string", "person_id": "string", "version": "int64"})
#: the dense integer key of each distinct id and identified person id (capability ``person_keys``)
DISTINCT_IDS = "distinct_ids"
DISTINCT_IDS_SCHEMA = ibis.schema({"distinct_id": "string", "key": "int64"})
DISTINCT_KEY = "distinct_key"  # the events' column holding their distinct id's key
KEYED_EVENTS_SCHEMA = ibis.schema({**EVENTS_SCHEMA, DISTINCT_KEY: "int64"})
#: how a store written before the keys gets them (one transaction with the dictionary's rows)
ADD_KEYS_SQL = (
    f"ALTER TABLE {EVENTS} ADD COLUMN {DISTINCT_KEY} BIGINT",
    f"UPDATE {EVENTS} SET {DISTINCT_KEY} = d.key FROM {DISTINCT_IDS} AS d WHERE d.distinct_id = {EVENTS}.distinct_id",
)
#: one row per (UTC day, event, distinct id) with at least one event, and per (day, ANY_EVENT, distinct id)
PERSON_DAYS = "person_days"
PERSON_DAYS_SCHEMA = ibis.schema({"timestamp": "timestamp(6)", "event": "string", "distinct_id": "string"})
ANY_EVENT = ""  # event names are never empty
#: the batch insert as SQL (capability ``script_insert``), on a registered Arrow table ``incoming`` (the clean
#: columns and ``row``): what the Ibis path does, statement by statement, inside one transaction
INSERT_SCRIPT = (
    f"CREATE TEMP TABLE fresh AS SELECT * FROM incoming ANTI JOIN {EVENTS} USING (uuid)",
    f"""INSERT INTO {PERSON_DAYS} SELECT * FROM (
        SELECT date_trunc('day', timestamp)::TIMESTAMP AS timestamp, event, distinct_id FROM fresh
        UNION SELECT date_trunc('day', timestamp)::TIMESTAMP, '{ANY_EVENT}', distinct_id FROM fresh) AS new
        ANTI JOIN (SELECT * FROM {PERSON_DAYS} WHERE timestamp
                   BETWEEN (SELECT date_trunc('day', min(timestamp)) FROM fresh) AND (SELECT max(timestamp) FROM fresh))
            AS known USING (timestamp, event, distinct_id)""",
    f"""INSERT INTO {DISTINCT_IDS}
        SELECT distinct_id, (SELECT coalesce(max(key), -1) FROM {DISTINCT_IDS})
                            + row_number() OVER (ORDER BY distinct_id) AS key
        FROM (SELECT DISTINCT distinct_id FROM fresh) AS ids ANTI JOIN {DISTINCT_IDS} USING (distinct_id)""",
    f"""INSERT INTO {EVENTS} (uuid, event, timestamp, distinct_id, properties, {DISTINCT_KEY})
        SELECT f.uuid, f.event, f.timestamp, f.distinct_id, f.properties, d.key
        FROM fresh AS f JOIN {DISTINCT_IDS} AS d USING (distinct_id) ORDER BY f.row""",
)
ProgressFn = Callable[[int, int | None], None]


class EventStore:
    """Product events stored in an Ibis backend, with ingestion, person identity and trends."""

    def __init__(self, backend: BaseBackend, *, timezone: str = "UTC") -> None:
        zone(timezone)
        self.backend = backend
        self.timezone = timezone
        self.capabilities: Capabilities = capabilities(backend)
        self._ensure_tables()

    @classmethod
    def connect(cls, url: str | None = None, *, timezone: str = "UTC") -> EventStore:
        """Open a store: None is an in-memory DuckDB, else any Ibis URL (duckdb:///f.duckdb, postgres://...,
        pyspark://)."""
        return cls(connect(url), timezone=timezone)

    # -- tables -----------------------------------------------------------------------------------------
    def _ensure_tables(self) -> None:
        existing = set(self.backend.list_tables())
        keyed = self.capabilities.person_keys
        if EVENTS not in existing:
            self.backend.create_table(EVENTS, schema=KEYED_EVENTS_SCHEMA if keyed else EVENTS_SCHEMA)
        if PERSONS not in existing:
            self.backend.create_table(PERSONS, schema=PERSONS_SCHEMA)
        if keyed and DISTINCT_IDS not in existing:
            self._add_person_keys()
        if self.capabilities.person_day_rollup and PERSON_DAYS not in existing:
            with transaction(self.backend):  # built from the events already stored (a store made before)
                self.backend.create_table(PERSON_DAYS, schema=PERSON_DAYS_SCHEMA)
                self.backend.insert(PERSON_DAYS, _person_days(self.backend.table(EVENTS)))

    def _add_person_keys(self) -> None:
        """Create the key dictionary from the ids already stored (none in a new store) and, in a store made
        before the keys, the events' ``distinct_key`` column with its values: all in one transaction."""
        events, persons = self.backend.table(EVENTS), self.backend.table(PERSONS)
        with transaction(self.backend):
            self.backend.create_table(DISTINCT_IDS, schema=DISTINCT_IDS_SCHEMA)
            ids = events.select("distinct_id").union(persons.select("distinct_id")).union(
                persons.select(distinct_id=persons.person_id))  # distinct
            self._add_ids(ids)
            if DISTINCT_KEY not in events.columns:
                for statement in ADD_KEYS_SQL:
                    self._run(statement)

    def _add_ids(self, ids: ir.Table) -> None:
        """Give the distinct ids of ``ids`` (column ``distinct_id``) that have no key yet the next keys, in
        order of the id (call it inside the transaction that stores what uses them)."""
        dictionary = self.backend.table(DISTINCT_IDS)
        top = self.rows(dictionary.aggregate(top=dictionary.key.max()))[0]["top"]
        start = -1 if top is None else int(top)
        new = ids.select("distinct_id").distinct().anti_join(dictionary, "distinct_id")
        number = ibis.row_number().over(order_by=new.distinct_id)
        self.backend.insert(DISTINCT_IDS, new.select("distinct_id", key=(number + start + 1).cast("int64")))

    def _run(self, statement: str) -> None:
        result = self.backend.raw_sql(statement)
        if hasattr(result, "close") and result is not getattr(self.backend, "con", None):
            result.close()

    def _person_keys(self) -> ir.Table:
        """Per identified distinct id with a key: ``key`` (its key), ``person_id`` and ``person_key``."""
        persons = self._current_persons()
        ids, people = self.backend.table(DISTINCT_IDS), self.backend.table(DISTINCT_IDS).view()
        joined = persons.join(ids, persons.distinct_id == ids.distinct_id).join(
            people, persons.person_id == people.distinct_id)
        return joined.select(key=ids.key, person_id=persons.person_id, person_key=people.key)

    def person_names(self) -> ir.Table | None:
        """``person_key`` -> ``person`` (the person id text) for every key, where the backend keeps integer
        person keys (None elsewhere)."""
        if not self.capabilities.person_keys:
            return None
        ids = self.backend.table(DISTINCT_IDS)
        return ids.select(person_key=ids.key, person=ids.distinct_id)

    def _current_persons(self) -> ir.Table:
        mapping = self.backend.table(PERSONS)
        latest = mapping.group_by("distinct_id").aggregate(top=mapping.version.max())
        joined = mapping.join(
            latest, [mapping.distinct_id == latest.distinct_id, mapping.version == latest.top]
        )
        return joined.select(mapping.distinct_id, mapping.person_id).distinct()

    def events_table(self, *, with_person: bool = True) -> ir.Table:
        """The events as an Ibis table; with ``person`` (the resolved person id) when asked."""
        events = self.backend.table(EVENTS)
        if not with_person:
            return events
        keyed = self.capabilities.person_keys
        if self._scalar(self.backend.table(PERSONS).count()) == 0:
            if keyed:
                return events.mutate(person=events.distinct_id, person_key=events[DISTINCT_KEY])
            return events.mutate(person=events.distinct_id)
        if keyed:  # the identified ids joined by their integer key
            keys = self._person_keys()
            joined = events.left_join(keys, events[DISTINCT_KEY] == keys.key)
            return joined.select(
                *[events[c] for c in events.columns],
                person=ibis.coalesce(keys.person_id, events.distinct_id),
                person_key=ibis.coalesce(keys.person_key, events[DISTINCT_KEY]),
            )
        persons = self._current_persons()
        joined = events.left_join(persons, events.distinct_id == persons.distinct_id)
        return joined.select(
            *[events[c] for c in events.columns], person=ibis.coalesce(persons.person_id, events.distinct_id)
        )

    def person_days(self, event: str | None) -> ir.Table | None:
        """One row per UTC day and person active that day in ``event`` (None: any event), with the columns
        ``timestamp`` (the day's midnight) and ``person``; None where the backend keeps no rollup."""
        if not self.capabilities.person_day_rollup:
            return None
        days = self.backend.table(PERSON_DAYS)
        days = days.filter(days.event == (ANY_EVENT if event is None else event))
        if self._scalar(self.backend.table(PERSONS).count()) == 0:
            return days.select("timestamp", person=days.distinct_id)
        persons = self._current_persons()
        joined = days.left_join(persons, days.distinct_id == persons.distinct_id)
        person = ibis.coalesce(persons.person_id, days.distinct_id)
        return joined.select(days.timestamp, person=person).distinct()

    # -- the QuerySource protocol of the runners --------------------------------------------------------
    def events(self, *, with_person: bool) -> ir.Table:
        """The events table (with ``person`` when asked); see :meth:`events_table`."""
        return self.events_table(with_person=with_person)

    def rows(self, expr: ir.Table) -> list[dict[str, Any]]:
        """Execute ``expr`` and return its rows as dicts."""
        rows: list[dict[str, Any]] = self.backend.to_pyarrow(expr).to_pylist()
        return rows

    def _scalar(self, expr: ir.Scalar) -> Any:
        return self.backend.execute(expr)

    # -- ingestion --------------------------------------------------------------------------------------
    def ingest(
        self,
        source: Any,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: ProgressFn | None = None,
        rejects_path: str | Path | None = None,
    ) -> IngestReport:
        """Add the events of ``source`` (list or iterable of dicts, DataFrame, Arrow table, or a .csv, .jsonl,
        .json or .parquet path), in batches of ``batch_size`` records.

        Bad rows are rejected with their 1-based row number and reason; good rows are kept. Events whose
        uuid is already stored count as duplicates and are not added again.
        """
        if batch_size < 1:
            raise ValidationError("batch_size must be at least 1")
        report = IngestReport()
        total = count_rows(source)
        done = 0
        validator = BatchValidator()
        try:
            with ingest_memory(self.backend), interrupt_watch() as interrupted:
                for batch in iter_batches(source, batch_size):
                    if interrupted():  # a Ctrl-C that something swallowed: stop after the whole batches
                        raise KeyboardInterrupt
                    checked = validator.validate(batch)
                    report.rejected.extend(checked.rejected)
                    report.duplicates += checked.duplicates_in_batch
                    added = int(self._insert_new(checked.clean).size)
                    report.ingested += added
                    report.duplicates += checked.clean.num_rows - added
                    done += batch.table.num_rows
                    if on_progress is not None:
                        on_progress(done, total if total is not None else estimated_total(done, batch))
        finally:
            validator.close()
        if rejects_path is not None:
            write_rejects(rejects_path, source, report.rejected)
        return report

    def insert_clean(self, batches: Sequence[pa.Table]) -> list[int]:
        """Store several validated batches (the clean tables of :class:`BatchValidator`) in one transaction,
        each uuid once: a uuid already stored, or in an earlier batch of the call, is not added again whatever
        its timestamp. Returns how many events of each batch were added (the rest are duplicates)."""
        parts = list(batches)
        if not parts:
            return []
        combined = pa.concat_tables([b.select(list(EVENTS_SCHEMA.names)) for b in parts])
        part = np.repeat(np.arange(len(parts), dtype=np.int32), [b.num_rows for b in parts])
        if len(parts) > 1:  # a uuid in two batches of the call: the first one's row wins
            ordered = combined.append_column("row", pa.array(np.arange(combined.num_rows, dtype=np.int64)))
            firsts = ordered.group_by("uuid", use_threads=False).aggregate([("row", "min")]).column("row_min")
            keep = np.sort(firsts.to_numpy())
            combined, part = combined.take(pa.array(keep)), part[keep]
        added = self._insert_new(combined, part)
        return [int(n) for n in np.bincount(added, minlength=len(parts))]

    def _insert_script(self, clean: pa.Table, part: np.ndarray) -> np.ndarray:
        """:meth:`_insert_new` as one SQL script on the engine's own connection (capability
        ``script_insert``): the uuid check, the person-days, the new keys and the events in one transaction."""
        con = self.backend.con
        source = clean.append_column("row", pa.array(np.arange(clean.num_rows, dtype=np.int64)))
        with registered(self.backend, "incoming", source):
            con.execute("BEGIN TRANSACTION")
            try:
                for statement in INSERT_SCRIPT:
                    con.execute(statement)
                rows = con.execute("SELECT row FROM fresh ORDER BY row").fetchnumpy()["row"]
                con.execute("DROP TABLE fresh")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        added: np.ndarray = part[np.asarray(rows, dtype=np.int64)]
        return added

    def _insert_new(self, clean: pa.Table, part: np.ndarray | None = None) -> np.ndarray:
        """Insert the rows of ``clean`` whose uuid is not stored yet (at any time), with their new person-days,
        in one transaction where the backend has them; return the ``part`` of each event added (all zeros
        without parts)."""
        if clean.num_rows == 0:
            return np.zeros(0, dtype=np.int32)
        part = np.zeros(clean.num_rows, dtype=np.int32) if part is None else part
        if self.capabilities.script_insert and self.capabilities.person_keys and self.capabilities.person_day_rollup:
            return self._insert_script(clean, part)
        bounds = pc.min_max(clean.column("timestamp"))
        lo, hi = bounds["min"].as_py(), bounds["max"].as_py()
        stored = self.backend.table(EVENTS).select("uuid")  # idempotent by uuid alone, not by uuid and time
        source = clean.append_column("row", pa.array(np.arange(clean.num_rows, dtype=np.int64)))
        with staged(self.backend, source) as incoming:
            fresh_rows = self.backend.to_pyarrow(
                incoming.filter(incoming.uuid.notin(stored.uuid)).select("row").order_by("row"))
        keep = fresh_rows.column("row").to_numpy()
        if not keep.size:
            return np.zeros(0, dtype=np.int32)
        fresh = clean.take(pa.array(keep))
        keyed = self.capabilities.person_keys
        if keyed:  # the row number keeps the source's order through the key lookup
            fresh = fresh.append_column("row", pa.array(np.arange(fresh.num_rows, dtype=np.int64)))
        with staged(self.backend, fresh) as new_events:
            new_days = None
            if self.capabilities.person_day_rollup:
                days = self.backend.table(PERSON_DAYS)
                known = days.filter(days.timestamp >= lo.replace(hour=0, minute=0, second=0, microsecond=0),
                                    days.timestamp <= hi)
                new_days = _person_days(new_events).anti_join(known, list(PERSON_DAYS_SCHEMA.names))
            with transaction(self.backend):
                if new_days is not None:  # before the events: it reads the stored person-days only
                    self.backend.insert(PERSON_DAYS, new_days)
                if keyed:
                    self._add_ids(new_events)
                    ids = self.backend.table(DISTINCT_IDS)
                    lookup = new_events.join(ids, new_events.distinct_id == ids.distinct_id)
                    columns = [new_events[c] for c in EVENTS_SCHEMA.names]
                    self.backend.insert(EVENTS, lookup.order_by(new_events.row).select(
                        *columns, **{DISTINCT_KEY: ids.key}))
                else:
                    self.backend.insert(EVENTS, new_events)
        added: np.ndarray = part[keep]
        return added

    # -- persons ----------------------------------------------------------------------------------------
    def identify(self, distinct_id: str, person_id: str) -> None:
        """Make ``distinct_id``'s events, past and future, belong to ``person_id``.

        Persons merge: the distinct ids that belonged to ``distinct_id``'s person move too, and a
        ``person_id`` that is itself an identified distinct id resolves to its person.
        """
        self.identify_many([(distinct_id, person_id)])

    def identify_many(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Apply :meth:`identify` to each ``(distinct_id, person_id)`` in order, writing once."""
        pairs = list(pairs)
        for distinct_id, person_id in pairs:
            for name, value in (("distinct_id", distinct_id), ("person_id", person_id)):
                if not isinstance(value, str) or not value.strip():
                    raise ValidationError(f"identify needs a non-empty {name}, got {value!r}")
        if not pairs:
            return
        current = {str(r["distinct_id"]): str(r["person_id"]) for r in self.rows(self._current_persons())}
        members: dict[str, set[str]] = {}
        for did, person in current.items():
            members.setdefault(person, set()).add(did)
        changed: dict[str, str] = {}
        for distinct_id, person_id in pairs:
            target = current.get(person_id, person_id)
            old = current.get(distinct_id, distinct_id)
            moving = {distinct_id} | members.pop(old, set())
            if old == target:
                moving |= members.get(target, set())
            for did in moving:
                current[did] = target
                changed[did] = target
            members.setdefault(target, set()).update(moving)
        mapping = self.backend.table(PERSONS)
        # through Arrow: an empty max is None there (Spark's pandas path makes it NaN)
        version = int(self.rows(mapping.aggregate(top=mapping.version.max()))[0]["top"] or 0) + 1
        rows = pa.table(
            {
                "distinct_id": pa.array(list(changed), pa.string()),
                "person_id": pa.array(list(changed.values()), pa.string()),
                "version": pa.array([version] * len(changed), pa.int64()),
            }
        )
        if not self.capabilities.person_keys:
            self.backend.insert(PERSONS, rows)
            return
        with staged(self.backend, rows) as new_rows, transaction(self.backend):
            self.backend.insert(PERSONS, new_rows)
            self._add_ids(new_rows.select(distinct_id=new_rows.person_id))  # the persons' keys

    # -- insights ---------------------------------------------------------------------------------------
    def trends(
        self,
        event: str | Sequence[str | EventSeries] | None,
        *,
        math: Math = "total",
        math_property: str | None = None,
        interval: str = "day",
        date_from: DateLike,
        date_to: DateLike,
        where: Iterable[Filter | InCohort] = (),
        breakdown: str | Sequence[PersonCohort] | None = None,
        breakdown_limit: int = 25,
        cumulative: bool = False,
        week_start: str = "monday",
        formula: str | None = None,
        compare: bool = False,
    ) -> TrendsResult:
        """A trend of ``event`` (None: all events) per ``interval`` from ``date_from`` to ``date_to``.

        ``event`` may also be a list of event names or :class:`EventSeries` (series A, B, ...), combined by
        ``formula`` such as ``"A / B"``; ``math``, ``math_property`` and ``where`` apply to plain names.
        ``compare`` adds the previous period of the same length (series with ``compare="previous"``).
        ``where`` may hold ``InCohort(cohort)``; ``breakdown`` is a property or a list of cohorts (a series
        per cohort, a person in their first cohort of the list, and "(none)" for persons in none).
        """
        filters = tuple(where)
        if event is None or isinstance(event, str):
            items: list[str | EventSeries | None] = [event]
        else:
            items = list(event)
        series = tuple(
            item if isinstance(item, EventSeries) else EventSeries(item, math, math_property, filters)
            for item in items
        )
        query = trends_runner.TrendsQuery(
            series=series,
            date_from=date_from,
            date_to=date_to,
            interval=interval,
            breakdown=breakdown if isinstance(breakdown, str | None) else check_breakdown(breakdown),
            breakdown_limit=breakdown_limit,
            cumulative=cumulative,
            week_start=week_start,
            formula=formula,
            compare=compare,
        )
        return trends_runner.run(self, query)

    def experiment(
        self,
        *,
        exposure_event: str = "$exposure",
        variant_property: str = "variant",
        metric_event: str,
        math: str = "total",
        metric_property: str | None = None,
        date_from: DateLike,
        date_to: DateLike,
        pre_period_days: int = 7,
        where: Iterable[Filter | InCohort] = (),
    ) -> ExperimentData:
        """An experiment's arms from exposure events (see :mod:`engine.experiments`).

        ``math``: ``"total"`` (metric events per exposed person), ``"conversion"`` (persons with at least one),
        ``"sum"`` (of ``metric_property``); ``where`` filters the exposure events (PostHog's ``$feature_flag``).
        """
        query = experiments_runner.build(
            exposure_event=exposure_event, variant_property=variant_property, metric_event=metric_event,
            math=math, metric_property=metric_property, date_from=date_from, date_to=date_to,
            pre_period_days=pre_period_days, where=where,
        )
        return experiments_runner.run(self, query)

    # -- behavioural insights (thin: see engine/behaviour_api.py and the runners it calls) --------------
    funnel = behaviour_api.funnel
    retention = behaviour_api.retention
    stickiness = behaviour_api.stickiness
    lifecycle = behaviour_api.lifecycle
    paths = behaviour_api.paths
    cohort_persons = behaviour_api.cohort_persons

    # -- inspection and housekeeping --------------------------------------------------------------------
    def stats(self) -> StoreStats:
        """Counts per event name, the first and last timestamp, distinct ids and persons."""
        events = self.events_table(with_person=True)
        summary = self.rows(
            events.aggregate(
                events=events.count(),
                first=events.timestamp.min(),
                last=events.timestamp.max(),
                distinct_ids=events.distinct_id.nunique(),
                persons=events.person.nunique(),
            )
        )[0]
        by_event = self.rows(events.group_by("event").aggregate(n=events.count()).order_by(ibis.desc("n")))
        return StoreStats(
            events=int(summary["events"] or 0),
            by_event={str(r["event"]): int(r["n"]) for r in by_event},
            first=_as_datetime(summary["first"]),
            last=_as_datetime(summary["last"]),
            distinct_ids=int(summary["distinct_ids"] or 0),
            persons=int(summary["persons"] or 0),
        )

    def event_names(self) -> list[str]:
        """The stored event names, most frequent first (one grouping by name: none of :meth:`stats`'s distinct
        counts)."""
        events = self.backend.table(EVENTS)
        counts = events.group_by("event").aggregate(n=events.count())
        return [str(r["event"]) for r in self.rows(counts.order_by(ibis.desc("n"), "event"))]

    def property_names(self, event: str | None = None, *, limit: int = 1000) -> list[str]:
        """Property keys seen in the latest ``limit`` events (of ``event`` when given), sorted."""
        events = self.backend.table(EVENTS)
        if event is not None:
            events = events.filter(events.event == event)
        recent = events.order_by(ibis.desc("timestamp")).limit(limit).select("properties")
        import json

        keys: set[str] = set()
        for row in self.rows(recent):
            keys.update(json.loads(row["properties"] or "{}"))
        return sorted(keys)

    def sql(self, query: str) -> pa.Table:
        """Run one read-only SELECT against the store (tables ``events``, ``person_distinct_ids`` and, with
        integer person keys, ``distinct_ids``): anything else is refused before it runs (see
        :mod:`headway.analytics.engine.readonly_sql`)."""
        tables = [EVENTS, PERSONS, DISTINCT_IDS, PERSON_DAYS]
        return read_only_query(self.backend, query, tables)

    def reset(self) -> None:
        """Drop every event and person mapping (the tables are recreated empty)."""
        for name in (EVENTS, PERSONS, PERSON_DAYS, DISTINCT_IDS):
            # plain SQL: Ibis 12's drop_table renders without the table name under sqlglot 30
            result = self.backend.raw_sql(f"DROP TABLE IF EXISTS {name}")
            if hasattr(result, "close") and result is not getattr(self.backend, "con", None):
                result.close()
        self._ensure_tables()

    def close(self) -> None:
        """Release the backend connection."""
        self.backend.disconnect()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _person_days(events: ir.Table) -> ir.Table:
    """The distinct (UTC day, event, distinct id) of ``events``, and (day, ANY_EVENT, distinct id)."""
    day = events.timestamp.truncate("D").cast("timestamp(6)")
    per_event = events.select(timestamp=day, event=events.event, distinct_id=events.distinct_id)
    any_event = events.select(timestamp=day, event=ibis.literal(ANY_EVENT), distinct_id=events.distinct_id)
    return per_event.union(any_event, distinct=True)


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    moment: datetime = value.to_pydatetime()
    return moment
