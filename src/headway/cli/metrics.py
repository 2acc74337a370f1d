"""``headway metrics validate|load|list|compute``: metrics as code, from a YAML file or the catalogue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from headway.cli.console import console, print_json, print_table
from headway.cli.handover import needs_events_store
from headway.conf.bootstrap import setup_django
from headway.core.formatting import number

app = typer.Typer(help="Metrics as code: validate, load, list and compute named metrics.", no_args_is_help=True)


@app.command("validate")
def validate(file: Path = typer.Argument(..., help="Metrics YAML file.")) -> None:
    """Check a metrics file; print every problem with its line (exit 1 when there is one)."""
    setup_django()
    from headway.analytics import services

    text = services.read_metrics_file(file)
    issues = services.validate_metrics(text)
    if not issues:
        count = len(services.metric_catalog(text).metrics)
        console.print(f"{file}: {count} metric{'s' if count != 1 else ''}, all valid.", soft_wrap=True)
        return
    for issue in issues:
        typer.echo(f"{file}:{issue.line}: {issue.message}", err=True)
    typer.echo(f"{len(issues)} problem{'s' if len(issues) != 1 else ''} in {file}: fix them and validate again.",
               err=True)
    raise typer.Exit(1)


@app.command("load")
def load(file: Path = typer.Argument(..., help="Metrics YAML file.")) -> None:
    """Make a valid metrics file the workspace's metric catalogue (replacing the previous one)."""
    setup_django()
    from headway.analytics import services

    rows = services.load_metrics(None, services.read_metrics_file(file), source=str(file))
    console.print(f"Loaded {len(rows)} metrics from {file}.", soft_wrap=True)


@app.command("list")
def list_metrics() -> None:
    """The metric catalogue."""
    setup_django()
    from headway.analytics import services

    print_table("Metrics", ["name", "type", "description"],
                [(m.name, m.kind, m.description) for m in services.list_metrics(None)])


@app.command("compute")
@needs_events_store
def compute(
    name: str = typer.Argument(..., help="Metric name."),
    file: Path = typer.Option(None, "--file", help="Metrics YAML file (default: the loaded catalogue)."),
    date_from: datetime = typer.Option(..., "--from", formats=["%Y-%m-%d"], help="First day (inclusive)."),
    date_to: datetime = typer.Option(..., "--to", formats=["%Y-%m-%d"], help="Last day (inclusive)."),
    interval: str = typer.Option("day", "--interval", help="hour, day, week or month."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A metric's value per interval over a date range, as a table."""
    setup_django()
    from headway.analytics import services

    text = services.read_metrics_file(file) if file is not None else None
    result = services.metric_values(None, name, date_from=date_from.date(), date_to=date_to.date(),
                                    interval=interval, text=text)
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    rows = list(zip(result.labels, result.values, strict=True))
    print_table(f"{name} per {interval}", [interval, name],
                [(label, number(value)) for label, value in rows])
