"""The reports demo step: two packs ready to preview, the leader's subscriptions, one share link."""

from __future__ import annotations

from datetime import date

from headway.demo.builder import DemoContext
from headway.reports import services
from headway.reports.demo import DECISIONS, build_reports


def test_the_demo_step_makes_packs_subscriptions_and_a_share_link(product, client, make_user):
    leader = make_user("leader")
    leader.email = "leader@northwind.example"
    leader.save()
    ctx = DemoContext(seed=7, as_of=date(2026, 5, 10))
    build_reports(ctx)
    packs = services.list_packs(None)
    assert sorted(p.kind for p in packs) == ["monthly", "weekly"] and all(p.status == "draft" for p in packs)
    monthly = next(p for p in packs if p.kind == "monthly")
    assert monthly.notes == {"decisions": DECISIONS.strip()}
    subs = [services.SubscriptionView.of(s) for s in services.list_subscriptions(None)]
    assert [(s.what, s.to) for s in subs] == [("weekly", "leader@northwind.example"),
                                              ("alerts", "leader@northwind.example"),
                                              ("reminders", "leader@northwind.example")]
    share = ctx.made["reports"]["share"]
    assert client.get(share.split("localhost:8000", 1)[1]).status_code == 200
