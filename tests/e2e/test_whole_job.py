"""The web app does the whole job (issue 14), in a real browser on one shared demo: errors in place (a failed
HTMX request shows its one-line error where the result was, nothing stale stays or is saved), every insight with
a breakdown, and every page — the API docs included — loads only same-origin assets."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FUNNEL = ["visit", "add_to_cart", "purchase"]
SKIP = ("/logout/", "/api/v1/openapi.json")  # logging out ends the crawl; the schema is JSON, not a page


def show_funnel(page, breakdown: str) -> None:
    page.goto("/insights/?tab=funnel")
    for i, step in enumerate([*FUNNEL, "", ""], start=1):
        page.locator(f"#b-step-{i}").fill(step)
    page.locator("#b-breakdown").fill(breakdown)
    with page.expect_response(lambda r: "/insights/behaviour/" in r.url and f"breakdown={breakdown}" in r.url):
        page.locator("#behaviour-builder").get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")


def test_a_funnel_broken_down_by_device_and_errors_in_place(demo_site, site_page):
    from headway.analytics import services

    page = site_page
    log_in(page, "leader")
    show_funnel(page, "device")
    answer = services.run(None, "funnel", {"steps": FUNNEL, "breakdown": "device"})
    table = page.locator("table.funnel-table")
    assert table.locator("thead th").first.text_content() == "device"
    shown = [int(n) for n in table.locator("[data-persons]").all_inner_texts()]
    assert shown == [r["persons"] for r in answer.rows] and len(shown) > 3
    assert page.locator("#behaviour-result [role=alert]").count() == 0
    page.locator("#funnel-chart .chart-canvas svg").wait_for()

    # the server fails the next request: its one line replaces the chart, the table and the save form
    page.route("**/insights/behaviour/**", lambda route: route.fulfill(status=500, body="Server Error",
                                                                      content_type="text/html"))
    with page.expect_response("**/insights/behaviour/**"):
        page.locator("#b-window").fill("3")
        page.locator("#b-window").press("Enter")
    alert = page.locator("#behaviour-result [role=alert]")
    alert.wait_for()
    assert "HTTP 500" in alert.inner_text()
    assert page.locator("#funnel-chart").count() == 0 and page.locator("form.save-insight").count() == 0
    page.unroute("**/insights/behaviour/**")

    # a query the service refuses answers its own one-line message, in place
    page.locator("#b-step-2").fill("")
    page.locator("#b-step-3").fill("")
    with page.expect_response("**/insights/behaviour/**"):
        page.locator("#behaviour-builder").get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    assert "at least 2 steps" in page.locator("#behaviour-result [role=alert]").inner_text()
    assert page.locator("form.save-insight").count() == 0
    page.problems.console_errors.clear()  # the browser logs the 500 it was made to receive
    assert page.problems.all() == []


def test_every_page_and_the_api_docs_load_only_same_origin_assets(demo_site, site_page):
    page = site_page
    log_in(page, "leader")
    origin = urlsplit(demo_site.url).netloc
    todo, seen = ["/", "/api/v1/docs"], set()
    while todo and len(seen) < 80:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response is not None and response.status < 400, path
        if path == "/api/v1/docs":
            page.locator("#swagger-ui .info .title").wait_for()
            assert "Headway API" in page.locator("#swagger-ui .info .title").inner_text()
            continue
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlsplit(urljoin(demo_site.url + path, href))
            if url.netloc == origin and url.path not in SKIP and not url.query and url.path not in seen:
                todo.append(url.path)
    assert len(seen) >= 15, seen
    assert page.problems.foreign_requests == []
    assert page.problems.all() == []
