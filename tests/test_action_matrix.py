"""The role × action matrix of the actions that change what others see or reveal what a role may not read,
cell by cell through the services (issue 15): a KPI refresh, a KPI preview as of a day, contact upserts.

Written out by hand: a change to who may do what must change this table too.
"""

from __future__ import annotations

import pytest

from headway.core.errors import PermissionDenied
from headway.core.permissions import Role

ROLES = [r.value for r in Role]
MATRIX = {
    "refresh KPIs": {"admin", "product_leader"},
    "refresh KPIs as of a day": {"admin", "product_leader"},
    "preview KPIs as of a day": set(ROLES),
    "refresh or preview as of a day (API)": set(ROLES),
    "refresh or preview without a day (API)": {"admin", "product_leader"},
    "upsert contacts": {"admin", "product_leader"},
    "import a contacts file": {"admin", "product_leader"},
}


def attempt(action: str, actor):
    from headway.discovery import services as discovery
    from headway.strategy import services as strategy

    if action == "refresh KPIs":
        return strategy.refresh_kpis(actor)
    if action == "refresh KPIs as of a day":
        return strategy.refresh_kpis(actor, as_of=__import__("datetime").date(2026, 5, 1))
    if action == "preview KPIs as of a day":
        return strategy.preview_refresh(actor, as_of=__import__("datetime").date(2026, 5, 1))
    if action == "refresh or preview as of a day (API)":
        return strategy.refresh_or_preview(actor, as_of=__import__("datetime").date(2026, 5, 1))
    if action == "refresh or preview without a day (API)":
        return strategy.refresh_or_preview(actor)
    if action == "upsert contacts":
        return discovery.upsert_contacts(actor, [{"name": "Kim", "email": "kim@example.com"}])
    if action == "import a contacts file":
        return discovery.import_contacts_file(actor, b"name,email\nKim,kim@example.com\n", filename="p.csv")
    raise AssertionError(action)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_cell(make_user, role, action):
    actor = make_user(f"user-{role}", role)
    if role in MATRIX[action]:
        attempt(action, actor)
    else:
        with pytest.raises(PermissionDenied):
            attempt(action, actor)
