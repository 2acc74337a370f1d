"""The rules a request schema states, so that the OpenAPI document says what the services accept.

Most rules stay the services' to check, with their own one-line messages (``Give a name: it cannot be empty``):
a schema only *states* them (``json_schema_extra``), exactly, so that input the document calls valid is taken
and input it calls invalid is refused (schemathesis' positive and negative data checks). Choices (``one_of``)
and JSON types are also checked at the API's boundary (conf/api_input.py). A rule JSON Schema cannot express
is named on the operation instead (``core.http.invalid_when``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field

__all__ = ["NONBLANK", "items_or_text", "omittable", "one_of", "required_text", "stated", "text_pattern"]

#: a text that is not blank once stripped (``str.strip`` also strips \x1c-\x1f)
NONBLANK = r"[^\s\x1c-\x1f]"


def text_pattern(limit: int) -> str:
    """A text that is 1 to ``limit`` characters long once stripped, as a pattern (the services' ``text``)."""
    return rf"^\s*{NONBLANK}([\s\S]{{0,{limit - 2}}}{NONBLANK})?\s*$"


def stated(default: Any = ..., **schema: Any) -> Any:
    """A request field whose rule its service checks, with its own message: the document states the rule
    (``stated(0, minimum=0)``, ``stated(pattern=...)``) and pydantic leaves it to the service."""
    return Field(default, json_schema_extra=schema)


def required_text(limit: int, default: Any = ...) -> Any:
    """A required text as the services check it: not blank, at most ``limit`` characters once stripped."""
    return stated(default, minLength=1, pattern=text_pattern(limit))


def one_of(choices: Iterable[str | None], default: Any = ..., **field: Any) -> Any:
    """A text field that takes one of a service's own ``choices`` (its constant or its model's TextChoices
    ``.values``, not a copy), stated inline as the JSON Schema enum and checked at the API's boundary (a
    TextChoices class as the type would file its enum under its bare class name, where planning's ``Kind`` and
    a product area's ``Kind`` collide)."""
    return Field(default, json_schema_extra={"enum": list(choices)}, **field)


def omittable(choices: Iterable[str] | None = None, **schema: Any) -> Any:
    """A PATCH field that may be left out (left unchanged) but not sent as ``null``: annotate it with its type
    alone (``title: str = omittable()``); the document shows no default, and states ``choices`` (as
    :func:`one_of`) and ``schema`` (as :func:`stated`)."""
    rules = {**schema, **({} if choices is None else {"enum": list(choices)})}

    def declare(field_schema: dict[str, Any]) -> None:
        field_schema.pop("default", None)
        field_schema.update(rules)

    return Field(None, json_schema_extra=declare)


def items_or_text(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a list whose items may also be written as text (a ``mode="before"`` validator
    parses ``"purchase"`` into the object): the document states both, so the API takes both."""
    schema["items"] = {"anyOf": [schema["items"], {"type": "string", "minLength": 1}]}
