"""Outgoing e-mail from ``HEADWAY_EMAIL_URL`` (``smtp://user:password@host:587`` for STARTTLS,
``smtps://user:password@host:465`` for TLS from the start, ``smtp://host:25?tls=none`` for a plain relay)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from headway.core.errors import ConfigurationError


@dataclass(frozen=True)
class EmailServer:
    """Where and how to send mail; ``password`` is never printed."""

    host: str
    port: int
    username: str
    password: str
    use_tls: bool
    use_ssl: bool
    timeout: float

    def __repr__(self) -> str:
        return f"EmailServer(host={self.host!r}, port={self.port}, username={self.username!r}, password=***)"


def parse_email_url(url: str) -> EmailServer:
    """The SMTP server an ``smtp://`` or ``smtps://`` URL names, or a ConfigurationError that says how to fix it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigurationError("HEADWAY_EMAIL_URL is not an SMTP URL: use smtp://USER:PASSWORD@HOST:587 "
                                 "(STARTTLS) or smtps://USER:PASSWORD@HOST:465 (TLS).")
    query = parse_qs(parts.query)
    tls = (query.get("tls") or [""])[0].lower()
    if tls not in ("", "none", "starttls"):
        raise ConfigurationError("HEADWAY_EMAIL_URL: tls= is none or starttls.")
    try:
        timeout = float((query.get("timeout") or ["10"])[0])
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise ConfigurationError("HEADWAY_EMAIL_URL has a port or timeout that is not a number.") from None
    ssl = parts.scheme == "smtps"
    return EmailServer(host=parts.hostname, port=port, username=unquote(parts.username or ""),
                       password=unquote(parts.password or ""), use_tls=not ssl and tls != "none", use_ssl=ssl,
                       timeout=timeout)
