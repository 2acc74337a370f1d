"""A request never holds a server thread longer than its budget (``HEADWAY_REQUEST_BUDGET``, seconds).

When a request runs past its budget, a watchdog interrupts it: the events store's query on that thread is
cancelled (DuckDB: ``interrupt`` of the thread's own cursor; PostgreSQL: the driver's cancel, which stops the
statement on the server; see :func:`cancellable`) and :class:`OverBudget` is raised in the thread at its next Python
instruction; it derives from ``BaseException``, so no ``except Exception`` on the way swallows it and every
``transaction.atomic`` block rolls back. The request answers 503 with the error body (API) or a short page.
"""

from __future__ import annotations

import contextlib
import ctypes
import threading
from collections.abc import Callable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

#: per thread id, what cancels that thread's running engine query (set by the events store while it reads)
_cancellers: dict[int, Callable[[], None]] = {}


class OverBudget(BaseException):  # a signal, like KeyboardInterrupt, not an error class
    """Raised inside a request's thread when the request has used its whole budget."""


@contextlib.contextmanager
def cancellable(cancel: Callable[[], None]) -> Iterator[None]:
    """While the block runs, a watchdog that stops this thread's request first calls ``cancel`` (the events
    store's reader: DuckDB's ``interrupt`` of the thread's own cursor, PostgreSQL's cancel of the running
    statement), so a query running in C code ends at the budget instead of holding the thread."""
    ident = threading.get_ident()
    previous = _cancellers.get(ident)
    _cancellers[ident] = cancel
    try:
        yield
    finally:
        if previous is None:
            _cancellers.pop(ident, None)
        else:
            _cancellers[ident] = previous


def _raise_in(ident: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


class RequestBudgetMiddleware:
    """Stop any request that runs longer than ``HEADWAY_REQUEST_BUDGET`` seconds (0: no budget)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        budget = float(getattr(settings, "HEADWAY_REQUEST_BUDGET", 0) or 0)
        if budget <= 0:
            return self.get_response(request)
        ident, lock, state = threading.get_ident(), threading.Lock(), {"done": False, "fired": False}

        def expire() -> None:
            with lock:
                if state["done"]:
                    return
                state["fired"] = True
                # pending first: the cancelled query's own error must not unwind the request before it lands
                _raise_in(ident, OverBudget)
                cancel = _cancellers.get(ident)
                if cancel is not None:
                    with contextlib.suppress(Exception):  # best effort: the pending exception stops Python code
                        cancel()

        timer = threading.Timer(budget, expire)
        timer.daemon = True
        timer.start()
        try:
            try:
                return self.get_response(request)
            finally:
                with lock:
                    state["done"] = True
                    timer.cancel()
                    if state["fired"]:
                        _raise_in(ident, None)  # a pending one that has not landed yet must not land later
        except OverBudget:
            return over_budget(request, budget)


def over_budget(request: HttpRequest, budget: float) -> HttpResponse:
    """The answer of a request stopped at its budget: 503, the API's error body under /api/."""
    message = (f"The request took longer than the server's budget of {budget:g} s and was stopped: narrow it "
               "(a shorter date range, fewer series) or run it as a background job, then retry.")
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "over_budget", "message": message, "details": {"budget_s": budget}}},
                            status=503)
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
