"""``headway channel add|list|test|remove``: where messages go (e-mail, Slack, Teams, signed webhooks)."""

from __future__ import annotations

import typer

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Channels: e-mail lists, Slack and Teams webhooks, signed webhooks.", no_args_is_help=True)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="A short name, such as leadership or product-slack."),
    kind: str = typer.Option(..., "--kind", help="email, slack, teams or webhook."),
    target: str = typer.Option(..., "--target", help="E-mail addresses (comma-separated) or the webhook URL."),
    secret: str = typer.Option("", "--secret", envvar="HEADWAY_CHANNEL_SECRET",
                               help="A webhook's signing secret (16+ characters); or set HEADWAY_CHANNEL_SECRET."),
    as_user: str = AS_OPTION,
) -> None:
    """Add a channel."""
    setup_django()
    from headway.reports import services

    channel = services.add_channel(actor(as_user), name, kind, target, secret=secret)
    view = services.ChannelView.of(channel)
    console.print(f"Channel {view.name} ({view.kind_label}) added: {view.target}.")


@app.command("list")
def list_channels(as_user: str = AS_OPTION) -> None:
    """List the channels (a webhook's host only, never its token or secret)."""
    setup_django()
    from headway.reports import services

    rows = [(v.name, v.kind_label, v.target, "yes" if v.signed else "—")
            for v in (services.ChannelView.of(c) for c in services.list_channels(actor(as_user)))]
    print_table("Channels", ["name", "kind", "goes to", "signed"], rows)


@app.command("test")
def test(name: str = typer.Argument(...), as_user: str = AS_OPTION) -> None:
    """Send a short test message through a channel and say how it went."""
    setup_django()
    from headway.reports import services

    delivery = services.send_test(actor(as_user), name)
    delivery.refresh_from_db()
    console.print(f"Test delivery {delivery.pk}: {delivery.status}"
                  + (f": {delivery.error}" if delivery.error else "."), soft_wrap=True)
    if delivery.status == "failed":
        raise typer.Exit(1)


@app.command("remove")
def remove(name: str = typer.Argument(...), as_user: str = AS_OPTION) -> None:
    """Remove a channel (its deliveries stay in the log)."""
    setup_django()
    from headway.reports import services

    services.remove_channel(actor(as_user), name)
    console.print(f"Channel {name} removed.")
