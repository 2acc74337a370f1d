"""The JSON API: authentication, one error body, pagination, OpenAPI."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.core import services
from headway.core.permissions import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {services.create_token(user, 'test').secret}"}


def test_health_needs_no_login(client):
    assert client.get("/api/v1/health").json() == {"status": "ok", "version": "0.1.0"}


def test_anonymous_gets_the_error_body(client, workspace):
    response = client.get("/api/v1/workspace")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert "Authorization: Bearer" in response.json()["error"]["message"]


def test_token_authentication(client, viewer):
    response = client.get("/api/v1/me", headers=bearer(viewer))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "vic" and body["role"] == "viewer"
    assert body["permissions"] == ["tokens.use", "users.view", "workspace.view"]


def test_revoked_token_is_refused(client, viewer):
    new = services.create_token(viewer, "t")
    services.revoke_token(viewer, new.token.pk)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {new.secret}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_session_authentication_enforces_csrf(admin):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username="ada", password=PASSWORD)
    assert browser.get("/api/v1/workspace").json()["name"] == "Acme Test"
    response = browser.patch("/api/v1/workspace", {"name": "X"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert services.get_workspace().name == "Acme Test"


def test_patch_workspace_and_validation_errors(client, admin):
    headers = bearer(admin)
    ok = client.patch("/api/v1/workspace", {"currency": "eur"}, content_type="application/json", headers=headers)
    assert ok.status_code == 200 and ok.json()["currency"] == "EUR"
    bad = client.patch("/api/v1/workspace", {"timezone": "Nowhere/City"}, content_type="application/json",
                       headers=headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "validation_error"
    assert "timezone" in bad.json()["error"]["details"]
    wrong_type = client.patch("/api/v1/workspace", {"fiscal_year_start_month": "soon"},
                              content_type="application/json", headers=headers)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"]["details"][0]["field"].endswith("fiscal_year_start_month")


def test_viewer_cannot_patch_workspace(client, viewer):
    response = client.patch("/api/v1/workspace", {"name": "Mine"}, content_type="application/json",
                            headers=bearer(viewer))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_users_are_paginated(client, admin, make_user):
    for i in range(55):
        make_user(f"user{i:02d}", Role.VIEWER)
    first = client.get("/api/v1/users", headers=bearer(admin)).json()
    assert first["count"] == 56 and len(first["items"]) == 50
    second = client.get("/api/v1/users?page=2", headers=bearer(admin)).json()
    assert [u["username"] for u in second["items"]] == ["user49", "user50", "user51", "user52", "user53", "user54"]


def test_create_user_and_set_role(client, admin):
    headers = bearer(admin)
    created = client.post("/api/v1/users", {"username": "nina", "password": PASSWORD, "role": "product_manager"},
                          content_type="application/json", headers=headers)
    assert created.status_code == 201 and created.json()["role"] == "product_manager"
    changed = client.put("/api/v1/users/nina/role", {"role": "viewer"}, content_type="application/json",
                         headers=headers)
    assert changed.json()["role"] == "viewer"
    missing = client.put("/api/v1/users/nobody/role", {"role": "viewer"}, content_type="application/json",
                         headers=headers)
    assert missing.status_code == 404 and "headway user list" in missing.json()["error"]["message"]


def test_token_lifecycle_over_the_api(client, viewer):
    headers = bearer(viewer)
    created = client.post("/api/v1/tokens", {"name": "script"}, content_type="application/json", headers=headers)
    assert created.status_code == 201
    secret, token_id = created.json()["secret"], created.json()["id"]
    listed = client.get("/api/v1/tokens", headers=headers).json()
    assert {t["name"] for t in listed} == {"test", "script"}
    assert all("secret" not in t for t in listed)
    revoked = client.delete(f"/api/v1/tokens/{token_id}", headers=headers)
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_audit_log_is_admin_only(client, admin, viewer):
    assert client.get("/api/v1/audit", headers=bearer(viewer)).status_code == 403
    body = client.get("/api/v1/audit", headers=bearer(admin)).json()
    assert body["count"] >= 3
    assert {"at", "actor", "action", "summary"} <= set(body["items"][0])


def test_unknown_api_path_uses_the_error_body(client, viewer):
    response = client.get("/api/v1/nothing-here", headers=bearer(viewer))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_and_docs_page(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Headway API"
    assert "/api/v1/workspace" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_wrong_method_uses_the_error_body(client, viewer):
    response = client.delete("/api/v1/workspace", headers=bearer(viewer))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "allowed:" in response.json()["error"]["message"]


@pytest.mark.parametrize("method, path, body, status", [
    ("put", f"/api/v1/team/reviews/cycles/{2**70}/reviewees/1/calibration", {"notes": "n"}, 404),
    ("post", "/api/v1/discovery/feedback/reviewed", {"items": [2**70]}, 422),
])
def test_an_integer_beyond_64_bits_is_never_a_server_error(client, admin, method, path, body, status):
    """Django guards only `pk=` lookups against such numbers; in a foreign key or an `in` lookup SQLite raised
    OverflowError before the query (a 500), and PostgreSQL may raise DataError. Every integer of the document is
    `format: int64` now: a wider one in a path names nothing (404), in a body it is refused as read (422)."""
    response = getattr(client, method)(path, content_type="application/json", data=body, headers=bearer(admin))
    assert response.status_code == status, response.content
    if status == 422:
        assert "should be an integer from -9223372036854775808" in response.json()["error"]["details"][0]["message"]


@pytest.mark.parametrize("body", ['"AAA"', "[null, null]", "[]", "7"])
def test_a_body_declared_as_an_object_must_be_one(client, admin, body):
    """Ninja's Schema read the attributes of any value: a JSON string or array passed as the object (a PATCH
    of nothing answered 200). Found by schemathesis' negative_data_rejection check."""
    answer = client.patch("/api/v1/workspace", body, content_type="application/json", headers=bearer(admin))
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"]["message"] == "Invalid input in body: fix it and retry."


@pytest.mark.parametrize("name", ["", "   "])
def test_the_token_name_rule_is_in_the_schema(client, viewer, name):
    """A schema-valid request is accepted (schemathesis' positive_data_acceptance): the name's rule is declared."""
    created = client.post("/api/v1/tokens", {"name": name}, content_type="application/json", headers=bearer(viewer))
    assert created.status_code == 422
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["TokenIn"]["properties"]["name"]
    assert schema["minLength"] == 1 and schema["maxLength"] == 100 and schema["pattern"] == r"\S"
