"""Renaming and deleting a product area (issue 14, point 1): the service, the API and the web form, per role."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.core import services as core
from headway.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from headway.core.permissions import Role
from headway.strategy import services
from headway.strategy.models import ProductArea, StrategyVersion
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def hierarchy(workspace):
    services.create_area(None, "Shop", "line")
    services.create_area(None, "Checkout", "product", parent="Shop")
    services.create_area(None, "Payments", "area", parent="Checkout")
    goal = services.create_goal(None, "Fewer failed payments", area="Payments")
    services.save_strategy(None, vision="Pay in one tap", body="Wallets first", area="Payments")
    return goal


def test_rename_and_delete_in_the_service(hierarchy, viewer):
    area = services.rename_area(None, "Payments", "Wallets", "Apple Pay and Google Pay")
    assert (area.name, area.description, area.parent.name) == ("Wallets", "Apple Pay and Google Pay", "Checkout")
    hierarchy.refresh_from_db()
    assert hierarchy.area.name == "Wallets"  # the goal went with it
    with pytest.raises(Conflict, match="'Shop' exists already"):
        services.rename_area(None, "Wallets", "Shop")
    with pytest.raises(ValidationError, match="Give a name"):
        services.rename_area(None, "Wallets", "  ")
    with pytest.raises(NotFound, match="no product area 'Payments'"):
        services.rename_area(None, "Payments", "X")
    with pytest.raises(PermissionDenied):
        services.rename_area(viewer, "Wallets", "X")
    with pytest.raises(Conflict, match="Product Checkout still holds Wallets: delete or move those first"):
        services.delete_area(None, "Checkout")
    done = services.delete_area(None, "Wallets")
    assert (done.goals_unlinked, done.strategy_versions) == (1, 1)
    hierarchy.refresh_from_db()
    assert hierarchy.area is None and not StrategyVersion.objects.filter(area__name="Wallets").exists()
    assert sorted(ProductArea.objects.values_list("name", flat=True)) == ["Checkout", "Shop"]


def test_the_api_renames_and_deletes(client, hierarchy, leader, viewer):
    def bearer(user):
        return {"Authorization": f"Bearer {core.create_token(user, 't').secret}"}

    renamed = client.patch("/api/v1/strategy/areas/Payments", {"name": "Wallets"}, content_type="application/json",
                           headers=bearer(leader))
    assert renamed.status_code == 200 and renamed.json() == {"name": "Wallets", "kind": "area", "parent": "Checkout"}
    assert client.delete("/api/v1/strategy/areas/Wallets", headers=bearer(viewer)).status_code == 403
    assert client.delete("/api/v1/strategy/areas/Checkout", headers=bearer(leader)).status_code == 409
    gone = client.delete("/api/v1/strategy/areas/Wallets", headers=bearer(leader))
    assert gone.status_code == 200 and gone.json() == {"name": "Wallets", "kind": "area", "goals_unlinked": 1,
                                                      "strategy_versions": 1}


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client: Client, data: dict):
    html = client.get("/goals/areas/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client.post("/goals/areas/change/", {**data, "csrfmiddlewaretoken": token})


def test_the_web_renames_and_deletes_for_leaders_only(hierarchy, leader, make_user):
    payments = ProductArea.objects.get(name="Payments")
    lena = browser(leader)
    page = lena.get("/goals/areas/").content.decode()
    assert f'id="rename-{payments.pk}"' in page and "Delete Payments" in page
    assert "Delete Checkout" not in page and "Delete or move what is inside" in page
    done = post(lena, {"action": "rename", "area": "Payments", "name": "Wallets", "description": "Wallet pay"})
    assert done.status_code == 302 and done["Location"] == f"/goals/areas/#area-{payments.pk}"
    assert "Area Payments saved as Wallets." in lena.get("/goals/areas/").content.decode()
    post(lena, {"action": "rename", "area": "Wallets", "name": "Shop"})
    assert "&#x27;Shop&#x27; exists already" in lena.get("/goals/areas/").content.decode()
    post(lena, {"action": "delete", "area": "Wallets"})  # no tick: nothing goes
    assert ProductArea.objects.filter(name="Wallets").exists()
    post(lena, {"action": "delete", "area": "Wallets", "confirm": "yes"})
    assert not ProductArea.objects.filter(name="Wallets").exists()
    assert "Wallets deleted: 1 goal no longer in it, 1 strategy version removed." in lena.get(
        "/goals/areas/").content.decode()
    pat = browser(make_user("pat", Role.PRODUCT_MANAGER))
    assert "Rename or delete" not in pat.get("/goals/areas/").content.decode()
    assert post(pat, {"action": "rename", "area": "Checkout", "name": "Basket"}).status_code == 403
    assert post(pat, {"action": "delete", "area": "Shop", "confirm": "yes"}).status_code == 403
    assert sorted(ProductArea.objects.values_list("name", flat=True)) == ["Checkout", "Shop"]
