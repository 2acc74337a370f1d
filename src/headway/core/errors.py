"""Every error Headway raises derives from :class:`HeadwayError`.

Each face translates these once: the CLI prints ``error: <message>`` and exits non-zero, the API answers
``{"error": {"code", "message", "details"}}`` with ``status``, the web shows an error page. A message says
what is wrong and how to fix it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

Model = TypeVar("Model", bound="BaseModel")


class HeadwayError(Exception):
    """Base of every error Headway raises on purpose."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        """The error body every API failure uses."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class ConfigurationError(HeadwayError):
    """A setting is missing or malformed, or a service it names cannot be reached."""

    code = "configuration_error"
    status = 500


class ValidationError(HeadwayError):
    """Input that does not fit: ``details`` names the fields or rows and why."""

    code = "validation_error"
    status = 422


class NotFound(HeadwayError):
    """The object asked for does not exist (or is not visible to the caller)."""

    code = "not_found"
    status = 404


class PermissionDenied(HeadwayError):
    """The caller's role does not grant the permission the action needs."""

    code = "permission_denied"
    status = 403


class AuthenticationFailed(HeadwayError):
    """Missing or wrong credentials."""

    code = "authentication_failed"
    status = 401


class Throttled(HeadwayError):
    """Too many attempts; ``details`` says when to try again."""

    code = "throttled"
    status = 429


class Conflict(HeadwayError):
    """The action clashes with the current state (a duplicate, a busy port)."""

    code = "conflict"
    status = 409


class TooLarge(HeadwayError):
    """The request holds more than one request may (a batch over its documented size)."""

    code = "request_too_large"
    status = 413


def validated(model: type[Model], data: Any, prefix: str, *, whole: str = "query", hint: str = "") -> Model:
    """``data`` validated as the pydantic ``model``, or a ValidationError that lists every problem:
    ``"<prefix>: field: message; ...<hint>"`` with the fields in ``details`` (``whole`` names a problem of the
    data as a whole)."""
    from pydantic import ValidationError as PydanticError

    try:
        return model.model_validate(data)
    except PydanticError as exc:
        problems = {".".join(str(p) for p in e["loc"]) or whole: e["msg"] for e in exc.errors()}
        message = f"{prefix}: " + "; ".join(f"{k}: {v}" for k, v in problems.items()) + "." + hint
        raise ValidationError(message, details=problems) from None
