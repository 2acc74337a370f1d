"""The ``headway`` command: one Typer app, one module per noun.

Every error is one line on stderr and a non-zero exit; no traceback reaches the user.
"""

from __future__ import annotations

import sys

import typer

from headway import __version__
from headway.cli import channel as channel_commands
from headway.cli import events, idea, insight, jd, metrics, plan, review, roadmap, team, tokens, users, worker
from headway.cli import feedback as feedback_commands
from headway.cli import goal as goal_commands
from headway.cli import hiring as hiring_commands
from headway.cli import impact as impact_commands
from headway.cli import interview as interview_commands
from headway.cli import kpi as kpi_commands
from headway.cli import report as report_commands
from headway.cli import setup as setup_commands
from headway.cli import share as share_commands
from headway.cli import subscription as subscription_commands
from headway.cli.errors import run_guarded

app = typer.Typer(
    name="headway",
    help="Headway: strategy, analytics, feedback, roadmaps and the product team in one self-hosted system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"headway {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Headway's command line."""


setup_commands.register(app)
app.command("worker")(worker.worker)
app.add_typer(worker.app, name="jobs")
app.add_typer(users.app, name="user")
app.add_typer(tokens.app, name="token")
app.add_typer(team.app, name="team")
app.add_typer(review.app, name="review")
app.add_typer(jd.app, name="jd")
app.add_typer(events.app, name="events")
app.add_typer(insight.app, name="insight")
app.add_typer(metrics.app, name="metrics")
app.add_typer(idea.app, name="idea")
app.add_typer(plan.app, name="plan")
app.add_typer(roadmap.app, name="roadmap")
app.add_typer(hiring_commands.roles, name="role")
app.add_typer(hiring_commands.hires, name="hire")
app.add_typer(interview_commands.app, name="interview")
app.add_typer(goal_commands.app, name="goal")
app.add_typer(kpi_commands.app, name="kpi")
app.add_typer(feedback_commands.app, name="feedback")
app.add_typer(feedback_commands.customers, name="customer")
app.add_typer(impact_commands.app, name="impact")
app.add_typer(impact_commands.experiments, name="experiment")
app.command("annotate")(impact_commands.annotate)
app.add_typer(report_commands.app, name="report")
app.add_typer(subscription_commands.app, name="subscription")
app.add_typer(channel_commands.app, name="channel")
app.add_typer(share_commands.app, name="share")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``headway`` console script."""
    from headway.cli.handover import remember_command_line

    arguments = argv if argv is not None else sys.argv[1:]
    remember_command_line(arguments)
    code = run_guarded(app, arguments)
    raise SystemExit(code)
