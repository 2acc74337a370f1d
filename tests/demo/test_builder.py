"""The demo company: deterministic, one login per role, rebuilt cleanly, with progress reported."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import authenticate

from headway.core import services
from headway.core.models import User, Workspace
from headway.demo.builder import DemoContext, build_demo, demo_step, load_steps
from headway.demo.company import demo_password

pytestmark = pytest.mark.django_db(transaction=True)
SMALL = {"users": 300, "days": 14, "as_of": date(2026, 6, 30)}


def test_demo_builds_northwind_with_one_login_per_role():
    seen: list[tuple[str, float]] = []
    result = build_demo(seed=7, progress=lambda label, fraction: seen.append((label, fraction)), **SMALL)
    ws = services.get_workspace()
    assert (ws.name, ws.industry, ws.currency) == ("Northwind Retail", "Retail e-commerce", "USD")
    roles = {login.role for login in result.logins}
    assert roles == {"admin", "product_leader", "product_manager", "contributor", "viewer"}
    for login in result.logins:
        user = authenticate(None, username=login.username, password=login.password)
        assert user is not None and user.role == login.role
    fractions = [f for _, f in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


def test_running_the_demo_again_rebuilds_cleanly():
    build_demo(seed=7, **SMALL)
    services.create_user(None, "stray", "a-stray-user-password")
    build_demo(seed=7, **SMALL)
    assert Workspace.objects.count() == 1
    assert sorted(User.objects.values_list("username", flat=True)) == [
        "admin", "contributor", "leader", "pm", "viewer"]


def test_demo_passwords_are_printed_and_valid():
    result = build_demo(seed=3, **SMALL)
    assert [(x.username, x.password) for x in result.logins][:2] == [
        ("admin", demo_password("admin")), ("leader", demo_password("leader"))]


def test_steps_run_in_order_and_each_gets_its_own_stable_generator():
    orders = [step.order for step in load_steps()]
    assert orders == sorted(orders)
    ctx = DemoContext(seed=11, as_of=date(2026, 1, 1))
    assert ctx.rng("events").integers(0, 10**9) == DemoContext(seed=11, as_of=date(2026, 1, 1)).rng(
        "events").integers(0, 10**9)
    assert ctx.rng("events").integers(0, 10**9) != ctx.rng("team").integers(0, 10**9)


def test_a_later_app_adds_its_demo_data_through_the_same_builder():
    calls: list[int] = []

    @demo_step("test extra step", order=999, weight=0.1)
    def extra(ctx: DemoContext) -> None:
        calls.append(ctx.seed)

    try:
        result = build_demo(seed=5, **SMALL)
    finally:
        from headway.demo.builder import STEPS

        STEPS.pop("test extra step")
    assert calls == [5]
    assert "test extra step" in result.seconds
