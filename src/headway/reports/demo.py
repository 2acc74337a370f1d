"""Demo step: Northwind Retail's reports — a weekly digest and a monthly review ready to preview (the review's
decisions written), the leader subscribed to the weekly digest, to alerts and to her reminders, and one share link to the sales
roadmap."""

from __future__ import annotations

from headway.demo.builder import DemoContext, demo_step

DECISIONS = ("- Fund a second checkout squad next quarter, or drop guest checkout from the plan?\n"
             "- Sunset the legacy loyalty points import by the end of the month.")


@demo_step("reports and subscriptions", order=80, weight=0.5)
def build_reports(ctx: DemoContext) -> None:
    """Two draft packs, the leader's subscriptions, a share link (one transaction)."""
    from django.db import transaction

    from headway.core.models import User
    from headway.reports import services

    with transaction.atomic():
        weekly = services.create_pack(None, "weekly")
        monthly = services.create_pack(None, "monthly")
        services.edit_notes(None, monthly.pk, {"decisions": DECISIONS})
        address = "leader@northwind.example"
        services.add_subscription(None, "weekly", to=address, weekday="monday", hour=8)
        services.add_subscription(None, "alerts", to=address)
        leader = User.objects.filter(username="leader").first()
        if leader is not None:  # her own reminders, each morning when something is due
            services.add_subscription(leader, "reminders", hour=8)
        link = services.create_share(None, "roadmap", audience="sales", days=30)
    ctx.made["reports"] = {"packs": [weekly.pk, monthly.pk], "share": services.share_url(link)}
