"""Shared Rich output for CLI commands: tables, progress bars, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console(highlight=False)


def print_table(title: str | None, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows as a Rich table."""
    table = Table(title=title, header_style="bold")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
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
