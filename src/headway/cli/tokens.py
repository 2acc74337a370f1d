"""``headway token create|list|revoke``: personal API tokens."""

from __future__ import annotations

import typer

from headway.cli.console import console, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Create and revoke personal API tokens.", no_args_is_help=True)


@app.command("create")
def create(
    name: str = typer.Argument(..., help="What the token is for, e.g. 'notebook'."),
    user: str = typer.Option(..., "--user", help="The token's owner."),
) -> None:
    """Create a token for a user; its secret is printed once."""
    setup_django()
    from headway.core import services

    new = services.create_token(services.get_user(user), name)
    console.print(f"Token {new.token.pk} created for {user}. Copy it now, it is not shown again:")
    console.print(new.secret, soft_wrap=True)


@app.command("list")
def list_tokens(user: str = typer.Option(..., "--user", help="Whose tokens.")) -> None:
    """List a user's tokens (never their secrets)."""
    setup_django()
    from headway.core import services

    rows = [(t.pk, t.name, f"{t.prefix}…", t.created_at.date(), "revoked" if t.revoked_at else "active")
            for t in services.list_tokens(services.get_user(user))]
    print_table(f"API tokens of {user}", ["id", "name", "starts with", "created", "status"], rows)


@app.command("revoke")
def revoke(token_id: int = typer.Argument(...), user: str = typer.Option(..., "--user", help="The owner.")) -> None:
    """Revoke one of a user's tokens."""
    setup_django()
    from headway.core import services

    token = services.revoke_token(services.get_user(user), token_id)
    console.print(f"Token {token.pk} ({token.name}) revoked.")
