"""``headway roadmap show|export|place``: the roadmap from the command line."""

from __future__ import annotations

from pathlib import Path

import typer

from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="The roadmap: now/next/later, quarters, stakeholder views and exports.",
                  no_args_is_help=True)

AUDIENCE_HELP = "leadership (everything), engineering, design, marketing or sales."


@app.command("show")
def show(
    audience: str = typer.Option("leadership", "--for", help=AUDIENCE_HELP),
    board: bool = typer.Option(False, "--board", help="Now / next / later columns instead of quarters."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The roadmap by quarter (or as a now/next/later board) as one audience sees it, with team capacity."""
    setup_django()
    from headway.planning import services

    view = services.roadmap(None, audience)
    if as_json:
        print_json({"audience": view.audience, "quarters": view.quarters, "rows": view.rows})
        return
    if not view.rows:
        console.print("Nothing on the roadmap yet: `headway plan optimise --apply` or `headway roadmap place`.")
        return
    columns = [c for c in ("id", "title", "end_quarter", "commitment", "kind", "team", "effort_weeks", "cost")
               if c in view.columns]
    groups = view.board() if board else {q: [r for r in view.rows if r["quarter"] == q] for q in view.quarters}
    for name, rows in groups.items():
        print_table(f"{name} ({len(rows)})", columns, [[r[c] for c in columns] for r in rows])
    if audience in ("leadership", "engineering"):
        load = services.capacity(None)
        print_table("Capacity (person-weeks planned / available)", ["team", *dict.fromkeys(r.quarter for r in load)],
                    [[team, *(f"{r.planned_weeks:g}/{r.capacity_weeks:g}" for r in load if r.team == team)]
                     for team in dict.fromkeys(r.team for r in load)])


@app.command("export")
def export(
    fmt: str = typer.Option("md", "--format", help="csv or md (Markdown)."),
    audience: str = typer.Option("leadership", "--for", help=AUDIENCE_HELP),
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of the screen."),
) -> None:
    """Export the roadmap as CSV or Markdown."""
    setup_django()
    from headway.core.errors import ValidationError
    from headway.planning import services

    if fmt not in ("csv", "md"):
        raise ValidationError(f"There is no export format {fmt!r}: choose csv or md.")
    text = services.export_csv(None, audience) if fmt == "csv" else services.export_markdown(None, audience)
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}.")
    else:
        typer.echo(text, nl=False)


@app.command("place")
def place(
    initiative: int = typer.Argument(..., help="The initiative's id."),
    quarter: str = typer.Argument(..., help="The quarter it starts, e.g. 2026-Q3."),
    commitment: str = typer.Option("likely", "--commitment", help="committed, likely or exploring."),
) -> None:
    """Put an initiative on the roadmap (its prerequisites must start no later)."""
    setup_django()
    from headway.planning import services

    item = services.place(None, initiative, quarter, commitment)
    console.print(f"#{initiative} starts in {item.quarter} ({item.commitment}).")
