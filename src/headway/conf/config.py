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
| ``HEADWAY_REDIS_URL`` | none; required with ``HEADWAY_TASKS_BACKEND=django_tasks_rq.RQBackend`` |
| ``HEADWAY_TRUSTED_PROXIES`` | none (addresses or CIDRs whose X-Forwarded-Proto/For are believed) |
"""

from __future__ import annotations

import ipaddress
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
    "HEADWAY_REDIS_URL",
    "HEADWAY_TRUSTED_PROXIES",
    "HEADWAY_EMAIL_URL",
    "HEADWAY_EMAIL_FROM",
    "HEADWAY_BASE_URL",
    "HEADWAY_WEBHOOK_TIMEOUT",
    "HEADWAY_REQUEST_BUDGET",
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
    redis_url: str | None = None

    @property
    def uses_rq(self) -> bool:
        """Whether background work queues in Redis through RQ."""
        return self.tasks_backend.startswith("django_tasks_rq.")
    trusted_proxies: tuple[str, ...] = ()

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
    redis_url = (env.get("HEADWAY_REDIS_URL") or "").strip() or None
    if tasks_backend.startswith("django_tasks_rq.") and not redis_url:
        raise ConfigurationError(
            f"HEADWAY_TASKS_BACKEND={tasks_backend} queues in Redis: set HEADWAY_REDIS_URL, e.g. "
            "redis://localhost:6379/0 (and install the `rq` extra)."
        )
    if redis_url is not None and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigurationError(
            f"HEADWAY_REDIS_URL={redact_url(redis_url)!r} is not a Redis URL: use redis://HOST:6379/0 "
            "(rediss:// for TLS)."
        )
    trusted_proxies = parse_networks("HEADWAY_TRUSTED_PROXIES", env.get("HEADWAY_TRUSTED_PROXIES", ""))
    return Config(
        home=home,
        database_url=database_url,
        events_url=events_url,
        debug=parse_bool("HEADWAY_DEBUG", env.get("HEADWAY_DEBUG", "false")),
        allowed_hosts=hosts,
        secret_key_from_env=secret,
        tasks_backend=tasks_backend,
        redis_url=redis_url,
        trusted_proxies=trusted_proxies,
    )


def parse_networks(name: str, raw: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or CIDR networks (``10.0.0.5,192.168.0.0/16``), normalised; else an error."""
    networks: list[str] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise ConfigurationError(
                f"{name} holds {part!r}, which is not an IP address or network: list the proxy's addresses, "
                "comma-separated, e.g. 127.0.0.1,10.0.0.0/8."
            ) from None
    return tuple(networks)


def private_files() -> None:
    """Create every later file 0600 and directory 0700 (the process umask 077): the SQLite and DuckDB databases,
    uploads and the secret key hold people's reviews and password hashes, readable by their owner only."""
    os.umask(0o077)


def ensure_home(config: Config) -> Path:
    """Create the data directory (0700) if needed and prove it is writable."""
    private_files()
    try:
        config.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        if config.home.stat().st_uid == os.getuid():
            config.home.chmod(0o700)
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
