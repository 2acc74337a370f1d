"""``headway review ...``: 360 review cycles from the command line (anonymous results only)."""

from __future__ import annotations

import typer
from rich.markup import escape

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="360 review cycles: nominations, responses, anonymous results, the nine-box.",
                  no_args_is_help=True)


@app.command("list")
def list_cycles() -> None:
    """Review cycles with their state."""
    setup_django()
    from headway.team.services import reviews

    print_table("Review cycles", ["id", "name", "state", "ladder", "reviewees"],
                [(c.pk, c.name, c.state, f"v{c.ladder.version}", c.reviews.count())
                 for c in reviews.list_cycles(None)])


@app.command("create")
def create(name: str = typer.Argument(...),
           reviewee: list[int] = typer.Option(None, "--reviewee", help="A reviewee's person id (repeatable)."),
           as_user: str = AS_OPTION) -> None:
    """Create a draft cycle on the current ladder."""
    setup_django()
    from headway.team.services import reviews

    cycle = reviews.create_cycle(actor(as_user), name, reviewee or [])
    console.print(f"Cycle {cycle.pk} {escape(cycle.name)} created (draft).")


@app.command("show")
def show(cycle: int = typer.Argument(...), as_user: str = AS_OPTION) -> None:
    """A cycle's state, reviewees and progress (counts only)."""
    setup_django()
    from headway.team.services import review_reports, reviews

    c = reviews.get_cycle(actor(as_user), cycle)
    console.print(f"[bold]{escape(c.name)}[/] is {c.state}; next: {reviews.NEXT_STATE.get(c.state) or '—'}")
    rows = review_reports.progress_data(review_reports.progress(actor(as_user), cycle))
    print_table("Progress", ["id", "reviewee", "received", "expected", "%"],
                [(r.reviewee_id, r.reviewee, r.received, r.expected, r.percent) for r in rows])


@app.command("add")
def add(cycle: int = typer.Argument(...), person: list[int] = typer.Argument(..., help="Person ids."),
        as_user: str = AS_OPTION) -> None:
    """Add reviewees to a draft cycle."""
    setup_django()
    from headway.team.services import reviews

    for pid in person:
        reviews.add_reviewee(actor(as_user), cycle, pid)
    console.print(f"{len(person)} reviewee(s) added.")


@app.command("advance")
def advance(cycle: int = typer.Argument(...),
            to: str = typer.Option(None, "--to", help="The state expected next (a safety check)."),
            as_user: str = AS_OPTION) -> None:
    """Move a cycle one step: draft → nominating → collecting → calibrating → released → closed."""
    setup_django()
    from headway.team.services import reviews

    c = reviews.advance(actor(as_user), cycle, to)
    console.print(f"Cycle {escape(c.name)} is now {c.state}.")


@app.command("nominate")
def nominate(cycle: int = typer.Argument(...), reviewee: int = typer.Argument(...),
             reviewer: list[int] = typer.Argument(..., help="Reviewer person ids."),
             as_user: str = AS_OPTION) -> None:
    """The reviewee proposes reviewers (their group follows from who they are)."""
    setup_django()
    from headway.team.services import reviews

    made = reviews.nominate(actor(as_user), cycle, reviewee, reviewer)
    print_table("Nominated", ["id", "reviewer", "group", "status"],
                [(n.pk, n.reviewer.name, n.group, n.status) for n in made])


@app.command("nominations")
def nominations(cycle: int = typer.Argument(...), reviewee: int = typer.Argument(...),
                as_user: str = AS_OPTION) -> None:
    """Who is asked to review someone (never who has submitted)."""
    setup_django()
    from headway.team.services import reviews

    rows = reviews.list_nominations(actor(as_user), cycle, reviewee)
    print_table("Nominations", ["id", "reviewer", "group", "status"],
                [(n.pk, n.reviewer.name, n.group, n.status) for n in rows])


@app.command("approve")
def approve(nomination: int = typer.Argument(...),
            decline: bool = typer.Option(False, "--decline", help="Decline instead of approving."),
            as_user: str = AS_OPTION) -> None:
    """The reviewee's manager approves (or declines) a nomination."""
    setup_django()
    from headway.team.services import reviews

    n = reviews.decide(actor(as_user), nomination, approve=not decline)
    console.print(f"Nomination {n.pk} {n.status}.")


@app.command("missing")
def missing(cycle: int = typer.Argument(...), as_json: bool = typer.Option(False, "--json", help="Print JSON."),
            as_user: str = AS_OPTION) -> None:
    """Reviews still missing per reviewee and group in a collecting cycle: counts, never names."""
    setup_django()
    from headway.team.services import reminders

    rows = reminders.missing(actor(as_user), cycle)
    if as_json:
        print_json([r.model_dump(mode="json") for r in rows])
        return
    print_table("Missing reviews", ["reviewee", "missing", "by group", "last reminder"],
                [(r.reviewee, r.missing, "; ".join(f"{g.group} {g.missing} of {g.expected}" for g in r.groups),
                  r.last_reminded.date().isoformat() if r.last_reminded else "") for r in rows])


@app.command("remind")
def remind(cycle: int = typer.Argument(...),
           reviewee: int = typer.Option(None, "--reviewee", help="Only this reviewee's missing reviewers."),
           as_user: str = AS_OPTION) -> None:
    """Remind every reviewer whose review is still missing; each sees it on their Reviews page."""
    setup_django()
    from headway.team.services import reminders

    done = reminders.remind(actor(as_user), cycle, reviewee)
    console.print(f"Reminded {done.reminded} reviewer(s).", markup=False)


@app.command("todo")
def todo(as_user: str = AS_OPTION) -> None:
    """The reviews you are asked to write."""
    setup_django()
    from headway.team.services import reviews

    print_table("Reviews to write", ["nomination", "cycle", "reviewee", "as", "submitted"],
                [(a.nomination.pk, a.review.cycle.name, a.review.reviewee.name, a.nomination.group,
                  "yes" if a.submitted else "") for a in reviews.my_assignments(actor(as_user))])


@app.command("respond")
def respond(nomination: int = typer.Argument(...),
            rating: list[str] = typer.Option(..., "--rating", help="COMPETENCY=1..5 (repeatable)."),
            comment: str = typer.Option("", "--comment"), as_user: str = AS_OPTION) -> None:
    """Submit a review once: ratings per competency and a comment."""
    setup_django()
    from headway.core.errors import ValidationError
    from headway.team.services import reviews

    ratings: dict[str, int] = {}
    for item in rating:
        slug, _, value = item.partition("=")
        if not value.isdigit():
            raise ValidationError(f"{item!r} is not COMPETENCY=RATING: write e.g. delivery=4.")
        ratings[slug] = int(value)
    reviews.respond(actor(as_user), nomination, ratings, comment)
    console.print("Review submitted. Thank you.")


@app.command("calibrate")
def calibrate(cycle: int = typer.Argument(...), reviewee: int = typer.Argument(...),
              performance: int = typer.Option(None, "--performance", help="1–5."),
              potential: int = typer.Option(None, "--potential", help="1–5."),
              notes: str = typer.Option(None, "--notes", help="Private notes (never shown to the reviewee)."),
              as_user: str = AS_OPTION) -> None:
    """The manager's performance and potential ratings and private notes."""
    setup_django()
    from headway.team.services import review_reports

    r = review_reports.calibrate(actor(as_user), cycle, reviewee, performance=performance, potential=potential,
                          notes=notes)
    console.print(f"{r.reviewee.name}: performance {r.performance}, potential {r.potential}.")


@app.command("results")
def results(cycle: int = typer.Argument(...), reviewee: int = typer.Argument(...), as_user: str = AS_OPTION,
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Anonymous results of a review (the view is audited)."""
    setup_django()
    from headway.team.services import review_reports

    data = review_reports.results_data(review_reports.results(actor(as_user), cycle, reviewee))
    if as_json:
        print_json(data.model_dump(mode="json"))
        return
    units = [*data.units, data.overall]
    names = [s.name for s in data.overall.scores]
    print_table(f"{data.reviewee} — {data.cycle}", ["competency", *[f"{u.label} ({u.count})" for u in units]],
                [(name, *["" if u.scores[i].mean is None else u.scores[i].mean for u in units])
                 for i, name in enumerate(names)])
    if data.hidden_groups:
        console.print(f"Hidden (below the threshold of {data.threshold}): {', '.join(data.hidden_groups)}")
    for c in data.comments:
        console.print(f"• {escape(c.text)}")
    if data.manager_notes is not None:
        console.print(f"[bold]Manager's private notes:[/] {escape(data.manager_notes)}")
    console.print(escape(data.rule))


@app.command("ninebox")
def ninebox(cycle: int = typer.Argument(...), as_user: str = AS_OPTION,
            as_json: bool = typer.Option(False, "--json")) -> None:
    """The nine-box grid (performance × potential) of the reviewees you manage."""
    setup_django()
    from headway.team.services import review_reports

    data = review_reports.nine_box_data(review_reports.nine_box(actor(as_user), cycle))
    if as_json:
        print_json(data.model_dump(mode="json"))
        return
    print_table("Nine-box", ["cell", "performance", "potential", "people"],
                [(c.name, c.performance, c.potential, ", ".join(p.name for p in c.people)) for c in data.cells])


@app.command("threshold")
def threshold(value: int = typer.Argument(None, help="A new threshold (2 or more); leave out to show it."),
              as_user: str = AS_OPTION) -> None:
    """Show or change the anonymity threshold of review results."""
    setup_django()
    from headway.team.services import reviews

    if value is not None:
        reviews.set_threshold(actor(as_user), value)
    console.print(f"Anonymity threshold: {reviews.threshold()}")
