"""Serve Headway over HTTP with waitress (static files through WhiteNoise).

The listening socket is bound before "Headway is up" is printed, with ``SO_REUSEADDR`` (as waitress binds), so
a server restarted right after a crash listens at once instead of waiting out the old connections' TIME_WAIT.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from headway.core.errors import Conflict, ValidationError


def check_port_free(host: str, port: int) -> None:
    """Raise Conflict with the fix when ``host:port`` cannot be bound (a port in TIME_WAIT after a crash is free)."""
    if not 1 <= port <= 65535:
        raise ValidationError(f"Port {port} is out of range: use a number from 1 to 65535, e.g. --port 8000.")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            probe.listen(1)
        except OSError as exc:
            raise Conflict(
                f"Cannot listen on {host}:{port} ({exc.strerror}): another program uses it; "
                f"stop it or pick another port with --port."
            ) from None


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8, *, worker: bool = True,
          on_ready: Callable[[], None] | None = None) -> None:
    """Block serving the WSGI application until interrupted, with a background worker in-process.

    ``on_ready`` runs once the port is bound (and so connections queue), before requests are served."""
    check_port_free(host, port)
    from pathlib import Path

    from django.conf import settings
    from waitress.server import create_server

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise serves the app folders' files

    from django.urls import get_resolver

    from headway.conf.wsgi import application
    from headway.core.worker import start_in_process

    get_resolver().url_patterns  # noqa: B018 - import every view and API module now, not on the first request

    try:  # forwarding headers are handled by headway.conf.proxy (trusted proxies only), not by waitress
        server = create_server(application, host=host, port=port, threads=threads, ident="headway",
                               clear_untrusted_proxy_headers=False)
    except OSError as exc:
        raise Conflict(f"Cannot listen on {host}:{port} ({exc.strerror}): another program uses it; "
                       "stop it or pick another port with --port.") from None
    stop_worker = start_in_process() if worker else None
    try:
        if on_ready is not None:
            on_ready()
        server.run()
    finally:
        server.close()
        if stop_worker is not None:
            stop_worker.set()
