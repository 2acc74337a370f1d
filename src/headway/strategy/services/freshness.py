"""The data version of what the dashboard shows, and the cache of what is computed from it.

The dashboard reads precomputed numbers (KPI values and progress written by the refresh), goals, alerts,
pinned insights and the people of the workspace. Its *data version* is one SQL statement over the tables
those come from: every person's write is in the audit log (a new audit id; events ingested are left out: they
reach the dashboard only through the KPI refresh), and the writes that are not (the refresh's values, progress
and alerts, a metric's error) add rows or move a timestamp that the statement reads.
The version is read from the database on every request, so a write by another process (the CLI, a separate
worker) or by a bulk statement that sends no signal is seen at once; nothing has to remember to invalidate.

What is cached under a version is the same for every reader (it depends on no actor beyond the read
permission, which is checked before the cache is read); anything that differs per person stays out of it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone as dj_timezone

from headway.core.models import AuditEvent, User, Workspace
from headway.strategy.models import Alert, Goal, KeyResult, Kpi, KpiProgress, KpiTarget, KpiValue, Period
from headway.strategy.services._common import read

T = TypeVar("T")
_computing = threading.Lock()

#: how long a cached entry lives at most (a new version makes it unused at once; this only frees memory)
CACHE_SECONDS = 3600

#: (model, aggregates over its columns): a change to what the dashboard shows changes one of these
_WATCHED: list[tuple[type[Model], tuple[str, ...]]] = [
    (Workspace, ("count:*", "max:updated_at")),
    (User, ("count:*", "max:id")),
    (Kpi, ("count:*", "max:id", "max:last_computed_at", "max:last_error_at")),
    (KpiValue, ("count:*", "max:id", "sum:value")),  # the sum: a day recomputed in place under a reused id
    (KpiTarget, ("count:*", "max:updated_at")),
    (KpiProgress, ("count:*", "max:computed_at")),
    (Period, ("count:*", "max:id")),
    (Goal, ("count:*", "max:updated_at")),
    (KeyResult, ("count:*", "max:id")),
    (Alert, ("count:*", "max:id", "max:acknowledged_at")),
]


#: audit entries of writes the dashboard does not show and that come often (an API batch of events each)
_UNSEEN_AUDIT = ("events",)


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)  # a concrete column, not a relation's reverse side
    return connection.ops.quote_name(field.column)


def _statement() -> str:
    quote = connection.ops.quote_name
    audit, pk, kind = quote(AuditEvent._meta.db_table), _column(AuditEvent, "id"), _column(AuditEvent, "object_type")
    unseen = ", ".join(f"'{name}'" for name in _UNSEEN_AUDIT)  # constants, not input
    parts = [f"(SELECT {pk} FROM {audit} WHERE {kind} NOT IN ({unseen}) ORDER BY {pk} DESC LIMIT 1)"]
    for model, aggregates in _WATCHED:
        for aggregate in aggregates:
            fn, column = aggregate.split(":")
            name = "*" if column == "*" else _column(model, column)
            parts.append(f"(SELECT {fn}({name}) FROM {quote(model._meta.db_table)})")
    return "SELECT " + ", ".join(parts)


def data_version() -> str:
    """A short text that changes whenever what the dashboard shows may have changed (one query), and at
    least every hour (days roll over: the default "as of" day and the current quarter follow the clock)."""
    with connection.cursor() as cursor:
        cursor.execute(_statement())
        row = cursor.fetchone()
    text = "|".join(map(str, row or ())) + "|" + dj_timezone.now().strftime("%Y-%m-%dT%H")
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def dashboard_version(actor: User | None) -> str:
    """The dashboard's data version (:func:`data_version`) for a reader of the workspace."""
    read(actor)
    return data_version()


def cached(name: str, version: str, compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``version``, computed once per version and process (Django's cache framework,
    ``CACHES["default"]``: the server's threads share it; threads asking while it is computed wait for it)."""
    key = f"headway:{name}:{version}"
    found: T | None = cache.get(key)
    if found is None:
        with _computing:
            found = cache.get(key)
            if found is None:
                found = compute()
                cache.set(key, found, CACHE_SECONDS)
    return found
