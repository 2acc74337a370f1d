"""The API, the CLI and the pages show the same numbers; contact details only for product leaders and admins."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.cli.errors import run_guarded
from headway.core import services as core_services
from headway.core.permissions import Role
from headway.discovery import services
from headway.discovery.models import FeedbackItem, ThemeRun

runner = CliRunner()


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core_services.create_token(user, 'test').secret}"}


def cli(*args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def test_api_accepts_one_item_or_a_batch(client, accounts, make_user):
    pm = make_user("pam", Role.PRODUCT_MANAGER)
    one = client.post("/api/v1/discovery/feedback", {"text": "Search is broken", "account": "A1", "nps": 3},
                      headers=bearer(pm), content_type="application/json")
    assert one.status_code == 201 and one.json()["created"] == 1
    batch = client.post("/api/v1/discovery/feedback", {"items": [{"text": "a"}, {"text": "b", "source": "sales"}]},
                        headers=bearer(pm), content_type="application/json")
    assert batch.status_code == 201 and batch.json()["created"] == 2
    bad = client.post("/api/v1/discovery/feedback", {"items": [{"text": "ok"}, {"text": " "}]}, headers=bearer(pm),
                      content_type="application/json")
    body = bad.json()
    assert bad.status_code == 422 and body["error"]["details"] == [
        {"line": 2, "reason": "the feedback text is empty or only whitespace"}]
    assert FeedbackItem.objects.count() == 3


def test_api_accounts_upsert_and_contact_details(client, accounts, leader, viewer):
    made = client.post("/api/v1/discovery/accounts", [{"name": "Dune", "external_id": "D1", "mrr": 500}],
                       headers=bearer(leader), content_type="application/json")
    assert made.status_code == 200 and made.json()["created"] == 1
    listed = client.get("/api/v1/discovery/accounts", headers=bearer(viewer)).json()
    assert [(a["name"], a["arr"]) for a in listed["items"]] == [
        ("Acme", 120_000), ("Bolt", 30_000), ("Cove", 12_000), ("Dune", 6_000)]
    acme = accounts["A1"].pk
    as_leader = client.get(f"/api/v1/discovery/accounts/{acme}", headers=bearer(leader)).json()["people"][0]
    as_viewer = client.get(f"/api/v1/discovery/accounts/{acme}", headers=bearer(viewer)).json()["people"][0]
    assert (as_leader["email"], as_leader["phone"]) == ("ann@acme.example", "+1 555 0100")
    assert (as_viewer["name"], as_viewer["email"], as_viewer["phone"]) == ("Ann Buyer", None, None)


def test_same_numbers_in_api_cli_and_page(client, themed, leader, viewer):
    api = client.get("/api/v1/discovery/feedback/themes?parents=true", headers=bearer(viewer)).json()
    rows = json.loads(cli("feedback", "themes", "--parents", "--json"))
    python = [m.as_dict() for m in services.theme_metrics(None, parents=True)]
    assert api == rows == python
    top = api[0]
    client.force_login(viewer)
    page = client.get("/feedback/").content.decode()
    assert f'href="/feedback/themes/{top["id"]}/"' in page
    theme_page = client.get(f"/feedback/themes/{top['id']}/").content.decode()
    assert f'data-metric="size">{top["size"]}<' in theme_page
    assert f'data-metric="accounts">{top["accounts"]}<' in theme_page
    assert f'data-metric="arr">{top["arr"]:,.0f}<' in theme_page


def test_contact_details_hidden_from_non_leaders_on_every_face(client, themed, leader, viewer):
    theme = FeedbackItem.objects.get(text="My parcel delivery was late by 2 days").theme
    client.force_login(viewer)
    assert "ann@acme.example" not in client.get(f"/feedback/themes/{theme.pk}/").content.decode()
    assert "ann@acme.example" not in client.get("/feedback/inbox/").content.decode()
    quotes = client.get(f"/api/v1/discovery/feedback/themes/{theme.pk}").json()["quotes"]
    assert quotes[0]["person"]["name"] == "Ann Buyer" and quotes[0]["person"]["email"] is None
    assert "ann@acme.example" not in cli("feedback", "theme", str(theme.pk), "--as", viewer.username)
    client.force_login(leader)
    assert "ann@acme.example" in client.get(f"/feedback/themes/{theme.pk}/").content.decode()
    assert "ann@acme.example" in client.get("/feedback/inbox/").content.decode()
    assert "ann@acme.example" in cli("feedback", "theme", str(theme.pk), "--as", leader.username)


def test_cli_import_search_and_customers(db, workspace, tmp_path, capsys):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("name,external_id,segment,arr\nAcme,A1,Enterprise,120000\n", encoding="utf-8")
    assert "1 created" in cli("customer", "import", str(accounts))
    people = tmp_path / "people.csv"
    people.write_text("name,email,account_external_id\nAnn,ann@acme.example,A1\n", encoding="utf-8")
    assert "1 created" in cli("customer", "import", str(people), "--people")
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("Id,Body,Company\n1,The courier lost my parcel,Acme\n2,Refund never came,Acme\n",
                       encoding="utf-8")
    out = json.loads(cli("feedback", "import", str(tickets), "--map", "text=Body", "--json"))
    assert (out["created"], out["accounts_created"]) == (2, 0)
    hits = json.loads(cli("feedback", "search", "courier parcel", "--json"))
    assert [h["id"] for h in hits] == [FeedbackItem.objects.get(external_id="1").pk]
    assert json.loads(cli("customer", "list", "--json"))[0]["feedback"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes("text\nna\u00efve\n".encode("latin-1"))
    assert run_guarded(app, ["feedback", "import", str(bad)]) == 1
    assert "bad.csv is not UTF-8: line 2 has the byte 0xef" in capsys.readouterr().err.replace("\n", " ")


def test_page_progress_bar_and_inbox(client, corpus, leader, viewer):
    client.force_login(viewer)
    assert client.post("/feedback/runs/").status_code == 403
    client.force_login(leader)
    run = ThemeRun.objects.create(status="running", progress=0.42, message="finding themes in 36 feedback items")
    page = client.get("/feedback/").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="42"' in page
    partial = client.get(f"/feedback/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert 'value="42"' in partial.content.decode() and "HX-Refresh" not in partial
    ThemeRun.objects.filter(pk=run.pk).update(status="done", progress=1.0)
    done = client.get(f"/feedback/runs/{run.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    inbox = client.get("/feedback/inbox/").content.decode()
    assert "36 new items" in inbox
    ids = list(FeedbackItem.objects.values_list("pk", flat=True)[:5])
    client.post("/feedback/inbox/reviewed/", {"item": ids})
    assert "31 new items" in client.get("/feedback/inbox/").content.decode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_background_run_reports_progress_until_done(corpus):
    run = services.start_theme_run(None, method="lexical")
    for _ in range(240):
        run.refresh_from_db()
        if not run.active:
            break
        time.sleep(0.25)
    assert run.status == "done" and run.progress == 1.0 and run.items == 36
    assert FeedbackItem.objects.filter(theme__isnull=True).count() == 0


def test_a_parent_theme_over_the_api_has_its_sub_themes(client, themed, viewer):
    """A parent theme's detail once passed the quotes' page offset where the sub-themes' history start was due
    (a 500 found by fuzzing the API)."""
    parent = services.theme_metrics(None, parents=True)[0]
    body = client.get(f"/api/v1/discovery/feedback/themes/{parent.id}", headers=bearer(viewer)).json()
    assert body["id"] == parent.id and body["is_parent"] and body["children"]
    assert sum(child["size"] for child in body["children"]) == parent.size


def test_people_are_added_to_accounts_over_the_api(client, accounts, leader):
    """POST /accounts/people was taken by /accounts/{account_id} (405) until the id was typed."""
    people = [{"name": "Bo Buyer", "email": "bo@bolt.example", "phone": "+1 555 0199", "account_external_id": "B1"}]
    done = client.post("/api/v1/discovery/accounts/people", people, content_type="application/json", headers=bearer(leader))
    assert done.status_code == 200, done.content
    assert (done.json()["rows"], done.json()["created"]) == (1, 1)
    bolt = client.get(f"/api/v1/discovery/accounts/{accounts['B1'].pk}", headers=bearer(leader)).json()
    assert [(p["name"], p["phone"]) for p in bolt["people"]] == [("Bo Buyer", "+1 555 0199")]
