"""The team API: people list and detail, the org tree, spans, creating and moving people."""

from __future__ import annotations

import pytest

from headway.core import services as core_services
from headway.team.models import Person


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core_services.create_token(user, 'test').secret}"}


def test_people_list_is_paginated_and_filtered(client, org, viewer):
    body = client.get("/api/v1/team/people", headers=bearer(viewer)).json()
    assert body["count"] == 7
    assert [p["name"] for p in body["items"]] == ["Ann", "Bea", "Cora", "Dan", "Ed", "Fay", "Vic"]
    ann = body["items"][0]
    assert ann["manager_id"] == org["Vic"].pk and ann["team"] == "Search" and ann["level"] == "pm"
    design = client.get("/api/v1/team/people?department=design", headers=bearer(viewer)).json()
    assert [p["name"] for p in design["items"]] == ["Dan"]
    bad = client.get("/api/v1/team/people?department=legal", headers=bearer(viewer))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "validation_error"


def test_person_detail_has_chain_and_reports(client, org, viewer):
    body = client.get(f"/api/v1/team/people/{org['Vic'].pk}", headers=bearer(viewer)).json()
    assert body["name"] == "Vic" and body["username"] is None
    assert [p["name"] for p in body["reporting_chain"]] == ["Cora"]
    assert [p["name"] for p in body["direct_reports"]] == ["Ann", "Bea", "Dan"]
    missing = client.get("/api/v1/team/people/99999", headers=bearer(viewer))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_org_tree_json(client, org, viewer):
    body = client.get("/api/v1/team/org", headers=bearer(viewer)).json()

    def shape(nodes):
        return [[n["name"], shape(n["children"])] for n in nodes]

    assert shape(body) == [["Cora", [["Vic", [["Ann", []], ["Bea", []], ["Dan", []]]], ["Ed", [["Fay", []]]]]]]
    assert body[0]["department"] == "product" and body[0]["children"][1]["department"] == "engineering"


def test_spans_json(client, org, viewer):
    body = client.get("/api/v1/team/spans", headers=bearer(viewer)).json()
    assert [(s["name"], s["direct_reports"], s["single"]) for s in body] == [
        ("Vic", 3, False), ("Cora", 2, False), ("Ed", 1, True)]
    assert body[2]["flag"] == "single: one direct report"


def test_viewer_cannot_create_a_person(client, org, viewer):
    response = client.post("/api/v1/team/people", {"name": "Zed", "title": "PM"}, content_type="application/json",
                           headers=bearer(viewer))
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert "team.manage" in error["message"]
    assert not Person.objects.filter(name="Zed").exists()


def test_leader_creates_and_moves_a_person(client, org, leader):
    response = client.post("/api/v1/team/people", {
        "name": "Zed", "title": "Associate Product Manager", "level": "apm", "manager_id": org["Vic"].pk,
        "start_date": "2025-01-06", "username": "lena",
    }, content_type="application/json", headers=bearer(leader))
    assert response.status_code == 201
    body = response.json()
    assert (body["department"], body["level"], body["manager_id"], body["start_date"], body["username"]) == (
        "product", "apm", org["Vic"].pk, "2025-01-06", "lena")
    moved = client.put(f"/api/v1/team/people/{body['id']}/manager", {"manager_id": org["Ed"].pk},
                       content_type="application/json", headers=bearer(leader))
    assert moved.status_code == 200 and moved.json()["manager_id"] == org["Ed"].pk
    cycle = client.put(f"/api/v1/team/people/{org['Cora'].pk}/manager", {"manager_id": body["id"]},
                       content_type="application/json", headers=bearer(leader))
    assert cycle.status_code == 422
    assert cycle.json()["error"]["details"]["cycle"] == [org["Cora"].pk, body["id"], org["Ed"].pk, org["Cora"].pk]


def test_patch_updates_fields(client, org, leader):
    response = client.patch(f"/api/v1/team/people/{org['Ann'].pk}", {"title": "Senior Product Manager, Search",
                            "level": "senior_pm"}, content_type="application/json", headers=bearer(leader))
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["level"]) == ("Senior Product Manager, Search", "senior_pm")


@pytest.mark.parametrize("payload", [{"name": "", "title": "PM"}, {"name": "Zed", "title": "PM", "track": "both"}])
def test_invalid_person_is_a_422(client, org, leader, payload):
    response = client.post("/api/v1/team/people", payload, content_type="application/json", headers=bearer(leader))
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"


def test_out_of_range_ids_are_clean_errors(client, org, leader):
    """Ids are int64 in the OpenAPI document: a wider one names no person (path) or is refused as read (body)."""
    huge = 2**64
    assert client.get(f"/api/v1/team/people/{2**63 - 1}", headers=bearer(leader)).status_code == 404
    assert client.get(f"/api/v1/team/people/{huge}", headers=bearer(leader)).status_code == 404
    response = client.put(f"/api/v1/team/people/{org['Ann'].pk}/manager", {"manager_id": huge},
                          content_type="application/json", headers=bearer(leader))
    assert response.status_code == 422 and "an integer from" in response.json()["error"]["details"][0]["message"]
    response = client.put(f"/api/v1/team/people/{org['Ann'].pk}/manager", {"manager_id": 2**63 - 1},
                          content_type="application/json", headers=bearer(leader))
    assert response.status_code == 422 and "there is no person with id" in response.json()["error"]["message"]


def test_ladder_edits_are_typed_in_the_api(client, org, leader):
    """The op is one of the edits and each argument has its type: a wrong one is a 422 naming it, not a 500."""
    def edit(body):
        return client.post("/api/v1/team/ladder/edits", body, content_type="application/json", headers=bearer(leader))

    wrong = edit({"op": "update-level", "args": {"slug": "pm", "rank": "high"}})
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "body.payload.args.rank"
    assert edit({"op": "shuffle", "args": {}}).status_code == 422
    done = edit({"op": "set-expectation", "args": {"level": "pm", "competency": "delivery", "rating": 4}})
    assert done.status_code == 201 and done.json()["version"] == 2
    spec = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "add-competency" in spec["LadderEditRequest"]["properties"]["op"]["enum"]
    assert spec["LadderEditArgs"]["properties"]["rank"]["type"] == "integer"
