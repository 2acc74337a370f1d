"""The Insights page in a real browser, on one shared demo: trends, funnels, persons, saved and pinned insights.

Every number the page shows is checked against the analytics services called directly (the same query).
"""

from __future__ import annotations

import pytest

from .conftest import log_in, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FUNNEL = ["visit", "add_to_cart", "purchase"]


def tab_until(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def chart_title(page, chart_id: str) -> str:
    return page.locator(f"#{chart_id} .chart-canvas svg g.role-title text").first.text_content()


def test_building_a_trend_redraws_the_chart(demo_site, site_page):
    from headway.analytics import services

    page = site_page
    log_in(page, "leader")
    page.goto("/insights/")
    page.locator("#trends-chart .chart-canvas svg").wait_for()
    for selector, value in (("#f-event", "purchase"), ("#f-math", "unique_users"), ("#f-interval", "week")):
        with page.expect_response("**/insights/trends/**"):
            page.locator(selector).select_option(value)
    page.wait_for_load_state("networkidle")
    page.locator("#trends-chart .chart-canvas svg").wait_for()
    assert chart_title(page, "trends-chart") == "purchase · unique users per week"
    dates = {"date_from": page.locator("#f-from").input_value(), "date_to": page.locator("#f-to").input_value()}
    query = services.trends_query({"event": "purchase", "math": "unique_users", "interval": "week", **dates})
    result = services.trends(None, query)
    shown = float(page.locator("[data-big-number]").get_attribute("data-big-number"))
    assert shown == pytest.approx(services.big_number(query, result))
    rows = page.locator("table.trends-table tbody tr")
    assert rows.count() == len(result.labels)
    assert [float(v.replace(",", "")) for v in rows.locator("td").all_inner_texts()] == [
        pytest.approx(v) for v in result.series[0].data]
    assert page.problems.all() == []


def test_a_three_step_funnel_and_the_persons_behind_a_number(demo_site, site_page):
    from headway.analytics import services

    answer = services.run(None, "funnel", {"steps": FUNNEL})
    expected = [r["persons"] for r in answer.rows]
    assert expected[0] > expected[1] > expected[2] > 0
    page = site_page
    log_in(page, "leader")
    page.goto("/insights/")
    page.get_by_role("navigation", name="Insight types").get_by_role("link", name="Funnels").click()
    page.wait_for_url("**/insights/?tab=funnel")
    for i, step in enumerate([*FUNNEL, "", ""], start=1):
        page.locator(f"#b-step-{i}").fill(step)
    with page.expect_response(lambda r: "/insights/behaviour/" in r.url
                              and "step=visit&step=add_to_cart&step=purchase&step=&" in r.url):
        page.locator("#behaviour-builder").get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")  # blurring each step field also asked for a result
    page.locator("#funnel-chart .chart-canvas svg").wait_for()
    rows = page.locator("table.funnel-table tbody tr")
    assert rows.locator("th").all_inner_texts() == ["1. visit", "2. add_to_cart", "3. purchase"]
    assert [int(n) for n in rows.locator("[data-persons]").all_inner_texts()] == expected

    with page.expect_response("**/insights/persons/**"):
        rows.nth(1).locator("[data-persons]").click()
    persons = page.locator("#persons")
    shown = min(expected[1], services.PERSONS_LIMIT)
    assert persons.locator("ul.persons-list li").count() == shown
    names = services.persons(None, "funnel", answer.query, step=2)
    assert persons.locator("ul.persons-list li").all_inner_texts() == names
    assert persons.locator("p").first.inner_text().startswith(f"{shown} persons")
    assert page.problems.all() == []


def test_a_saved_pinned_insight_opens_from_the_dashboard(demo_site, site_page):
    from headway.analytics.models import SavedInsight

    page = site_page
    log_in(page, "leader")
    page.goto("/insights/?event=checkout&math=unique_users&interval=day")
    page.get_by_label("Save this insight as").fill("Checkout starters")
    page.locator(".save-insight").get_by_label("pin").check()
    page.get_by_role("button", name="Save insight").click()
    saved = SavedInsight.objects.get(name="Checkout starters")
    assert saved.pinned and saved.query["event"] == "checkout" and saved.query["math"] == "unique_users"
    page.wait_for_url(f"**/insights/?insight={saved.pk}")
    assert page.locator(".message-success").inner_text() == "Insight “Checkout starters” saved."
    page.goto("/")
    pinned = page.locator("section[aria-labelledby=pinned-title]")
    pinned.get_by_role("link", name="Checkout starters").click()
    page.wait_for_url(f"**/insights/?insight={saved.pk}")
    assert page.locator("#f-event").input_value() == "checkout"
    assert page.locator("#f-math").input_value() == "unique_users"
    page.locator("#trends-chart .chart-canvas svg").wait_for()
    assert chart_title(page, "trends-chart") == "checkout · unique users per day"
    assert page.problems.all() == []


def test_the_trends_builder_works_with_the_keyboard(demo_site, site_page):
    page = site_page
    log_in(page, "leader")
    page.goto("/insights/?event=visit")
    page.locator("#trends-chart .chart-canvas svg").wait_for()
    tab_until(page, "#f-event")
    with page.expect_response("**/insights/trends/**"):
        page.keyboard.press("ArrowDown")  # the next event in the list: the change redraws the result
    chosen = page.locator("#f-event").input_value()
    assert chosen != "visit"
    assert page.locator("table.trends-table caption").inner_text().startswith(f"{chosen} per day")
    tab_until(page, "#f-interval")
    page.keyboard.press("ArrowDown")  # day → week (the change request is not awaited: Enter sends the form)
    tab_until(page, "#trends-builder button[type=submit]")
    with page.expect_response(lambda r: "/insights/trends/" in r.url and "interval=week" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('table.trends-table caption')"
                           ".textContent.includes('per week')")
    assert page.locator("table.trends-table caption").inner_text().startswith(f"{chosen} per week")
    assert page.problems.all() == []


@pytest.mark.parametrize("width", [1280, 375])
def test_insights_pages_fit_the_screen(demo_site, browser, width):
    context, page = open_page(browser, demo_site, width=width, height=900 if width > 400 else 740)
    try:
        log_in(page, "leader")
        widths = {}
        for tab in ("trends", "funnel", "retention", "paths"):
            page.goto(f"/insights/?tab={tab}")
            page.locator(".behaviour-result, .trends-result").first.wait_for()
            page.wait_for_timeout(300)  # charts draw after load
            widths[tab] = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=f"/tmp/headway-insights-{tab}-{width}.png", full_page=True)
        assert widths == dict.fromkeys(widths, width)
        assert page.problems.all() == []
    finally:
        context.close()
