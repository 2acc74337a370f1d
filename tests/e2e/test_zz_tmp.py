import pytest
from headway.demo.company import demo_password
pytestmark = [pytest.mark.e2e]

def test_tmp_insights_htmx_chart(demo, page):
    page.goto("/login/")
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill(demo_password("leader"))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    page.goto("/insights/")
    page.wait_for_timeout(1500)
    print("initial svgs", page.locator("[data-vega-chart] svg").count(), page.locator("script[src*=vega]").count())
    first = page.locator("[data-vega-chart] svg").first.inner_html()
    page.select_option("#f-interval", "week")
    page.wait_for_timeout(2500)
    print("after swap svgs", page.locator("[data-vega-chart] svg").count(), page.locator("[data-vega-chart] svg").first.inner_html() != first)
    page.screenshot(path="/tmp/shot-insights.png", full_page=True)
    print(page.problems.all())
