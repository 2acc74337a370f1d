"""Browser fixtures: the system Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse the ORM calls made here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@dataclass
class BrowserProblems:
    """What went wrong while a page was open: console errors, page errors, failed or off-site requests."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests + self.foreign_requests


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("The browser tests drive /usr/bin/chromium: install it with `apt-get install -y chromium`.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def demo(transactional_db):
    """Northwind Retail, small: 500 users and 30 days of events."""
    from headway.demo.builder import build_demo

    return build_demo(seed=7, users=500, days=30)


def open_page(browser, live_server, width: int = 1280, height: int = 900):
    """A fresh browser context on the live server, with every problem recorded on ``page.problems``."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height})
    page = context.new_page()
    problems = BrowserProblems(origin=live_server.url)
    origin = urlsplit(live_server.url).netloc
    page.on("console", lambda msg: problems.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.page_errors.append(str(exc)))
    def note_failure(request) -> None:
        # A request the browser aborts because the page navigated away (a form submit) is not a failure.
        if "ERR_ABORTED" not in str(request.failure):
            problems.failed_requests.append(f"{request.url} {request.failure}")

    page.on("requestfailed", note_failure)

    def check_host(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != origin:
            problems.foreign_requests.append(request.url)

    page.on("request", check_host)
    page.problems = problems
    return context, page


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context, page = open_page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server) -> Iterator:
    context, page = open_page(browser, live_server, width=375, height=740)
    yield page
    context.close()


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker) -> Iterator:
    """One demo build and one live server shared by every test of a module (the build takes most of a minute).

    pytest-django's ``live_server`` would flush the database after each test, so the module runs its own
    server; the tests share the demo and must leave it as they found it (or only add to it). The database is
    flushed when the module ends.
    """
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    from headway.demo.builder import build_demo

    with django_db_blocker.unblock():
        result = build_demo(seed=7, users=500, days=30)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        server.demo = result
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


def log_in(page, username: str) -> None:
    """Log in through the login form as a demo user."""
    from headway.demo.company import demo_password

    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo_password(username))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.fixture
def site_page(browser, demo_site) -> Iterator:
    """A 1280 px browser page on the module's shared demo site."""
    context, page = open_page(browser, demo_site)
    yield page
    context.close()


@pytest.fixture
def site_phone_page(browser, demo_site) -> Iterator:
    """A 375 px browser page on the module's shared demo site."""
    context, page = open_page(browser, demo_site, width=375, height=740)
    yield page
    context.close()


@pytest.fixture
def wide(browser, demo_site) -> Iterator:
    """A 1440 px browser page on the module's shared demo site."""
    context, page = open_page(browser, demo_site, width=1440, height=900)
    yield page
    context.close()
