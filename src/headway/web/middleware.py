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


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""Scripts only from Headway's own static files (no inline scripts, no eval); inline styles stay allowed for
the chart library's and htmx's injected styles."""
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
                      "payment=(), usb=(), interest-cohort=()")
NO_STORE_PREFIXES = ("/team/", "/api/v1/team/")
"""People pages (reviews, check-ins, the org chart): never kept in a browser's or proxy's cache."""


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response; ``Cache-Control: no-store`` on people
    pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path.startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store, private"
        return response
