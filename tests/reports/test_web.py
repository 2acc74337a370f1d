"""The reports pages: preview, save, write the free text, send, share; the roadmap's Share button; Settings →
Channels and Deliveries."""

from __future__ import annotations

import re

from django.core import mail

from headway.reports import services
from headway.reports.models import Pack, ShareLink
from tests.reports.conftest import PERIOD


def test_preview_save_edit_send_and_share_a_pack_on_the_web(product, leader, client):
    client.force_login(leader)
    assert b"Reports" in client.get("/reports/").content
    preview = client.get("/reports/preview/", {"kind": "monthly", "period": PERIOD})
    assert preview.status_code == 200 and b"Decisions needed" in preview.content and b"<svg" in preview.content
    saved = client.post("/reports/packs/", {"kind": "monthly", "period": PERIOD})
    pack = Pack.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/reports/packs/{pack.pk}/"
    client.post(f"/reports/packs/{pack.pk}/action/", {"action": "notes", "note-decisions": "Pick a pricing model."})
    assert b"Pick a pricing model." in client.get(f"/reports/packs/{pack.pk}/").content
    client.post(f"/reports/packs/{pack.pk}/action/", {"action": "send", "to": "ceo@acme.test"})
    assert [m.to for m in mail.outbox] == [["ceo@acme.test"]] and "Pick a pricing model." in mail.outbox[0].body
    client.post(f"/reports/packs/{pack.pk}/action/", {"action": "share", "days": "3"})
    page = client.get(f"/reports/packs/{pack.pk}/").content.decode()
    assert ShareLink.objects.get().pack_id == pack.pk and "/share/" in page
    printable = client.get(f"/reports/packs/{pack.pk}/print/").content.decode()
    assert "@media print" in printable and "Pick a pricing model." in printable
    deliveries = client.get("/settings/deliveries/").content.decode()
    assert "ceo@acme.test" in deliveries and "Sent" in deliveries


def test_bad_input_on_the_web_is_one_line(product, leader, client):
    client.force_login(leader)
    pack = services.create_pack(leader, "weekly", period=PERIOD)
    page = client.post(f"/reports/packs/{pack.pk}/action/", {"action": "send", "to": "nobody"}, follow=True)
    assert "Not an e-mail address: nobody" in page.content.decode()
    page = client.post("/settings/channels/", {"action": "add", "name": "x", "kind": "slack",
                                               "target": "hooks.slack.com/x"}, follow=True)
    assert "must start with https://" in page.content.decode()


def test_roadmap_share_button_for_leaders_only(product, leader, viewer, client):
    client.force_login(viewer)
    assert b"reports/share-roadmap" not in client.get("/roadmap/", {"for": "sales"}).content
    client.force_login(leader)
    assert b"reports/share-roadmap" in client.get("/roadmap/", {"for": "sales"}).content
    page = client.post("/reports/share-roadmap/", {"audience": "sales", "days": "5"}, follow=True).content.decode()
    url = re.search(r"http://localhost:8000(/share/[^/\s<]+/)", page).group(1)  # type: ignore[union-attr]
    client.logout()
    assert b"Team workspaces" in client.get(url).content


def test_channels_page_hides_the_webhook_token(product, leader, client):
    client.force_login(leader)
    client.post("/settings/channels/", {"action": "add", "name": "slack", "kind": "slack",
                                        "target": "https://hooks.slack.com/services/T000/B000/SECRETTOKEN"})
    page = client.get("/settings/channels/").content.decode()
    assert "https://hooks.slack.com/…" in page and "SECRETTOKEN" not in page


def test_live_share_and_revoke_on_the_web_for_leaders_only(product, leader, viewer, client):
    client.force_login(viewer)
    assert b"reports/share-live" not in client.get("/reports/").content
    assert client.post("/reports/share-live/", {"kind": "weekly", "days": "3"}, follow=True).status_code == 403
    assert not ShareLink.objects.exists()  # refused as the API refuses: the 403 page
    client.force_login(leader)
    page = client.post("/reports/share-live/", {"kind": "weekly", "days": "3"}, follow=True).content.decode()
    link = ShareLink.objects.get()
    assert link.kind == "weekly" and "Read-only link to the live weekly pack" in page
    path = services.share_url(link).split("localhost:8000", 1)[1]
    assert client.get(path).status_code == 200
    listing = client.get("/settings/channels/").content.decode()
    assert f"/reports/shares/{link.pk}/revoke/" in listing and "live weekly digest" in listing
    client.force_login(viewer)
    client.post(f"/reports/shares/{link.pk}/revoke/")
    link.refresh_from_db()
    assert link.revoked_at is None  # a viewer cannot revoke
    client.force_login(leader)
    done = client.post(f"/reports/shares/{link.pk}/revoke/", follow=True).content.decode()
    assert f"Share link {link.pk} revoked" in done
    assert client.get(path).status_code == 404
    assert f"/reports/shares/{link.pk}/revoke/" not in client.get("/settings/channels/").content.decode()


def test_reminders_can_be_subscribed_from_the_reports_page(product, leader, client):
    leader.email = "lena@acme.test"
    leader.save()
    client.force_login(leader)
    assert b'value="reminders"' in client.get("/reports/").content
    client.post("/reports/subscriptions/", {"what": "reminders", "cadence": "daily", "hour": "7", "to": "",
                                            "weekday": "monday"})
    sub = services.list_subscriptions(leader)[0]
    assert (sub.pack_kind, sub.cadence, sub.address, sub.user_id) == ("reminders", "daily", "lena@acme.test",
                                                                     leader.pk)
    assert "every day at 07:00" in client.get("/reports/").content.decode()
