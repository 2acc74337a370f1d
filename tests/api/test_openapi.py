"""The OpenAPI document describes what each operation really takes and returns."""

from __future__ import annotations

import re
import typing
from collections import defaultdict

from pydantic import BaseModel


def models_of(annotation: object, found: set[type[BaseModel]]) -> None:
    """Every pydantic model an annotation mentions, nested ones included."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            models_of(field.annotation, found)
    for argument in typing.get_args(annotation):
        models_of(argument, found)


def test_every_schema_name_stands_for_one_model():
    """Ninja files each model under its class name in components/schemas, so two routers each with a
    ``PersonOut`` made the team's people answers be checked against the discovery contact's schema."""
    from headway.conf.api import api

    found: set[type[BaseModel]] = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *(operation.response_models or {}).values()]:
                    models_of(model, found)
    homes = defaultdict(set)
    for model in found:
        homes[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert {name: sorted(where) for name, where in homes.items() if len(where) > 1} == {}
    assert len(found) > 100


def test_people_and_contacts_have_their_own_schemas(client):
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "username" in schemas["PersonOut"]["properties"] and "phone" not in schemas["PersonOut"]["properties"]
    assert "phone" in schemas["ContactOut"]["properties"]
    people = spec["paths"]["/api/v1/team/people"]["post"]["responses"]["201"]["content"]["application/json"]
    assert people["schema"] == {"$ref": "#/components/schemas/PersonOut"}


def test_every_documented_path_reaches_its_own_operation(client):
    """A route declared earlier with a parameter in the same place (``/kpis/{name}``) took ``/kpis/refresh``,
    ``/accounts/people`` and ``/planning/initiatives/import``: a POST there answered 405."""
    from django.urls import resolve

    spec = client.get("/api/v1/openapi.json").json()
    taken = {}
    for path in spec["paths"]:
        route = resolve(re.sub(r"\{[^}]+\}", "7", path)).route
        documented = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        if documented != path:
            taken[path] = documented
    assert taken == {}
