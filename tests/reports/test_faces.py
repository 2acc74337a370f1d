"""The CLI and the JSON API of reports: the same pack numbers, the same one-line errors, the same permissions."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from headway.cli import main
from headway.core import services as core
from headway.reports import services
from headway.reports.models import ShareLink
from tests.reports.conftest import PERIOD


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core.create_token(user, 'test').secret}"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_report_show_prints_the_same_pack_as_the_api(product, leader, client, capsys):
    code, out, _ = run(capsys, "report", "show", "weekly", "--period", PERIOD)
    api = client.get("/api/v1/reports/preview", {"kind": "weekly", "period": PERIOD}, headers=bearer(leader)).json()
    assert code == 0 and out == services.render(services.PackView(**api), "md")
    assert "| Sign-ups | — |" in out
    code, out, _ = run(capsys, "report", "show", "roadmap", "--audience", "sales", "--format", "html")
    assert code == 0 and out.startswith("<!doctype html>") and "Team workspaces" in out


def test_report_send_channel_subscription_and_share_commands(product, capsys):
    code, out, _ = run(capsys, "report", "send", "monthly", "--to", "ceo@acme.test", "--period", PERIOD)
    assert code == 0 and out.strip().endswith("sent.") and [m.to for m in mail.outbox] == [["ceo@acme.test"]]
    code, out, _ = run(capsys, "channel", "add", "leaders", "--kind", "email", "--target", "a@acme.test,b@acme.test")
    assert code == 0 and "Channel leaders (E-mail) added: a@acme.test, b@acme.test." in out
    code, out, _ = run(capsys, "channel", "test", "leaders")
    assert code == 0 and "sent" in out and len(mail.outbox) == 3
    code, out, _ = run(capsys, "channel", "list")
    assert "leaders" in out
    code, out, err = run(capsys, "subscription", "add", "weekly", "--channel", "leaders", "--weekday", "friday",
                       "--hour", "16")
    subscription = re.search(r"Subscription (\d+): weekly to #leaders, Fridays at 16:00", out)
    assert code == 0 and subscription is not None, err  # ids are the database's (PostgreSQL never restarts them)
    code, out, _ = run(capsys, "subscription", "list")
    assert "Fridays at 16:00" in out
    code, out, _ = run(capsys, "subscription", "remove", subscription.group(1))
    assert code == 0 and "ended" in out
    code, out, _ = run(capsys, "share", "create", "roadmap", "--audience", "marketing", "--days", "3")
    assert code == 0 and "/share/" in out
    code, out, _ = run(capsys, "share", "list")
    assert "roadmap: marketing" in out and "active" in out
    share = ShareLink.objects.get()
    code, out, _ = run(capsys, "share", "revoke", str(share.pk))
    assert code == 0 and "revoked" in out
    code, out, _ = run(capsys, "channel", "remove", "leaders")
    assert code == 0


def test_bad_input_is_one_line_on_the_cli(product, capsys):
    code, _, err = run(capsys, "report", "send", "weekly", "--to", "not-an-address")
    assert code != 0 and err.strip().count("\n") == 0 and "Not an e-mail address: not-an-address" in err
    code, _, err = run(capsys, "channel", "add", "x", "--kind", "webhook", "--target", "ftp://x.test/")
    assert code != 0 and "must start with https://" in err
    code, _, err = run(capsys, "subscription", "add", "weekly", "--to", "a@acme.test", "--start", "2020-01-01")
    assert code != 0 and "is in the past" in err
    code, _, err = run(capsys, "share", "create", "reviews")
    assert code != 0 and "People data" in err


def test_api_faces_and_permissions(product, leader, viewer, client):
    created = client.post("/api/v1/reports/packs", {"kind": "monthly", "period": PERIOD},
                          content_type="application/json", headers=bearer(leader))
    assert created.status_code == 201
    pack_id = created.json()["id"]
    refused = client.patch(f"/api/v1/reports/packs/{pack_id}", {"notes": {"decisions": "x"}},
                           content_type="application/json", headers=bearer(viewer))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    edited = client.patch(f"/api/v1/reports/packs/{pack_id}", {"notes": {"decisions": "Ship it."}},
                          content_type="application/json", headers=bearer(leader))
    assert edited.json()["notes"] == {"decisions": "Ship it."}
    md = client.get(f"/api/v1/reports/packs/{pack_id}/render", {"format": "md"}, headers=bearer(viewer))
    assert "Ship it." in md.content.decode()
    bad = client.post(f"/api/v1/reports/packs/{pack_id}/send", {"to": ["nobody"]}, content_type="application/json",
                      headers=bearer(leader))
    assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("Not an e-mail address: nobody")
    sent = client.post(f"/api/v1/reports/packs/{pack_id}/send", {"to": ["cfo@acme.test"]},
                       content_type="application/json", headers=bearer(leader))
    assert sent.status_code == 202 and sent.json()["status"] == "sent"
    listed = client.get("/api/v1/reports/deliveries", headers=bearer(viewer)).json()
    assert [d["recipients"] for d in listed] == [["cfo@acme.test"]]
    share = client.post("/api/v1/reports/shares", {"what": "pack", "pack": pack_id},
                        content_type="application/json", headers=bearer(leader))
    assert share.status_code == 201 and "/share/" in share.json()["url"]
    assert client.get("/api/v1/reports/shares", headers=bearer(viewer)).status_code == 403
    sub = client.post("/api/v1/reports/subscriptions", {"what": "alerts", "to": "ops@acme.test", "kpis": ["signups"]},
                      content_type="application/json", headers=bearer(leader))
    assert sub.status_code == 201 and sub.json()["when"] == "as raised"
