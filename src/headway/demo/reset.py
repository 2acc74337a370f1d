"""Wipe an installation's data so the demo rebuilds cleanly (schema kept, migrations applied)."""

from __future__ import annotations

import io

from django.core.management import call_command

from headway.core.installation import migrate


def reset_installation() -> None:
    """Apply migrations, empty every table and drop the events store's data."""
    migrate()
    call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
    try:
        from headway.analytics.services import reset_events
    except ImportError:
        return
    reset_events()
