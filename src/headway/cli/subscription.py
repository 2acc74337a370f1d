"""``headway subscription add|list|remove``: packs on a schedule, and alerts, to an address or a channel."""

from __future__ import annotations

from datetime import datetime

import typer

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Subscriptions: report packs on a schedule, and alerts.", no_args_is_help=True)


@app.command("add")
def add(
    what: str = typer.Argument(..., help="weekly, monthly, okr, board, roadmap, release-notes, alerts or reminders (your own to-dos)."),
    to: str = typer.Option("", "--to", help="An e-mail address."),
    channel: str = typer.Option("", "--channel", help="A channel's name."),
    cadence: str = typer.Option("", "--cadence", help="daily (reminders), weekly, monthly or quarterly (default: the pack's own)."),
    weekday: str = typer.Option("monday", "--weekday", help="For weekly: monday … sunday."),
    hour: int = typer.Option(8, "--hour", help="The hour, 0–23, in the workspace's time zone."),
    kpi: list[str] = typer.Option([], "--kpi", help="For alerts: only this KPI (repeat; default: all)."),
    audience: str = typer.Option("", "--audience", help="For the roadmap: the audience view."),
    start: datetime = typer.Option(None, "--start", formats=["%Y-%m-%d"], help="The first day it may run."),
    as_user: str = AS_OPTION,
) -> None:
    """Subscribe an address or a channel."""
    setup_django()
    from headway.reports import services

    sub = services.add_subscription(actor(as_user), what, cadence=cadence, to=to, channel=channel, weekday=weekday,
                                    hour=hour, kpis=list(kpi), audience=audience,
                                    start=start.date() if start else None)
    view = services.SubscriptionView.of(sub)
    due = f", first {view.next_due_at:%Y-%m-%d %H:%M} UTC" if view.next_due_at else ""
    console.print(f"Subscription {view.id}: {view.what} to {view.to}, {view.when}{due}.")


@app.command("list")
def list_subscriptions(as_user: str = AS_OPTION) -> None:
    """List the active subscriptions."""
    setup_django()
    from headway.reports import services

    rows = [(v.id, v.what, v.when, v.to, ", ".join(v.kpis) or "—",
             v.next_due_at or "—")
            for v in (services.SubscriptionView.of(s) for s in services.list_subscriptions(actor(as_user)))]
    print_table("Subscriptions", ["id", "what", "when", "to", "KPIs", "next (UTC)"], rows)


@app.command("remove")
def remove(subscription_id: int = typer.Argument(...), as_user: str = AS_OPTION) -> None:
    """End a subscription."""
    setup_django()
    from headway.reports import services

    services.remove_subscription(actor(as_user), subscription_id)
    console.print(f"Subscription {subscription_id} ended.")
