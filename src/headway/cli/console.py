"""Shared Rich output for CLI commands: tables, progress bars, JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from headway.core import formatting

#: Tables printed to a pipe, a file or a test are not wrapped at 80 columns (a terminal keeps its own width).
PIPE_WIDTH = 160
console = Console(highlight=False, width=None if sys.stdout.isatty() else PIPE_WIDTH)


def cell(value: Any) -> str:
    """A table cell as people read it, through :mod:`headway.core.formatting`: a date ``7 Dec 2026``, a moment
    ``7 Dec 2026, 14:05``, a float ``1,234,568`` or ``12.3``; whole numbers (ids, counts) and text as they are.
    Money, percentages, durations and enum labels are formatted by the command, which knows what they are."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return formatting.moment(value)
    if isinstance(value, date):
        return formatting.day(value)
    if isinstance(value, float):
        return formatting.number(value)
    return str(value)


def workspace_currency() -> str:
    """The workspace's currency code (``USD`` before a workspace exists), for money in tables."""
    from headway.core.errors import NotFound
    from headway.core.services import get_workspace

    try:
        return get_workspace().currency
    except NotFound:
        return "USD"


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows as a Rich table, each cell through :func:`cell`."""
    table = Table(title=title, header_style="bold")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(cell(v) for v in row))
    console.print(table)


def print_json(data: Any) -> None:
    """Print data as JSON (dates as ISO text)."""
    console.print_json(json.dumps(data, default=str))


@contextmanager
def progress_bar(description: str) -> Iterator[Any]:
    """A progress bar; yields ``update(label, fraction)``."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=console, transient=False) as progress:
        task = progress.add_task(description, total=1.0)

        def update(label: str, fraction: float) -> None:
            progress.update(task, completed=min(max(fraction, 0.0), 1.0), description=label)

        yield update
