"""Reminders: each person's own to-dos (goal check-ins due, 1:1 check-ins past due, reviews to write, reviewer
nominations to decide, impact read-outs ready), delivered by a reminder subscription only when something is due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from headway.core.errors import ValidationError
from headway.core.permissions import Role
from headway.reports import services
from headway.reports.models import Delivery


@pytest.fixture
def org(store, leader, make_user):
    """Lena (a leader) manages Rae (a PM) and Sam; check-ins with Rae started 20 days ago and never held; Rae
    proposed Sam as a reviewer in a nominating cycle; Lena owns a goal with no check-in and a measured initiative."""
    from headway.impact.models import Measurement
    from headway.impact.services import ReadOut
    from headway.planning import services as planning
    from headway.strategy import services as strategy
    from headway.team import services as team

    leader.email, leader.first_name = "lena@acme.test", "Lena"
    leader.save()
    rae_user = make_user("rae", Role.PRODUCT_MANAGER)
    lena = team.create_person(None, name="Lena Lead", title="VP Product", user=leader)
    rae = team.create_person(None, name="Rae Report", title="PM", manager=lena.pk, user=rae_user)
    sam = team.create_person(None, name="Sam Peer", title="PM", manager=lena.pk)
    team.create_pair(None, lena.pk, rae.pk, "weekly", started=timezone.localdate() - dt.timedelta(days=20))
    cycle = team.create_cycle(None, "H2 reviews", reviewees=[rae.pk])
    team.reviews.advance(None, cycle.pk)  # nominating
    team.nominate(rae_user, cycle.pk, rae.pk, [sam.pk])
    strategy.create_kpi(None, "signups", "Sign-ups", unit="count", aggregation="sum")
    goal = strategy.create_goal(None, "Grow sign-ups", owner="lena", key_results=["signups"])
    bet = planning.create_initiative(None, title="One-click checkout", kind="iterate", owner=lena.pk)
    other = planning.create_initiative(None, title="Someone else's bet", kind="iterate")
    for initiative, when in ((bet, timezone.now()), (other, timezone.now())):
        readout = ReadOut(initiative_id=initiative.pk, title=initiative.title, kpi="signups", method="forecast",
                          method_words="before/after", correlational=True, shipped_on="2026-05-04", days=28,
                          average_effect=2.0, lower=1.0, upper=3.0, cumulative_effect=56.0, cumulative_lower=28.0,
                          cumulative_upper=84.0, relative_effect=0.1, p_value=0.01, expected_impact="+1",
                          expected=1.0, expected_relative=False, verdict="hit", reason="",
                          measured_at=when.isoformat())
        Measurement.objects.create(initiative_id=initiative.pk, readout=readout.model_dump(mode="json"),
                                   verdict="hit", kpi="signups", measured_at=when)
    return {"goal": goal, "bet": bet, "cycle": cycle, "rae": rae_user}


def test_a_leader_is_reminded_of_exactly_their_own_to_dos(org, leader):
    found = services.reminders_for(leader)
    assert [(r.kind, r.text) for r in found.items] == [
        ("goal", "Check in on “Grow sign-ups” (last check-in: never)"),
        ("checkin", f"1:1 check-in with Rae Report was due on {_first_due()} (20 days ago)"),
        ("nomination", "Approve or decline Sam Peer as a reviewer of Rae Report (H2 reviews)"),
        ("readout", f"#{org['bet'].pk} One-click checkout: hit on signups"),
    ]
    assert found.items[0].url.endswith(f"/goals/{org['goal'].pk}/")
    assert found.items[2].url.endswith(f"/team/reviews/{org['cycle'].pk}/")
    # the report sees their side of the late check-in, and nothing of the manager's decisions
    rae = services.reminders_for(org["rae"])
    assert [r.kind for r in rae.items] == ["checkin"]
    assert rae.items[0].text.startswith("1:1 check-in with Lena Lead was due on")


def _first_due() -> str:
    return (timezone.localdate() - dt.timedelta(days=20)).isoformat()  # the first is due on the day it starts


def test_a_reminder_subscription_sends_only_when_something_is_due(org, leader, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    sub = services.add_subscription(leader, "reminders", hour=7)
    assert sub.cadence == "daily" and sub.address == "lena@acme.test" and sub.user == leader
    assert services.SubscriptionView.of(sub).when == "every day at 07:00"
    sent = services.run_due(now=sub.next_due_at + dt.timedelta(minutes=1))
    assert len(sent) == 1 and sent[0].subject == "Headway: 4 things waiting for you"
    assert Delivery.objects.get(pk=sent[0].pk).status == "sent"
    body = mail.outbox[0].body
    assert "Goal check-ins due:" in body and "Reviewer nominations to decide:" in body
    assert "Impact read-outs ready:" in body and "Unsubscribe:" in body
    # someone with nothing due gets nothing, while the schedule still moves on
    quiet = services.add_subscription(_nobody_due(), "reminders", cadence="weekly")
    due_at = quiet.next_due_at
    # (the leader's daily subscription may be due again by then, whatever weekday today is: look at this one's)
    sent = services.run_due(now=due_at + dt.timedelta(minutes=1))
    assert [d for d in sent if d.subscription_id == quiet.pk] == []
    quiet.refresh_from_db()
    assert quiet.next_due_at == due_at + dt.timedelta(days=7)


def _nobody_due():
    from headway.core import services as core

    idle = core.create_user(None, "idle", "a-long-password-1", role=Role.VIEWER)
    idle.email = "idle@acme.test"
    idle.save()
    return idle


def test_reminders_are_personal_and_come_daily_or_weekly(org, leader):
    with pytest.raises(ValidationError, match="subscribe as that person"):
        services.add_subscription(None, "reminders", to="x@acme.test")
    with pytest.raises(ValidationError, match="daily or weekly"):
        services.add_subscription(leader, "reminders", cadence="monthly")
    with pytest.raises(ValidationError, match="not one of weekly"):
        services.add_subscription(leader, "weekly", cadence="daily", to="lena@acme.test")
