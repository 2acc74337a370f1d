"""``headway user create|list|set-role``."""

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
