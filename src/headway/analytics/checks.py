"""What the analytics app adds to `headway doctor`: can the events store be opened?"""

from __future__ import annotations

from headway.conf.config import load_config, redact_url
from headway.core.errors import HeadwayError
from headway.core.installation import Check, register_check


@register_check
def events_store() -> Check:
    """Open the configured events store once and close it again."""
    from headway.analytics.engine.store import EventStore

    url = load_config().events_url
    try:
        store = EventStore.connect(url)
        store.close()
    except HeadwayError as exc:
        return Check("events store", False, exc.message, "check HEADWAY_EVENTS_URL")
    except Exception as exc:  # any driver error becomes a line of the report, never a traceback
        return Check("events store", False, f"cannot open {redact_url(url)}: {exc}", "check HEADWAY_EVENTS_URL")
    return Check("events store", True, f"opened {redact_url(url)}")
