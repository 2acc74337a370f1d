"""Set Django up for the CLI and the Python API, mapping configuration failures to HeadwayError."""

from __future__ import annotations

import os

_ready = False


def setup_django() -> None:
    """Configure Django once per process (idempotent)."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.conf.settings")
    import django

    django.setup()
    _ready = True
