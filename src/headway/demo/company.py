"""Demo step: the Northwind Retail workspace and one login per role."""

from __future__ import annotations

from headway.core import services
from headway.core.permissions import Role
from headway.demo.builder import DemoContext, DemoLogin, demo_step

DEMO_USERS = [
    ("admin", Role.ADMIN, "Avery Admin"),
    ("leader", Role.PRODUCT_LEADER, "Lena Okafor"),
    ("pm", Role.PRODUCT_MANAGER, "Priya Raman"),
    ("contributor", Role.CONTRIBUTOR, "Carlos Mendes"),
    ("viewer", Role.VIEWER, "Vera Lindqvist"),
]


def demo_password(username: str) -> str:
    """The demo's published password for a login (demo only: never use these in production)."""
    return f"northwind-{username}-demo"


@demo_step("workspace and logins", order=10, weight=0.5)
def build_company(ctx: DemoContext) -> None:
    services.ensure_workspace(
        "Northwind Retail", industry="Retail e-commerce", fiscal_year_start_month=2,
        timezone="America/New_York", week_start="monday", currency="USD",
    )
    for username, role, name in DEMO_USERS:
        services.create_user(None, username, demo_password(username), role=role, display_name=name,
                             email=f"{username}@northwind.example")
        ctx.logins.append(DemoLogin(username, demo_password(username), role.value, name))
