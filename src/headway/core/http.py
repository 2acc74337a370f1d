"""The request type of every face: ``request.user`` is Headway's :class:`User`, typed once for the project.

Views behind ``login_required`` and API operations behind authentication annotate ``request: AuthedRequest``
and take the actor with :func:`actor_of`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

from headway.core.errors import AuthenticationFailed

if TYPE_CHECKING:
    from headway.core.models import User


class AuthedRequest(HttpRequest):
    """An HttpRequest whose user is a logged-in Headway user (for type checking; never instantiated)."""

    user: User  # narrower than HttpRequest's User | AnonymousUser, on purpose


def actor_of(request: HttpRequest) -> User:
    """The logged-in user who makes ``request``; refuses an anonymous one (a face must authenticate first)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise AuthenticationFailed("Not authenticated: log in, or send `Authorization: Bearer <API token>`.")
    return cast("User", user)
