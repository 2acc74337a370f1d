"""The strategy pages in a real browser, on one shared demo: dashboard, KPI tree, a KPI, alerts, goals, forms.

The tests share the module's demo site and run in file order; each one only adds to it (an acknowledged alert,
a check-in, a new KPI), and reads what it expects from the database at the time it runs.
"""

from __future__ import annotations

import json
import re

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STRIPES = {"on-track": "rgb(26, 127, 55)", "at-risk": "rgb(191, 135, 0)", "off-track": "rgb(207, 34, 46)",
           "no-target": "rgb(140, 149, 159)", "no-data": "rgb(140, 149, 159)"}
PAGES = {"dashboard": "/", "goals": "/goals/", "kpi": "/goals/kpis/weekly_buyers/", "alerts": "/goals/alerts/",
         "strategy": "/goals/strategy/", "areas": "/goals/areas/", "new-kpi": "/goals/new-kpi/",
         "new-goal": "/goals/new/"}


def test_dashboard_shows_the_north_star_the_kpi_tree_goals_and_alerts(demo_site, site_page):
    from headway.strategy import services
    from headway.strategy.picture import STATUS_CLASS

    board = services.dashboard(None)
    north = board.north_star
    assert north is not None and north.name == "weekly_buyers" and north.target is not None
    page = site_page
    log_in(page, "leader")
    card = page.locator("section.north-star")
    assert card.get_by_role("link", name="Weekly purchasing customers").is_visible()
    # like with like (issue 14, point 4): the period's projection next to the period's target, not a day's value
    assert card.locator(".big-number").inner_text().startswith(north.display["card"])
    assert north.display["card"] == north.display["projection"] and north.projection is not None
    assert card.locator(".big-number").inner_text().startswith(f"{north.display['projection']} projected for ")
    assert f"target {north.display['target']}" in card.inner_text()
    assert card.locator(".status").inner_text() == north.status_label

    boxes = page.locator("svg.kpi-tree a")
    assert boxes.count() == page.locator("svg.kpi-tree g.kpi-node").count() == len(board.kpis) == 8
    expected = {k.name: STATUS_CLASS[k.status] for k in board.kpis}
    drawn = {}
    for i in range(boxes.count()):
        node = boxes.nth(i).locator("g.kpi-node")
        name = boxes.nth(i).get_attribute("href").removeprefix("/goals/kpis/").strip("/")
        status = next(c for c in node.get_attribute("class").split() if c in STRIPES)
        drawn[name] = status
        assert node.locator("rect.stripe").evaluate("r => getComputedStyle(r).fill") == STRIPES[status]
    assert drawn == expected
    assert {"on-track", "at-risk", "off-track"} <= set(drawn.values())  # the demo shows every status
    assert page.locator("svg.kpi-tree path.edge").count() == 7  # every KPI but the North Star has a parent

    goals = page.locator("section[aria-labelledby=goals-title]")
    for goal in board.goals:
        assert goals.get_by_role("link", name=goal.title, exact=True).is_visible()
    alerts = page.locator("section[aria-labelledby=alerts-title]")
    assert alerts.locator(".count").inner_text() == f"{board.open_alerts} open"
    assert alerts.locator("li").count() == len(board.alerts) > 0
    assert alerts.locator("li").first.inner_text().startswith(board.alerts[0].kpi.label)
    assert page.problems.all() == []


def test_kpi_page_draws_the_target_line_and_the_forecast_band(demo_site, site_page):
    from headway.strategy import services

    data = services.kpi_chart_data(None, "weekly_buyers")
    assert data.target is not None and data.forecast and data.actual
    page = site_page
    log_in(page, "leader")
    page.goto("/goals/kpis/weekly_buyers/")
    assert page.get_by_role("heading", level=1).inner_text() == "★ Weekly purchasing customers"
    assert page.locator("#kpi-target").inner_text() == data.summary.display["target"]
    chart = page.locator("#kpi-chart .chart-canvas svg")
    chart.wait_for()
    assert chart.locator("g.mark-area.role-mark path").count() == 1  # the forecast's 80% band
    spec = json.loads(page.locator("#kpi-chart-spec").text_content())
    markers = sum(len(layer["data"]["values"]) for layer in spec["layer"]
                  if layer.get("data", {}).get("values") and "marker" in layer["data"]["values"][0])
    assert chart.locator("g.mark-rule.role-mark line").count() == 1 + markers  # the target, one per release marker
    assert chart.locator("g.mark-line.role-mark path").count() == 2  # actual and forecast
    assert [layer["data"]["values"] for layer in spec["layer"] if "target" in str(layer.get("data", {}))] == [
        [{"target": data.target}]]  # the target's own layer (the release markers come after it)
    assert page.problems.all() == []


def test_acknowledging_an_alert_in_the_inbox(demo_site, site_page):
    from headway.strategy.models import Alert

    alert = Alert.objects.filter(acknowledged_at__isnull=True).order_by("-since", "-pk").first()
    assert alert is not None
    page = site_page
    log_in(page, "leader")
    page.goto("/goals/alerts/")
    item = page.locator(f"#alert-{alert.pk}")
    item.get_by_role("button", name="Acknowledge").click()
    page.wait_for_url("**/goals/alerts/")
    assert page.locator(".message-success").inner_text() == f"Alert on {alert.kpi.label} acknowledged."
    assert "acknowledged" in page.locator(f"#alert-{alert.pk}").get_attribute("class")
    assert page.locator(f"#alert-{alert.pk}").inner_text().count("Acknowledged by Lena Okafor") == 1
    alert.refresh_from_db()
    assert alert.acknowledged_by.username == "leader"
    assert page.problems.all() == []


def test_a_goal_check_in_is_added_to_its_history(demo_site, site_page):
    from headway.strategy.models import Goal

    goal = Goal.objects.get(title="Make checkout effortless")
    page = site_page
    log_in(page, "leader")
    page.goto("/goals/")
    page.get_by_role("link", name="Make checkout effortless").click()
    page.wait_for_url(f"**/goals/{goal.pk}/")
    page.get_by_label("Status").select_option("at_risk")
    page.get_by_label("Confidence (0–100%)").fill("55")
    page.get_by_label("Comment").fill("Mobile wallet slipped a sprint.")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(f"**/goals/{goal.pk}/")
    assert page.locator(".message-success").inner_text() == "Check-in saved."
    first = page.locator("section[aria-labelledby=history-title] tbody tr").first.locator("td")
    assert first.all_inner_texts()[1:] == ["Lena Okafor", "At risk", "55%", "Mobile wallet slipped a sprint."]
    goal.refresh_from_db()
    assert (goal.status, goal.confidence) == ("at_risk", 55)
    assert page.problems.all() == []


def test_a_leader_creates_a_kpi_through_the_form(demo_site, site_page):
    from headway.strategy import services

    page = site_page
    log_in(page, "leader")
    page.goto("/goals/")
    page.get_by_role("link", name="New KPI").click()
    page.wait_for_url("**/goals/new-kpi/")
    page.get_by_role("button", name="Create KPI").click()  # empty: the browser asks for the required fields
    assert page.url.endswith("/goals/new-kpi/") and page.locator("#name:invalid").count() == 1
    page.get_by_label("Name").fill("Cart adds")  # not a valid name: the server explains
    page.get_by_label("Label").fill("Items added to carts")
    page.get_by_label("Metric").select_option("checkouts")
    page.get_by_label("Over a period", exact=True).select_option("sum")
    page.get_by_label("Input of").select_option("orders")
    page.get_by_role("button", name="Create KPI").click()
    summary = page.locator(".error-summary")
    assert "must be lower-case letters, digits and _" in summary.inner_text()
    assert page.get_by_label("Label").input_value() == "Items added to carts"  # what was typed is kept
    page.get_by_label("Name").fill("checkouts_started")
    page.get_by_role("button", name="Create KPI").click()
    page.wait_for_url("**/goals/kpis/checkouts_started/")
    assert page.get_by_role("heading", level=1).inner_text() == "Items added to carts"
    summary = services.kpi_summary(None, "checkouts_started")
    assert summary.parent == "orders" and summary.metric == "checkouts" and summary.current is not None
    assert page.locator("#kpi-current").inner_text().startswith(summary.display["current"])
    page.goto("/")
    assert page.locator("svg.kpi-tree g.kpi-node").count() == 9
    # the one form the server refused answered 422 (Unprocessable Entity), which the console reports
    assert [p for p in page.problems.all() if "status of 422" not in p] == []
    assert len(page.problems.all()) == 1


def test_a_viewer_sees_no_edit_buttons_and_a_direct_post_is_refused(demo_site, site_page):
    from headway.strategy.models import Goal, Kpi

    goal = Goal.objects.order_by("pk").first()
    page = site_page
    log_in(page, "viewer")
    for url in ("/", "/goals/", f"/goals/{goal.pk}/", "/goals/kpis/weekly_buyers/", "/goals/strategy/",
                "/goals/areas/"):
        page.goto(url)
        for name in ("New goal", "New KPI", "Edit KPI", "Edit goal", "Import CSV", "Save check-in", "Set target",
                     "Save version", "Add"):
            assert page.get_by_role("button", name=name, exact=True).count() == 0, (url, name)
            assert page.get_by_role("link", name=name, exact=True).count() == 0, (url, name)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    kpis = Kpi.objects.count()
    refused = page.request.post("/goals/new-kpi/", form={
        "csrfmiddlewaretoken": token, "name": "sneaky", "label": "Sneaky", "unit": "count", "direction": "higher",
        "aggregation": "sum"})
    assert refused.status == 403 and "does not allow strategy.edit" in refused.text()
    check_in = page.request.post(f"/goals/{goal.pk}/", form={"csrfmiddlewaretoken": token, "status": "done",
                                                            "confidence": "100", "comment": "x"})
    assert check_in.status == 403
    assert Kpi.objects.count() == kpis and Goal.objects.get(pk=goal.pk).status != "done"
    assert page.goto("/goals/new-kpi/").status == 403


@pytest.mark.parametrize("width", [1280, 375])
def test_strategy_pages_fit_the_screen(demo_site, browser, width):
    from .conftest import open_page

    context, page = open_page(browser, demo_site, width=width, height=900 if width > 400 else 740)
    try:
        log_in(page, "leader")
        widths = {}
        for name, url in PAGES.items():
            page.goto(url)
            widths[name] = page.evaluate("document.documentElement.scrollWidth")
            page.screenshot(path=f"/tmp/headway-strategy-{name}-{width}.png", full_page=True)
        assert widths == dict.fromkeys(PAGES, width)
        assert page.problems.all() == []
    finally:
        context.close()


def test_csv_import_shows_the_lines_to_fix(demo_site, site_page, tmp_path):
    from headway.strategy.models import KpiValue

    before = KpiValue.objects.filter(kpi__name="nps").count()
    page = site_page
    log_in(page, "leader")
    page.goto("/goals/kpis/nps/")
    page.get_by_role("link", name="Import CSV").click()
    bad = tmp_path / "nps.csv"
    bad.write_text("date,value\n2020-01-06,41\n2020-01-13,forty\n2020-01-06,44\n")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    rows = page.locator("table.import-errors tbody tr")
    assert [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())] == [
        ["3", "'forty' is not a number"], ["4", "date 2020-01-06 is also on line 2: keep one value a day"]]
    assert re.search(r"2 of 3 value rows are not valid", page.locator(".error-summary").inner_text())
    assert KpiValue.objects.filter(kpi__name="nps").count() == before
    page.screenshot(path="/tmp/headway-strategy-import-errors-1280.png", full_page=True)
