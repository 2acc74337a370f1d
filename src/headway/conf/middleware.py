"""Every failure under /api/ answers the API's error body, even those Django or Ninja produce themselves
(a 405 for a wrong method, a 413 for a too-large body)."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse


class ApiErrorBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code >= 400
                and "json" not in response.get("Content-Type", "")):
            status = HTTPStatus(response.status_code)
            text = response.content.decode(errors="replace").strip() if not response.streaming else ""
            message = f"{status.phrase}: {text}" if text and text != status.phrase else status.phrase
            if status == HTTPStatus.METHOD_NOT_ALLOWED:
                message += f" (allowed: {response.get('Allow', 'see /api/v1/docs')})"
            body = {"error": {"code": status.phrase.lower().replace(" ", "_").replace("-", "_"),
                              "message": message[:300], "details": None}}
            replaced = JsonResponse(body, status=response.status_code)
            if response.has_header("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response


