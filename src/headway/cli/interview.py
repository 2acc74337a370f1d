"""``headway interview ...``: interview kits from a job's level, independent scorecards and the debrief."""

from __future__ import annotations

import typer

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console, print_json, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Interview kits, independent scorecards and the debrief.", no_args_is_help=True)


@app.command("kit")
def kit(job: int = typer.Argument(..., help="The job description's id."),
        interviews: int = typer.Option(4, "--interviews", help="How many interviews (1 to 4)."),
        show: bool = typer.Option(False, "--show", help="Show the kit instead of making it."),
        as_user: str = AS_OPTION) -> None:
    """Make (or show) a job's interview kit: every competency of its level, the must-haves a focus of one interview."""
    setup_django()
    from headway.team import services

    made = (services.interviews.get_kit(actor(as_user), job) if show
            else services.interviews.make_kit(actor(as_user), job, interviews))
    print_table(f"Interview kit for job {job} ({made.level})", ["competency", "expected", "must-have"],
                [(a.name, a.expected, "yes" if a.must_have else "") for a in made.attributes])
    for interview in made.interviews:
        console.print(f"{interview.name}: focus on {', '.join(interview.focus)}", markup=False)


@app.command("assign")
def assign(job: int = typer.Argument(..., help="The job description's id."),
           candidate: str = typer.Argument(..., help="The candidate's name."),
           interview: str = typer.Argument(..., help="The interview's number or name."),
           interviewer: str = typer.Argument(..., help="The interviewer's username."),
           email: str = typer.Option("", "--email", help="The candidate's e-mail (the hiring team sees it)."),
           as_user: str = AS_OPTION) -> None:
    """Give an interviewer one of the kit's interviews with a candidate."""
    setup_django()
    from headway.team import services

    card = services.interviews.assign(actor(as_user), job, candidate, interview, interviewer, candidate_email=email)
    console.print(f"Scorecard {card.id}: {card.interviewer} interviews {card.candidate} ({card.interview}).",
                  markup=False)


@app.command("mine")
def mine(as_user: str = AS_OPTION) -> None:
    """Your scorecards, submitted or not."""
    setup_django()
    from headway.team import services

    print_table("My scorecards", ["id", "job", "candidate", "interview", "submitted"],
                [(c.id, c.job_id, c.candidate, c.interview, "yes" if c.submitted else "no")
                 for c in services.interviews.mine(actor(as_user))])


@app.command("submit")
def submit(scorecard: int = typer.Argument(..., help="Your scorecard's id."),
           ratings: list[str] = typer.Argument(..., help="COMPETENCY=RATING (1 to 5), one each."),
           notes: str = typer.Option("", "--notes"),
           recommendation: str = typer.Option("", "--recommendation", help="strong_yes, yes, no or strong_no."),
           as_user: str = AS_OPTION) -> None:
    """Submit your scorecard (once)."""
    setup_django()
    from headway.core.errors import ValidationError
    from headway.team import services

    pairs = {}
    for item in ratings:
        slug, sep, value = item.partition("=")
        if not sep:
            raise ValidationError(f"{item!r} is not COMPETENCY=RATING, e.g. delivery=4.")
        pairs[slug.strip()] = value.strip()
    card = services.interviews.submit(actor(as_user), scorecard, pairs, notes=notes, recommendation=recommendation)
    console.print(f"Scorecard {card.id} submitted.", markup=False)


@app.command("scorecards")
def scorecards(job: int = typer.Argument(..., help="The job description's id."),
               candidate: str = typer.Argument(..., help="The candidate's name."),
               as_json: bool = typer.Option(False, "--json", help="Print JSON."), as_user: str = AS_OPTION) -> None:
    """A candidate's scorecards you may read: yours, and the others' once yours is submitted."""
    setup_django()
    from headway.team import services

    cards = services.interviews.visible(actor(as_user), job, candidate)
    if as_json:
        print_json([c.model_dump() for c in cards])
        return
    print_table(f"Scorecards of {candidate}", ["id", "interview", "interviewer", "submitted", "ratings"],
                [(c.id, c.interview, c.interviewer, "yes" if c.submitted else "no",
                  ", ".join(f"{k} {v}" for k, v in c.ratings.items() if v is not None)) for c in cards])


@app.command("debrief")
def debrief(job: int = typer.Argument(..., help="The job description's id."),
            candidate: str = typer.Argument(..., help="The candidate's name."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON."), as_user: str = AS_OPTION) -> None:
    """The debrief: each competency's ratings and spread, disagreements of 2+ points, unrated competencies."""
    setup_django()
    from headway.team import services

    result = services.interviews.debrief(actor(as_user), job, candidate)
    if as_json:
        print_json(result.model_dump())
        return
    print_table(f"Debrief of {candidate} ({result.submitted} of {result.interviews} scorecards)",
                ["competency", "expected", "ratings", "spread", "flag"],
                [(r.name, r.expected, ", ".join(f"{k} {v}" for k, v in r.ratings.items()),
                  "-" if r.spread is None else r.spread,
                  "disagreement" if r.disagreement else "unrated" if r.unrated else "") for r in result.rows])


@app.command("rate")
def rate(job: int = typer.Argument(..., help="The job description's id."), as_user: str = AS_OPTION) -> None:
    """The job's scorecard submission rate against the 90 % benchmark."""
    setup_django()
    from headway.team import services

    result = services.interviews.submission_rate(actor(as_user), job)
    shown = "no interviews yet" if result.rate is None else f"{result.rate:.0%}"
    console.print(f"Job {job}: {result.submitted} of {result.interviews} scorecards submitted ({shown}; benchmark "
                  f"{result.benchmark:.0%}).", markup=False)


@app.command("export-candidate")
def export_candidate(name: str = typer.Argument(..., help="The candidate's name."), as_user: str = AS_OPTION) -> None:
    """A candidate's data on request, as JSON."""
    setup_django()
    from headway.team import services

    print_json(services.interviews.export_candidate_data(actor(as_user), name).model_dump())


@app.command("delete-candidate")
def delete_candidate(name: str = typer.Argument(..., help="The candidate's name."), as_user: str = AS_OPTION) -> None:
    """Erase a candidate's scorecards on request."""
    setup_django()
    from headway.team import services

    count = services.interviews.delete_candidate_data(actor(as_user), name)
    console.print(f"Erased {count} scorecards of {name}.", markup=False)
