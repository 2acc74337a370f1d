"""``headway events ingest|stats|sql``: load product events into the events store and look inside it."""

from __future__ import annotations

from pathlib import Path

import typer

from headway.cli.console import console, print_json, print_table, progress_bar
from headway.cli.handover import needs_events_store
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Ingest product events and inspect the events store.", no_args_is_help=True)


@app.command("ingest")
@needs_events_store
def ingest(
    file: Path = typer.Argument(..., help="Events file: .csv, .jsonl, .json or .parquet."),
    rejects: Path = typer.Option(None, "--rejects",
                                 help="Where to write rejected rows (default: FILE.rejects.jsonl next to FILE)."),
    background: bool = typer.Option(False, "--background",
                                    help="Queue the import for the server's worker instead of running it here "
                                    "(use it while `headway serve` holds the embedded events store)."),
) -> None:
    """Ingest an events file in batches; bad rows go to a rejects file, the good ones are kept."""
    setup_django()
    from headway.analytics import services
    from headway.core.errors import NotFound

    if not file.is_file():
        raise NotFound(f"There is no file {file}: give the path of a .csv, .jsonl, .json or .parquet file.")
    rejects_path = rejects or file.with_name(file.name + ".rejects.jsonl")
    if background:
        job = services.start_event_import(None, str(file.resolve()), rejects_path=str(rejects_path.resolve()))
        console.print(f"Queued as job {job.id}: a worker (the one in `headway serve`, or `headway worker`) "
                      f"imports it; follow it with `headway jobs list`.", soft_wrap=True)
        raise typer.Exit(0)
    with progress_bar(f"Ingesting {file.name}") as update:
        report = services.ingest(None, str(file), progress=update, rejects_path=str(rejects_path))
    console.print(f"ingested: {report.ingested}  duplicates: {report.duplicates}  rejected: {len(report.rejected)}")
    if report.rejected:
        console.print(f"Rejected rows (row number and reason) were written to {rejects_path}", soft_wrap=True)
        for rejected in report.rejected[:5]:
            console.print(f"  row {rejected.row}: {rejected.reason}")
    raise typer.Exit(0)


@app.command("stats")
@needs_events_store
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")) -> None:
    """How many events, of which names, by how many users, over which period."""
    setup_django()
    from headway.analytics import services

    s = services.store_stats(None)
    data = {"events": s.events, "distinct_ids": s.distinct_ids, "persons": s.persons,
            "first": s.first, "last": s.last, "by_event": s.by_event}
    if as_json:
        print_json(data)
        return
    print_table("Events store", ["events", "distinct ids", "persons", "first", "last"],
                [(s.events, s.distinct_ids, s.persons, s.first, s.last)])
    print_table("Events by name", ["event", "count"],
                sorted(s.by_event.items(), key=lambda kv: (-kv[1], kv[0])))


@app.command("sql")
@needs_events_store
def sql(
    query: str = typer.Argument(..., help='A read-only query, e.g. "SELECT event, count(*) FROM events GROUP BY 1".'),
    as_json: bool = typer.Option(False, "--json", help="Print JSON rows instead of a table."),
) -> None:
    """Run a read-only SQL query over the events table."""
    setup_django()
    from headway.analytics import services

    frame = services.run_sql(None, query).to_pandas()
    if as_json:
        print_json(frame.to_dict(orient="records"))
        return
    print_table(None, [str(c) for c in frame.columns], frame.itertuples(index=False, name=None))
