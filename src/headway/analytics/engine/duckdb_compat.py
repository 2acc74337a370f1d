"""Compatibility of Ibis 12 with DuckDB 2 and sqlglot 30 (installed when the engine is imported).

DuckDB: restore the two cursor methods Ibis calls, under their DuckDB 2 names.

DuckDB 2 renamed ``fetch_arrow_table`` to ``to_arrow_table`` and ``fetch_record_batch`` to
``to_arrow_reader``; Ibis 12's DuckDB backend still calls the old names. Installing the aliases is idempotent
and does nothing on DuckDB 1.x, where the old names exist.
"""

from __future__ import annotations

import warnings
from typing import Any

import duckdb

_COPY_WARNING = "Arrow output on a DB-API result makes an extra copy"


def install() -> None:
    """Alias the old DuckDB cursor methods when they are missing."""
    connection: Any = duckdb.DuckDBPyConnection
    warnings.filterwarnings("ignore", message=_COPY_WARNING, category=UserWarning)
    if not hasattr(connection, "fetch_arrow_table"):
        connection.fetch_arrow_table = connection.to_arrow_table
    if not hasattr(connection, "fetch_record_batch"):

        def fetch_record_batch(self: Any, rows_per_batch: int = 1_000_000) -> Any:
            return self.to_arrow_reader(rows_per_batch)

        connection.fetch_record_batch = fetch_record_batch


install()


def install_postgres_json_fix() -> None:
    """Ibis 12 + sqlglot 30 render PostgreSQL's ``json_extract_path_text(x, VARIADIC ARRAY[]::TEXT[])`` as the
    invalid ``x ->> VARIADIC ...``; emit the function call verbatim instead (same SQL Ibis meant)."""
    try:
        import sqlglot.expressions as sge
        from ibis.backends.sql.compilers.postgres import PostgresCompiler
    except ImportError:  # the postgres extra is not installed
        return
    compiler: Any = PostgresCompiler

    def json_extract_path_text(self: Any, op: Any, arg: Any, *rest: Any) -> Any:
        name = "jsonb_extract_path_text" if op.arg.dtype.binary else "json_extract_path_text"
        return sge.Anonymous(this=name, expressions=[arg, *rest, sge.Var(this="VARIADIC ARRAY[]::TEXT[]")])

    compiler.json_extract_path_text = json_extract_path_text


install_postgres_json_fix()
