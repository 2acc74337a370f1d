"""Read-only SQL over the events store (``headway events sql``, ``services.run_sql``, ``EventStore.sql``).

A query is checked before anything runs, with the backend's own parser where it has one:

- exactly one statement, and it is a SELECT (no DROP after a ``;``, no COPY, ATTACH, INSTALL/LOAD, PRAGMA, SET);
- it reads only the store's tables (``events``, ``person_distinct_ids``, ``distinct_ids``, ``person_days``) and
  the common table expressions it defines: no file paths (``FROM '/etc/passwd'``), no other schema or catalog;
- no table functions (``read_csv``, ``read_text``, ``glob``, ``query``, ...);
- only the engine's built-in functions without side effects (DuckDB: the core, JSON and ICU functions a fresh
  database has; a function an extension adds at run time, ``current_setting``, ``nextval``, ``write_log`` or
  ``sleep_ms`` are refused).

It then runs where the backend allows on a read-only path: DuckDB on its own connection inside a transaction
that is always rolled back; PostgreSQL in a ``READ ONLY`` transaction, rolled back. Spark has no read-only
transaction: there the check is the guard (capability ``read_only_sql``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator
from functools import cache
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
import sqlglot.expressions as exp
from ibis.backends import BaseBackend

from headway.core.errors import ValidationError

HOW = ("`events sql` runs one read-only SELECT over the events store's tables (events, person_distinct_ids, "
       "distinct_ids, person_days)")
#: DuckDB functions that are built in but reveal or change the engine's state, or hold a thread
DUCKDB_DENIED = frozenset({
    "current_setting", "current_query", "getvariable", "write_log", "sleep_ms", "setseed", "nextval",
    "currval", "setval", "enable_profile", "disable_profile", "stats", "vector_type", "current_connection_id",
    "current_transaction_id", "current_query_id",
})
#: built-in functions with side effects that are harmless in a read-only query (random values)
DUCKDB_HARMLESS_SIDE_EFFECTS = frozenset({"random", "uuid", "gen_random_uuid", "uuidv4", "uuidv7", "error"})
#: the extensions a fresh DuckDB has linked in whose functions a query may use (None: DuckDB itself)
DUCKDB_BUILT_IN = ("core_functions", "json", "icu")
#: table reference kinds a query may not use (the rest are tables, joins, subqueries, VALUES, PIVOT)
DUCKDB_DENIED_REFS = frozenset({"TABLE_FUNCTION", "SHOW_REF", "COLUMN_DATA", "DELIM_GET", "BOUND_TABLE_REF"})
#: a name a query may give its common table expressions (no dots or slashes: never a file)
CTE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: PostgreSQL/Spark functions that read files, run other SQL, sleep or change settings
GENERIC_DENIED_PREFIXES = ("pg_", "lo_", "dblink", "query_to_", "table_to_", "cursor_to_", "schema_to_",
                           "database_to_", "read_", "input_file", "reflect", "java_method", "set_config",
                           "current_setting", "txid_", "inet_", "version")


def refuse(what: str) -> ValidationError:
    """The error for a query that is not one read-only SELECT over the store's tables."""
    return ValidationError(f"{HOW}: {what}; rewrite the query.")


# -- DuckDB ---------------------------------------------------------------------------------------------------
@cache
def duckdb_functions() -> frozenset[str]:
    """The functions a query may call: those of a fresh DuckDB (core, JSON, ICU) without side effects."""
    con = duckdb.connect(":memory:", config={"autoload_known_extensions": False,
                                             "autoinstall_known_extensions": False})
    try:
        rows = con.execute(
            "SELECT DISTINCT function_name, has_side_effects FROM duckdb_functions() "
            "WHERE function_type IN ('scalar', 'aggregate', 'window', 'macro') "
            "AND (extension_name IS NULL OR extension_name IN (?, ?, ?))", list(DUCKDB_BUILT_IN)).fetchall()
    finally:
        con.close()
    return frozenset(str(name).lower() for name, side_effects in rows
                     if (not side_effects or name in DUCKDB_HARMLESS_SIDE_EFFECTS) and name not in DUCKDB_DENIED)


def check_duckdb(con: duckdb.DuckDBPyConnection, query: str, tables: Collection[str]) -> None:
    """Refuse ``query`` unless it is one SELECT over ``tables`` with built-in functions only (DuckDB's parser)."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise ValidationError(f"the SQL query failed: {str(exc).splitlines()[0]}; check it") from exc
    if len(statements) != 1:
        raise refuse(f"it holds {len(statements)} statements; give exactly one")
    kind = statements[0].type.name
    if kind != "SELECT":
        raise refuse(f"it is a {kind} statement, not a SELECT")
    raw = con.execute("SELECT json_serialize_sql(?)", [statements[0].query]).fetchone()
    tree = json.loads(str(raw[0])) if raw else {"error": True}
    if tree.get("error"):
        raise refuse(f"this kind of SELECT cannot be checked ({tree.get('error_message', 'unknown')})")
    allowed = {t.lower() for t in tables}
    for problem in _duckdb_problems(tree["statements"], frozenset(), allowed, duckdb_functions()):
        raise refuse(problem)


def _duckdb_problems(node: Any, ctes: frozenset[str], tables: set[str], functions: frozenset[str]) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _duckdb_problems(item, ctes, tables, functions)
        return
    if not isinstance(node, dict):
        return
    defined = [str(entry.get("key", "")) for entry in (node.get("cte_map") or {}).get("map", [])]
    for name in defined:
        if not CTE_NAME.fullmatch(name):
            yield f"the common table expression name {name!r} is not a plain name"
    ctes = ctes | {name.lower() for name in defined}
    kind = node.get("type")
    if kind in DUCKDB_DENIED_REFS:
        called = (node.get("function") or {}).get("function_name", "")
        yield f"it calls the table function {called}()" if called else f"it reads a {kind} reference"
        return
    if kind == "BASE_TABLE":
        name = str(node.get("table_name", ""))
        if node.get("schema_name") or node.get("catalog_name"):
            yield f"it names another schema or catalog ({node.get('catalog_name') or node.get('schema_name')})"
        elif name.lower() not in tables and name.lower() not in ctes:
            yield f"it reads {name!r}, which is not one of the store's tables"
    if "function_name" in node:
        name = str(node["function_name"]).lower()
        if node.get("schema") or node.get("catalog"):
            yield f"it calls {name}() from another schema or catalog"
        elif name not in functions:
            yield f"it calls {name}(), which is not a built-in function without side effects"
    for value in node.values():
        if isinstance(value, dict | list):
            yield from _duckdb_problems(value, ctes, tables, functions)


def run_duckdb(backend: BaseBackend, query: str, tables: Collection[str]) -> pa.Table:
    """Check ``query``, then run it on its own connection in a transaction that is always rolled back."""
    con: duckdb.DuckDBPyConnection = backend.con  # Ibis's DuckDB backend holds one
    cursor = con.cursor()
    try:
        check_duckdb(cursor, query, tables)
        cursor.execute("BEGIN TRANSACTION")
        try:
            table: pa.Table = cursor.sql(query).to_arrow_table()
        finally:
            cursor.execute("ROLLBACK")
    except duckdb.Error as exc:  # the engine's own error, mapped at the boundary
        raise ValidationError(f"the SQL query failed: {str(exc).splitlines()[0]}; check it") from exc
    finally:
        cursor.close()
    return table


# -- other backends (sqlglot) ---------------------------------------------------------------------------------
def check_generic(query: str, dialect: str, tables: Collection[str]) -> None:
    """Refuse ``query`` unless it is one SELECT over ``tables`` (parsed by sqlglot in ``dialect``)."""
    try:
        statements = [s for s in sqlglot.parse(query, read=dialect) if s is not None]
    except sqlglot.errors.ParseError as exc:
        raise ValidationError(f"the SQL query failed: {str(exc).splitlines()[0]}; check it") from exc
    if len(statements) != 1:
        raise refuse(f"it holds {len(statements)} statements; give exactly one")
    tree = statements[0]
    if not isinstance(tree, exp.Query) or tree.find(exp.Into) is not None:
        raise refuse(f"it is a {tree.key.upper()} statement, not a SELECT")
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    allowed = {t.lower() for t in tables} | ctes
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            raise refuse(f"it reads {table.sql(dialect)}, which is not one of the store's tables")
        if table.args.get("db") or table.args.get("catalog"):
            raise refuse(f"it names another schema or catalog ({table.sql(dialect)})")
        if table.name.lower() not in allowed:
            raise refuse(f"it reads {table.name!r}, which is not one of the store's tables")
    for function in tree.find_all(exp.Func):
        name = function.sql_name().lower() if not isinstance(function, exp.Anonymous) else str(function.name).lower()
        if name.startswith(GENERIC_DENIED_PREFIXES):
            raise refuse(f"it calls {name}(), which reads outside the events or changes the session")


def run_postgres(backend: BaseBackend, query: str, tables: Collection[str]) -> pa.Table:
    """Check ``query``, then run it in a READ ONLY transaction that is always rolled back."""
    check_generic(query, "postgres", tables)
    con: Any = backend.con  # Ibis's PostgreSQL backend holds a psycopg connection
    try:
        with con.cursor() as cursor:
            if con.autocommit:
                cursor.execute("BEGIN READ ONLY")
            else:
                con.rollback()
                cursor.execute("SET TRANSACTION READ ONLY")
            try:
                cursor.execute(query)
                names = [column.name for column in cursor.description or ()]
                rows = cursor.fetchall()
            finally:
                cursor.execute("ROLLBACK") if con.autocommit else con.rollback()
    except ValidationError:
        raise
    except Exception as exc:  # psycopg's own error, mapped at the boundary
        raise ValidationError(f"the SQL query failed: {str(exc).splitlines()[0]}; check it") from exc
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pa.Table.from_arrays([pa.array(list(values)) for values in columns], names=names)


def run_checked(backend: BaseBackend, query: str, tables: Collection[str]) -> pa.Table:
    """Where the backend has no read-only transaction (Spark): the check is the guard."""
    check_generic(query, SQL_DIALECTS.get(backend.name, backend.name), tables)
    try:
        table: pa.Table = backend.sql(query).to_pyarrow()
    except Exception as exc:  # the backend's own error, mapped at the boundary
        raise ValidationError(f"the SQL query failed: {str(exc).splitlines()[0]}; check it") from exc
    return table


#: sqlglot's name of a backend's SQL dialect, where it differs from the Ibis backend's name
SQL_DIALECTS: dict[str, str] = {"pyspark": "spark"}
#: how each backend runs a read-only query (others: :func:`run_checked`)
READ_ONLY_RUNNERS: dict[str, Callable[[BaseBackend, str, Collection[str]], pa.Table]] = {
    "duckdb": run_duckdb,
    "postgres": run_postgres,
}


def read_only_query(backend: BaseBackend, query: str, tables: Collection[str]) -> pa.Table:
    """Run one checked SELECT over ``tables`` on the backend's read-only path; see the module docstring."""
    return READ_ONLY_RUNNERS.get(backend.name, run_checked)(backend, query, tables)
