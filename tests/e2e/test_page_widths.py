"""No page scrolls sideways (issue 14, point 5): every main page of the demo, at 1440 px and at 390 px, keeps
``document.scrollingElement.scrollWidth`` within the viewport; wide tables scroll inside their own container."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from headway.web.context import NAVIGATION

from .conftest import log_in, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

#: Logging out ends the session; the schema is JSON; the API docs are Swagger's own page; exports are files.
SKIP = ("/logout/", "/api/v1/openapi.json", "/api/v1/docs")
#: The pages a person reaches from the main navigation and one link further (the areas' own pages and one of
#: each kind of detail page: a theme, an idea, a goal, a KPI, a person, a review cycle, ...).
MAX_PAGES = 70


def _is_page(path: str) -> bool:
    return not path.startswith(SKIP) and not path.startswith(("/static/", "/media/", "/admin/")) and \
        not path.endswith((".csv", ".json", ".pdf", ".png", ".svg", ".html", ".yaml", ".txt", ".md")) and \
        not any(word in path for word in ("export", "download", "/csv", "/markdown"))  # files, not pages


def _kind(path: str) -> str:
    """A detail page's kind: its path with numbers and names after the second segment dropped."""
    parts = [p for p in path.split("/") if p]
    return "/".join(p if not any(c.isdigit() for c in p) else "#" for p in parts[:3])


def main_pages(page, origin: str) -> list[str]:
    """The navigation's pages, then the links on them (one page of each kind), same origin, no query."""
    from django.urls import reverse

    first = [reverse(name) for name, _ in NAVIGATION]
    found, kinds = list(first), {_kind(p) for p in first}
    for path in first:
        page.goto(path)
        for href in page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlsplit(urljoin(origin + path, href))
            if url.netloc != urlsplit(origin).netloc or url.query or not _is_page(url.path):
                continue
            if url.path not in found and _kind(url.path) not in kinds and len(found) < MAX_PAGES:
                found.append(url.path)
                kinds.add(_kind(url.path))
    return found


@pytest.mark.parametrize("width", [1440, 390])
def test_no_main_page_scrolls_sideways(demo_site, browser, width):
    context, page = open_page(browser, demo_site, width=width, height=900 if width > 400 else 800)
    try:
        log_in(page, "leader")
        pages = main_pages(page, demo_site.url)
        assert len(pages) >= 30, pages
        wide = {}
        for path in pages:
            response = page.goto(path)
            page.wait_for_load_state("networkidle")
            assert response is not None and response.status < 400, path
            scroll = page.evaluate("document.scrollingElement.scrollWidth")
            viewport = page.evaluate("window.innerWidth")
            if scroll > viewport:
                culprits = page.evaluate(
                    """vw => [...document.querySelectorAll('body *')].filter(e => {
                           const r = e.getBoundingClientRect();
                           let a = e.parentElement;  // inside a box that scrolls on its own: not a culprit
                           while (a && a !== document.body) {
                               if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
                               a = a.parentElement;
                           }
                           return r.right > vw + 1;
                       }).slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                           (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
                           + ' ' + Math.round(e.getBoundingClientRect().right))""", viewport)
                wide[path] = (scroll, culprits)
        assert wide == {}, f"pages wider than {width} px: {wide}"
    finally:
        context.close()
