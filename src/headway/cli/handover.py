"""Commands that read or write the events store keep working while ``headway serve`` holds its embedded file.

The embedded DuckDB events file can be open in one process only. While a running server holds it, a command
marked with :func:`needs_events_store` does not fail: it hands its own command line to the server's worker (a
background job of kind ``cli.command`` that runs in the server process, which shares the server's connection),
waits for it, prints what the command printed there and exits with its exit code. A command that did not do its
work therefore always exits non-zero, wherever it ran.

Relative file paths on the command line are made absolute first (the server has its own working directory);
the server reads and writes them as the user who runs it.
"""

from __future__ import annotations

import functools
import io
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from headway.core.jobs import Progress

JOB_KIND = "cli.command"
#: Seconds a handed-over command may wait in the queue before the CLI says no worker is taking it.
START_WAIT = 60.0

F = TypeVar("F", bound=Callable[..., Any])

_command_line: list[str] | None = None
_inside = threading.local()


def remember_command_line(argv: Sequence[str]) -> None:
    """Keep the arguments of this process's command (``run_guarded`` calls it), to hand them over if needed."""
    global _command_line
    _command_line = list(argv)


def handed_over() -> bool:
    """Whether this thread runs a command that another process handed to the server's worker."""
    return bool(getattr(_inside, "active", False))


def needs_events_store(command: F) -> F:
    """Mark a command that uses the events store: while a running server holds the embedded file, the command
    runs in that server's worker instead of here."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not handed_over() and _store_held():
            _hand_over(kwargs)
            return None
        return command(*args, **kwargs)

    return run  # type: ignore[return-value]  # functools.wraps keeps the signature Typer reads


def _store_held() -> bool:
    from headway.conf.bootstrap import setup_django

    setup_django()
    from headway.analytics import services

    return services.events_store_held()


def _absolute(argv: list[str], values: dict[str, Any]) -> list[str]:
    """``argv`` with every relative path among the command's parameters made absolute."""
    paths: list[Path] = []
    for value in values.values():
        items = value if isinstance(value, list | tuple) else [value]
        paths += [p for p in items if isinstance(p, Path) and not p.is_absolute()]
    out = []
    for token in argv:
        name, equals, rest = token.partition("=")
        for path in paths:
            if not token.startswith("-") and Path(token) == path:
                token = str(Path.cwd() / path)
                break
            if equals and token.startswith("--") and rest and Path(rest) == path:
                token = f"{name}={Path.cwd() / path}"
                break
        out.append(token)
    return out


def _hand_over(values: dict[str, Any]) -> None:
    from headway.cli.errors import stderr
    from headway.core import jobs
    from headway.core.errors import ConfigurationError

    if _command_line is None:
        raise ConfigurationError("A running Headway server holds the events store and this command cannot be "
                                 "handed to it from here: run it with the `headway` command.")
    argv = _absolute(_command_line, values)
    register()
    job = jobs.enqueue(JOB_KIND, label=f"headway {' '.join(argv)}"[:200], argv=argv)
    stderr.print(f"A running Headway server holds the events store: the command runs in its worker (job {job.pk}).")
    view = jobs.wait_for(job.pk, START_WAIT)
    if view.status == "queued":
        stderr.print(f"[bold red]error:[/] job {job.pk} was not started within {START_WAIT:g} s: is the server's "
                     "worker running? Follow it under Settings → Background jobs.")
        raise typer.Exit(1)
    while not view.done:
        time.sleep(0.2)
        view = jobs.get_job(None, job.pk)
    result = view.result if isinstance(view.result, dict) else {}
    sys.stdout.write(str(result.get("stdout", "")))
    sys.stdout.flush()
    sys.stderr.write(str(result.get("stderr", "")))
    if view.status != "succeeded":
        stderr.print(f"[bold red]error:[/] the command failed in the server's worker: {view.error}")
        raise typer.Exit(1)
    raise typer.Exit(int(result.get("exit_code", 1)))


def register() -> None:
    """Register the job kind that runs handed-over commands (``headway serve``, ``headway worker`` and the
    handing command call it once Django is set up; a command is not safe to repeat, so it is tried once)."""
    from headway.core.jobs import KINDS, job_handler

    if JOB_KIND not in KINDS:
        job_handler(JOB_KIND, label="A command handed over by the CLI", max_attempts=1)(run_command)


def run_command(progress: Progress, argv: list[str]) -> dict[str, Any]:
    """Run a ``headway`` command line in this process (the server's), capturing what it prints."""
    from headway.cli import app
    from headway.cli.errors import run_guarded

    progress(0.0, "running")
    out, err = io.StringIO(), io.StringIO()
    _inside.active = True
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = run_guarded(app, argv)
    finally:
        _inside.active = False
    return {"exit_code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}
