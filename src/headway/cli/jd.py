"""``headway jd ...``: job descriptions generated from the career ladder."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Job descriptions: generate, edit, version, export, inclusive-language check.",
                  no_args_is_help=True)


@app.command("list")
def list_jobs() -> None:
    """Job descriptions with their level, team and version."""
    setup_django()
    from headway.team.services import jobs

    print_table("Job descriptions", ["id", "title", "level", "team", "location", "version"],
                [(j.pk, j.title, j.level, j.team, j.location, j.version) for j in jobs.list_jobs(None)])


@app.command("generate")
def generate(level: str = typer.Option(..., "--level", help="A ladder level slug, e.g. senior_pm."),
             specialisation: str = typer.Option("core", "--specialisation", help="core, growth, data, platform."),
             team: str = typer.Option(..., "--team"), location: str = typer.Option(..., "--location"),
             mission: str = typer.Option("", "--mission", help="What the team exists for."),
             pay_min: float = typer.Option(None, "--pay-min"), pay_max: float = typer.Option(None, "--pay-max"),
             currency: str = typer.Option(None, "--currency", help="Default: the workspace currency."),
             as_user: str = AS_OPTION) -> None:
    """Generate a job description (a pay range is required where the location mandates one)."""
    setup_django()
    from headway.team.services import jobs

    pay = {"minimum": pay_min, "maximum": pay_max, "currency": currency} if pay_min is not None else None
    job = jobs.generate(actor(as_user), level=level, specialisation=specialisation, team=team,
                        location=location, mission=mission, pay=pay)
    console.print(f"Job description {job.pk} {escape(job.title)} generated.")


@app.command("show")
def show(job: int = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """A job description as Markdown, with its inclusive-language findings."""
    setup_django()
    from headway.team.services import jobs

    if as_json:
        print_json(jobs.job_data(None, job).model_dump(mode="json"))
        return
    console.print(jobs.export(None, job, "markdown").text, markup=False)
    _print_findings(job)


def _print_findings(job: int) -> None:
    from headway.team.services import jobs

    found = jobs.findings(None, job)
    print_table(f"Inclusive-language findings ({len(found)})", ["where", "term", "kind", "suggestion"],
                [(f.field, f.term, f.category, f.suggestion) for f in found])


@app.command("check")
def check(job: int = typer.Argument(...)) -> None:
    """The inclusive-language findings of a job description."""
    setup_django()
    _print_findings(job)


@app.command("edit")
def edit(job: int = typer.Argument(...),
         title: str = typer.Option(None, "--title"), summary: str = typer.Option(None, "--summary"),
         location: str = typer.Option(None, "--location"),
         must_have: list[str] = typer.Option(None, "--must-have", help="Replaces the must-haves (repeatable)."),
         nice_to_have: list[str] = typer.Option(None, "--nice-to-have", help="Replaces the nice-to-haves."),
         responsibility: list[str] = typer.Option(None, "--responsibility", help="Replaces responsibilities."),
         note: str = typer.Option("", "--note"), as_user: str = AS_OPTION) -> None:
    """Save a new version with the parts you change."""
    setup_django()
    from headway.team.services import jobs

    changes = {k: v for k, v in {"title": title, "summary": summary, "location": location,
                                 "must_haves": must_have, "nice_to_haves": nice_to_have,
                                 "responsibilities": responsibility}.items() if v}
    updated = jobs.edit(actor(as_user), job, note=note, **changes)
    console.print(f"{escape(updated.title)} is now version {updated.version}.")


@app.command("versions")
def versions(job: int = typer.Argument(...)) -> None:
    """The saved versions of a job description."""
    setup_django()
    from headway.team.services import jobs

    print_table("Versions", ["version", "note", "at"],
                [(v.version, v.note, v.created_at.strftime("%Y-%m-%d %H:%M")) for v in jobs.versions(None, job)])


@app.command("export")
def export(job: int = typer.Argument(...),
           fmt: str = typer.Option("markdown", "--format", help="markdown or html."),
           version: int = typer.Option(None, "--version"),
           output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of printing.")
           ) -> None:
    """Export a job description as Markdown or HTML."""
    setup_django()
    from headway.team.services import jobs

    out = jobs.export(None, job, fmt, version)
    if output:
        output.write_text(out.text, encoding="utf-8")
        console.print(f"Wrote {output}.")
    else:
        typer.echo(out.text)
