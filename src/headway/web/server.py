"""Serve Headway over HTTP with waitress (static files through WhiteNoise)."""

from __future__ import annotations

import socket

from headway.core.errors import Conflict, ValidationError


def check_port_free(host: str, port: int) -> None:
    """Raise Conflict with the fix when ``host:port`` cannot be bound."""
    if not 1 <= port <= 65535:
        raise ValidationError(f"Port {port} is out of range: use a number from 1 to 65535, e.g. --port 8000.")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise Conflict(
                f"Cannot listen on {host}:{port} ({exc.strerror}): another program uses it; "
                f"stop it or pick another port with --port."
            ) from None


def serve(host: str = "127.0.0.1", port: int = 8000, threads: int = 8, *, worker: bool = True) -> None:
    """Block serving the WSGI application until interrupted, with a background worker in-process."""
    check_port_free(host, port)
    from pathlib import Path

    from django.conf import settings
    from waitress import serve as waitress_serve

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise serves the app folders' files

    from headway.conf.wsgi import application
    from headway.core.worker import start_in_process

    stop_worker = start_in_process() if worker else None
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="headway")
    finally:
        if stop_worker is not None:
            stop_worker.set()
