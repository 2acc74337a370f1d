"""Headway's configuration, read from ``HEADWAY_*`` environment variables and validated in one place.

| variable | default |
|---|---|
| ``HEADWAY_HOME`` | ``./.headway`` (the data directory) |
| ``HEADWAY_DATABASE_URL`` | SQLite (WAL) at ``$HEADWAY_HOME/headway.sqlite3`` |
| ``HEADWAY_EVENTS_URL`` | DuckDB at ``$HEADWAY_HOME/events.duckdb`` |
| ``HEADWAY_EVENTS_MEMORY_LIMIT`` | DuckDB's default for queries, ``512MB`` while ingesting |
| ``HEADWAY_SECRET_KEY`` | generated once into ``$HEADWAY_HOME/secret_key`` (local settings only) |
| ``HEADWAY_DEBUG`` | ``false`` |
| ``HEADWAY_ALLOWED_HOSTS`` | ``localhost,127.0.0.1,[::1]`` |
| ``HEADWAY_TASKS_BACKEND`` | ``django_tasks_db.DatabaseBackend`` (background work in the database) |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from headway.core.errors import ConfigurationError

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
SETTINGS = (
    "HEADWAY_HOME",
    "HEADWAY_DATABASE_URL",
    "HEADWAY_EVENTS_URL",
    "HEADWAY_EVENTS_MEMORY_LIMIT",
    "HEADWAY_SECRET_KEY",
    "HEADWAY_DEBUG",
    "HEADWAY_ALLOWED_HOSTS",
    "HEADWAY_SSL_REDIRECT",
    "HEADWAY_ADMIN_PASSWORD",
    "HEADWAY_USER_PASSWORD",
    "HEADWAY_TEST_DATABASE_URL",
    "HEADWAY_TASKS_BACKEND",
    "HEADWAY_EMAIL_URL",
    "HEADWAY_EMAIL_FROM",
    "HEADWAY_BASE_URL",
    "HEADWAY_WEBHOOK_TIMEOUT",
    "HEADWAY_CHANNEL_SECRET",
)


@dataclass(frozen=True)
class Config:
    """Validated settings; build it with :func:`load_config`."""

    home: Path
    database_url: str
    events_url: str
    debug: bool
    allowed_hosts: list[str]
    secret_key_from_env: str | None
    tasks_backend: str = "django_tasks_db.DatabaseBackend"

    @property
    def secret_key_file(self) -> Path:
        return self.home / "secret_key"


def parse_bool(name: str, raw: str) -> bool:
    """Read a yes/no setting; anything else is an error that lists the accepted words."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a yes/no value: set it to true or false.")


def load_config(environ: dict[str, str] | None = None) -> Config:
    """Read and validate the ``HEADWAY_*`` settings (without touching the disk)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HEADWAY_HOME") or ".headway").expanduser().resolve()
    database_url = env.get("HEADWAY_DATABASE_URL") or f"sqlite:///{home / 'headway.sqlite3'}"
    scheme = database_url.split("://", 1)[0] if "://" in database_url else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigurationError(
            f"HEADWAY_DATABASE_URL={redact_url(database_url)!r} is not a database URL Headway supports: "
            "use sqlite:////absolute/path.sqlite3 or postgres://USER:PASSWORD@HOST:5432/NAME."
        )
    events_url = env.get("HEADWAY_EVENTS_URL") or f"duckdb:///{home / 'events.duckdb'}"
    if "://" not in events_url:
        raise ConfigurationError(
            f"HEADWAY_EVENTS_URL={events_url!r} is not a connection URL: use duckdb:///path/events.duckdb, "
            "postgres://... or pyspark://."
        )
    hosts_raw = env.get("HEADWAY_ALLOWED_HOSTS") or "localhost,127.0.0.1,[::1]"
    hosts = [h.strip() for h in hosts_raw.split(",") if h.strip()]
    if not hosts:
        raise ConfigurationError("HEADWAY_ALLOWED_HOSTS is empty: list host names, comma-separated.")
    secret = env.get("HEADWAY_SECRET_KEY") or None
    if secret is not None and len(secret) < 32:
        raise ConfigurationError(
            "HEADWAY_SECRET_KEY is too short (under 32 characters): generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    tasks_backend = (env.get("HEADWAY_TASKS_BACKEND") or "django_tasks_db.DatabaseBackend").strip()
    if "." not in tasks_backend:
        raise ConfigurationError(
            f"HEADWAY_TASKS_BACKEND={tasks_backend!r} is not a backend class path: use "
            "django_tasks_db.DatabaseBackend (the default) or django_tasks_rq.RQBackend."
        )
    return Config(
        home=home,
        database_url=database_url,
        events_url=events_url,
        debug=parse_bool("HEADWAY_DEBUG", env.get("HEADWAY_DEBUG", "false")),
        allowed_hosts=hosts,
        secret_key_from_env=secret,
        tasks_backend=tasks_backend,
    )


def ensure_home(config: Config) -> Path:
    """Create the data directory if needed and prove it is writable."""
    try:
        config.home.mkdir(parents=True, exist_ok=True)
        probe = config.home / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigurationError(
            f"HEADWAY_HOME={config.home} is not a writable directory ({exc.strerror}): "
            "point HEADWAY_HOME at a directory you can write to, or fix its permissions."
        ) from exc
    return config.home


def local_secret_key(config: Config) -> str:
    """The secret key for local use: from the environment, else generated once into HEADWAY_HOME."""
    if config.secret_key_from_env:
        return config.secret_key_from_env
    path = config.secret_key_file
    if path.exists():
        return path.read_text().strip()
    ensure_home(config)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def redact_url(url: str) -> str:
    """A connection URL with its password replaced, safe for logs and messages."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
