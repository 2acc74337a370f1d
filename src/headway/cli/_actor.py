"""``--as USERNAME``: run a team command as a user, so the same access rules apply as on the web and the API."""

from __future__ import annotations

from typing import Any

import typer

AS_OPTION: Any = typer.Option(
    None, "--as", help="Act as this user (their role and their place in the org decide what they may see); "
    "leave out to act as the system operator.")


def actor(username: str | None) -> Any:
    """The user named by ``--as``, or None (the system)."""
    if not username:
        return None
    from headway.core import services

    return services.get_user(username)
