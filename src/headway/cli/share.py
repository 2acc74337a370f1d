"""``headway share create|list|revoke``: read-only links to a report pack or a roadmap audience view."""

from __future__ import annotations

import typer

from headway.cli._actor import AS_OPTION, actor
from headway.cli.console import console, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Share links: signed, expiring, revocable, read-only.", no_args_is_help=True)


@app.command("create")
def create(
    what: str = typer.Argument(..., help="pack or roadmap."),
    pack: int = typer.Option(None, "--pack", help="The saved pack's id (for pack)."),
    kind: str = typer.Option("", "--kind", help="Instead of --pack: a live pack rebuilt at each opening "
                             "(weekly, monthly, okr, board, release-notes)."),
    audience: str = typer.Option("leadership", "--audience", help="The roadmap's audience view."),
    days: int = typer.Option(14, "--days", help="How long it works, 1–90 days."),
    as_user: str = AS_OPTION,
) -> None:
    """Create a share link and print it."""
    setup_django()
    from headway.reports import services

    link = services.create_share(actor(as_user), what, pack_id=pack, kind=kind, audience=audience, days=days)
    console.print(f"Share link {link.pk}, read-only until {link.expires_at:%Y-%m-%d %H:%M} UTC:")
    console.print(services.share_url(link), soft_wrap=True)


@app.command("list")
def list_shares(as_user: str = AS_OPTION) -> None:
    """List the share links with their state and how often each was opened."""
    setup_django()
    from headway.reports import services

    rows = [(v.id, v.what, v.expires_at, "revoked" if v.revoked else
             ("active" if v.active else "expired"), v.openings, v.created_by)
            for v in (services.ShareView.of(s) for s in services.list_shares(actor(as_user)))]
    print_table("Share links", ["id", "what", "expires (UTC)", "state", "openings", "by"], rows)


@app.command("revoke")
def revoke(share_id: int = typer.Argument(...), as_user: str = AS_OPTION) -> None:
    """Revoke a share link: it answers 404 from now on."""
    setup_django()
    from headway.reports import services

    services.revoke_share(actor(as_user), share_id)
    console.print(f"Share link {share_id} revoked.")
