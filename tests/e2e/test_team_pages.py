"""The Team pages in a real browser, on one shared demo: org chart, ladder, check-ins, reviews, nine-box, JDs."""

from __future__ import annotations

import re
from statistics import mean

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def tab_until(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector`` (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement.closest(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_org_chart_boxes_reach_their_person_row_with_the_keyboard(demo_site, site_page):
    from headway.team.models import Person

    page = site_page
    log_in(page, "leader")
    page.goto("/team/?chart=all")  # everyone (the chart opens collapsed: tests/e2e/test_team_controls.py)
    assert page.get_by_role("heading", level=1).inner_text() == "Team"
    nav = page.get_by_role("navigation", name="Team sections")
    assert nav.get_by_role("link", name="Org chart").get_attribute("aria-current") == "page"
    chart = page.locator(".org-chart svg")
    assert chart.is_visible()
    people = Person.objects.filter(active=True).count()
    assert people == len(demo_site.demo.made["people"]) == 55
    assert chart.locator("a.org-box").count() == people
    assert page.locator("#org-svg-title").text_content() == f"Org chart of {people} people"

    tab_until(page, "a.org-box")
    person_id = int(page.evaluate("document.activeElement.closest('a.org-box').dataset.person"))
    page.keyboard.press("Enter")
    assert page.url.endswith(f"#person-{person_id}")
    row = page.locator(f"tr#person-{person_id}")
    assert row.locator("th").inner_text() == Person.objects.get(pk=person_id).name
    assert row.evaluate("r => r.matches(':target')")
    assert row.is_visible()
    page.screenshot(path="/tmp/headway-team-1280.png")
    assert page.problems.all() == []


def test_narrow_team_page_shows_the_outline_and_fits(demo_site, site_phone_page):
    page = site_phone_page
    log_in(page, "leader")
    page.goto("/team/")
    assert not page.locator(".org-chart").is_visible()
    outline = page.locator(".org-outline")
    assert outline.is_visible()
    assert outline.locator("a").count() == 55
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/headway-team-375.png", full_page=True)
    assert page.problems.all() == []


def test_ladder_page_lists_every_level_and_competency(demo_site, site_page):
    from headway.team.services import ladders

    ladder = ladders.current_ladder(None)
    page = site_page
    log_in(page, "leader")
    page.goto("/team/ladder/")
    assert page.get_by_role("heading", level=1).inner_text() == "Career ladder"
    assert page.locator("table.ladder-levels tbody tr").count() == len(ladder.levels)
    first = ladder.levels[0]
    assert page.locator(f"#level-{first.slug} td").first.inner_text() == first.title
    rows = page.locator("table.ladder-expectations tbody tr")
    assert rows.count() == len(ladder.competencies)
    competency = ladder.competencies[0]
    expected = [str(level.expectations[competency.slug]) for level in ladder.levels]
    assert rows.first.locator("td").all_inner_texts() == expected
    assert page.problems.all() == []


def test_check_in_pair_page_as_the_report(demo_site, site_page):
    from headway.team.models import Checkin, CheckinPair

    pair = CheckinPair.objects.select_related("manager", "report").get(report__name="Priya Raman")
    recorded = Checkin.objects.filter(pair=pair).count()
    page = site_page
    log_in(page, "pm")
    page.goto("/team/checkins/")
    page.get_by_role("link", name=pair.manager.name).click()
    assert page.url.endswith(f"/team/checkins/{pair.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"{pair.manager.name} ↔ Priya Raman"
    assert page.locator("article.checkin").count() == recorded
    assert recorded in (10, 12)  # 12 weekly check-ins; every fourth pair of the demo missed the last two
    page.get_by_label("Topic").fill("Plan the next launch review")
    page.get_by_role("button", name="Add", exact=True).first.click()
    assert page.get_by_role("status").inner_text() == "Agenda item added."
    assert "Plan the next launch review" in page.locator("ul.agenda").inner_text()
    assert page.problems.all() == []


def test_released_review_shows_the_reviewee_aggregates_and_no_reviewer_names(demo_site, site_page):
    from headway.team.models import Nomination, Response

    page = site_page
    log_in(page, "pm")
    page.goto("/team/reviews/")
    page.get_by_role("link", name="H1 review").click()
    page.get_by_role("link", name="Priya Raman").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Review of Priya Raman"
    table = page.locator("table.results")
    headers = table.locator("thead th").all_text_contents()
    assert headers == ["Competency", "Self (1)", "Manager (1)", "Peers (3)", "Engineering (3)",
                       "Cross-functional partners (3)", "All reviewers except self (10)"]
    # The overall average of the first competency, computed here from the stored responses.
    first_row = table.locator("tbody tr").first
    assert first_row.locator("th").inner_text() == "Problem framing"
    responses = Response.objects.filter(review__reviewee__name="Priya Raman").exclude(group="self")
    assert responses.count() == 10
    overall = mean(r.ratings["problem-framing"] for r in responses if r.ratings.get("problem-framing"))
    assert float(first_row.locator("td").last.inner_text()) == pytest.approx(overall, abs=0.01)
    # The chart is drawn and labelled; no reviewer's name and no manager's notes reach the reviewee.
    page.locator("#competency-problem-framing svg").first.wait_for()
    assert page.locator("#competency-problem-framing .chart-canvas").get_attribute("aria-label").startswith(
        "Bar chart: average rating of Problem framing per reviewer group")
    text = page.locator("main").inner_text()
    reviewers = Nomination.objects.filter(review__reviewee__name="Priya Raman").exclude(group="self")
    names = {n.reviewer.name for n in reviewers}
    assert len(names) == 10
    assert [n for n in names if n in text] == []
    assert "Manager's private notes" not in text
    assert "Discussed in calibration" not in text
    assert page.problems.all() == []


def test_nine_box_as_the_leader(demo_site, site_page):
    page = site_page
    log_in(page, "leader")
    cycle = demo_site.demo.made["review_cycle"]
    page.goto(f"/team/reviews/{cycle}/ninebox/")
    grid = page.get_by_role("table", name=re.compile("Nine-box grid"))
    assert grid.locator("thead th").all_text_contents() == ["Low performance", "Medium performance",
                                                            "High performance"]
    assert grid.locator("tbody th").all_inner_texts() == ["High potential", "Medium potential", "Low potential"]
    # The demo calibrates Priya 4/4 (high, high: Star) and Julia 3/4 (medium performance, high potential).
    star = grid.locator("td.row-0.col-2")
    assert star.locator("a strong").inner_text() == "Star"
    assert star.locator("li").all_inner_texts() == ["Priya Raman"]
    assert grid.locator("td.row-0.col-1 li").all_inner_texts() == ["Julia Mensah"]
    assert grid.locator("td li").count() == 2
    star.get_by_role("link").click()
    drill = page.get_by_role("region", name="Star")
    assert drill.get_by_role("link").all_inner_texts() == ["Priya Raman"]
    page.screenshot(path="/tmp/headway-ninebox-1280.png", full_page=True)
    assert page.problems.all() == []


def test_job_description_flags_exclusionary_wording(demo_site, site_page):
    from headway.team.models import JobDescription

    job = JobDescription.objects.get(title="Senior Product Manager, Growth")
    page = site_page
    log_in(page, "leader")
    page.goto("/team/jobs/")
    page.get_by_role("link", name="Senior Product Manager, Growth").click()
    assert page.get_by_role("heading", name="Inclusive-language check (0)").is_visible()
    page.get_by_label("Summary").fill("We want a rockstar who owns growth for shoppers.")
    page.get_by_label("Change note").fill("Try a bolder summary")
    page.get_by_role("button", name="Save version").click()
    assert page.get_by_role("status").inner_text() == "Saved as a new version."
    assert page.get_by_role("heading", name="Inclusive-language check (1)").is_visible()
    finding = page.locator("ul.findings li")
    assert finding.locator("strong").all_inner_texts() == ["rockstar"]
    assert "summary" in finding.inner_text()
    assert JobDescription.objects.get(pk=job.pk).version == job.version + 1
    assert page.problems.all() == []
