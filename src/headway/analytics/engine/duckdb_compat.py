"""Ibis 12 on DuckDB 2: restore the two cursor methods Ibis calls, under their DuckDB 2 names.

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
