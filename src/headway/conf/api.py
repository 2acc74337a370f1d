"""The JSON API under /api/v1: one NinjaAPI, one error body, session or token authentication.

Each app contributes a router from its ``api.py``; add new ones to ``ROUTERS``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from headway import __version__
from headway.conf.api_input import declare_int64, read_requests_as_declared
from headway.core import services
from headway.core.errors import AuthenticationFailed, HeadwayError
from headway.core.http import INVALID_WHEN, StandardJSONRenderer

log = logging.getLogger("headway.api")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hw_...`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> object:
        user = services.authenticate_token(token)
        request.user = user
        return user


class SessionCsrfAuth(SessionAuth):
    """The browser session (with CSRF on unsafe methods)."""


#: why each error status can answer (the OpenAPI description of the response)
ERROR_STATUSES = {
    400: "Bad request: the body is not JSON, or a request Headway cannot act on.",
    401: "Not authenticated: log in, or send `Authorization: Bearer <API token>`.",
    403: "Your role may not do this.",
    404: "Not found: an id or name that does not exist (or that you may not see).",
    409: "Conflicts with the current state (a duplicate, or a change that is no longer possible).",
    413: "The request body, or a batch in it, is larger than allowed.",
    422: "Invalid input: the message and `details` name each field and what is wrong.",
    429: "Too many requests of this kind at once, or too soon: retry later.",
    503: "The server is busy or took longer than its request budget: retry later.",
}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "title": "ErrorBody",
    "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "details": {}}}},
}


def error_statuses(method: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer: every operation may get bad or invalid input, a missing
    row, a state it cannot act on (409: a read before what it needs exists, too) and a busy server;
    authenticated ones 401 and 403; ones with a body 413; writes 429."""
    statuses = [400, 404, 409, 422, 503]
    if operation.get("security"):  # none on the operations open to anyone (the health check)
        statuses += [401, 403]
    if "requestBody" in operation:
        statuses.append(413)
    if method.lower() in ("post", "put", "patch", "delete"):
        statuses.append(429)
    return sorted(statuses)


class HeadwayAPI(NinjaAPI):
    """The one NinjaAPI, whose OpenAPI document declares the error body for every error each operation can
    answer (one place, instead of a ``response={404: ...}`` on every route)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = ERROR_SCHEMA
        declare_int64(schema)
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                responses = operation.setdefault("responses", {})
                for status in error_statuses(method, operation):
                    if status not in responses and str(status) not in responses:  # a route's own wins
                        responses[status] = {"description": ERROR_STATUSES[status], "content": body}
                if INVALID_WHEN in operation:  # a rule beyond the JSON schema (core.http.invalid_when)
                    responses[422]["description"] = f"{ERROR_STATUSES[422]} Also when {operation[INVALID_WHEN]}."
        return schema


api = HeadwayAPI(
    title="Headway API",
    version="1",
    description="Headway's JSON API. Authenticate with a browser session or `Authorization: Bearer <token>` "
    "(create tokens in Settings → API tokens or with `headway token create`). Every failure answers "
    '`{"error": {"code", "message", "details"}}`.',
    auth=[TokenAuth(), SessionCsrfAuth()],
    urls_namespace="api",
    docs_url="/docs",
    renderer=StandardJSONRenderer(),
    docs=Swagger(settings={"validatorUrl": None}),  # served from ninja's static files; no online validator
)


def error_response(request: HttpRequest, status: int, code: str, message: str, details: object = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message, "details": details}},
                               status=status)


@api.exception_handler(HeadwayError)
def on_headway_error(request: HttpRequest, exc: HeadwayError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors
    ]
    fields = ", ".join(d["field"] for d in details) or "the request"
    return error_response(request, 422, "validation_error", f"Invalid input in {fields}: fix it and retry.", details)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, AuthenticationFailed.code,
                          "Not authenticated: log in, or send `Authorization: Bearer <API token>`.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(request, 413, "request_too_large",
                          f"The request body is over {limit // (1024 * 1024)} MiB: send it in smaller parts (e.g. "
                          "batches of at most 10,000 events).", {"limit_bytes": limit})


@api.exception_handler(MultiPartParserError)
def on_unreadable_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return error_response(request, 400, "bad_request",
                          "The upload could not be read: send the file as multipart/form-data with its boundary "
                          "(as a browser's form or `curl -F file=@PATH` does).")


@api.exception_handler(DataError)  # PostgreSQL refuses a number or a text too large for its column
@api.exception_handler(OverflowError)  # SQLite refuses an integer beyond 64 bits before the query runs
def on_data_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 422, "validation_error",
                          "A value in the request is out of range: send a smaller number, a shorter text, or text "
                          "without NUL (\\x00) characters.")


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled API error on %s %s", request.method, request.path)
    return error_response(request, 500, "internal_error", "Something went wrong on the server; it was logged.")


@api.get("/health", auth=None, tags=["meta"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness: answers when the application is up."""
    return {"status": "ok", "version": __version__}


from headway.analytics.api import router as analytics_router  # noqa: E402
from headway.core.api import router as core_router  # noqa: E402
from headway.core.jobs_api import router as jobs_router  # noqa: E402
from headway.discovery.api import router as discovery_router  # noqa: E402
from headway.impact.api import router as impact_router  # noqa: E402
from headway.planning.api import router as planning_router  # noqa: E402
from headway.planning.api_hiring import router as planning_hiring_router  # noqa: E402
from headway.reports.api import router as reports_router  # noqa: E402
from headway.strategy.api import router as strategy_router  # noqa: E402
from headway.team.api import router as team_router  # noqa: E402
from headway.team.api_interviews import router as team_interviews_router  # noqa: E402
from headway.team.api_reviews import router as team_reviews_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/jobs", jobs_router)
api.add_router("/team", team_router)
api.add_router("/team", team_reviews_router)
api.add_router("/team", team_interviews_router)
api.add_router("/planning", planning_router)
api.add_router("/planning", planning_hiring_router)
api.add_router("/analytics", analytics_router)
api.add_router("/strategy", strategy_router)
api.add_router("/discovery", discovery_router)
api.add_router("/impact", impact_router)
api.add_router("/reports", reports_router)


read_requests_as_declared(api)
