"""Requests are read as the OpenAPI document declares them, before pydantic sees them.

pydantic's lax mode coerces what the document forbids: ``false`` became the number 0, ``0`` the date 1970-01-01,
``"1_000"`` the integer 1000, ``"yes"`` a boolean, and ninja's Schema read the attributes of a JSON string or
array declared as an object (``"AAA"`` proposed an idea titled ``Aaa`` from ``str.title``). Every JSON body and
every query and path parameter is first checked against its own JSON schema for its types, date formats and
choices (lengths, ranges, patterns and distinct items stay with pydantic and the services, whose messages say how to
fix them: core/request_rules.py); a query or path value is read as its serialization says (``42``, ``1.5``,
``true``/``false``/``1``/``0``, ``2026-01-31``). A mismatch answers 422 naming the field, as pydantic's do.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache, partial
from typing import Any

from django.http import Http404, HttpRequest
from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError as SchemaError
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import flatten_properties
from pydantic import BaseModel

__all__ = ["INT64", "declare_int64", "read_requests_as_declared"]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?")
_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}

_formats = FormatChecker(formats=())
_formats.checks("date")(lambda value: not isinstance(value, str) or bool(_DATE.fullmatch(value)))
_formats.checks("date-time")(lambda value: not isinstance(value, str) or bool(_DATETIME.fullmatch(value)))

#: the keywords that say which JSON types (and which of a service's choices, ``core.request_rules.one_of``) a
#: value may take; a oneOf (a tagged union) is read as anyOf, since telling its branches apart is pydantic's part
_KEYWORDS = ("$ref", "type", "format", "enum", "properties", "additionalProperties", "items",
             "prefixItems", "anyOf", "allOf")
INT64 = (-(2**63), 2**63 - 1)  # every integer the database stores: the OpenAPI document says `format: int64`
TypesValidator = validators.create(
    meta_schema=Draft202012Validator.META_SCHEMA,
    validators={**{keyword: Draft202012Validator.VALIDATORS[keyword] for keyword in _KEYWORDS},
                "oneOf": Draft202012Validator.VALIDATORS["anyOf"]},
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: Draft202012Validator.TYPE_CHECKER.is_type(value, "integer")
        and INT64[0] <= value <= INT64[1]),
    format_checker=_formats,  # (given to each instance too); no `version`: that would register it as jsonschema's
)                             # 2020-12 validator for everyone

_WRITTEN = {"integer": "an integer", "number": "a number", "boolean": "true or false", "string": "a text",
            "object": "a JSON object", "array": "a JSON array", "null": "null"}
_INT64 = f"an integer from {INT64[0]} to {INT64[1]}"
_FORMATS = {"date": "a date written YYYY-MM-DD", "date-time": "a date and time written YYYY-MM-DDTHH:MM:SS+00:00"}


def _message(error: SchemaError) -> str:
    """What the value should be, in words: ``should be a number (got false)``."""
    leaves = [error, *error.context] if error.context else [error]
    wanted: list[str] = []
    for leaf in leaves:
        if leaf.validator == "format":
            wanted.append(_FORMATS.get(str(leaf.validator_value), str(leaf.validator_value)))
        elif leaf.validator == "enum":
            wanted.append("one of " + ", ".join(str(choice) for choice in leaf.validator_value))
        elif leaf.validator == "type":
            types = leaf.validator_value if isinstance(leaf.validator_value, list) else [leaf.validator_value]
            wide = isinstance(leaf.instance, int) and not isinstance(leaf.instance, bool)
            wanted.extend(_INT64 if kind == "integer" and wide
                          else _WRITTEN.get(str(kind), str(kind)) for kind in types)
    expected = " or ".join(dict.fromkeys(wanted)) or "of the declared type"
    return f"should be {expected} (got {json.dumps(error.instance, default=str)[:60]})"


def _raise(errors: list[tuple[tuple[Any, ...], str]]) -> None:
    if errors:
        raise NinjaValidationError([{"loc": loc, "msg": message, "type": "type_error"} for loc, message in errors])


@cache
def _body(model: type[BaseModel]) -> Any:
    """The checker of a body model (built once)."""
    return TypesValidator(model.model_json_schema(), format_checker=_formats)


@cache
def _params(model: type[BaseModel]) -> dict[str, tuple[set[str], Any]]:
    """A query or path model's parameters as the OpenAPI document lists them: name → the JSON types its text
    may write (of its items, for a list) and its checker."""
    schema = model.model_json_schema()
    definitions = schema.get("$defs", {})
    required = set(schema.get("required", []))
    params = {}
    for field, details in schema.get("properties", {}).items():
        for name, param, _ in flatten_properties(field, details, field in required, definitions):
            listed = "array" in set(_types(param, definitions))
            kinds = set(_types(param.get("items", {}) if listed else param, definitions))
            params[name] = (kinds, TypesValidator({**param, "$defs": definitions}, format_checker=_formats))
    return params


def _types(schema: dict[str, Any], definitions: dict[str, Any]) -> Iterator[str]:
    if "$ref" in schema:
        yield from _types(definitions.get(schema["$ref"].rsplit("/", 1)[-1], {}), definitions)
    kinds = schema.get("type", [])
    yield from [kinds] if isinstance(kinds, str) else kinds
    for branch in (*schema.get("anyOf", ()), *schema.get("oneOf", ()), *schema.get("allOf", ())):
        yield from _types(branch, definitions)


def _wire(text: str, kinds: set[str]) -> Any:
    """A query or path string as the JSON value it writes (left a string where it writes none of ``kinds``)."""
    if "integer" in kinds and _INTEGER.fullmatch(text):
        return int(text)
    if "number" in kinds and _NUMBER.fullmatch(text):
        return float(text)
    if "boolean" in kinds and text.lower() in _BOOLEANS:
        return _BOOLEANS[text.lower()]
    return text


def check_body(model: type[BaseModel], data: Any) -> None:
    """``data`` (``{"payload": <the JSON body>}``) has the JSON types the body model declares."""
    whole = getattr(model, "__read_from_single_attr__", None)  # the body itself, not a field of it
    _raise([(("body",) if list(error.absolute_path) == [whole] else ("body", *error.absolute_path), _message(error))
            for error in _body(model).iter_errors(data)])


def check_params(model: type[BaseModel], source: str, data: dict[str, Any]) -> None:
    """Each query or path value in ``data`` reads as the JSON type its parameter declares; a path that does not
    (``/packs/null``, an id beyond 64 bits) names nothing there: 404, as Django's own ``<int:...>`` answers."""
    errors = []
    for name, (kinds, checker) in _params(model).items():
        raw = data.get(name)
        if raw is None:
            continue
        value = [_wire(str(text), kinds) for text in raw] if isinstance(raw, list) else _wire(str(raw), kinds)
        found = [((source, name, *error.absolute_path), _message(error)) for error in checker.iter_errors(value)]
        if found and source == "path":
            raise Http404(f"Not found: {str(raw)[:40]!r} is not a {name} ({found[0][1].split(' (got')[0]}).")
        errors += found
    _raise(errors)


def _checked(read: Callable[..., Any], check: Callable[[Any], None]) -> Callable[..., Any]:
    def get_request_data(request: HttpRequest, ninja_api: NinjaAPI, path_params: dict[str, Any]) -> Any:
        data = read(request, ninja_api, path_params)
        if data is not None:
            check(data)
        return data

    return get_request_data


def read_requests_as_declared(ninja_api: NinjaAPI) -> None:
    """Check every operation's JSON body, query and path parameters as declared before pydantic reads them."""
    for _prefix, router in ninja_api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    source = str(model.__ninja_param_source__)
                    if source not in ("body", "query", "path"):
                        continue
                    check = partial(check_body, model) if source == "body" else partial(check_params, model, source)
                    model.get_request_data = _checked(model.get_request_data, check)


def declare_int64(schema: Any) -> None:
    """Say ``format: int64`` on every integer of an OpenAPI document that names no width (the range the API
    accepts, as above)."""
    if isinstance(schema, dict):
        kinds = schema.get("type")
        if (kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds)) and "format" not in schema:
            schema["format"] = "int64"
        for value in schema.values():
            declare_int64(value)
    elif isinstance(schema, list):
        for value in schema:
            declare_int64(value)
