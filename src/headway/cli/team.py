"""``headway team list|org|spans|add|move``: the product organisation from the command line."""

from __future__ import annotations

from typing import Any

import typer
from rich.markup import escape
from rich.tree import Tree

from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django
from headway.core.formatting import label
from headway.team.engine.org import OrgNode

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
         "manager": p.manager.name if p.manager else "", "reports": getattr(p, "report_count", 0),
         "location": p.location}
        for p in people
    ]
    if as_json:
        print_json(rows)
        return
    print_table(f"People ({len(rows)})", ["id", "name", "title", "department", "team", "manager", "reports"],
                [[r[k] for k in ("id", "name", "title", "department", "team", "manager", "reports")] for r in rows])


def _add_branch(parent: Tree, node: OrgNode) -> None:
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


# --- career ladder --------------------------------------------------------------------------------------

from headway.cli._actor import AS_OPTION, actor  # noqa: E402

ladder_app = typer.Typer(help="The career ladder: levels, competencies, versions and edits.", no_args_is_help=True)
checkin_app = typer.Typer(help="Check-ins between managers and reports.", no_args_is_help=True)
app.add_typer(ladder_app, name="ladder")
app.add_typer(checkin_app, name="checkin")


@ladder_app.command("show")
def ladder_show(
    version: int = typer.Option(None, "--version", help="An older version (default: the newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print the ladder's plain data as JSON."),
) -> None:
    """Show the ladder: levels with scope and experience, and the expected rating per competency."""
    setup_django()
    from headway.team.engine.ladder import SCOPES, ladder_to_dict
    from headway.team.services import ladders

    lad = ladders.ladder_at(None, version) if version else ladders.current_ladder(None)
    if as_json:
        print_json(ladder_to_dict(lad))
        return
    console.print(f"[bold]{escape(lad.name)}[/] v{lad.version} — {escape(lad.change_note)}")
    print_table("Levels", ["slug", "title", "track", "rank", "years", "scope"],
                [(lv.slug, lv.title, lv.track, lv.rank, lv.years, SCOPES[lv.scope]) for lv in lad.levels])
    print_table("Expected rating per competency", ["competency", *[lv.slug for lv in lad.levels]],
                [(c.name, *[lv.expectations[c.slug] for lv in lad.levels]) for c in lad.competencies])


@ladder_app.command("versions")
def ladder_versions() -> None:
    """List the ladder's versions with their change notes."""
    setup_django()
    from headway.team.services import ladders

    print_table("Ladder versions", ["version", "change", "by", "at"],
                [(v.version, v.change_note, v.created_by.username if v.created_by else "system",
                  v.created_at.strftime("%Y-%m-%d %H:%M")) for v in ladders.list_versions(None)])


@ladder_app.command("edit")
def ladder_edit(
    op: str = typer.Argument(..., help="rename-level, update-level, add-level, remove-level, set-expectation, "
                             "rename-competency, update-competency, add-competency, remove-competency, "
                             "rename-area, remove-area."),
    args: list[str] = typer.Argument(None, help="KEY=VALUE pairs, e.g. slug=apm title='Product Analyst'; "
                                     "lists and objects as JSON (anchors='[\"...\", ...]')."),
    note: str = typer.Option("", "--note", help="The change note (default: a generated one)."),
    as_user: str = AS_OPTION,
) -> None:
    """Edit the ladder; each edit stores a new version."""
    setup_django()
    import json

    from headway.core.errors import ValidationError
    from headway.team.services import ladders

    values: dict[str, Any] = {}
    for pair in args or []:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise ValidationError(f"{pair!r} is not KEY=VALUE: write e.g. slug=apm.")
        try:
            values[key] = json.loads(raw) if raw[:1] in "[{" or raw.isdigit() else raw
        except json.JSONDecodeError:
            raise ValidationError(f"{key}: {raw!r} is not valid JSON.") from None
    new = ladders.edit_ladder(actor(as_user), op, note=note, **values)
    console.print(f"Ladder v{new.version}: {escape(new.change_note)}")


# --- check-ins ------------------------------------------------------------------------------------------


@checkin_app.command("list")
def checkin_list(as_user: str = AS_OPTION) -> None:
    """Check-in pairs with their cadence and when each is due next."""
    setup_django()
    from headway.team.services import checkins

    rows = [checkins.pair_view(actor(as_user), p.pk) for p in checkins.list_pairs(actor(as_user))]
    print_table(f"Check-in pairs ({len(rows)})", ["id", "manager", "report", "cadence", "last", "due"],
                [(v.pair.pk, v.pair.manager.name, v.pair.report.name, v.pair.cadence,
                  v.checkins[0].checkin.date if v.checkins else "", v.due) for v in rows])


@checkin_app.command("start")
def checkin_start(
    manager: int = typer.Argument(..., help="The manager's person id."),
    report: int = typer.Argument(..., help="The report's person id."),
    cadence: str = typer.Option("weekly", "--cadence", help="weekly, biweekly or monthly."),
    started: str = typer.Option(None, "--started", help="First due date (default today), e.g. 2025-03-18."),
    as_user: str = AS_OPTION,
) -> None:
    """Start check-ins between a manager and a report."""
    setup_django()
    from headway.team.services import checkins

    pair = checkins.create_pair(actor(as_user), manager, report, cadence, started)
    console.print(f"Check-ins {pair.manager.name} ↔ {pair.report.name} ({pair.cadence}), pair id {pair.pk}.")


@checkin_app.command("cadence")
def checkin_cadence(pair: int = typer.Argument(..., help="The pair id."),
                    cadence: str = typer.Argument(..., help="weekly, biweekly or monthly."),
                    as_user: str = AS_OPTION) -> None:
    """Change how often a pair meets (one of the pair)."""
    setup_django()
    from headway.team.services import checkins

    done = checkins.set_cadence(actor(as_user), pair, cadence)
    console.print(f"Check-ins {done.manager.name} ↔ {done.report.name} are now {done.cadence}.", markup=False)


@checkin_app.command("end")
def checkin_end(pair: int = typer.Argument(..., help="The pair id."),
                yes: bool = typer.Option(False, "--yes", help="Confirm that the series ends."),
                as_user: str = AS_OPTION) -> None:
    """End a check-in series (one of the pair); its history is kept, and `start` picks it up again."""
    setup_django()
    from headway.team.services import checkins

    if not yes:
        console.print("Add --yes to end the series; nothing was changed.", markup=False)
        raise typer.Exit(1)
    done = checkins.end_pair(actor(as_user), pair)
    console.print(f"Check-ins {done.manager.name} ↔ {done.report.name} ended; their history is kept.", markup=False)


@checkin_app.command("show")
def checkin_show(pair: int = typer.Argument(..., help="The pair id."), as_user: str = AS_OPTION,
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """A pair's upcoming agenda, open actions and check-in history."""
    setup_django()
    from headway.team.services import checkins

    data = checkins.pair_data(checkins.pair_view(actor(as_user), pair))
    if as_json:
        print_json(data.model_dump(mode="json"))
        return
    console.print(f"[bold]{escape(data.manager.name)} ↔ {escape(data.report.name)}[/] "
                  f"({data.cadence}), next due {data.due.isoformat()}")
    print_table("Agenda", ["id", "item", "author", "private", "carried"],
                [(i.id, i.text, i.author, "yes" if i.private else "", i.carried) for i in data.upcoming])
    print_table("Actions", ["id", "action", "owner", "due", "done"],
                [(a.id, a.text, a.owner, a.due, "yes" if a.done else "")
                 for a in data.actions])
    print_table("Check-ins", ["date", "pulse", "comment", "notes"],
                [(c.date, c.pulse, c.pulse_comment, c.notes) for c in data.checkins or []])


@checkin_app.command("agenda")
def checkin_agenda(pair: int = typer.Argument(...), text: str = typer.Argument(...),
                   private: bool = typer.Option(False, "--private", help="Only you will see it."),
                   as_user: str = AS_OPTION) -> None:
    """Add an agenda item for the next check-in."""
    setup_django()
    from headway.team.services import checkins

    item = checkins.add_agenda_item(actor(as_user), pair, text, private=private)
    console.print(f"Agenda item {item.pk} added{' (private)' if item.private else ''}.")


@checkin_app.command("action")
def checkin_action(pair: int = typer.Argument(...), text: str = typer.Argument(...),
                   owner: int = typer.Option(..., "--owner", help="The owner's person id (one of the pair)."),
                   due: str = typer.Option(None, "--due", help="Due date, e.g. 2025-03-18."),
                   as_user: str = AS_OPTION) -> None:
    """Add an action item with an owner and a due date."""
    setup_django()
    from headway.team.services import checkins

    action = checkins.add_action_item(actor(as_user), pair, text, owner, due)
    console.print(f"Action item {action.pk} added.")


@checkin_app.command("record")
def checkin_record(
    pair: int = typer.Argument(...),
    on: str = typer.Option(None, "--date", help="The day of the check-in (default today)."),
    pulse: int = typer.Option(None, "--pulse", help="How the report feels, 1–5."),
    comment: str = typer.Option("", "--comment", help="A word on the pulse."),
    notes: str = typer.Option("", "--notes", help="Shared notes."),
    done: list[int] = typer.Option(None, "--done", help="An agenda item id that is done (repeatable)."),
    as_user: str = AS_OPTION,
) -> None:
    """Record a check-in; open agenda items carry over to the next one until done."""
    setup_django()
    from headway.team.services import checkins

    c = checkins.record_checkin(actor(as_user), pair, on=on, pulse=pulse, pulse_comment=comment, notes=notes,
                                done=done or [])
    console.print(f"Check-in of {c.date} recorded.")


@checkin_app.command("overdue")
def checkin_overdue(manager: int = typer.Option(None, "--manager", help="Only this manager's person id."),
                    as_user: str = AS_OPTION) -> None:
    """Overdue check-ins, most overdue first."""
    setup_django()
    from headway.team.services import checkins

    rows = checkins.overdue_data(checkins.overdue(actor(as_user), manager))
    print_table(f"Overdue check-ins ({len(rows)})", ["manager", "report", "cadence", "due", "days overdue"],
                [(r.manager, r.report, label(r.cadence), r.due, r.days_overdue) for r in rows])


# --- readiness and privacy ------------------------------------------------------------------------------


@app.command("readiness")
def readiness(person: int = typer.Argument(..., help="The person's id."),
              target: str = typer.Option(None, "--target", help="A target level slug (default: the next)."),
              as_user: str = AS_OPTION, as_json: bool = typer.Option(False, "--json")) -> None:
    """Promotion readiness: gaps to the next level and the evidence you may see."""
    setup_django()
    from headway.team.services import readiness as service

    data = service.readiness_data(service.promotion_readiness(actor(as_user), person, target=target))
    if as_json:
        print_json(data.model_dump(mode="json"))
        return
    console.print(f"[bold]{data.verdict_label}[/] for {escape(data.target_title)} (from {escape(data.source)})")
    print_table("Gaps", ["competency", "expected", "actual", "gap"],
                [(g.name, g.expected, g.actual, g.gap) for g in data.gaps])
    print_table("Evidence", ["source", "when", "text"], [(e.source, e.when, e.text) for e in data.evidence])
    console.print(escape(data.rule))


@app.command("export")
def export(person: int = typer.Option(None, "--person", help="A person id (system operator only)."),
           as_user: str = AS_OPTION) -> None:
    """Export all of a person's own data as JSON (with --as, the user's own)."""
    setup_django()
    from headway.team.services import privacy

    print_json(privacy.export_person_data(actor(as_user), person).model_dump(mode="json"))


@app.command("forget")
def forget(person: int = typer.Argument(..., help="The person's id."),
           yes: bool = typer.Option(False, "--yes", help="Confirm: this cannot be undone."),
           as_user: str = AS_OPTION) -> None:
    """Delete a person's data on request (admins); review aggregates stay only where the threshold holds."""
    setup_django()
    from headway.core.errors import ValidationError
    from headway.team.services import privacy

    if not yes:
        raise ValidationError("Deleting a person's data cannot be undone: add --yes to confirm.")
    counts = privacy.delete_person_data(actor(as_user), person)
    console.print("Deleted: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.model_dump().items()) + ".")
