"""CSV that a spreadsheet opens safely: every cell that would start a formula is neutralised.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets (CSV injection); such a cell gets a leading ``'``, which they show as
text. Lists (a roadmap item's teams) are joined with ``;`` first, so a list cell is checked as a whole too.
Numbers stay numbers. Every CSV export and the CLI's ``--csv`` write through :func:`csv_text`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["FORMULA_PREFIXES", "csv_cell", "csv_text"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """One cell as it is written: lists joined with ``;``, formula-like text prefixed with ``'``."""
    if isinstance(value, list | tuple | set | frozenset):
        value = ";".join("" if v is None else str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object] | Mapping[str, object]]) -> str:
    """CSV text (``\\n`` line ends) of a header and rows (sequences, or mappings keyed by the header)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        cells = [row.get(str(h)) for h in header] if isinstance(row, Mapping) else list(row)
        writer.writerow([csv_cell(c) for c in cells])
    return out.getvalue()
