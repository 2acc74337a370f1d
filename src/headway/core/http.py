"""The request type of every face: ``request.user`` is Headway's :class:`User`, typed once for the project.

Views behind ``login_required`` and API operations behind authentication annotate ``request: AuthedRequest``
and take the actor with :func:`actor_of`.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from ninja.renderers import JSONRenderer

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


def finite(data: Any) -> Any:
    """``data`` with every NaN and ±Infinity float replaced by ``None`` (JSON has no such numbers)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data


#: the OpenAPI extension naming a rule an operation's input must follow that its JSON schema cannot express
INVALID_WHEN = "x-invalid-when"


def invalid_when(rule: str, **openapi_extra: Any) -> dict[str, Any]:
    """An operation's ``openapi_extra`` when a valid-looking request can still be refused with a 422 by a rule
    the JSON schema cannot express (a grammar such as a formula or a CSV file, a rule across fields): its
    OpenAPI 422 response names the rule (``"the formula does not parse"``); every other rule is in the schema."""
    return {INVALID_WHEN: rule, **openapi_extra}


def declared(param: Any, **schema: Any) -> Any:
    """A ninja parameter (``Query(...)``, ``Path(...)``, ``Body(...)``) whose OpenAPI schema also says ``schema``
    (``enum=[...]``), which the API checks (conf/api_input.py): ninja's parameters take no json_schema_extra."""
    param.json_schema_extra = {**(param.json_schema_extra or {}), **schema}
    return param


class StandardJSONRenderer(JSONRenderer):
    """The API's renderer: standard JSON only, so ``NaN`` and ``Infinity`` go out as ``null``.

    The common case costs one strict ``json.dumps``; only a body that holds a non-finite number is walked.
    """

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        try:
            return json.dumps(data, cls=self.encoder_class, allow_nan=False, **self.json_dumps_params)
        except ValueError:
            return json.dumps(finite(data), cls=self.encoder_class, allow_nan=False, **self.json_dumps_params)
