"""``headway team list|org|spans|add|move``: the product organisation from the command line."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from rich.tree import Tree

from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="People, the org chart and spans of control.", no_args_is_help=True)

DEPARTMENT_STYLES = {"product": "magenta", "engineering": "cyan", "design": "yellow", "marketing": "green",
                     "sales": "bright_red"}


@app.command("list")
def list_people(
    department: str = typer.Option(None, "--department", "-d",
                                   help="Only this department: product, engineering, design, marketing, sales."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List people with their title, department, team and manager."""
    setup_django()
    from headway.team import services

    people = services.list_people(None, department=department)
    rows = [
        {"id": p.pk, "name": p.name, "title": p.title, "department": p.department, "team": p.team,
         "manager": p.manager.name if p.manager else "", "reports": p.report_count, "location": p.location}
        for p in people
    ]
    if as_json:
        print_json(rows)
        return
    print_table(f"People ({len(rows)})", ["id", "name", "title", "department", "team", "manager", "reports"],
                [[r[k] for k in ("id", "name", "title", "department", "team", "manager", "reports")] for r in rows])


def _add_branch(parent: Tree, node: Any) -> None:
    style = DEPARTMENT_STYLES.get(node.department, "white")
    branch = parent.add(f"[bold]{escape(node.name)}[/] [{style}]{escape(node.title)}[/]")
    for child in node.children:
        _add_branch(branch, child)


@app.command("org")
def org() -> None:
    """Print the reporting hierarchy as a tree."""
    setup_django()
    from headway.team import services

    roots = services.org_tree(None)
    if not roots:
        console.print("No people yet: add some with the API or build the demo with `headway demo`.")
        return
    tree = Tree("[bold]Org chart[/]", guide_style="dim")
    for root in roots:
        _add_branch(tree, root)
    console.print(tree)


@app.command("spans")
def spans() -> None:
    """Direct reports per manager, flagging spans wider than 8 or of only 1."""
    setup_django()
    from headway.team import services

    report = services.spans_of_control(None)
    print_table("Spans of control", ["manager", "title", "direct reports", "flag"],
                [(s.name, s.title, s.direct_reports, s.flag) for s in report.spans])
    managers = len(report.spans)
    console.print(f"{managers} manager{'' if managers == 1 else 's'}, {report.average:.1f} direct reports on average, "
                  f"{len(report.flagged)} flagged.")


@app.command("add")
def add(
    name: str = typer.Argument(..., help="Full name."),
    title: str = typer.Option(..., "--title", help="Job title, e.g. 'Senior Product Manager, Search'."),
    department: str = typer.Option("product", "--department", "-d"),
    level: str = typer.Option("", "--level", help="apm, pm, senior_pm, principal_pm, group_pm, director, vp, cpo."),
    track: str = typer.Option("ic", "--track", help="ic or manager."),
    team: str = typer.Option("", "--team"),
    manager: int = typer.Option(None, "--manager", help="The manager's id (see `headway team list`)."),
) -> None:
    """Add a person to the org."""
    setup_django()
    from headway.team import services

    person = services.create_person(None, name=name, title=title, department=department, level=level,
                                    track=track, team=team, manager=manager)
    console.print(f"Added {person.name} (id {person.pk}).")


@app.command("move")
def move(
    person: int = typer.Argument(..., help="The person's id."),
    manager: int = typer.Option(None, "--to", help="The new manager's id; leave out to put them at the top."),
) -> None:
    """Give a person a new manager (reporting cycles are refused)."""
    setup_django()
    from headway.team import services

    moved = services.move(None, person, manager)
    console.print(f"{moved.name} now reports to {moved.manager.name if moved.manager else 'nobody (the top)'}.")
