"""Imports from files: customers (accounts, people) and feedback, from CSV or JSON Lines.

Files are strict UTF-8; rows come back as ``(line, {field: value})`` so that every problem can name its line.
Support-ticket exports (Zendesk, Intercom, Freshdesk, Help Scout) are recognised by their usual column names;
``mapping`` names columns explicitly (``{"text": "Description", "account": "Organization"}``, the CLI's
``--map text=Description`` read by :func:`parse_mapping`). Each import is all or nothing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.discovery.services.accounts import ImportResult, upsert_accounts, upsert_contacts
from headway.discovery.services.feedback import FeedbackImport, add_feedback

#: One row of a file: its line number and its values by column (or by field once mapped).
Row = tuple[int, dict[str, Any]]

#: Column names (lower case) recognised for each feedback field, in order of preference.
FEEDBACK_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": (
        "text",
        "feedback",
        "comment",
        "description",
        "body",
        "message",
        "content",
        "review",
        "note",
        "answer",
        "ticket description",
        "conversation body",
    ),
    "subject": ("subject", "title", "ticket subject"),
    "source": ("source", "channel", "via", "type"),
    "account": (
        "account",
        "account name",
        "organization",
        "organisation",
        "company",
        "customer",
        "requester organization",
        "organization name",
        "company name",
    ),
    "account_external_id": (
        "account_external_id",
        "account id",
        "account external id",
        "organization id",
        "company id",
        "customer id",
    ),
    "person_name": (
        "person",
        "person name",
        "requester",
        "requester name",
        "contact",
        "contact name",
        "name",
        "user name",
        "customer name",
    ),
    "person_email": ("email", "person email", "requester email", "contact email", "user email"),
    "date": (
        "date",
        "received_on",
        "created at",
        "created",
        "created_at",
        "submitted at",
        "timestamp",
        "ticket created at",
        "created date",
    ),
    "rating": ("rating", "stars", "score", "satisfaction", "satisfaction score", "csat"),
    "nps": ("nps", "nps score", "likelihood to recommend"),
    "link": ("link", "url", "ticket url", "permalink"),
    "tags": ("tags", "labels", "ticket tags"),
    "external_id": ("external_id", "id", "ticket id", "conversation id", "feedback id"),
}

ACCOUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "account", "account name", "company", "organization", "organisation"),
    "external_id": ("external_id", "external id", "id", "account id", "crm id"),
    "segment": ("segment", "tier", "market segment"),
    "plan": ("plan", "subscription", "pricing plan"),
    "arr": ("arr", "annual recurring revenue"),
    "mrr": ("mrr", "monthly recurring revenue"),
    "owner": ("owner", "account owner", "csm", "account manager"),
}

CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "person", "full name", "contact name"),
    "email": ("email", "e-mail", "email address"),
    "phone": ("phone", "phone number", "telephone"),
    "title": ("title", "job title", "role"),
    "external_id": ("external_id", "external id", "id", "person id", "contact id"),
    "account_external_id": ("account_external_id", "account external id", "account id", "company id"),
    "account": ("account", "account name", "company", "organization"),
}


@dataclass(frozen=True)
class ParsedFile:
    """The rows of a file (line number, raw record) and its columns."""

    rows: list[Row]
    columns: list[str]


def decode(data: bytes, filename: str = "the file") -> str:
    """``data`` as UTF-8 text (a BOM is dropped), or a ValidationError naming the line and the encoding."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise ValidationError(
            f"{filename} is not UTF-8: line {line} has the byte 0x{byte}, which is not valid UTF-8 "
            "(the file looks like Windows-1252 or Latin-1). Save or export it as UTF-8 and import it again.",
            details=[{"line": line, "reason": f"invalid UTF-8 byte 0x{byte}", "encoding": "utf-8"}],
        ) from None


def guess_format(filename: str, text: str) -> str:
    """``json`` for a JSON document (an array of objects, or ``{"items": [...]}`` as the API takes it),
    ``jsonl`` for .jsonl/.ndjson files or text starting with ``{``, else ``csv``."""
    start = text.lstrip()
    if start.startswith("[") or (start.startswith("{") and _items_document(start)):
        return "json"
    if filename.lower().endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return "jsonl" if start.startswith("{") else "csv"


def _items_document(text: str) -> bool:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and isinstance(data.get("items"), list)


def parse(data: bytes, *, filename: str = "the file", fmt: str | None = None) -> ParsedFile:
    """Read CSV (first line: column names) or JSON Lines into rows numbered by their line in the file."""
    text = decode(data, filename)
    fmt = fmt or guess_format(filename, text)
    if fmt == "csv":
        return _parse_csv(text, filename)
    if fmt == "jsonl":
        return _parse_jsonl(text, filename)
    if fmt == "json":
        return _parse_json(text, filename)
    raise ValidationError(f"Unknown file format {fmt!r}: use csv, jsonl or json.")


def _parse_csv(text: str, filename: str) -> ParsedFile:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError(
            f"{filename} is empty: give a header line with column names, then rows."
        ) from None
    columns = [c.strip() for c in header]
    rows: list[Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                raise ValidationError(
                    f"{filename} line {line} has {len(record)} cells but the header names {len(columns)} columns: "
                    "quote cells that contain commas.",
                    details=[{"line": line, "reason": "too many cells"}],
                )
            rows.append((line, dict(zip(columns, record, strict=False))))
    except csv.Error as exc:
        raise ValidationError(
            f"{filename} line {reader.line_num} is not valid CSV ({exc}): fix the quoting.",
            details=[{"line": reader.line_num, "reason": str(exc)}],
        ) from None
    return ParsedFile(rows, columns)


def _parse_jsonl(text: str, filename: str) -> ParsedFile:
    rows: list[Row] = []
    columns: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"{filename} line {number} is not valid JSON ({exc.msg}): one JSON object per line.",
                details=[{"line": number, "reason": exc.msg}],
            ) from None
        if not isinstance(record, dict):
            raise ValidationError(
                f"{filename} line {number} is not a JSON object: write one {{...}} per line.",
                details=[{"line": number, "reason": "not an object"}],
            )
        columns.extend(k for k in record if k not in columns)
        rows.append((number, record))
    return ParsedFile(rows, columns)


def _parse_json(text: str, filename: str) -> ParsedFile:
    """A JSON array of objects, or ``{"items": [...]}``; each row is numbered by the line its object starts on."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{filename} line {exc.lineno} is not valid JSON ({exc.msg}).",
                              details=[{"line": exc.lineno, "reason": exc.msg}]) from None
    records = data.get("items") if isinstance(data, dict) else data
    records = records if isinstance(records, list) else []
    lines = _item_lines(text, len(records), items=isinstance(data, dict))
    rows: list[Row] = []
    columns: list[str] = []
    for line, record in zip(lines, records, strict=True):
        if not isinstance(record, dict):
            raise ValidationError(f"{filename} line {line} is not a JSON object: give an array of {{...}}.",
                                  details=[{"line": line, "reason": "not an object"}])
        columns.extend(k for k in record if k not in columns)
        rows.append((line, record))
    return ParsedFile(rows, columns)


def _item_lines(text: str, count: int, *, items: bool) -> list[int]:
    """The line each of the array's ``count`` items starts on (their 1-based numbers if the text is unusual)."""
    decoder = json.JSONDecoder()
    try:
        position = text.index("[", text.index('"items"') if items else 0) + 1
        lines = []
        for _ in range(count):
            while text[position] in " \t\r\n,":
                position += 1
            lines.append(text.count("\n", 0, position) + 1)
            _, position = decoder.raw_decode(text, position)
        return lines
    except (ValueError, IndexError):
        return list(range(1, count + 1))


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """``["text=Description", "account=Organization"]`` as a dict; a pair without ``=`` is an error."""
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValidationError(f"Mapping {pair!r} is not FIELD=COLUMN: write e.g. text=Description.")
        mapping[field.strip()] = column.strip()
    return mapping


def resolve_columns(
    columns: list[str], known: Mapping[str, tuple[str, ...]], mapping: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Which column feeds each field: the explicit ``mapping`` first, then the usual names (case-insensitive)."""
    mapping = dict(mapping or {})
    unknown = [f for f in mapping if f not in known]
    if unknown:
        raise ValidationError(
            f"Unknown field(s) in the mapping: {', '.join(unknown)}; the fields are {', '.join(known)}."
        )
    by_lower = {c.lower(): c for c in columns}
    missing = [c for c in mapping.values() if c.lower() not in by_lower]
    if missing:
        raise ValidationError(
            f"The mapping names column(s) the file does not have: {', '.join(missing)}; "
            f"its columns are {', '.join(columns)}."
        )
    resolved = {field: by_lower[column.lower()] for field, column in mapping.items()}
    taken = set(resolved.values())
    for field, names in known.items():
        if field in resolved:
            continue
        for name in names:
            column = by_lower.get(name)
            if column is not None and column not in taken:
                resolved[field] = column
                taken.add(column)
                break
    return resolved


def mapped_rows(
    parsed: ParsedFile, known: Mapping[str, tuple[str, ...]], mapping: Mapping[str, str] | None = None
) -> list[Row]:
    """The rows with their values under Headway's field names (only mapped fields are kept)."""
    columns = resolve_columns(parsed.columns, known, mapping)
    return [
        (line, {field: record.get(column) for field, column in columns.items()})
        for line, record in parsed.rows
    ]


def import_accounts_file(
    actor: User | None,
    data: bytes,
    *,
    filename: str = "the file",
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import accounts from CSV or JSON Lines (columns as in :data:`ACCOUNT_COLUMNS`)."""
    check(actor, Perm.EDIT_FEEDBACK)
    rows = mapped_rows(parse(data, filename=filename, fmt=fmt), ACCOUNT_COLUMNS, mapping)
    return upsert_accounts(actor, [{**r, "_line": line} for line, r in rows], origin=filename)


def import_contacts_file(
    actor: User | None,
    data: bytes,
    *,
    filename: str = "the file",
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import people from CSV or JSON Lines (columns as in :data:`CONTACT_COLUMNS`); needs ``contacts.view``
    (see :func:`upsert_contacts`)."""
    check(actor, Perm.EDIT_FEEDBACK)
    check(actor, Perm.VIEW_CONTACTS)
    rows = mapped_rows(parse(data, filename=filename, fmt=fmt), CONTACT_COLUMNS, mapping)
    return upsert_contacts(actor, [{**r, "_line": line} for line, r in rows], origin=filename)


def import_feedback_file(
    actor: User | None,
    data: bytes,
    *,
    filename: str = "the file",
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    default_source: str = "support",
    today: date | None = None,
) -> FeedbackImport:
    """Import feedback from CSV or JSON Lines, mapping columns to fields (:data:`FEEDBACK_COLUMNS`); all or
    nothing."""
    check(actor, Perm.EDIT_FEEDBACK)
    parsed = parse(data, filename=filename, fmt=fmt)
    rows = mapped_rows(parsed, FEEDBACK_COLUMNS, mapping)
    if "text" not in resolve_columns(parsed.columns, FEEDBACK_COLUMNS, mapping):
        raise ValidationError(
            f"{filename} has no feedback text column: name it with --map text=COLUMN; the "
            f"columns are {', '.join(parsed.columns)}."
        )
    return add_feedback(
        actor,
        [{**r, "_line": line} for line, r in rows],
        default_source=default_source,
        origin=filename,
        today=today,
    )
