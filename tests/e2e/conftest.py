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
    page.on("requestfailed", lambda req: problems.failed_requests.append(f"{req.url} {req.failure}"))

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
