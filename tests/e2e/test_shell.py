"""The web shell in a real browser: the demo product leader logs in and sees the dashboard shell."""

from __future__ import annotations

import pytest

from headway.demo.company import demo_password
from headway.web.context import NAVIGATION

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AREA_LABELS = [label for _, label in NAVIGATION]


def log_in(page, username: str = "leader") -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo_password(username))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


def test_demo_leader_sees_the_dashboard_shell(demo, page):
    log_in(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link").all_inner_texts() == AREA_LABELS
    assert nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    assert page.locator(".brand-name").inner_text() == "Northwind Retail"
    assert page.title() == "Dashboard · Northwind Retail"
    assert "Lena Okafor" in page.locator(".account").inner_text()
    # The chart component draws people by role: one bar per role, the demo has one login of each role.
    chart = page.locator("#people-by-role .chart-canvas")
    chart.locator("svg .mark-rect path").first.wait_for()
    assert chart.locator("svg .mark-rect path").count() == 5
    assert chart.get_attribute("role") == "img"
    assert chart.get_attribute("aria-label") == "Bar chart: people in the workspace by role"
    assert page.locator("#people-by-role .chart-data tbody td").all_text_contents()[:2] == ["Admin", "1"]
    page.screenshot(path="/tmp/headway-dashboard-1280.png", full_page=True)
    assert page.problems.all() == []


def test_keyboard_only_login(demo, page):
    page.goto("/")  # the login page, with ?next=/
    assert page.url.endswith("/login/?next=/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
    page.keyboard.type("leader")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(demo_password("leader"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.problems.all() == []


def test_wrong_password_in_the_browser_stays_on_login(demo, page):
    page.goto("/login/")
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    assert "Please enter a correct username and password" in alert.inner_text()
    assert page.get_by_label("Username").get_attribute("aria-describedby") == "login-error"
    assert page.url.endswith("/login/")


def test_narrow_screen_menu_opens_with_the_keyboard(demo, phone_page):
    page = phone_page
    log_in(page)
    toggle = page.get_by_role("button", name="Menu")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Insights")
    assert not nav_link.is_visible()
    # Tab from the top: skip link, brand, then the Menu button.
    page.locator("body").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert nav_link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Dashboard"
    page.screenshot(path="/tmp/headway-menu-375.png", full_page=False)
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not nav_link.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") == "site-menu"
    # Nothing is wider than the screen: wide tables scroll inside their box, never the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/headway-dashboard-375.png", full_page=True)
    page.goto("/settings/users/")
    assert page.locator(".table-wrap").evaluate("box => box.scrollWidth > box.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.problems.all() == []
