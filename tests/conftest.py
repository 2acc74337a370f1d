"""Shared fixtures: users per role, API clients, a CLI runner."""

from __future__ import annotations

import pytest

from headway.core.permissions import Role

PASSWORD = "a-long-test-password-42"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a test's rolled-back rows may come back with the same ids and
    counts in the next test, which a data version cannot tell apart (committed data never rolls back)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def workspace(db):
    from headway.core import services

    ws, _ = services.ensure_workspace("Acme Test", timezone="Europe/London")
    return ws


@pytest.fixture
def make_user(db, workspace):
    from headway.core import services

    def make(username: str, role: Role | str = Role.VIEWER):
        return services.create_user(None, username, PASSWORD, role=role)

    return make


@pytest.fixture
def admin(make_user):
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def leader(make_user):
    return make_user("lena", Role.PRODUCT_LEADER)


@pytest.fixture
def viewer(make_user):
    return make_user("vic", Role.VIEWER)
