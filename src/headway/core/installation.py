"""Installing and checking a Headway: the data directory, migrations, the first workspace, doctor."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from headway.conf.config import ensure_home, load_config, redact_url
from headway.core import services
from headway.core.errors import ConfigurationError, HeadwayError
from headway.core.models import User
from headway.core.permissions import Role

STATIC_ASSETS = ("vendor/htmx.min.js", "vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")


def check_database() -> None:
    """Open a connection to the configured database or raise a ConfigurationError with the fix."""
    try:
        connection.ensure_connection()
    except Exception as exc:
        url = redact_url(load_config().database_url)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConfigurationError(
            f"Cannot connect to the database at {url} ({reason}): check HEADWAY_DATABASE_URL, "
            "that the server is running and that the user may log in."
        ) from exc


def pending_migrations() -> list[str]:
    """Migrations not yet applied, as ``app.name``."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def migrate() -> None:
    """Apply all migrations (each in its own transaction; re-running is a no-op)."""
    check_database()
    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())


@dataclass
class InitResult:
    home: Path
    workspace_created: bool
    admin_created: bool
    migrations_applied: list[str] = field(default_factory=list)


def initialise(
    workspace_name: str = "My company",
    admin_username: str | None = None,
    admin_password: str | None = None,
) -> InitResult:
    """Set up an installation: data directory, secret key, database schema, workspace, first admin.

    Idempotent: running it again changes nothing that exists. The admin is created only when both a
    username and a password are given and no such user exists.
    """
    if admin_username and not admin_password:
        raise ConfigurationError("Give the admin a password with --admin-password (10 characters or more).")
    if admin_username and admin_password:
        services.check_password_rules(admin_username, admin_password)
    home = ensure_home(load_config())
    pending = pending_migrations() if _can_plan() else []
    migrate()
    with transaction.atomic():
        _, created = services.ensure_workspace(workspace_name)
        admin_created = False
        if admin_username and not User.objects.filter(username=admin_username).exists():
            services.create_user(None, admin_username, admin_password or "", role=Role.ADMIN)
            admin_created = True
    return InitResult(home=home, workspace_created=created, admin_created=admin_created, migrations_applied=pending)


def _can_plan() -> bool:
    try:
        check_database()
        return True
    except HeadwayError:
        return False


@dataclass(frozen=True)
class Check:
    """One doctor check: its name, whether it passed, what was found and how to fix it."""

    name: str
    ok: bool
    message: str
    fix: str = ""


def static_root_candidates() -> list[Path]:
    """Where the built front-end assets can live: the package's static folder and STATIC_ROOT."""
    return [Path(__file__).resolve().parent.parent / "web" / "static", Path(settings.STATIC_ROOT)]


def doctor() -> list[Check]:
    """Check settings, data directory, database, migrations, events store and static assets."""
    checks: list[Check] = []
    try:
        config = load_config()
        checks.append(Check("settings", True, f"HEADWAY_HOME={config.home}"))
    except HeadwayError as exc:
        return [Check("settings", False, exc.message, "fix the variable named above and run again")]
    try:
        ensure_home(config)
        checks.append(Check("data directory", True, f"{config.home} is writable"))
    except HeadwayError as exc:
        checks.append(Check("data directory", False, exc.message, "set HEADWAY_HOME to a writable directory"))
    source = "HEADWAY_SECRET_KEY" if config.secret_key_from_env else f"generated once into {config.secret_key_file}"
    checks.append(Check("secret key", True, source))
    try:
        check_database()
        checks.append(Check("database", True, f"connected to {redact_url(config.database_url)}"))
        pending = pending_migrations()
        if pending:
            checks.append(Check("migrations", False, f"{len(pending)} migration(s) not applied",
                                "run `headway init`"))
        else:
            checks.append(Check("migrations", True, "all applied"))
    except HeadwayError as exc:
        checks.append(Check("database", False, exc.message, "check HEADWAY_DATABASE_URL"))
    checks.extend(check() for check in CHECKS)
    missing = [a for a in STATIC_ASSETS if not any((root / a).exists() for root in static_root_candidates())]
    if missing:
        checks.append(Check("static assets", False, f"missing {', '.join(missing)}",
                            "run `make assets` (needs npm) to build the front-end assets"))
    else:
        checks.append(Check("static assets", True, "htmx and Vega-Lite present"))
    return checks


CheckFn = Callable[[], Check]
CHECKS: list[CheckFn] = []
"""Checks the apps add to `headway doctor` (the analytics app adds the events store's) with :func:`register_check`."""


def register_check(check: CheckFn) -> CheckFn:
    """Add ``check`` to what `headway doctor` runs; returns it unchanged (usable as a decorator)."""
    CHECKS.append(check)
    return check
