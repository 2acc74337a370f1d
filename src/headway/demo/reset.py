"""Wipe an installation's data so the demo rebuilds cleanly (schema kept, migrations applied)."""

from __future__ import annotations

import io

from django.core.management import call_command

from headway.core.installation import migrate


def reset_installation() -> None:
    """Apply migrations, empty every table and drop the events store's data.

    Refuses before wiping anything while a running server holds the embedded events store (the wipe could not
    finish, and the installation would be left half empty)."""
    from headway.analytics.services import StoreHeld, events_store_held, reset_events

    migrate()
    if events_store_held():
        raise StoreHeld("A running Headway server holds the events store, so the demo cannot replace its data: "
                        "stop the server (Ctrl-C where `headway serve` runs) and run `headway demo` again; it "
                        "serves the demo itself.")
    call_command("flush", interactive=False, verbosity=0, stdout=io.StringIO())
    reset_events()
