"""Deliveries with real parts: an SMTP server on the loopback (aiosmtpd) and an HTTP receiver."""

from __future__ import annotations

import json
import time

import pytest

from headway.core.errors import ValidationError
from headway.reports import services
from headway.reports.engine import verify_signature
from tests.reports.conftest import PERIOD
from tests.reports.receivers import http_receiver, self_signed_certificate, smtp_server

SECRET = "a-webhook-secret-of-32-characters"


@pytest.fixture
def pack(product, leader):
    pack = services.create_pack(leader, "board", period=PERIOD)
    services.edit_notes(leader, pack.pk, {"asks": "Approve two more engineers."})
    return pack


def test_mail_reaches_a_real_smtp_server_with_parts_chart_and_unsubscribe(pack, leader, settings):
    with smtp_server() as (inbox, port):
        settings.HEADWAY_EMAIL_URL = f"smtp://mailer:right-password@127.0.0.1:{port}?tls=none"
        settings.HEADWAY_EMAIL_FROM = "reports@acme.test"
        delivery = services.send_pack(leader, pack.pk, to="ceo@acme.test, cto@acme.test")
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.delivered_to == ["ceo@acme.test", "cto@acme.test"]
    assert [e[1] for e in inbox.envelopes] == [["ceo@acme.test"], ["cto@acme.test"]]
    msg = inbox.messages[0]
    assert msg["Subject"] == f"Board pack: product · {PERIOD}" and msg["From"] == "reports@acme.test"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Approve two more engineers." in text and "Approve two more engineers." in html
    assert "<svg" in html and "Sign-ups (North Star)" in html
    assert "/reports/unsubscribe/" in html and "/reports/unsubscribe/" in text
    assert str(msg["List-Unsubscribe"]).strip().startswith("<http") and "%%" not in html
    assert services.get_pack(leader, pack.pk).status == "sent"
    assert [line.event for line in services.DeliveryView.of(delivery).log] == ["sent"]


def test_wrong_password_is_a_failed_delivery_with_a_clear_reason(pack, leader, settings, caplog):
    with smtp_server() as (inbox, port):
        settings.HEADWAY_EMAIL_URL = f"smtp://mailer:wrong-password@127.0.0.1:{port}?tls=none"
        delivery = services.send_pack(leader, pack.pk, to="ceo@acme.test")
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 1 and inbox.messages == []
    assert delivery.error == (f"the SMTP server 127.0.0.1:{port} refused the user name or password: fix them in "
                              "HEADWAY_EMAIL_URL.")
    assert "wrong-password" not in caplog.text and "wrong-password" not in json.dumps(delivery.log)


def test_server_without_starttls_fails_clearly(pack, leader, settings):
    with smtp_server() as (_, port):
        settings.HEADWAY_EMAIL_URL = f"smtp://mailer:right-password@127.0.0.1:{port}"  # STARTTLS by default
        delivery = services.send_pack(leader, pack.pk, to="ceo@acme.test")
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "could not start TLS" in delivery.error


def test_unreachable_smtp_host_is_retried_then_failed(pack, leader, settings):
    with smtp_server() as (_, port):
        pass  # the port is closed again
    settings.HEADWAY_EMAIL_URL = f"smtp://mailer:right-password@127.0.0.1:{port}?tls=none&timeout=1"
    delivery = services.send_pack(leader, pack.pk, to="ceo@acme.test")
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == services.MAX_ATTEMPTS
    assert [line.event for line in services.DeliveryView.of(delivery).log] == ["retrying"] * 3 + ["failed"]
    assert delivery.error.startswith(f"could not reach the SMTP server 127.0.0.1:{port}")


def test_retry_never_sends_twice_to_a_recipient_who_got_it(pack, leader, settings):
    from headway.reports.models import Delivery

    with smtp_server() as (inbox, port):
        settings.HEADWAY_EMAIL_URL = f"smtp://mailer:right-password@127.0.0.1:{port}?tls=none"
        delivery = services.send_pack(leader, pack.pk, to="a@acme.test, b@acme.test")
        # as if the first attempt had reached a@ and then broken off: run it again
        Delivery.objects.filter(pk=delivery.pk).update(status="retrying", delivered_to=["a@acme.test"])
        services.deliver(delivery.pk)
    # the first attempt sent to both; the re-run only to b@, who had not got it
    assert [e[1] for e in inbox.envelopes] == [["a@acme.test"], ["b@acme.test"], ["b@acme.test"]]
    delivery.refresh_from_db()
    assert delivery.delivered_to == ["a@acme.test", "b@acme.test"]


def test_bad_address_and_bad_webhook_url_are_refused(pack, leader):
    with pytest.raises(ValidationError, match="Not an e-mail address: not-an-address"):
        services.send_pack(leader, pack.pk, to="ceo@acme.test, not-an-address")
    with pytest.raises(ValidationError, match="must start with https://"):
        services.add_channel(leader, "ops", "slack", "ftp://hooks.example/x")


def test_signed_webhook_verifies(pack, leader):
    with http_receiver() as (got, url):
        services.add_channel(leader, "ops-hook", "webhook", url, secret=SECRET)
        delivery = services.send_pack(leader, pack.pk, channel="ops-hook")
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(got) == 1
    headers = {k.lower(): v for k, v in got[0].headers.items()}
    stamp = int(headers["x-headway-timestamp"])
    assert verify_signature(SECRET, stamp, got[0].body, headers["x-headway-signature"], now=int(time.time()))
    payload = json.loads(got[0].body)
    assert payload["event"] == "report" and payload["pack_id"] == pack.pk and "<svg" in payload["html"]
    view = services.ChannelView.of(services.get_channel(leader, "ops-hook"))
    assert view.target == url.split("/hook")[0] + "/…" and "T0KEN" not in json.dumps(view.model_dump(), default=str)


def test_slack_500_is_retried_with_backoff_then_sent(pack, leader):
    with http_receiver([500, 503]) as (got, url):
        services.add_channel(leader, "product-slack", "slack", url)
        delivery = services.send_pack(leader, pack.pk, channel="product-slack")
    delivery.refresh_from_db()
    assert len(got) == 3 and delivery.status == "sent" and delivery.attempts == 3
    log = services.DeliveryView.of(delivery).log
    assert [line.event for line in log] == ["retrying", "retrying", "sent"]
    assert log[0].detail == f"{url.split('/hook')[0]}/… answered 500" and "T0KEN" not in json.dumps(delivery.log)
    assert json.loads(got[0].body)["text"].startswith("*Board pack: product")
    from headway.core.jobs import backoff
    from headway.core.models import Job

    job = Job.objects.get(pk=delivery.job_id)
    assert job.attempts == 3 and backoff(1).total_seconds() == 30 and backoff(2).total_seconds() == 60


def test_receiver_that_never_answers_times_out(pack, leader, settings):
    settings.HEADWAY_WEBHOOK_TIMEOUT = 0.3
    with http_receiver(hang=1.5) as (got, url):
        services.add_channel(leader, "teams", "teams", url)
        delivery = services.send_pack(leader, pack.pk, channel="teams")
    delivery.refresh_from_db()
    assert delivery.status == "failed" and len(got) == services.MAX_ATTEMPTS
    assert delivery.error == f"{url.split('/hook')[0]}/… did not answer within 0.3 s (gave up after 4 attempts)"


def test_teams_gets_an_adaptive_card_with_open_and_unsubscribe(pack, leader, settings):
    with http_receiver() as (got, url):
        services.add_channel(leader, "teams-product", "teams", url)
        delivery = services.send_pack(leader, pack.pk, channel="teams-product")
    delivery.refresh_from_db()
    assert delivery.status == "sent" and len(got) == 1
    body = json.loads(got[0].body)
    assert body["type"] == "message" and len(body["attachments"]) == 1
    attachment = body["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][0]["text"] == delivery.subject and card["body"][0]["weight"] == "Bolder"
    assert card["body"][1]["text"] == delivery.text
    # a one-off send to a channel opens the pack; a subscription's message also carries its unsubscribe button
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open in Headway",
                                "url": f"{settings.HEADWAY_BASE_URL}/reports/packs/{pack.pk}/"}]
    from headway.reports.services.deliveries import teams_card

    delivery.subscription = services.add_subscription(leader, "weekly", channel="teams-product")
    actions = teams_card(delivery, services.unsubscribe_url(subscription_id=delivery.subscription.pk))["attachments"][
        0]["content"]["actions"]
    assert [a["title"] for a in actions] == ["Open in Headway", "Unsubscribe"]
    assert "/reports/unsubscribe/" in actions[1]["url"]


def test_mail_over_starttls_with_auth_reaches_the_server(pack, leader, settings, tmp_path, monkeypatch):
    """STARTTLS by default (smtp://): the server requires TLS before AUTH; the client verifies its certificate
    (trusted here through SSL_CERT_FILE, as an operator would trust a private CA)."""
    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with smtp_server(tls=(cert, key)) as (inbox, port):
        settings.HEADWAY_EMAIL_URL = f"smtp://mailer:right-password@127.0.0.1:{port}"
        delivery = services.send_pack(leader, pack.pk, to="ceo@acme.test")
        delivery.refresh_from_db()
        assert delivery.status == "sent", delivery.error
        assert [e[1] for e in inbox.envelopes] == [["ceo@acme.test"]]
        assert inbox.messages[0]["Subject"] == f"Board pack: product · {PERIOD}"
        # the same server refuses a client that will not start TLS, with the fix in the error
        settings.HEADWAY_EMAIL_URL = f"smtp://mailer:right-password@127.0.0.1:{port}?tls=none"
        refused = services.send_pack(leader, pack.pk, to="cto@acme.test")
        refused.refresh_from_db()
    assert refused.status == "failed" and len(inbox.messages) == 1, refused.error
