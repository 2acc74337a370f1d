"""Translate errors into one clear line on stderr and an exit code, once, for the whole CLI."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer
from rich.console import Console

from headway.core.errors import ConfigurationError, HeadwayError

stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> int:
    stderr.print(f"[bold red]error:[/] {message}", markup=True)
    return 1


def map_database_error(exc: Exception) -> HeadwayError | None:
    """Database failures, seen from the command line, as a HeadwayError with the fix."""
    from django.db.utils import OperationalError, ProgrammingError

    from headway.conf.config import load_config, redact_url

    if isinstance(exc, OperationalError | ProgrammingError):
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "no such table" in text or "does not exist" in text:
            return ConfigurationError(f"The database is not set up ({text}): run `headway init` to migrate it.")
        url = redact_url(load_config().database_url)
        return ConfigurationError(
            f"Cannot use the database at {url} ({text}): check HEADWAY_DATABASE_URL and that the server is running."
        )
    return None


def run_guarded(app: typer.Typer, argv: Sequence[str]) -> int:
    """Run the Typer app; HeadwayError and known third-party errors become one line and exit 1."""
    try:
        app(args=list(argv), standalone_mode=True)  # usage errors: click's message and exit 2
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        stderr.print("interrupted.")
        return 130
    except HeadwayError as exc:
        return fail(exc.message)
    except Exception as exc:  # mapped at the boundary; never a traceback
        if _interrupted(exc):
            stderr.print("interrupted.")
            return 130
        mapped = map_database_error(exc)
        if mapped is not None:
            return fail(mapped.message)
        return fail(f"unexpected {type(exc).__name__}: {exc}. Run `headway doctor` to check the installation.")


def _interrupted(exc: Exception) -> bool:
    """Whether ``exc`` is Ctrl-C as DuckDB reports it when the signal lands during its query (an Exception, not
    KeyboardInterrupt). DuckDB raised it only if it is loaded."""
    duckdb = sys.modules.get("duckdb")
    return duckdb is not None and isinstance(exc, duckdb.InterruptException)
