"""``headway worker`` and ``headway jobs``: run background work outside the server, and see how it goes."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import typer
from rich.table import Table

from headway.cli.console import console
from headway.conf.bootstrap import setup_django
from headway.core.formatting import duration, moment, percent

app = typer.Typer(help="Background jobs: list them and see their progress.", no_args_is_help=True)


def worker(
    interval: float = typer.Option(1.0, "--interval", min=0.1, max=60.0,
                                   help="Seconds to wait between rounds when there is nothing to do."),
    once: bool = typer.Option(False, "--once", help="Do one round (due schedules, every ready job), then exit."),
) -> None:
    """Run a background worker in the foreground until Ctrl-C: queued jobs, periodic jobs, recovery.

    `headway serve` already runs one; start more on other machines or processes to share the work.
    """
    setup_django()
    from headway.cli.handover import register
    from headway.core.worker import Worker

    register()

    runner = Worker(interval=interval)
    if once:
        runner.run_once()
        console.print("Worker round done.")
        return
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        console.print("Stopping the worker after the current job…")
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    console.print(f"Worker {runner.worker_id} running; Ctrl-C stops it.")
    runner.run(stop)


@app.command("list")
def list_jobs(
    status: str | None = typer.Option(None, "--status", help="Only jobs of this status: queued, running, "
                                      "retrying, succeeded or failed."),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="How many of the latest jobs to show."),
) -> None:
    """The latest background jobs with their status and progress."""
    setup_django()
    from headway.core import jobs

    table = Table("id", "job", "status", "progress", "attempts", "message")
    for job in jobs.list_jobs(None, limit=limit, status=status):
        table.add_row(str(job.id), job.label, job.status_label, percent(job.progress, decimals=0),
                      f"{job.attempts}/{job.max_attempts}", job.error or job.message)
    console.print(table)


@app.command("schedule")
def schedule() -> None:
    """The periodic jobs: how often each runs, when it is next due, how its last run went."""
    setup_django()
    from headway.core import schedules

    table = Table("job", "every", "next due (UTC)", "last run")
    for view in schedules.list_schedules(None):
        last = view.last_job
        table.add_row(view.label, duration(view.every_seconds),
                      moment(view.next_due_at) if view.next_due_at else "at the next round",
                      f"{last.status_label} {moment(last.finished_at or last.created_at)}" if last else "—")
    console.print(table)

