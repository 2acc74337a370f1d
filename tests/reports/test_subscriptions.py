"""Subscriptions on schedules in the workspace's time zone, run by the scheduler; alerts delivered when raised;
one-click unsubscribe."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from headway.core.errors import PermissionDenied, ValidationError
from headway.reports import services
from headway.reports.models import Subscription

LONDON = ZoneInfo("Europe/London")


def _link(text: str) -> str:
    return re.search(r"/reports/unsubscribe/([^/\s\"]+)/", text).group(1)  # type: ignore[union-attr]


def test_weekly_subscription_runs_on_its_weekday_and_hour_in_the_workspace_zone(product, leader):
    sub = services.add_subscription(leader, "weekly", to="ceo@acme.test", weekday="wednesday", hour=9)
    due = sub.next_due_at.astimezone(LONDON)
    assert (due.weekday(), due.hour, due.minute) == (2, 9, 0) and due > dt.datetime.now(LONDON)
    assert due - dt.datetime.now(LONDON) <= timedelta(days=7)
    assert services.run_due(now=sub.next_due_at - timedelta(seconds=1)) == []  # not yet
    sent = services.run_due(now=sub.next_due_at)
    assert len(sent) == 1 and len(mail.outbox) == 1 and mail.outbox[0].to == ["ceo@acme.test"]
    assert mail.outbox[0].subject.startswith("Weekly digest")
    sub.refresh_from_db()
    assert sub.next_due_at.astimezone(LONDON) == due + timedelta(days=7)  # moved on a week
    assert services.run_due(now=due + timedelta(minutes=5)) == []  # claimed once


def test_one_click_unsubscribe_stops_the_next_run(product, leader, client):
    sub = services.add_subscription(leader, "monthly", to="ceo@acme.test", hour=7)
    services.run_due(now=sub.next_due_at)
    token = _link(mail.outbox[0].body)
    assert "Unsubscribe" in mail.outbox[0].alternatives[0][0]
    page = client.post(f"/reports/unsubscribe/{token}/")
    assert page.status_code == 200 and b"unsubscribed" in page.content.lower()
    sub.refresh_from_db()
    assert sub.unsubscribed_at is not None
    assert services.run_due(now=sub.next_due_at + timedelta(days=62)) == []
    assert client.post("/reports/unsubscribe/forged-token/").status_code == 404


def test_subscribing_others_needs_a_leader_and_bad_input_says_how_to_fix_it(product, viewer, leader):
    viewer.email = "vic@acme.test"
    viewer.save()
    own = services.add_subscription(viewer, "weekly", to="vic@acme.test")  # one's own address: fine
    assert own.address == "vic@acme.test"
    with pytest.raises(PermissionDenied, match="your own e-mail address"):
        services.add_subscription(viewer, "weekly", to="ceo@acme.test")
    with pytest.raises(ValidationError, match="is in the past"):
        services.add_subscription(leader, "weekly", to="ceo@acme.test", start=date(2020, 1, 1))
    with pytest.raises(ValidationError, match="is not a weekday"):
        services.add_subscription(leader, "weekly", to="ceo@acme.test", weekday="someday")
    with pytest.raises(ValidationError, match="Not an e-mail address"):
        services.add_subscription(leader, "weekly", to="ceo-at-acme")
    with pytest.raises(ValidationError, match="Subscribe to one of weekly"):
        services.add_subscription(leader, "daily", to="ceo@acme.test")


def _stepped_kpi() -> None:
    from headway.strategy import services as strategy

    start = date(2026, 3, 2)
    rows = [(start + timedelta(days=i), 100 + (20 if (start + timedelta(days=i)).weekday() >= 5 else 0)
             + (i % 3 - 1) * 2 + (50 if i >= 56 else 0)) for i in range(70)]
    strategy.create_kpi(None, "tickets", "Support tickets", unit="count", aggregation="sum")
    strategy.import_values(None, "tickets", "date,value\n" + "".join(f"{d},{v}\n" for d, v in rows))


def test_an_alert_is_delivered_when_raised_and_its_link_acknowledges_it(store, leader, client,
                                                                         django_capture_on_commit_callbacks):
    from headway.strategy import services as strategy

    services.add_subscription(leader, "alerts", to="ops@acme.test", kpis=["tickets"])
    services.add_subscription(leader, "alerts", to="other@acme.test", kpis=["signups"])  # another KPI's
    _stepped_kpi()
    leader.email = "lena@acme.test"
    leader.save()
    strategy.update_kpi(None, "tickets", owner="lena")
    with django_capture_on_commit_callbacks(execute=True):
        report = strategy.refresh_kpis(None, as_of=date(2026, 5, 10))
    assert len(report.alerts) == 1
    assert [m.to for m in mail.outbox] == [["ops@acme.test"], ["lena@acme.test"]]  # the subscriber, the owner
    assert mail.outbox[0].subject == "Alert: tickets"
    assert report.alerts[0] in mail.outbox[0].body
    link = re.search(r"(/reports/alert/[^/\s]+/)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    assert client.get(link).status_code == 302  # login first
    client.force_login(leader)
    assert b"Support tickets is up 47%" in client.get(link).content
    client.post(link)
    alert = strategy.list_alerts(leader).get()
    assert alert.acknowledged_by == leader
    assert client.get(link[:-5] + "xx/").status_code == 404  # tampered


def test_subscription_list_and_remove(product, leader):
    sub = services.add_subscription(leader, "okr", to="board@acme.test")
    assert sub.cadence == "quarterly"
    view = services.SubscriptionView.of(sub)
    assert view.what == "okr" and view.when == "the 1st of each quarter at 08:00"
    services.remove_subscription(leader, sub.pk)
    assert services.list_subscriptions(leader) == [] and Subscription.objects.get().unsubscribed_at is not None
