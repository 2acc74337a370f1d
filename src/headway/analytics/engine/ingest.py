"""Reading event sources in bounded batches and validating them, with a 1-based row number per record.

Every source (list or iterable of dicts, pandas DataFrame, pyarrow Table, .csv, .jsonl, .json, .parquet)
becomes a stream of :class:`RawBatch` whose columns are the canonical fields as text (JSONL: the raw lines,
which DuckDB parses; no Python object per record). One vectorised DuckDB query per batch then checks them (:func:`validate_batch`): good rows come out as a clean Arrow table, bad
rows as :class:`Rejected` with a reason, and rows without a ``uuid`` get one derived from their content, so
ingesting the same source twice adds nothing.
"""

from __future__ import annotations

import csv
import io
import json
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO, TextIO

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from headway.analytics.engine.types import Rejected
from headway.core.errors import ValidationError

#: canonical column -> the names accepted for it, in order of preference (Segment/RudderStack aliases)
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "event": ("event",),
    "timestamp": ("timestamp",),
    "distinct_id": ("distinct_id",),
    "user_id": ("userId", "user_id"),
    "anonymous_id": ("anonymousId", "anonymous_id"),
    "properties": ("properties",),
    "uuid": ("uuid",),
    "message_id": ("messageId", "message_id"),
    "type": ("type",),
}
TEXT_FIELDS = tuple(FIELD_NAMES)
CLEAN_SCHEMA = pa.schema(
    [
        ("uuid", pa.string()),
        ("event", pa.string()),
        ("timestamp", pa.timestamp("us")),
        ("distinct_id", pa.string()),
        ("properties", pa.string()),
    ]
)
DEFAULT_BATCH_SIZE = 200_000
SOURCE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".parquet")


@dataclass(frozen=True)
class RawBatch:
    """Canonical text columns plus ``row`` (1-based) and ``reason`` (set when already known to be bad).

    ``timestamp`` is text, or an Arrow timestamp when the source already had one. A batch of JSON lines
    (``json_lines``) has the columns ``row`` and ``line`` instead: :class:`BatchValidator` parses them in
    DuckDB. ``fraction_read`` is the share of a file's bytes read so far (None for other sources).
    """

    table: pa.Table
    json_lines: bool = False
    fraction_read: float | None = None


@dataclass(frozen=True)
class ValidBatch:
    """The outcome of checking one batch."""

    clean: pa.Table
    rejected: list[Rejected]
    duplicates_in_batch: int


def count_rows(source: Any) -> int | None:
    """The number of records in ``source`` when known without reading it (for progress bars)."""
    if isinstance(source, list | tuple | pd.DataFrame):
        return len(source)
    if isinstance(source, pa.Table):
        return int(source.num_rows)
    if isinstance(source, str | Path) and str(source).endswith(".parquet"):
        rows: int = pq.ParquetFile(str(source)).metadata.num_rows
        return rows
    return None


def estimated_total(done: int, batch: RawBatch) -> int | None:
    """The number of records of a file estimated from the share of its bytes read (None if unknown)."""
    if not batch.fraction_read:
        return None
    return max(done, round(done / batch.fraction_read))


def iter_batches(source: Any, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[RawBatch]:
    """Yield ``source`` as :class:`RawBatch` objects of at most ``batch_size`` records."""
    if isinstance(source, str | Path):
        yield from _iter_path(Path(source), batch_size)
    elif isinstance(source, pd.DataFrame):
        for start in range(0, len(source), batch_size):
            chunk = source.iloc[start : start + batch_size]
            yield _from_records_or_columns(chunk, start + 1)
    elif isinstance(source, pa.Table):
        row = 1
        for record_batch in source.to_batches(max_chunksize=batch_size):
            yield _conform(pa.Table.from_batches([record_batch]), row)
            row += record_batch.num_rows
    elif isinstance(source, Iterable) and not isinstance(source, str | bytes | Mapping):
        yield from _iter_records(enumerate(source, start=1), batch_size)
    else:
        raise ValidationError(
            f"cannot ingest a {type(source).__name__}: give a list of dicts, a pandas DataFrame, a pyarrow "
            "Table, or the path of a .csv, .jsonl, .json or .parquet file"
        )


def _iter_path(path: Path, batch_size: int) -> Iterator[RawBatch]:
    if not path.is_file():
        raise ValidationError(f"no such file: {path}; check the path")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        row = 1
        # pre_buffer (PyArrow's default) keeps every column chunk read until the file closes: 1.7 GB at 100M
        for record_batch in pq.ParquetFile(str(path), pre_buffer=False).iter_batches(batch_size=batch_size):
            yield _conform(pa.Table.from_batches([record_batch]), row)
            row += record_batch.num_rows
    elif suffix == ".csv":
        yield from _iter_csv(path, batch_size)
    elif suffix in (".jsonl", ".ndjson"):
        yield from _iter_json_lines(path, batch_size)
    elif suffix == ".json":
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", errors="replace") as handle:
            yield from _iter_records(_json_array_records(path, handle), batch_size, _share_read(raw, path))
    else:
        raise ValidationError(
            f"cannot ingest {path.name}: the file must end in one of {', '.join(SOURCE_SUFFIXES)}"
        )


def _iter_json_lines(path: Path, batch_size: int) -> Iterator[RawBatch]:
    """The file's lines, ``batch_size`` at a time, unparsed: (line number, text) columns."""
    size = max(path.stat().st_size, 1)
    with path.open("rb") as handle:
        first = 1
        while lines := list(islice(handle, batch_size)):
            try:
                text = pa.array(lines, pa.binary()).cast(pa.string())
            except pa.ArrowInvalid:  # not UTF-8: replace the bad bytes, as reading text would
                text = pa.array([line.decode("utf-8", errors="replace") for line in lines], pa.string())
            rows = pa.array(range(first, first + len(lines)), pa.int64())
            first += len(lines)
            yield RawBatch(pa.table({"row": rows, "line": text}), json_lines=True,
                           fraction_read=min(handle.tell() / size, 1.0))


def _json_line_record(line: str) -> Any:
    """One JSON line as Python (the slow path, for lines DuckDB cannot read as an object)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return _Bad(f"invalid JSON line: {exc.msg} at column {exc.colno}")


def _json_array_records(path: Path, handle: TextIO, chunk_chars: int = 1 << 20) -> Iterator[tuple[int, Any]]:
    """Stream the objects of a JSON array (or a Segment ``{"batch": [...]}``) without loading the file."""
    decoder = json.JSONDecoder()
    buffer = handle.read(chunk_chars)
    position = _skip(buffer, 0, " \t\r\n")
    if buffer[position : position + 1] == "{":
        document = json.loads(buffer + handle.read())  # a single object: small by nature
        records = document.get("batch", [document]) if isinstance(document, dict) else []
        yield from enumerate(records, start=1)
        return
    if buffer[position : position + 1] != "[":
        raise ValidationError(f"{path.name} is not a JSON array of events; use [{{...}}, ...] or JSONL")
    position += 1
    number = 0
    while True:
        position = _skip(buffer, position, " \t\r\n,")
        if position >= len(buffer) - 1 and (more := handle.read(chunk_chars)):
            buffer, position = buffer[position:] + more, 0
            continue
        if buffer[position : position + 1] in ("]", ""):
            return
        try:
            value, end = decoder.raw_decode(buffer, position)
        except json.JSONDecodeError as exc:
            more = handle.read(chunk_chars)
            if more:
                buffer, position = buffer[position:] + more, 0
                continue
            yield number + 1, _Bad(f"invalid JSON: {exc.msg}; the rest of the file was not read")
            return
        number += 1
        yield number, value
        position = end
        if position > chunk_chars:
            buffer, position = buffer[position:], 0


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position


def _iter_csv(path: Path, batch_size: int) -> Iterator[RawBatch]:
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            return
        width = len(header)

        def records() -> Iterator[tuple[int, Any]]:
            for number, values in enumerate(reader, start=1):
                if len(values) != width:
                    yield number, _Bad(f"expected {width} CSV fields, found {len(values)}")
                else:
                    yield number, {k: (v if v != "" else None) for k, v in zip(header, values, strict=True)}

        yield from _iter_records(records(), batch_size, _share_read(raw, path))


def _share_read(handle: BinaryIO, path: Path) -> Callable[[], float]:
    """How much of ``path`` has been read through ``handle``, from 0 to 1."""
    size = max(path.stat().st_size, 1)
    return lambda: min(handle.tell() / size, 1.0)


class _Bad:
    """A record already known to be bad while reading (the reason travels with its row number)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _iter_records(numbered: Iterable[tuple[int, Any]], batch_size: int,
                  share_read: Callable[[], float] | None = None) -> Iterator[RawBatch]:
    columns = _records_columns(())
    for number, record in numbered:
        _append_record(columns, number, record)
        if len(columns["row"]) >= batch_size:
            yield _columns_batch(columns, share_read)
            columns = _records_columns(())
    if columns["row"]:
        yield _columns_batch(columns, share_read)


def _records_columns(numbered: Iterable[tuple[int, Any]]) -> dict[str, list[Any]]:
    """The canonical columns (as lists) of numbered records."""
    columns: dict[str, list[Any]] = {name: [] for name in ("row", *TEXT_FIELDS, "reason")}
    for number, record in numbered:
        _append_record(columns, number, record)
    return columns


def _columns_batch(columns: dict[str, list[Any]], share_read: Callable[[], float] | None = None) -> RawBatch:
    arrays = {name: pa.array(values, type=pa.int64() if name == "row" else pa.string())
              for name, values in columns.items()}
    return RawBatch(pa.table(arrays), fraction_read=share_read() if share_read else None)


def _append_record(columns: dict[str, list[Any]], number: int, record: Any) -> None:
    reason: str | None = None
    values: dict[str, str | None] = dict.fromkeys(TEXT_FIELDS)
    if isinstance(record, _Bad):
        reason = record.reason
    elif not isinstance(record, Mapping):
        reason = f"a record must be an object with event, timestamp and distinct_id, not {type(record).__name__}"
    else:
        for field, names in FIELD_NAMES.items():
            raw = next((record[n] for n in names if not _missing(record.get(n))), None)
            text, problem = _as_text(field, raw)
            values[field] = text
            reason = reason or problem
    columns["row"].append(number)
    for field in TEXT_FIELDS:
        columns[field].append(values[field])
    columns["reason"].append(reason)


def _missing(value: Any) -> bool:
    """None, NaN, pandas NA or NaT: how a DataFrame row says a field is absent."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _as_text(field: str, raw: Any) -> tuple[str | None, str | None]:
    """One field of a record as text, or the reason it has the wrong type."""
    if raw is None or isinstance(raw, str):
        return raw, None
    if field == "timestamp" and isinstance(raw, datetime | date | pd.Timestamp):
        return raw.isoformat(), None
    if field == "properties" and isinstance(raw, Mapping):
        try:
            return json.dumps(raw, default=str), None
        except (TypeError, ValueError) as exc:
            return None, f"properties cannot be written as JSON: {exc}"
    if field == "properties":
        return None, f"properties must be an object or JSON text, not {type(raw).__name__}"
    if field == "timestamp":
        return None, f"timestamp must be ISO-8601 text or a datetime, not {type(raw).__name__}"
    if field in ("uuid", "message_id") and isinstance(raw, int):
        return str(raw), None
    return None, f"{field} must be text, not {type(raw).__name__}"


def _from_records_or_columns(frame: pd.DataFrame, first_row: int) -> RawBatch:
    object_props = "properties" in frame.columns and frame["properties"].dtype == object
    if object_props or frame.columns.duplicated().any():
        records = frame.to_dict("records")
        return next(_iter_records(enumerate(records, start=first_row), max(len(records), 1)))
    return _conform(pa.Table.from_pandas(frame, preserve_index=False), first_row)


def _conform(table: pa.Table, first_row: int) -> RawBatch:
    """Map a columnar batch onto the canonical text columns, rejecting whole columns of a wrong type."""
    n = table.num_rows
    reason: pa.Array = pa.nulls(n, pa.string())
    columns: dict[str, pa.Array] = {"row": pa.array(range(first_row, first_row + n), pa.int64())}
    for field, names in FIELD_NAMES.items():
        name = next((c for c in names if c in table.column_names), None)
        column = table.column(name).combine_chunks() if name else pa.nulls(n, pa.string())
        kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind):
            columns[field] = column.cast(pa.string())
        elif field == "timestamp" and (pa.types.is_timestamp(kind) or pa.types.is_date(kind)):
            # kept as a timestamp: the validating query casts it (naive means UTC) without Python loops
            unit = pa.timestamp("us", tz=kind.tz) if pa.types.is_timestamp(kind) else pa.timestamp("us")
            columns[field] = column.cast(unit)
        elif field == "properties" and (pa.types.is_struct(kind) or pa.types.is_map(kind)):
            values = column.to_pylist()
            if pa.types.is_map(kind):
                values = [None if v is None else dict(v) for v in values]
            columns[field] = pa.array(
                [None if v is None else json.dumps(v, default=str) for v in values], pa.string()
            )
        else:
            problem = f"{field} must be text, not {kind}"
            reason = pa.array([problem if v.is_valid else r for v, r in zip(column, reason.to_pylist(),
                                                                             strict=True)], pa.string())
            columns[field] = pa.nulls(n, pa.string())
    columns["reason"] = reason
    return RawBatch(pa.table(columns))


#: DuckDB's JSON types under the Python names that the messages of the slow path use
_PYTHON_TYPE_NAMES = {"UBIGINT": "int", "BIGINT": "int", "HUGEINT": "int", "DOUBLE": "float", "BOOLEAN": "bool",
                      "ARRAY": "list", "OBJECT": "dict", "VARCHAR": "str"}
#: JSON types accepted for a field besides text (then kept as their JSON text)
_ALSO_ACCEPTED = {"properties": ("OBJECT",), "uuid": ("UBIGINT", "BIGINT", "HUGEINT"),
                  "message_id": ("UBIGINT", "BIGINT", "HUGEINT")}
_WRONG_TYPE = {"timestamp": "timestamp must be ISO-8601 text or a datetime, not ",
               "properties": "properties must be an object or JSON text, not "}


def _json_lines_sql() -> str:
    """One query that reads a batch of JSON lines (table ``lines``) into the canonical text columns, as
    :func:`_append_record` does in Python; lines that are not a JSON object come back in ``odd_line``."""
    names = [name for aliases in FIELD_NAMES.values() for name in aliases]
    paths = ", ".join(f"'$.{name}'" for name in names)
    python_type = "CASE {} " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _PYTHON_TYPE_NAMES.items()) + \
        " ELSE lower({}) END"
    chosen, checked, problems = [], [], []
    for field, aliases in FIELD_NAMES.items():
        picks = [names.index(alias) + 1 for alias in aliases]  # 1-based into v; t has "$" first
        kind = " ".join(f"WHEN t[{i + 1}] <> 'NULL' THEN t[{i + 1}]" for i in picks)
        value = " ".join(f"WHEN t[{i + 1}] <> 'NULL' THEN v[{i}]" for i in picks)
        chosen.append(f"CASE {kind} END AS {field}_type, CASE {value} END AS {field}_value")
        accepted = ", ".join(f"'{k}'" for k in ("VARCHAR", *_ALSO_ACCEPTED.get(field, ())))
        checked.append(f"CASE WHEN {field}_type IN ({accepted}) THEN {field}_value END AS {field}")
        message = _WRONG_TYPE.get(field, f"{field} must be text, not ")
        problems.append(f"CASE WHEN {field}_type NOT IN ({accepted}) THEN '{message}' || "
                        + python_type.format(f"{field}_type", f"{field}_type") + " END")
    return f"""
WITH parsed AS (
    SELECT row, line,
        CASE WHEN json_valid(line) THEN json_type(line, ['$', {paths}]) END AS t,
        CASE WHEN json_valid(line) THEN json_extract_string(line, [{paths}]) END AS v
    FROM lines WHERE trim(line, ' ' || chr(9) || chr(10) || chr(13)) <> ''
), typed AS (
    SELECT row, CASE WHEN t[1] = 'OBJECT' THEN NULL ELSE line END AS odd_line, {", ".join(chosen)}
    FROM parsed
)
SELECT CAST(row AS BIGINT) AS row, {", ".join(checked)}, coalesce({", ".join(problems)}) AS reason, odd_line
FROM typed
"""


_JSON_LINES_SQL = _json_lines_sql()

_CHECK_SQL = """
CREATE OR REPLACE TEMP TABLE checked AS
WITH src AS (
    SELECT row, reason AS known,
        event, properties, type, CAST(timestamp AS VARCHAR) AS ts_text,
        coalesce(nullif(trim(distinct_id), ''), nullif(trim(user_id), ''), nullif(trim(anonymous_id), ''))
            AS distinct_id,
        coalesce(nullif(trim(uuid), ''), nullif(trim(message_id), '')) AS given_uuid,
        TRY_CAST(timestamp AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS ts
    FROM raw
)
SELECT *, CASE
    WHEN known IS NOT NULL THEN known
    WHEN type IS NOT NULL AND lower(type) <> 'track'
        THEN 'a Segment "' || type || '" call is not an event; only track calls are ingested'
    WHEN event IS NULL OR trim(event) = '' THEN 'missing event: give a non-empty "event"'
    WHEN distinct_id IS NULL
        THEN 'missing distinct_id: give "distinct_id" (or Segment "userId"/"anonymousId")'
    WHEN ts_text IS NULL THEN 'missing timestamp: give an ISO-8601 "timestamp"'
    WHEN ts IS NULL
        THEN 'unparsable timestamp "' || ts_text || '": use ISO-8601 such as 2024-05-01T12:00:00Z'
    WHEN ts < TIMESTAMP '1900-01-01' OR ts >= TIMESTAMP '3000-01-01'
        THEN 'impossible timestamp "' || ts_text || '": give a time between the years 1900 and 2999'
    WHEN properties IS NOT NULL AND NOT json_valid(properties)
        THEN 'invalid JSON properties: give a JSON object such as {"plan": "pro"}'
    WHEN properties IS NOT NULL
         AND json_type(CASE WHEN json_valid(properties) THEN properties END) <> 'OBJECT'
        THEN 'properties must be a JSON object such as {"plan": "pro"}'
END AS problem
FROM src
"""

_CLEAN_SQL = """
WITH good AS (
    SELECT row, event, ts, distinct_id, properties, given_uuid,
        CASE WHEN given_uuid IS NULL THEN md5(event || chr(31) || CAST(ts AS VARCHAR) || chr(31) || distinct_id
                                              || chr(31) || coalesce(properties, '')) END AS h
    FROM checked WHERE problem IS NULL
), keyed AS (
    SELECT row, event, ts, distinct_id, coalesce(properties, '{}') AS properties,
        coalesce(given_uuid, substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-'
                             || substr(h, 17, 4) || '-' || substr(h, 21, 12)) AS uuid
    FROM good
)
SELECT uuid, arg_min(event, row) AS event, arg_min(ts, row) AS timestamp,
       arg_min(distinct_id, row) AS distinct_id, arg_min(properties, row) AS properties
FROM keyed GROUP BY uuid ORDER BY min(row)
"""


class BatchValidator:
    """Checks raw batches with a private in-memory DuckDB (vectorised; no per-row Python)."""

    def __init__(self) -> None:
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET TimeZone = 'UTC'")
        self._con.execute("SET enable_progress_bar = false")

    def validate(self, batch: RawBatch) -> ValidBatch:
        """Split ``batch`` into clean rows (deduplicated on uuid) and rejected rows."""
        table = self._parse_json_lines(batch.table) if batch.json_lines else batch.table
        self._con.register("raw", table)
        try:
            self._con.execute(_CHECK_SQL)
        finally:
            self._con.unregister("raw")
        clean = self._con.sql(_CLEAN_SQL).to_arrow_table().cast(CLEAN_SCHEMA)
        problems = self._con.execute(
            "SELECT row, problem FROM checked WHERE problem IS NOT NULL ORDER BY row"
        ).fetchall()
        self._con.execute("DROP TABLE checked")
        rejected = [Rejected(int(row), str(reason)) for row, reason in problems]
        valid = table.num_rows - len(rejected)
        return ValidBatch(clean, rejected, valid - clean.num_rows)

    def _parse_json_lines(self, lines: pa.Table) -> pa.Table:
        """The canonical text columns of a batch of JSON lines (blank lines skipped); the rare line that is
        not a JSON object goes through Python, for its exact message."""
        self._con.register("lines", lines)
        try:
            parsed = self._con.sql(_JSON_LINES_SQL).to_arrow_table()
        finally:
            self._con.unregister("lines")
        odd = pc.is_valid(parsed.column("odd_line"))
        if not pc.any(odd).as_py():
            return parsed.drop_columns(["odd_line"])
        odd_rows = parsed.filter(odd)
        records = [(row, _json_line_record(line)) for row, line in
                   zip(odd_rows.column("row").to_pylist(), odd_rows.column("odd_line").to_pylist(), strict=True)]
        slow = _columns_batch(_records_columns(records)).table
        fast = parsed.filter(pc.invert(odd)).drop_columns(["odd_line"])
        return pa.concat_tables([fast, slow.select(fast.column_names).cast(fast.schema)])

    def close(self) -> None:
        """Release the private connection."""
        self._con.close()


@contextmanager
def interrupt_watch() -> Iterator[Callable[[], bool]]:
    """Remember a Ctrl-C (SIGINT) for the block; yields a function that says whether one came.

    Ctrl-C still raises KeyboardInterrupt where it lands, but where that is inside code that swallows it (a
    finalizer run by the garbage collector, or a DuckDB query that turns it into an error a best-effort cleanup
    ignores) the ingest would go on to the end: it checks this between batches instead. Only the main thread can
    watch signals; elsewhere nothing is watched."""
    seen: list[bool] = []
    previous = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    if not callable(previous):  # not the main thread, or Ctrl-C ignored or left to the system: nothing to add
        yield lambda: False
        return
    handler = previous

    def remember(number: int, frame: FrameType | None) -> None:
        seen.append(True)
        handler(number, frame)

    signal.signal(signal.SIGINT, remember)
    try:
        yield lambda: bool(seen)
    finally:
        signal.signal(signal.SIGINT, previous)


def write_rejects(path: str | Path, source: Any, rejected: list[Rejected]) -> None:
    """Write the rejected rows of ``source`` to ``path`` as JSONL: ``{"row", "reason", "record"}``.

    ``record`` is the original record when the source can be re-read cheaply (lists, frames, tables,
    files); the rows are found by number in one streaming pass.
    """
    wanted = {r.row: r.reason for r in rejected}
    with Path(path).open("w", encoding="utf-8") as out:
        for batch in iter_batches(source) if wanted else ():
            rows = batch.table.column("row").to_pylist()
            hits = [i for i, row in enumerate(rows) if row in wanted]
            if not hits:
                continue
            table = batch.table.take(pa.array(hits))
            if batch.json_lines:
                lines = table.column("line").to_pylist()
                numbered = zip(table.column("row").to_pylist(), map(_json_line_record, lines), strict=True)
                table = _columns_batch(_records_columns(numbered)).table
            records = table.drop_columns(["reason"]).to_pylist()
            for record in records:
                row = record.pop("row")
                original = {k: v for k, v in record.items() if v is not None}
                out.write(json.dumps({"row": row, "reason": wanted[row], "record": original}) + "\n")
