"""Commands that install, check, demo and serve Headway: init, demo, serve, doctor."""

from __future__ import annotations

import time

import typer

from headway.cli.console import console, print_table, progress_bar
from headway.conf.bootstrap import setup_django


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("serve")(serve)
    app.command("doctor")(doctor)


def init(
    workspace: str = typer.Option("My company", "--workspace", help="Company name for a new workspace."),
    admin: str = typer.Option(None, "--admin", help="Create this admin login (if missing)."),
    admin_password: str = typer.Option(None, "--admin-password", envvar="HEADWAY_ADMIN_PASSWORD",
                                       help="Password for --admin (or HEADWAY_ADMIN_PASSWORD)."),
) -> None:
    """Create the data directory, secret key, database schema and workspace. Safe to run again."""
    setup_django()
    from headway.core.installation import initialise

    result = initialise(workspace, admin, admin_password)
    console.print(f"Data directory: {result.home}")
    console.print(f"Migrations applied: {len(result.migrations_applied)}")
    console.print("Workspace created." if result.workspace_created else "Workspace already exists; left as it was.")
    if result.admin_created:
        console.print(f"Admin {admin!r} created.")
    console.print("Next: `headway serve`, then open http://127.0.0.1:8000/")


def demo(
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve the demo when it is built."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port", help="Port to serve on."),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed builds the same company."),
) -> None:
    """Build the Northwind Retail demo company (wiping this installation's data) and serve it."""
    setup_django()
    from headway.demo.builder import build_demo
    from headway.web.server import check_port_free

    if serve_after:
        check_port_free(host, port)
    start = time.perf_counter()
    with progress_bar("Building Northwind Retail") as update:
        result = build_demo(seed=seed, progress=update)
    console.print(f"Built in {time.perf_counter() - start:.1f} s.")
    print_table("Demo logins", ["username", "password", "role", "name"],
                [(x.username, x.password, x.role, x.name) for x in result.logins])
    if serve_after:
        _serve(host, port)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for all)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the web app and API."""
    setup_django()
    from headway.core.installation import check_database

    check_database()
    _serve(host, port)


def _serve(host: str, port: int) -> None:
    from headway.cli.handover import register
    from headway.web.server import serve as run_server

    register()  # its worker runs the commands other `headway` processes hand to it while it holds the events

    shown = "localhost" if host in {"127.0.0.1", "0.0.0.0"} else host  # noqa: S104
    run_server(host, port, on_ready=lambda: console.print(f"Headway is up on http://{shown}:{port}/  "
                                                          "(Ctrl-C stops it)"))


def doctor() -> None:
    """Check settings, data directory, database, migrations, events store and static assets."""
    setup_django()
    from headway.core.installation import doctor as run_checks

    checks = run_checks()
    print_table("Headway doctor", ["check", "status", "detail", "fix"],
                [(c.name, "ok" if c.ok else "PROBLEM", c.message, c.fix) for c in checks])
    problems = [c for c in checks if not c.ok]
    if problems:
        raise typer.Exit(1)
