"""Settings pages: workspace, users and API tokens; permissions come from the services."""

from __future__ import annotations

import re

from django.test import Client

from headway.core import services
from headway.core.models import ApiToken, User
from tests.conftest import PASSWORD

GOOD = {"name": "Acme Labs", "industry": "Software", "fiscal_year_start_month": "4",
        "timezone": "Asia/Tokyo", "week_start": "sunday", "currency": "EUR"}


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_admin_saves_workspace_settings(admin):
    client = logged_in(admin)
    response = client.post("/settings/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/settings/"
    ws = services.get_workspace()
    assert (ws.name, ws.industry, ws.fiscal_year_start_month, ws.timezone, ws.week_start, ws.currency) == (
        "Acme Labs", "Software", 4, "Asia/Tokyo", "sunday", "EUR")
    page = client.get("/settings/").content.decode()
    assert '<p class="message message-success" role="status">Workspace settings saved.</p>' in page
    assert '<option value="4" selected>April</option>' in page


def test_bad_time_zone_and_month_13_show_field_errors_and_save_nothing(admin):
    response = logged_in(admin).post("/settings/", {**GOOD, "timezone": "Mars/Olympus", "fiscal_year_start_month": "13"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "There are 2 problems" in html
    assert ('<p class="field-error" id="timezone-error"><span class="visually-hidden">Error: </span>'
            "&#x27;Mars/Olympus&#x27; is not an IANA time zone") in html
    assert 'aria-describedby="timezone-hint timezone-error" aria-invalid="true"' in html
    assert 'id="fiscal_year_start_month-error"' in html
    assert "a month number from 1 (January) to 12 (December)" in html
    assert 'value="Mars/Olympus"' in html  # what was typed stays in the field
    ws = services.get_workspace()
    assert (ws.name, ws.timezone, ws.fiscal_year_start_month) == ("Acme Test", "Europe/London", 1)


def test_viewer_cannot_save_settings(viewer):
    client = logged_in(viewer)
    form = client.get("/settings/").content.decode()
    assert "<fieldset disabled>" in form
    assert "Only a workspace admin can change these settings." in form
    response = client.post("/settings/", GOOD)
    assert response.status_code == 403
    assert "does not allow workspace.edit" in response.content.decode()
    assert services.get_workspace().name == "Acme Test"


def test_admin_creates_a_user_and_changes_a_role(admin):
    client = logged_in(admin)
    response = client.post("/settings/users/", {"username": "pia", "display_name": "Pia Park", "email": "pia@x.test",
                                                "password": "a-fine-password-9", "role": "product_manager"})
    assert response.status_code == 302
    assert User.objects.get(username="pia").role == "product_manager"
    assert "User pia created." in client.get("/settings/users/").content.decode()
    response = client.post("/settings/users/", {"action": "set-role", "username": "pia", "role": "product_leader"})
    assert response.status_code == 302
    assert User.objects.get(username="pia").role == "product_leader"


def test_user_form_errors_are_tied_to_their_fields(admin):
    response = logged_in(admin).post("/settings/users/", {"username": "pia", "password": "short", "role": "viewer"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="new-password-error"' in html
    assert "Password rejected: This password is too short." in html
    assert 'value="pia"' in html and 'value="short"' not in html  # a password is never echoed back
    assert not User.objects.filter(username="pia").exists()
    duplicate = logged_in(admin).post("/settings/users/", {"username": "ada", "password": "a-fine-password-9"})
    assert 'id="new-username-error"' in duplicate.content.decode()


def test_last_admin_cannot_be_demoted_from_the_page(admin):
    client = logged_in(admin)
    client.post("/settings/users/", {"action": "set-role", "username": "ada", "role": "viewer"})
    assert User.objects.get(username="ada").role == "admin"
    assert "ada is the last admin" in client.get("/settings/users/").content.decode()


def test_viewer_cannot_create_users_or_change_roles(viewer, leader):
    client = logged_in(viewer)
    page = client.get("/settings/users/").content.decode()
    assert "Add a user" not in page and "Only a workspace admin can add users" in page
    created = client.post("/settings/users/", {"username": "eve", "password": "a-fine-password-9", "role": "admin"})
    assert created.status_code == 403
    changed = client.post("/settings/users/", {"action": "set-role", "username": "vic", "role": "admin"})
    assert changed.status_code == 403
    assert not User.objects.filter(username="eve").exists()
    assert User.objects.get(username="vic").role == "viewer"


def test_api_token_secret_is_shown_once_then_revoked(viewer):
    client = logged_in(viewer)
    response = client.post("/settings/tokens/", {"name": "notebook"})
    html = response.content.decode()
    secret = re.search(r'id="new-secret" class="secret" value="(hw_[^"]+)"', html).group(1)
    assert "no-store" in response["Cache-Control"]
    assert services.authenticate_token(secret) == viewer
    reloaded = client.get("/settings/tokens/").content.decode()
    assert secret not in reloaded
    assert f"<code>{secret[:10]}…</code>" in reloaded
    token = ApiToken.objects.get(user=viewer)
    response = client.post("/settings/tokens/", {"revoke": str(token.pk)})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Token &#x27;notebook&#x27; revoked" in client.get("/settings/tokens/").content.decode()


def test_token_without_a_name_is_a_field_error(viewer):
    response = logged_in(viewer).post("/settings/tokens/", {"name": "  "})
    assert response.status_code == 422
    assert 'id="token-name-error"' in response.content.decode()
    assert ApiToken.objects.count() == 0


def test_revoking_someone_elses_token_changes_nothing(viewer, leader):
    other = services.create_token(leader, "lena's").token
    response = logged_in(viewer).post("/settings/tokens/", {"revoke": str(other.pk)})
    assert response.status_code == 404
    assert "You have no API token with id" in response.content.decode()
    other.refresh_from_db()
    assert other.revoked_at is None
