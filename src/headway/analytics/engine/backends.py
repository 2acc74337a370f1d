"""Connecting to an Ibis backend by URL, and what each backend can and cannot do (capability flags).

Backend differences live here, with their reason, never as ``if backend ==`` branches elsewhere.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import ibis
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
    reasons: tuple[tuple[str, str], ...] = ()

    def reason(self, flag: str) -> str:
        """Why ``flag`` is not supported here (empty when it is)."""
        return dict(self.reasons).get(flag, "")


NO_ROLLUP = (
    "person_day_rollup",
    "Headway writes a batch here with several statements and no shared transaction, so a derived table "
    "could drift from the events; trends read the raw events instead (same numbers, slower)",
)
CAPABILITIES: dict[str, Capabilities] = {
    "duckdb": Capabilities("duckdb"),
    "postgres": Capabilities("postgres", person_day_rollup=False, reasons=(NO_ROLLUP,)),
    "pyspark": Capabilities(
        "pyspark",
        atomic_batches=False,
        person_day_rollup=False,
        reasons=(
            (
                "atomic_batches",
                "Spark writes a batch as files without a transaction: a killed ingest can leave part of "
                "the unfinished batch; re-running the ingest completes it without duplicates (uuid check)",
            ),
            NO_ROLLUP,
        ),
    ),
}

#: how to open, commit and roll back one transaction (backends with a person-day rollup need it)
TRANSACTION_SQL: dict[str, tuple[str, str, str]] = {"duckdb": ("BEGIN TRANSACTION", "COMMIT", "ROLLBACK")}


#: statements run on each new connection: no progress bars on stderr from an embedded engine
SESSION_SETTINGS: dict[str, tuple[str, ...]] = {"duckdb": ("SET enable_progress_bar = false",)}


def capabilities(backend: BaseBackend) -> Capabilities:
    """The capability flags of ``backend`` (permissive defaults for backends not tested here, without the
    rollup, which needs a known transaction syntax)."""
    return CAPABILITIES.get(backend.name, Capabilities(backend.name, person_day_rollup=False,
                                                       reasons=(NO_ROLLUP,)))


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
        backend: BaseBackend = ibis.connect(url)
        for statement in SESSION_SETTINGS.get(backend.name, ()):
            backend.raw_sql(statement)
        return backend
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
