"""``headway user create|list|set-role|change-password|reset-password|deactivate|reactivate|tokens|revoke-token``."""

from __future__ import annotations

import typer

from headway.cli.console import console, print_table
from headway.conf.bootstrap import setup_django

app = typer.Typer(help="Manage logins and their roles.", no_args_is_help=True)


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option("viewer", "--role", help="admin, product_leader, product_manager, contributor, viewer."),
    email: str = typer.Option("", "--email"),
    name: str = typer.Option("", "--name", help="Display name."),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True, confirmation_prompt=True,
                                 envvar="HEADWAY_USER_PASSWORD", help="Password (prompted when not given)."),
) -> None:
    """Create a login with a role."""
    setup_django()
    from headway.core import services

    user = services.create_user(None, username, password, role=role, email=email, display_name=name)
    console.print(f"Created {user.username} ({user.role}).")


@app.command("list")
def list_users() -> None:
    """List logins and their roles."""
    setup_django()
    from headway.core import services

    print_table("Users", ["username", "name", "role", "active"],
                [(u.username, u.name, u.role, "yes" if u.is_active else "no") for u in services.list_users(None)])


@app.command("set-role")
def set_role(username: str = typer.Argument(...), role: str = typer.Argument(...)) -> None:
    """Change a user's role."""
    setup_django()
    from headway.core import services

    user = services.set_role(None, username, role)
    console.print(f"{user.username} is now {user.role}.")


@app.command("change-password")
def change_password(
    username: str = typer.Argument(..., help="Your login name."),
    current: str = typer.Option(..., "--current", prompt="Current password", hide_input=True,
                                help="Your current password (prompted when not given)."),
    password: str = typer.Option(..., "--password", prompt="New password", hide_input=True,
                                 confirmation_prompt=True, envvar="HEADWAY_USER_PASSWORD",
                                 help="The new password (prompted when not given)."),
) -> None:
    """Change your own password (the current one is needed); your other browser sessions end."""
    setup_django()
    from headway.core import services

    user = services.change_password(services.get_user(username), current, password)
    console.print(f"Password of {user.username} changed.")


@app.command("reset-password")
def reset_password(
    username: str = typer.Argument(..., help="Whose password to set."),
    password: str = typer.Option(..., "--password", prompt="New password", hide_input=True,
                                 confirmation_prompt=True, envvar="HEADWAY_USER_PASSWORD",
                                 help="The new password (prompted when not given)."),
) -> None:
    """Set a user's password as the machine's operator (their browser sessions end)."""
    setup_django()
    from headway.core import services

    user = services.reset_password(None, username, password)
    console.print(f"Password of {user.username} set; their browser sessions ended.")


@app.command("deactivate")
def deactivate(username: str = typer.Argument(...)) -> None:
    """Deactivate a user (a leaver): their sessions end and their API tokens are revoked at once."""
    setup_django()
    from headway.core import services

    user = services.set_active(None, username, False)
    console.print(f"{user.username} is deactivated: sessions ended, API tokens revoked.")


@app.command("reactivate")
def reactivate(username: str = typer.Argument(...)) -> None:
    """Let a deactivated user log in again (their old API tokens stay revoked)."""
    setup_django()
    from headway.core import services

    user = services.set_active(None, username, True)
    console.print(f"{user.username} can log in again.")


@app.command("tokens")
def tokens(username: str = typer.Option(None, "--user", help="Only this user's tokens.")) -> None:
    """Every user's API tokens (never their secrets)."""
    setup_django()
    from headway.core import services

    rows = [(t.pk, t.user.username, t.name, f"{t.prefix}…", t.created_at.date(),
             "revoked" if t.revoked_at else "active") for t in services.list_all_tokens(None, username)]
    print_table("API tokens", ["id", "user", "name", "starts with", "created", "status"], rows)


@app.command("revoke-token")
def revoke_token(token_id: int = typer.Argument(..., help="The token's id (see `headway user tokens`).")) -> None:
    """Revoke any user's API token."""
    setup_django()
    from headway.core import services

    token = services.revoke_any_token(None, token_id)
    console.print(f"Token {token.pk} ({token.name}) of {token.user.username} revoked.")
