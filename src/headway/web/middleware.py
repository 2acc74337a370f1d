"""Translate HeadwayError raised by a view into the error page for its status; an HTMX request gets the
one-line error alone, which the page shows where the result would have been."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from headway.core.errors import HeadwayError


class HeadwayErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, HeadwayError):
            if request.headers.get("HX-Request") == "true":
                return render(request, "web/_error_line.html", {"message": exception.message}, status=exception.status)
            return render(
                request, "web/error.html",
                {"status": exception.status, "title": exception.code.replace("_", " ").capitalize(),
                 "message": exception.message},
                status=exception.status,
            )
        return None
