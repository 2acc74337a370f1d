"""Core use cases: workspace, users, tokens, throttling and the audit log, on a real database."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher

from headway.core import services
from headway.core.errors import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationError,
)
from headway.core.models import ApiToken, AuditEvent, Workspace
from headway.core.permissions import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_ensure_workspace_is_idempotent():
    first, created = services.ensure_workspace("Northwind", currency="EUR")
    again, created_again = services.ensure_workspace("Other name")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.name == "Northwind" and again.currency == "EUR"
    assert Workspace.objects.count() == 1


def test_get_workspace_without_one_says_to_run_init():
    with pytest.raises(NotFound, match="run `headway init`"):
        services.get_workspace()


def test_admin_updates_workspace_and_the_change_is_audited(admin):
    ws = services.update_workspace(admin, timezone="America/New_York", fiscal_year_start_month="4")
    assert (ws.timezone, ws.fiscal_year_start_month) == ("America/New_York", 4)
    event = AuditEvent.objects.filter(action="update", object_type="workspace").get()
    assert event.actor == admin
    assert event.changes == {"timezone": ["Europe/London", "America/New_York"], "fiscal_year_start_month": [1, 4]}


def test_invalid_workspace_fields_change_nothing(admin):
    with pytest.raises(ValidationError) as info:
        services.update_workspace(admin, timezone="Mars/Olympus", fiscal_year_start_month=13, currency="XXX")
    assert set(info.value.details) == {"timezone", "fiscal_year_start_month", "currency"}
    ws = services.get_workspace()
    assert (ws.timezone, ws.fiscal_year_start_month, ws.currency) == ("Europe/London", 1, "USD")


@pytest.mark.parametrize("role", [Role.PRODUCT_LEADER, Role.PRODUCT_MANAGER, Role.CONTRIBUTOR, Role.VIEWER])
def test_only_admins_edit_the_workspace(make_user, role):
    user = make_user(f"u-{role.value}", role)
    with pytest.raises(PermissionDenied):
        services.update_workspace(user, name="Hacked")
    assert services.get_workspace().name == "Acme Test"


def test_passwords_are_hashed_with_argon2(admin):
    assert identify_hasher(admin.password).algorithm == "argon2"
    assert admin.check_password(PASSWORD)


def test_create_user_rejects_weak_passwords_duplicates_and_bad_roles(admin):
    with pytest.raises(ValidationError, match="Password rejected"):
        services.create_user(admin, "weak", "12345")
    with pytest.raises(Conflict, match="already exists"):
        services.create_user(admin, "ada", PASSWORD)
    with pytest.raises(ValidationError, match="There is no role 'boss'"):
        services.create_user(admin, "newbie", PASSWORD, role="boss")
    assert services.list_users(admin).count() == 1


def test_non_admins_cannot_create_users_or_change_roles(leader, viewer):
    with pytest.raises(PermissionDenied):
        services.create_user(leader, "mallory", PASSWORD, role="admin")
    with pytest.raises(PermissionDenied):
        services.set_role(leader, "vic", "admin")


def test_set_role_records_old_and_new(admin, viewer):
    services.set_role(admin, "vic", "product-manager")
    viewer.refresh_from_db()
    assert viewer.role == "product_manager"
    event = AuditEvent.objects.filter(object_type="user", action="update").get()
    assert event.changes == {"role": ["viewer", "product_manager"]}


def test_the_last_admin_cannot_be_demoted(admin):
    with pytest.raises(Conflict, match="last admin"):
        services.set_role(admin, "ada", "viewer")


def test_token_is_shown_once_and_stored_hashed(viewer):
    new = services.create_token(viewer, "notebook")
    assert new.secret.startswith("hw_") and len(new.secret) > 40
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert new.secret not in (stored.digest, stored.prefix) and stored.prefix == new.secret[:10]
    assert services.authenticate_token(new.secret) == viewer
    assert stored.name == "notebook"


def test_revoked_or_unknown_tokens_fail(viewer, admin):
    new = services.create_token(viewer, "ci")
    with pytest.raises(NotFound):  # tokens of others are invisible
        services.revoke_token(admin, new.token.pk)
    services.revoke_token(viewer, new.token.pk)
    with pytest.raises(AuthenticationFailed, match="unknown or revoked"):
        services.authenticate_token(new.secret)
    with pytest.raises(AuthenticationFailed, match="start with 'hw_'"):
        services.authenticate_token("Bearer abc")


def test_token_of_a_deactivated_user_fails(viewer):
    new = services.create_token(viewer, "x")
    viewer.is_active = False
    viewer.save()
    with pytest.raises(AuthenticationFailed):
        services.authenticate_token(new.secret)


def test_login_is_throttled_after_five_failures(viewer, client):
    from django.contrib.auth import authenticate

    for _ in range(5):
        assert authenticate(None, username="vic", password="wrong-password") is None
    with pytest.raises(Throttled, match="Too many failed logins"):
        authenticate(None, username="vic", password=PASSWORD)
    assert AuditEvent.objects.filter(action="login_failed").count() == 5


def test_successful_login_clears_failures(viewer):
    from django.contrib.auth import authenticate

    for _ in range(4):
        authenticate(None, username="vic", password="nope")
    assert authenticate(None, username="vic", password=PASSWORD) == viewer
    for _ in range(4):
        authenticate(None, username="vic", password="nope")
    assert authenticate(None, username="vic", password=PASSWORD) == viewer


def test_audit_log_is_admin_only_and_records_views(admin, viewer):
    with pytest.raises(PermissionDenied):
        services.list_audit_events(viewer)
    services.record_view(admin, viewer, "viewed vic's review results")
    latest = services.list_audit_events(admin).first()
    assert (latest.action, latest.summary, latest.actor_label) == ("view", "viewed vic's review results", "ada")
