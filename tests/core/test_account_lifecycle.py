"""Account lifecycle (issue 15, point 7): change your password, an admin resets one, deactivate and reactivate
(sessions and tokens stop at once), admins list and revoke anyone's tokens, Django's password validators
(similarity to the username included), and no password-like strings in the audit log. Every face."""

from __future__ import annotations

import pytest
from django.test import Client

from headway.cli import main
from headway.core import services
from headway.core.errors import Conflict, PermissionDenied, ValidationError
from headway.core.models import ApiToken, AuditEvent
from headway.core.permissions import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
NEW = "violet-harbour-lantern-7"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def session(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.login(username=username, password=password)
    return client


def logged_in(client: Client) -> bool:
    return client.get("/settings/").status_code == 200  # else a redirect to the login page


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


# -- password rules -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("password", ["margaret-hamilton", "Margaret-Hamilton", "margaret-hamilton1"])
def test_a_password_like_the_username_is_refused(workspace, password):
    with pytest.raises(ValidationError, match="too similar to the username"):
        services.create_user(None, "margaret-hamilton", password)
    user = services.create_user(None, "margaret-hamilton", NEW)
    with pytest.raises(ValidationError, match="too similar to the username"):
        services.change_password(user, NEW, password)


def test_every_face_refuses_a_password_equal_to_the_username(client, capsys, admin):
    code, _, err = run(capsys, "user", "create", "grace-hopper-x", "--password", "grace-hopper-x")
    assert code == 1 and "too similar to the username" in err
    token = services.create_token(admin, "t").secret
    answer = client.post("/api/v1/users", {"username": "grace-hopper-x", "password": "grace-hopper-x"},
                         content_type="application/json", headers=bearer(token))
    assert answer.status_code == 422 and "too similar to the username" in answer.json()["error"]["message"]


# -- change your own password -------------------------------------------------------------------------------
def test_change_own_password_over_the_api_ends_other_sessions(client, viewer):
    other = session("vic")
    token = services.create_token(viewer, "t").secret
    wrong = client.post("/api/v1/me/password", {"current_password": "nope-nope-nope", "new_password": NEW},
                        content_type="application/json", headers=bearer(token))
    assert wrong.status_code == 422 and "current password is not right" in wrong.json()["error"]["message"]
    weak = client.post("/api/v1/me/password", {"current_password": PASSWORD, "new_password": "1234567890"},
                       content_type="application/json", headers=bearer(token))
    assert weak.status_code == 422 and "entirely numeric" in weak.json()["error"]["message"]
    done = client.post("/api/v1/me/password", {"current_password": PASSWORD, "new_password": NEW},
                       content_type="application/json", headers=bearer(token))
    assert done.status_code == 200 and done.json()["username"] == "vic"
    assert not logged_in(other)  # the other session ended
    assert not Client().login(username="vic", password=PASSWORD)
    assert Client().login(username="vic", password=NEW)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200  # tokens stay
    event = AuditEvent.objects.filter(summary="vic changed their password").get()
    assert PASSWORD not in str(event.changes) and NEW not in event.summary


def test_change_own_password_on_the_page_keeps_this_session(viewer):
    browser, other = session("vic"), session("vic")
    page = browser.get("/settings/password/")
    assert page.status_code == 200 and b"Change password" in page.content
    differ = browser.post("/settings/password/", {"current_password": PASSWORD, "new_password": NEW,
                                                  "new_password_again": NEW + "x"})
    assert differ.status_code == 422 and b"The two new passwords differ" in differ.content
    wrong = browser.post("/settings/password/", {"current_password": "x" * 12, "new_password": NEW,
                                                 "new_password_again": NEW})
    assert wrong.status_code == 422 and b"current password is not right" in wrong.content
    done = browser.post("/settings/password/", {"current_password": PASSWORD, "new_password": NEW,
                                                "new_password_again": NEW}, follow=True)
    assert b"Password changed" in done.content
    assert logged_in(browser) and not logged_in(other)
    assert Client().login(username="vic", password=NEW)


def test_change_own_password_in_the_cli(capsys, viewer):
    code, _, err = run(capsys, "user", "change-password", "vic", "--current", "wrong-password-1", "--password", NEW)
    assert code == 1 and "current password is not right" in err
    code, out, _ = run(capsys, "user", "change-password", "vic", "--current", PASSWORD, "--password", NEW)
    assert code == 0 and "Password of vic changed." in out
    assert Client().login(username="vic", password=NEW)


# -- an admin resets a password -----------------------------------------------------------------------------
def test_an_admin_resets_a_password_on_every_face(client, capsys, admin, viewer, leader):
    vic_session = session("vic")
    refused = client.put("/api/v1/users/vic/password", {"password": NEW}, content_type="application/json",
                         headers=bearer(services.create_token(leader, "t").secret))
    assert refused.status_code == 403
    done = client.put("/api/v1/users/vic/password", {"password": NEW}, content_type="application/json",
                      headers=bearer(services.create_token(admin, "t").secret))
    assert done.status_code == 200
    assert not logged_in(vic_session) and Client().login(username="vic", password=NEW)

    admin_page = session("ada")
    page = admin_page.post("/settings/users/", {"action": "reset-password", "username": "vic",
                                                "password": "sapphire-window-rain-3"}, follow=True)
    assert b"Password of vic set" in page.content
    assert Client().login(username="vic", password="sapphire-window-rain-3")

    code, out, _ = run(capsys, "user", "reset-password", "vic", "--password", "copper-kettle-dawn-9")
    assert code == 0 and "Password of vic set" in out
    assert Client().login(username="vic", password="copper-kettle-dawn-9")
    assert not AuditEvent.objects.filter(summary__contains="copper").exists()


# -- deactivate and reactivate ------------------------------------------------------------------------------
def test_deactivation_stops_sessions_and_tokens_at_once(client, admin, viewer):
    vic_session = session("vic")
    vic_token = services.create_token(viewer, "notebook").secret
    assert client.get("/api/v1/me", headers=bearer(vic_token)).status_code == 200
    admin_token = services.create_token(admin, "t").secret

    refused = client.post("/api/v1/users/vic/deactivate", headers=bearer(vic_token))
    assert refused.status_code == 403
    done = client.post("/api/v1/users/vic/deactivate", headers=bearer(admin_token))
    assert done.status_code == 200 and done.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=bearer(vic_token)).status_code == 401
    assert not logged_in(vic_session)
    assert vic_session.get("/api/v1/me").status_code == 401
    assert not Client().login(username="vic", password=PASSWORD)

    again = client.post("/api/v1/users/vic/reactivate", headers=bearer(admin_token))
    assert again.status_code == 200 and again.json()["is_active"] is True
    assert Client().login(username="vic", password=PASSWORD)
    assert not logged_in(vic_session)  # the old session stays gone
    assert client.get("/api/v1/me", headers=bearer(vic_token)).status_code == 401  # the old token stays revoked


def test_deactivation_on_the_page_and_in_the_cli(capsys, admin, viewer):
    page = session("ada").post("/settings/users/", {"action": "deactivate", "username": "vic"}, follow=True)
    assert b"vic is deactivated" in page.content and b"deactivated</span>" in page.content
    assert not Client().login(username="vic", password=PASSWORD)
    page = session("ada").post("/settings/users/", {"action": "reactivate", "username": "vic"}, follow=True)
    assert b"vic can log in again" in page.content
    code, out, _ = run(capsys, "user", "deactivate", "vic")
    assert code == 0 and "vic is deactivated" in out and not Client().login(username="vic", password=PASSWORD)
    code, out, _ = run(capsys, "user", "reactivate", "vic")
    assert code == 0 and Client().login(username="vic", password=PASSWORD)


def test_nobody_deactivates_themself_or_the_last_admin(admin, make_user):
    with pytest.raises(Conflict, match="cannot deactivate yourself"):
        services.set_active(admin, "ada", False)
    with pytest.raises(Conflict, match="last active admin"):
        services.set_active(None, "ada", False)
    other = make_user("otto", Role.ADMIN)
    assert services.set_active(other, "ada", False).is_active is False
    with pytest.raises(PermissionDenied):
        services.set_active(make_user("pm", Role.PRODUCT_MANAGER), "otto", False)


# -- everyone's tokens --------------------------------------------------------------------------------------
def test_admins_list_and_revoke_any_token(client, capsys, admin, viewer, leader):
    vic_token = services.create_token(viewer, "notebook")
    lena_token = services.create_token(leader, "sync")
    admin_secret = services.create_token(admin, "admin").secret
    listed = client.get("/api/v1/admin/tokens", headers=bearer(admin_secret)).json()
    assert sorted((t["username"], t["name"]) for t in listed["items"]) == [
        ("ada", "admin"), ("lena", "sync"), ("vic", "notebook")]
    only = client.get("/api/v1/admin/tokens?username=vic", headers=bearer(admin_secret)).json()
    assert [t["name"] for t in only["items"]] == ["notebook"]
    assert client.get("/api/v1/admin/tokens", headers=bearer(lena_token.secret)).status_code == 403
    assert client.delete(f"/api/v1/admin/tokens/{vic_token.token.pk}",
                         headers=bearer(lena_token.secret)).status_code == 403
    revoked = client.delete(f"/api/v1/admin/tokens/{vic_token.token.pk}", headers=bearer(admin_secret))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers=bearer(vic_token.secret)).status_code == 401
    assert client.delete("/api/v1/admin/tokens/99999", headers=bearer(admin_secret)).status_code == 404

    page = session("ada").get("/settings/users/")
    assert b"Everyone&#x27;s API tokens" in page.content or b"Everyone's API tokens" in page.content
    assert b"sync" in page.content
    done = session("ada").post("/settings/users/", {"action": "revoke-token", "token": str(lena_token.token.pk)},
                               follow=True)
    assert b"Token sync revoked" in done.content
    assert client.get("/api/v1/me", headers=bearer(lena_token.secret)).status_code == 401

    code, out, _ = run(capsys, "user", "tokens")
    assert code == 0 and "notebook" in out and "sync" in out and "lena" in out
    code, out, _ = run(capsys, "user", "revoke-token", str(ApiToken.objects.get(name="admin").pk))
    assert code == 0 and "of ada revoked" in out
    assert session("vic").get("/settings/users/").content.count(b"Everyone") == 0  # not for a viewer


# -- the audit log holds no password ------------------------------------------------------------------------
def test_a_password_typed_into_the_username_box_is_not_logged(client, viewer):
    typed = "Tr0ub4dor&3-horse-staple"
    response = client.post("/login/", {"username": typed, "password": "whatever-else"})
    assert response.status_code == 200  # the form again, with its error
    client.post("/login/", {"username": "vic", "password": "wrong-password-99"})
    failed = list(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("pk"))
    assert [e.summary.split(" from ")[0] for e in failed] == ["failed login for an unknown username",
                                                              "failed login for 'vic'"]
    assert [e.object_id for e in failed] == ["", "vic"]
    for event in AuditEvent.objects.all():
        assert typed.lower() not in f"{event.summary} {event.object_id} {event.changes}".lower()
