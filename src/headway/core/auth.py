"""Password login with throttling and an audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from headway.core import services


def client_address(request: HttpRequest | None) -> str:
    """The caller's address: the real client's behind a trusted proxy (headway.conf.proxy sets REMOTE_ADDR)."""
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class ThrottledModelBackend(ModelBackend):
    """Django's model backend, refusing after too many recent failures (raises Throttled)."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if username is None or password is None:
            return None
        address = client_address(request)
        reserved = services.reserve_login_attempt(username, address)  # counted before the (slow) password check
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            services.note_login_failure(username, address, reserved=reserved)
        else:
            services.note_login_success(user, address)
        return user
