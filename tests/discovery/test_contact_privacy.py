"""Issue 15: product managers and contributors confirmed that a customer's e-mail exists (created vs updated)
and overwrote that contact's name and phone, which they may not read. Contact upserts now need contacts.view,
and the refusal is the same whether the e-mail is on file or not."""

from __future__ import annotations

import pytest

from headway.core import services as core
from headway.core.errors import PermissionDenied
from headway.core.permissions import Role
from headway.discovery import services

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core.create_token(user, 'test').secret}"}


def ann() -> tuple[str, str, str]:
    person = services.account_people(None, services.list_accounts(None).get(external_id="A1"))[0]
    return person["name"], str(person["email"]), str(person["phone"])


@pytest.mark.parametrize("role", [Role.PRODUCT_MANAGER, Role.CONTRIBUTOR, Role.VIEWER])
def test_a_role_that_cannot_read_contacts_cannot_probe_or_overwrite_them(client, accounts, make_user, role):
    actor = make_user("probe", role)
    answers = []
    for email in ("ann@acme.example", "nobody@acme.example"):  # on file, not on file
        response = client.post("/api/v1/discovery/accounts/people",
                               [{"name": "Mallory", "email": email, "phone": "+1 555 6666"}],
                               content_type="application/json", headers=bearer(actor))
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]  # the same answer: nothing tells whether the e-mail exists
    assert answers[0][0] == 403 and answers[0][1]["error"]["code"] == "permission_denied"
    assert ann() == ("Ann Buyer", "ann@acme.example", "+1 555 0100")
    with pytest.raises(PermissionDenied):
        services.import_contacts_file(actor, b"name,email,phone\nMallory,ann@acme.example,1\n", filename="p.csv")
    assert ann() == ("Ann Buyer", "ann@acme.example", "+1 555 0100")


def test_a_product_leader_still_upserts(client, accounts, leader):
    response = client.post("/api/v1/discovery/accounts/people",
                           [{"name": "Ann Buyer", "email": "ann@acme.example", "phone": "+1 555 0199"}],
                           content_type="application/json", headers=bearer(leader))
    assert response.status_code == 200 and (response.json()["created"], response.json()["updated"]) == (0, 1)
    assert ann() == ("Ann Buyer", "ann@acme.example", "+1 555 0199")
