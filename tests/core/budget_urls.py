"""Views that would run for minutes, for tests/core/test_request_budget.py (a URLconf of the tests only)."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path


def python_loop(request: HttpRequest) -> HttpResponse:
    """Pure Python work that never ends by itself within the test (a formula evaluated forever)."""
    end, n = time.monotonic() + 120, 0
    while time.monotonic() < end:
        n += 1
    return HttpResponse(str(n))


def engine_query(request: HttpRequest) -> HttpResponse:
    """One events-store query that runs for minutes inside DuckDB (C code, no Python instruction to stop at)."""
    from headway.analytics.services import open_store

    with open_store() as store:
        rows = store.backend.con.execute("SELECT count(*) FROM range(200000000) a, range(100000) b "
                                         "WHERE (a.range * b.range) % 7 = 3").fetchall()
    return JsonResponse({"rows": rows[0][0]})


def postgres_query(request: HttpRequest) -> HttpResponse:
    """One statement that runs for a minute on a PostgreSQL events store (the server sleeps)."""
    from headway.analytics.services import open_store

    with open_store() as store:
        store.backend.con.execute("SELECT pg_sleep(60)")
    return JsonResponse({"slept": True})


def quick(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})


def quick_engine(request: HttpRequest) -> HttpResponse:
    """A short events-store query on this thread's reader (the cursor a stopped query ran on)."""
    from headway.analytics.services import open_store

    with open_store() as store:
        rows = store.backend.con.execute("SELECT 6 * 7").fetchall()
    return JsonResponse({"answer": rows[0][0]})


urlpatterns = [
    path("api/slow/python", python_loop),
    path("api/slow/engine", engine_query),
    path("api/slow/postgres", postgres_query),
    path("quick", quick),
    path("quick/engine", quick_engine),
]
