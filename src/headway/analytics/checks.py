"""What the analytics app adds to `headway doctor`: can the events store be opened?"""

from __future__ import annotations

from django.conf import settings

from headway.conf.config import redact_url
from headway.core.errors import HeadwayError
from headway.core.installation import Check, register_check


@register_check
def events_store() -> Check:
    """Open the configured events store once and close it again."""
    from headway.analytics.engine.store import EventStore

    url = str(settings.HEADWAY_EVENTS_URL)  # the store the app itself opens
    try:
        store = EventStore.connect(url)
        store.close()
    except HeadwayError as exc:
        if "lock" in exc.message.lower():  # DuckDB's file lock: a running Headway server owns the store
            return Check("events store", True, f"{redact_url(url)} is held by a running Headway server, which owns "
                         "it; commands that need the events go through its worker")
        return Check("events store", False, exc.message, "check HEADWAY_EVENTS_URL")
    except Exception as exc:  # any driver error becomes a line of the report, never a traceback
        return Check("events store", False, f"cannot open {redact_url(url)}: {exc}", "check HEADWAY_EVENTS_URL")
    return Check("events store", True, f"opened {redact_url(url)}")
