"""The Ideas & Roadmap pages in a real browser, on one shared demo: backlog, an idea, the optimiser, the
roadmap board and timeline, a stakeholder view and the CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def numbers(texts: list[str]) -> list[float]:
    """Cell texts as numbers; a dash (not scored) is left out."""
    return [float(t.replace(",", "")) for t in texts if t.strip() not in ("", "—")]


def test_backlog_sorts_by_a_column_header(demo_site, site_page):
    from headway.planning.models import Initiative, Stage

    page = site_page
    log_in(page, "leader")
    page.goto("/roadmap/backlog/")
    table = page.locator("table.backlog")
    open_ideas = Initiative.objects.filter(
        stage__in=[Stage.IDEA, Stage.DISCOVERY, Stage.PLANNED, Stage.IN_PROGRESS]).count()
    pages = -(-open_ideas // 25)  # the backlog pages at 25 rows (issue 14, point 5)
    assert table.locator("tbody tr").count() == min(open_ideas, 25)
    assert table.locator("caption").inner_text() == f"{open_ideas} open initiatives, sorted by score" + (
        f"; page 1 of {pages}" if pages > 1 else "")
    score = table.get_by_role("columnheader", name="Score")
    assert score.get_attribute("aria-sort") == "descending"
    scores = numbers(table.locator("td.score").all_inner_texts())
    assert scores and scores == sorted(scores, reverse=True)

    score.get_by_role("link").click()
    assert "sort=score&order=asc" in page.url
    assert table.get_by_role("columnheader", name="Score").get_attribute("aria-sort") == "ascending"
    scores = numbers(table.locator("td.score").all_inner_texts())
    assert scores == sorted(scores)

    table.get_by_role("columnheader", name="User value").get_by_role("link").click()
    assert table.get_by_role("columnheader", name="User value").get_attribute("aria-sort") == "descending"
    values = numbers(table.locator("tbody tr td:nth-child(6)").all_inner_texts())
    assert values == sorted(values, reverse=True)
    page.locator("#tradeoffs svg").first.wait_for()
    assert page.problems.all() == []


def test_idea_page(demo_site, site_page):
    from headway.planning.models import Initiative

    page = site_page
    log_in(page, "pm")
    page.goto("/roadmap/backlog/")
    link = page.locator("table.backlog tbody tr").first.get_by_role("link")
    title = link.inner_text()
    link.click()
    idea = Initiative.objects.get(title=title)
    assert page.url.endswith(f"/roadmap/ideas/{idea.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"#{idea.pk} {title}"
    assert page.get_by_role("navigation", name="Ideas and roadmap sections").get_by_role(
        "link", name="Backlog").get_attribute("aria-current") == "page"
    page.get_by_label("Add a comment").fill("Worth a spike next sprint.")
    page.get_by_role("button", name="Comment").click()
    assert page.get_by_role("status").inner_text() == "Comment added."
    assert "Worth a spike next sprint." in page.locator("article.comment").last.inner_text()
    assert page.problems.all() == []


def test_optimiser_finds_and_explains_a_plan(demo_site, site_page):
    page = site_page
    log_in(page, "leader")
    page.goto("/roadmap/optimise/")
    page.get_by_label("Budget").fill("1000000")
    page.get_by_label("Quarters").fill("2")
    page.get_by_label("Time limit (seconds)").fill("3")
    page.get_by_role("button", name="Find the best plan").click()
    plan = page.get_by_role("region", name="The plan")
    assert plan.is_visible()
    costs = numbers(plan.locator("table.plan-items tbody td.num:nth-child(6)").all_inner_texts())
    values = numbers(plan.locator("table.plan-items tbody td.num:nth-child(7)").all_inner_texts())
    assert costs and len(costs) == len(values)
    total = float(plan.locator(".plan-cost").inner_text().replace(",", ""))
    assert total == pytest.approx(sum(costs), abs=len(costs))  # cells are rounded to whole units
    assert total <= 1_000_000
    assert float(plan.locator(".plan-value").inner_text()) == pytest.approx(sum(values), rel=1e-3)
    assert plan.get_by_role("heading", name="Why this plan").is_visible()
    plan.get_by_text("Every constraint").click()
    assert "budget" in plan.locator("details").last.inner_text().lower()
    plan.get_by_text("Why each left-out initiative is out").click()
    left_out = plan.locator("ul.left-out li")
    assert left_out.count() > 0
    assert ": " in left_out.first.inner_text()  # each left-out initiative says why
    assert page.problems.all() == []


def test_board_and_timeline_for_leadership(demo_site, site_page):
    from headway.planning.models import RoadmapItem

    page = site_page
    log_in(page, "leader")
    page.goto("/roadmap/")
    placed = RoadmapItem.objects.count()
    columns = page.locator(".board-column")
    assert columns.locator("h3").all_inner_texts()[0].startswith("Now")
    counts = [int(t.strip("()")) for t in columns.locator("h3 .count").all_inner_texts()]
    assert sum(counts) == placed  # every placed initiative is counted; a column pages at 12 cards
    assert columns.locator("li.board-card").count() == sum(min(count, 12) for count in counts)
    timeline = page.locator(".gantt svg")
    assert timeline.locator("a.gantt-bar").count() == placed
    assert page.locator("#gantt-title").text_content().startswith(f"Timeline of {placed} initiatives")
    assert page.locator("table.roadmap-table tbody tr").count() == placed
    page.locator("#capacity svg").first.wait_for()
    page.screenshot(path="/tmp/headway-roadmap-1280.png")
    assert page.problems.all() == []


def test_sales_view_hides_what_sales_need_not_see_and_exports_csv(demo_site, site_page):
    from headway.planning import services

    page = site_page
    log_in(page, "leader")
    page.goto("/roadmap/")
    page.get_by_label("Stakeholder view").select_option("sales")
    page.get_by_role("button", name="Show").click()
    assert "for=sales" in page.url
    headers = page.locator("table.roadmap-table thead th").all_text_contents()
    assert headers == ["Id", "Title", "Quarter", "End quarter", "Horizon", "Commitment", "Kind", "Team",
                       "Product area"]
    rows = page.locator("table.roadmap-table tbody tr")
    expected = services.roadmap(None, "sales").rows
    assert rows.count() == len(expected) > 0
    commitments = set(rows.locator("td:nth-child(6)").all_inner_texts())
    kinds = set(rows.locator("td:nth-child(7)").all_inner_texts())
    assert commitments == {"committed"}
    assert kinds <= {"innovate", "iterate"}
    assert page.locator(".board-column").nth(2).locator("li").count() == 0  # nothing "later" for sales
    text = page.locator("main").inner_text()
    assert "Capacity and budget" not in text
    assert "Cost" not in headers

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    path = download.value.path()
    with open(path, newline="", encoding="utf-8") as handle:
        table = list(csv.reader(io.StringIO(handle.read())))
    assert "cost" not in table[0] and "business_value" not in table[0]
    assert table[0][:3] == ["id", "title", "quarter"]
    assert [int(r[0]) for r in table[1:]] == [r["id"] for r in expected]
    assert page.problems.all() == []


def test_roadmap_pages_fit_a_narrow_screen(demo_site, site_phone_page):
    page = site_phone_page
    log_in(page, "leader")
    for path in ("/roadmap/", "/roadmap/backlog/", "/roadmap/optimise/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto("/roadmap/")
    assert page.locator(".gantt").evaluate("box => box.scrollWidth > box.clientWidth")
    page.screenshot(path="/tmp/headway-roadmap-375.png")
    assert page.problems.all() == []
