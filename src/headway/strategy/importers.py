"""Read KPI values and targets from CSV text, checking every line; nothing is saved here.

Each reader returns the clean rows or raises one ValidationError whose ``details`` list every bad line
(``{"line": n, "message": ...}``, the header being line 1), so an import is all or nothing per file.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date

from headway.core.errors import ValidationError

MAX_ROWS = 100_000


@dataclass(frozen=True)
class ValueRow:
    line: int
    date: date
    value: float


@dataclass(frozen=True)
class TargetRow:
    line: int
    period: str
    value: float


def parse_number(text: str, unit: str) -> float:
    """A number from text: ``1,234.5``, ``42%`` (a share: 0.42) or ``$1200``; ValueError with the reason."""
    raw = text.strip().replace(",", "").replace("_", "")
    for symbol in ("$", "€", "£", "¥"):
        raw = raw.replace(symbol, "")
    is_percent = raw.endswith("%")
    if is_percent:
        raw = raw[:-1].strip()
    if not raw:
        raise ValueError("the value is empty: give a number")
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{text.strip()!r} is not a finite number")
    if is_percent:
        number /= 100
    if unit == "percent" and not 0 <= number <= 1:
        raise ValueError(f"{text.strip()} is not a share between 0 and 1 (write 42% or 0.42)")
    if unit == "count" and number < 0:
        raise ValueError(f"{text.strip()} is negative, but this KPI counts things")
    return number


def _rows(text: str, required: tuple[str, str], what: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    if not text.strip():
        raise ValidationError(f"The {what} file is empty: give a header line '{','.join(required)}' and rows.",
                              details=[{"line": 1, "message": "empty file"}])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationError(
            f"The {what} file's header lacks {', '.join(missing)}: the first line must name the columns "
            f"{','.join(required)}.",
            details=[{"line": 1, "message": f"missing column(s): {', '.join(missing)}"}],
        )
    reader.fieldnames = header
    rows = [(reader.line_num, {k: (v or "") for k, v in row.items() if k}) for row in reader]
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"The {what} file has {len(rows):,} rows, more than {MAX_ROWS:,}: split it.")
    return rows, header


def _fail(problems: list[dict[str, object]], what: str, total: int) -> None:
    if problems:
        first = "; ".join(f"line {p['line']}: {p['message']}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValidationError(
            f"{len(problems)} of {total} {what} rows are not valid, so nothing was imported: {first}{more}. "
            "Fix these lines and import the file again.",
            details=problems,
        )


def read_values(text: str, unit: str = "number", today: date | None = None) -> list[ValueRow]:
    """Dated values from CSV with the columns ``date`` (YYYY-MM-DD) and ``value``."""
    rows, _ = _rows(text, ("date", "value"), "values")
    problems: list[dict[str, object]] = []
    clean: list[ValueRow] = []
    seen: dict[date, int] = {}
    for line, row in rows:
        try:
            day = date.fromisoformat(row["date"].strip())
        except ValueError:
            problems.append({"line": line, "message": f"date {row['date'].strip()!r} is not YYYY-MM-DD"})
            continue
        if today is not None and day > today:
            problems.append({"line": line, "message": f"date {day} is in the future"})
            continue
        if day in seen:
            problems.append({"line": line, "message": f"date {day} is also on line {seen[day]}: keep one value a day"})
            continue
        try:
            value = parse_number(row["value"], unit)
        except ValueError as exc:
            problems.append({"line": line, "message": str(exc)})
            continue
        seen[day] = line
        clean.append(ValueRow(line, day, value))
    if not rows:
        problems.append({"line": 2, "message": "no rows after the header"})
    _fail(problems, "value", len(rows))
    return clean


def read_targets(text: str, unit: str = "number") -> list[TargetRow]:
    """Targets from CSV with the columns ``period`` (e.g. FY2026 Q3, or 2026-01-01..2026-03-31) and ``target``."""
    rows, _ = _rows(text, ("period", "target"), "targets")
    problems: list[dict[str, object]] = []
    clean: list[TargetRow] = []
    for line, row in rows:
        period = row["period"].strip()
        if not period:
            problems.append({"line": line, "message": "the period is empty: e.g. FY2026 Q3"})
            continue
        try:
            clean.append(TargetRow(line, period, parse_number(row["target"], unit)))
        except ValueError as exc:
            problems.append({"line": line, "message": str(exc)})
    if not rows:
        problems.append({"line": 2, "message": "no rows after the header"})
    _fail(problems, "target", len(rows))
    return clean
