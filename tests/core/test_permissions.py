"""The role × permission matrix, cell by cell, and the checks services make."""

from __future__ import annotations

import pytest

from headway.core.errors import PermissionDenied, ValidationError
from headway.core.permissions import ROLE_PERMISSIONS, Perm, Role, has_perm, parse_role, require

# Written out by hand: a change to the matrix must change this table too.
EXPECTED = {
    Perm.VIEW_WORKSPACE: {"admin", "product_leader", "product_manager", "contributor", "viewer"},
    Perm.VIEW_USERS: {"admin", "product_leader", "product_manager", "contributor", "viewer"},
    Perm.USE_API_TOKENS: {"admin", "product_leader", "product_manager", "contributor", "viewer"},
    Perm.COMMENT: {"admin", "product_leader", "product_manager", "contributor"},
    Perm.EDIT_FEEDBACK: {"admin", "product_leader", "product_manager", "contributor"},
    Perm.EDIT_IDEAS: {"admin", "product_leader", "product_manager", "contributor"},
    Perm.INGEST_EVENTS: {"admin", "product_leader", "product_manager"},
    Perm.EDIT_STRATEGY: {"admin", "product_leader"},
    Perm.EDIT_PLANS: {"admin", "product_leader"},
    Perm.VIEW_CONTACTS: {"admin", "product_leader"},
    Perm.MANAGE_TEAM: {"admin", "product_leader"},
    Perm.EDIT_WORKSPACE: {"admin"},
    Perm.MANAGE_USERS: {"admin"},
    Perm.VIEW_AUDIT: {"admin"},
}


def test_every_permission_is_in_the_expected_table():
    assert set(EXPECTED) == set(Perm)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("perm", list(Perm))
def test_matrix_cell(role, perm):
    assert (perm in ROLE_PERMISSIONS[role]) == (role.value in EXPECTED[perm])


class FakeUser:
    is_authenticated = True

    def __init__(self, role: str, active: bool = True) -> None:
        self.role = role
        self.is_active = active


def test_inactive_and_anonymous_users_have_no_permission():
    assert has_perm(FakeUser("admin"), Perm.MANAGE_USERS)
    assert not has_perm(FakeUser("admin", active=False), Perm.VIEW_WORKSPACE)
    assert not has_perm(None, Perm.VIEW_WORKSPACE)


def test_require_names_the_role_and_the_permission():
    with pytest.raises(PermissionDenied) as info:
        require(FakeUser("viewer"), Perm.EDIT_STRATEGY)
    assert info.value.message == (
        "Your role (viewer) does not allow strategy.edit: ask a workspace admin for a role that does."
    )


@pytest.mark.parametrize("text", ["product_leader", "Product leader", "product-leader", " PRODUCT_LEADER "])
def test_role_names_are_forgiving(text):
    assert parse_role(text) is Role.PRODUCT_LEADER


def test_unknown_role_lists_the_choices():
    with pytest.raises(ValidationError) as info:
        parse_role("superuser")
    assert "There is no role 'superuser': choose one of admin, product_leader" in info.value.message
