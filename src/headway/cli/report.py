"""``headway report show|send``: report packs as Markdown or HTML, and sending them."""

from __future__ import annotations

import typer

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Report packs: weekly, monthly, okr, board, roadmap, release-notes.", no_args_is_help=True)


@app.command("show")
def show(
    kind: str = typer.Argument(..., help="weekly, monthly, okr, board, roadmap or release-notes."),
    period: str = typer.Option("current", "--period", help="current, next, FY2027 Q2 or START..END."),
    audience: str = typer.Option("", "--audience", help="The roadmap's audience: leadership, engineering, design, "
                                 "marketing or sales."),
    fmt: str = typer.Option("md", "--format", help="md or html (a printable page)."),
    as_user: str = AS_OPTION,
) -> None:
    """Print a pack built now, with the numbers the pages and the API show."""
    setup_django()
    from headway.reports import services

    view = services.preview_pack(actor(as_user), kind, period=period, audience=audience)
    typer.echo(services.render(view, fmt), nl=False)


@app.command("send")
def send(
    kind: str = typer.Argument(..., help="weekly, monthly, okr, board, roadmap or release-notes."),
    to: str = typer.Option("", "--to", help="E-mail addresses, comma-separated."),
    channel: str = typer.Option("", "--channel", help="A channel's name (`headway channel list`)."),
    period: str = typer.Option("current", "--period", help="current, next, FY2027 Q2 or START..END."),
    audience: str = typer.Option("", "--audience", help="The roadmap's audience."),
    as_user: str = AS_OPTION,
) -> None:
    """Build a pack, keep it, and send it (a background job, retried with backoff)."""
    setup_django()
    from headway.reports import services

    who = actor(as_user)
    if not to and not channel:
        raise typer.BadParameter("say where it goes: --to ADDRESS or --channel NAME")
    pack = services.create_pack(who, kind, period=period, audience=audience)
    delivery = services.send_pack(who, pack.pk, to=to or None, channel=channel or None)
    delivery.refresh_from_db()
    line = f"Pack {pack.pk} ({pack.title}, {pack.period}): delivery {delivery.pk} {delivery.status}"
    console.print(line + (f": {delivery.error}" if delivery.error else "."), soft_wrap=True)
