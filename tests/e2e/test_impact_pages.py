"""Impact in a real browser, on one shared demo: the date pickers of a KPI page and of trends jump to the days
around a release marker, with the keyboard only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _latest_marker(kpi: str | None = None):
    from headway.web.charts import chart_markers

    found = chart_markers(None, kpi=kpi)
    assert found, "the demo has release markers"
    return max(found, key=lambda m: (m.date, m.text))


def test_the_kpi_page_jumps_to_a_release_marker_with_the_keyboard(demo_site, site_page):
    marker = _latest_marker("checkout_conversion")
    day = date.fromisoformat(marker.date)
    page = site_page
    log_in(page, "leader")
    page.goto("/goals/kpis/checkout_conversion/")
    picker = page.get_by_label("Show the days around a marker")
    assert marker.text in picker.locator("option").nth(1).inner_text()  # the newest marker first
    picker.focus()
    with page.expect_navigation():
        page.keyboard.press("ArrowDown")  # a keyboard change submits the form (data-autosubmit)
    start, end = day - timedelta(days=14), day + timedelta(days=14)
    assert f"period={start}..{end}" in page.url.replace("%2E", ".")
    assert page.locator(".lead").first.inner_text().startswith(f"{start}..{end} (")  # the period shown
    assert page.get_by_label("Show the days around a marker").input_value() == f"{start}..{end}"
    page.locator("#kpi-chart .chart-canvas svg").wait_for()
    assert page.problems.all() == []


def test_the_trends_date_pickers_jump_to_a_marker_with_the_keyboard(demo_site, site_page):
    marker = _latest_marker()
    day = date.fromisoformat(marker.date)
    page = site_page
    log_in(page, "leader")
    page.goto("/insights/")
    page.locator("#trends-chart .chart-canvas svg").wait_for()
    picker = page.get_by_label("or around a marker")
    picker.focus()
    with page.expect_response("**/insights/trends/**"):
        page.keyboard.press("ArrowDown")
    start, end = day - timedelta(days=14), day + timedelta(days=14)
    assert page.locator("#f-from").input_value() == start.isoformat()
    assert page.locator("#f-to").input_value() == end.isoformat()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.trends-table tbody tr")
    assert rows.first.locator("th, td").first.inner_text().startswith(start.isoformat())
    assert rows.count() == (end - start).days + 1
    assert page.problems.all() == []
