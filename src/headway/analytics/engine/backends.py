"""Connecting to an Ibis backend by URL, and what each backend can and cannot do (capability flags).

Backend differences live here, with their reason, never as ``if backend ==`` branches elsewhere.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
from ibis.backends import BaseBackend

from headway.analytics.engine import (
    duckdb_compat,  # noqa: F401 - makes Ibis 12 work on DuckDB 2
    spark_compat,  # noqa: F401 - JSON properties on Ibis 12's PySpark
)
from headway.core.errors import ConfigurationError


@dataclass(frozen=True)
class Capabilities:
    """What a backend guarantees; each ``False`` comes with the reason in ``reasons``."""

    name: str
    atomic_batches: bool = True
    persistent_in_memory: bool = True
    #: a per-day person rollup kept with the events (needs each batch written in one transaction)
    person_day_rollup: bool = True
    #: the backend runs inside this process, so a query's rows come back as Arrow arrays without a network or
    #: a serialisation step: ordered funnels then fetch the step events once and walk them in NumPy
    local_arrays: bool = True
    #: a ``bit_or`` aggregate (retention ORs each person's period bits instead of summing distinct ones)
    bit_or: bool = True
    #: each distinct id (and identified person id) has a dense integer key, stored with its events and
    #: assigned in the batch's transaction: the NumPy funnel reads persons as integers (no strings to fetch
    #: and hash); needs ``local_arrays`` (nobody else reads the keys) and a transaction per batch
    person_keys: bool = True
    #: ``sql()`` runs on a read-only path (a read-only transaction): elsewhere the query check is the only guard
    read_only_sql: bool = True
    #: a batch of events is written by one SQL script on the engine's own connection (DuckDB: an Arrow table
    #: registered as ``incoming``), without building Ibis expressions per batch: what a server's many small
    #: batches need; elsewhere the same steps run as Ibis expressions (same rows, slower per batch)
    script_insert: bool = True
    reasons: tuple[tuple[str, str], ...] = ()

    def reason(self, flag: str) -> str:
        """Why ``flag`` is not supported here (empty when it is)."""
        return dict(self.reasons).get(flag, "")


NO_ROLLUP = (
    "person_day_rollup",
    "Headway writes a batch here with several statements and no shared transaction, so a derived table "
    "could drift from the events; trends read the raw events instead (same numbers, slower)",
)
REMOTE = (
    "local_arrays",
    "the rows live in a server or a cluster: fetching every step event would cost more than the funnel "
    "query that runs there (same numbers either way)",
)
NO_SCRIPT = ("script_insert", "batches are written through Ibis expressions (the script is DuckDB SQL)")
NO_KEYS = (
    "person_keys",
    "only the NumPy funnel of an in-process backend reads integer person keys; here the events keep the "
    "schema without them (persons are joined as text, same numbers)",
)
CAPABILITIES: dict[str, Capabilities] = {
    "duckdb": Capabilities("duckdb"),
    "postgres": Capabilities("postgres", person_day_rollup=False, local_arrays=False, person_keys=False,
                             script_insert=False, reasons=(NO_ROLLUP, REMOTE, NO_KEYS, NO_SCRIPT)),
    "pyspark": Capabilities(
        "pyspark",
        atomic_batches=False,
        person_day_rollup=False,
        local_arrays=False,
        bit_or=False,
        person_keys=False,
        read_only_sql=False,
        script_insert=False,
        reasons=(
            NO_SCRIPT,
            ("read_only_sql", "Spark SQL has no read-only transaction: `events sql` relies on its query check "
                              "(one SELECT over the store's tables, no table functions or file paths)"),
            (
                "atomic_batches",
                "Spark writes a batch as files without a transaction: a killed ingest can leave part of "
                "the unfinished batch; re-running the ingest completes it without duplicates (uuid check)",
            ),
            NO_ROLLUP,
            REMOTE,
            ("bit_or", "Ibis 12's PySpark compiler has no bit_or aggregate: retention sums distinct period bits"),
            NO_KEYS,
        ),
    ),
}

#: how to open, commit and roll back one transaction (backends with a person-day rollup need it)
TRANSACTION_SQL: dict[str, tuple[str, str, str]] = {"duckdb": ("BEGIN TRANSACTION", "COMMIT", "ROLLBACK")}


#: statements run on each new connection: no progress bars on stderr from an embedded engine
SESSION_SETTINGS: dict[str, tuple[str, ...]] = {"duckdb": ("SET enable_progress_bar = false",)}

#: the environment variable that caps an embedded engine's memory (DuckDB's memory_limit)
MEMORY_LIMIT_VARIABLE = "HEADWAY_EVENTS_MEMORY_LIMIT"
#: the cap while ingesting when the variable is not set: a batch needs far less, and without a cap DuckDB
#: keeps up to 80% of the RAM of the store's pages cached as the store grows
INGEST_MEMORY_LIMIT = "512MB"


def query_memory_limit() -> str:
    """The cap for queries on a store file when the variable is not set: 1 GB per core, at least 2 GB (DuckDB
    spills larger operators to disk). Without it DuckDB keeps up to 80% of the RAM of the store's pages cached:
    measured 6.9 GB resident after a 100M-event weekly-active query on a 2-core machine."""
    return f"{max(2, os.cpu_count() or 1)}GB"


#: how to set an engine's memory cap
MEMORY_LIMIT_SQL: dict[str, str] = {"duckdb": "SET memory_limit = '{}'"}
#: whether the store is a file: an in-memory store's tables are its memory, so capping it would only fail
STORE_IN_FILE_SQL: dict[str, str] = {
    "duckdb": "SELECT path IS NOT NULL FROM duckdb_databases() WHERE database_name = current_database()",
}
#: run before the cap is lifted: DuckDB writes what the ingest left in its log into the store file now, under
#: the cap, instead of when the connection closes without it (measured: +300 MB at 12M events)
INGEST_FLUSH_SQL: dict[str, str] = {"duckdb": "CHECKPOINT"}
_AMOUNT = re.compile(r"\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*", re.IGNORECASE)


def memory_limit_setting(environ: dict[str, str] | None = None) -> str | None:
    """The value of HEADWAY_EVENTS_MEMORY_LIMIT (such as ``2GB``), or None when it is not set."""
    raw = (os.environ if environ is None else environ).get(MEMORY_LIMIT_VARIABLE, "").strip()
    if not raw:
        return None
    if not _AMOUNT.fullmatch(raw):
        raise ConfigurationError(
            f"{MEMORY_LIMIT_VARIABLE}={raw!r} is not an amount of memory: use a number and a unit, such as "
            "1GB or 512MB."
        )
    return raw


@contextmanager
def ingest_memory(backend: BaseBackend) -> Iterator[None]:
    """Cap the engine's memory for the block: HEADWAY_EVENTS_MEMORY_LIMIT, else :data:`INGEST_MEMORY_LIMIT`;
    the query cap comes back afterwards (engines without such a setting, and stores held in memory, are left
    alone)."""
    cap = MEMORY_LIMIT_SQL.get(backend.name)
    if cap is None or not _store_in_file(backend):
        yield
        return
    configured = memory_limit_setting()
    _run(backend, cap.format(configured or INGEST_MEMORY_LIMIT))
    try:
        yield
        if flush := INGEST_FLUSH_SQL.get(backend.name):
            _run(backend, flush)
    finally:
        _run(backend, cap.format(configured or query_memory_limit()))


def capabilities(backend: BaseBackend) -> Capabilities:
    """The capability flags of ``backend`` (permissive defaults for backends not tested here, without the
    rollup, which needs a known transaction syntax, and without the DuckDB-only fast paths)."""
    return CAPABILITIES.get(backend.name, Capabilities(
        backend.name, person_day_rollup=False, local_arrays=False, bit_or=False, person_keys=False,
        read_only_sql=False, script_insert=False,
        reasons=(NO_ROLLUP, REMOTE, ("bit_or", "not known to have a bit_or aggregate"), NO_KEYS, NO_SCRIPT,
                 ("read_only_sql", "no known read-only transaction: `events sql` relies on its query check")),
    ))


@contextmanager
def transaction(backend: BaseBackend) -> Iterator[None]:
    """One transaction around the statements of the block where the backend has one (else none): rolled
    back on any exception, Ctrl-C included."""
    statements = TRANSACTION_SQL.get(backend.name)
    if statements is None:
        yield
        return
    begin, commit, rollback = statements
    _run(backend, begin)
    try:
        yield
    except BaseException:
        _run(backend, rollback)
        raise
    _run(backend, commit)


#: the errors an engine raises when Ctrl-C interrupts its query (never swallowed, even where other errors are)
INTERRUPTED: tuple[type[BaseException], ...] = (duckdb.InterruptException, KeyboardInterrupt)
#: how to forget an Arrow table registered for a memtable; elsewhere Ibis's own finalizer (a temp table drop)
RELEASE_MEMTABLE: dict[str, Callable[[BaseBackend, str], None]] = {
    "duckdb": lambda backend, name: backend.con.unregister(name),
}


@contextmanager
def staged(backend: BaseBackend, table: pa.Table) -> Iterator[ir.Table]:
    """``table`` as an Ibis memtable that ``backend`` forgets when the block ends.

    Ibis keeps every memtable it has executed registered (DuckDB: a view holding the Arrow data) until the
    process exits, so an ingest that made one per batch grew by the batch's size every batch.
    """
    memtable = ibis.memtable(table)
    try:
        yield memtable
    finally:
        _release(backend, memtable)


@contextmanager
def registered(backend: BaseBackend, name: str, table: pa.Table) -> Iterator[None]:
    """``table`` registered under ``name`` on the engine's own connection for the block (capability
    ``script_insert``); released as a memtable is (a Ctrl-C seen by the engine meanwhile still stops the caller)."""
    backend.con.register(name, table)
    try:
        yield
    finally:
        _forget(backend, name)


def _forget(backend: BaseBackend, name: str) -> None:
    release = RELEASE_MEMTABLE.get(backend.name)
    try:
        if release is not None:
            release(backend, name)
        elif (finalizer := backend._make_memtable_finalizer(name)) is not None:
            finalizer()
    except INTERRUPTED:  # Ctrl-C that reached the engine during the release: the caller must stop
        raise
    except Exception:  # noqa: S110 - best effort: a failed release costs memory, never the ingest
        pass


def _release(backend: BaseBackend, memtable: ir.Table) -> None:
    op = memtable.op()
    registered = getattr(backend, "_memtables", None)
    if registered is None or op not in registered:
        return
    registered.discard(op)
    _forget(backend, op.name)


def arrow_batches(rows: ir.Table, size: int = 1_000_000) -> Generator[pa.RecordBatch, None, None]:
    """The rows of ``rows`` as Arrow batches of at most ``size`` rows, while the query runs (close the generator
    to end it early). DuckDB streams them from a relation (Ibis's reader reads them from a cursor that holds
    the whole result first: 2 GB against 1 GB measured for a 100M-event funnel)."""
    backend = ibis.get_backend(rows)
    relation = getattr(backend, "_to_duckdb_relation", None)
    if relation is None:
        yield from rows.to_pyarrow_batches(chunk_size=size)
        return
    streamed = relation(rows)
    reader = getattr(streamed, "to_arrow_reader", None) or streamed.fetch_arrow_reader  # older DuckDB: fetch_
    yield from reader(size)


def _store_in_file(backend: BaseBackend) -> bool:
    query = STORE_IN_FILE_SQL.get(backend.name)
    if query is None:
        return False
    result = backend.raw_sql(query)
    rows = result.fetchall()
    if hasattr(result, "close") and result is not getattr(backend, "con", None):
        result.close()
    return bool(rows and rows[0][0])


def _run(backend: BaseBackend, statement: str) -> None:
    result = backend.raw_sql(statement)
    if hasattr(result, "close") and result is not getattr(backend, "con", None):
        result.close()


def connect(url: str | None) -> BaseBackend:
    """An Ibis backend for ``url``: None is an in-memory DuckDB; ``duckdb:///path``, ``postgres://...``,
    ``pyspark://`` (a local Spark session) or any other Ibis connection URL."""
    try:
        if url is None or url in ("duckdb://", "duckdb:///:memory:"):
            url = "duckdb://"
        if url.startswith("pyspark://"):
            return _local_spark()
        if url.startswith("postgresql://"):
            url = "postgres://" + url.removeprefix("postgresql://")
        limit = memory_limit_setting()
        backend: BaseBackend = ibis.connect(url)
        for statement in SESSION_SETTINGS.get(backend.name, ()):
            backend.raw_sql(statement)
        if backend.name in MEMORY_LIMIT_SQL and (limit is not None or _store_in_file(backend)):
            _run(backend, MEMORY_LIMIT_SQL[backend.name].format(limit or query_memory_limit()))
        return backend
    except ConfigurationError:
        raise
    except ImportError as exc:
        raise ConfigurationError(
            f"the backend for {url} is not installed ({exc.name}): pip install 'headway[postgres]' or "
            "'headway[spark]'"
        ) from exc
    except Exception as exc:  # third-party connection errors, mapped at the boundary
        raise ConfigurationError(f"cannot connect to the event store {url}: {exc}; check the URL") from exc


def _local_spark() -> BaseBackend:
    from pyspark.sql import SparkSession

    # Spark's Python workers must be this interpreter: Ibis's JSON and UDF paths need its pyarrow
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    warehouse = os.environ.get("HEADWAY_SPARK_WAREHOUSE") or tempfile.mkdtemp(prefix="headway-spark-")
    builder: Any = SparkSession.builder
    session = (
        builder.master("local[2]")
        .appName("headway")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )
    backend: BaseBackend = ibis.pyspark.connect(session)
    return backend
