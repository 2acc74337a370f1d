"""Planning's whole job in a real browser on the shared demo (issue 14, points 1 and 5; issue 16, point 4): a
team's capacity, the backlog's search and per-row scoring inputs saved with HTMX, reach from evidence, importing a
Jira export with its per-line report, deleting an idea after a confirmation, a scenario applied and deleted, a
product area renamed and deleted — each as a role that may, at 1440 px and 390 px without sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import log_in, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAGES = ("/roadmap/backlog/", "/roadmap/teams/", "/roadmap/ideas/import/", "/roadmap/optimise/", "/roadmap/",
         "/roadmap/scoring/", "/goals/areas/")


def test_a_leader_changes_a_teams_capacity(demo_site, site_page):
    from headway.planning import services

    page = site_page
    log_in(page, "leader")
    page.goto("/roadmap/backlog/")
    page.get_by_role("navigation", name="Ideas and roadmap sections").get_by_role("link", name="Teams").click()
    team = services.list_teams(None).first()
    before = (team.headcount, team.weeks_per_quarter)
    row = page.locator(f"#team-{team.pk}")
    row.get_by_text("Change").click()
    row.get_by_label("Headcount").fill(str(team.headcount + 1))
    row.get_by_label("Working weeks per quarter").fill("10")
    row.get_by_role("button", name=f"Save {team.name}").click()
    page.wait_for_url(f"**/roadmap/teams/#team-{team.pk}")
    capacity = (team.headcount + 1) * 10
    assert page.get_by_role("status").inner_text() == f"Team {team.name} saved: {capacity} person-weeks a quarter."
    assert page.locator(f"#team-{team.pk} td.capacity").inner_text() == f"{capacity:,}"
    services.save_team(None, team.name, headcount=before[0], weeks_per_quarter=before[1])  # leave the demo as it was
    assert page.problems.all() == []


def test_the_backlog_searches_and_saves_a_rows_inputs_in_place(demo_site, site_page):
    from headway.planning import services

    idea = services.create_initiative(None, title="Browser-scored idea", kind="innovate",
                                      effort={services.list_teams(None).first().name: 4})
    page = site_page
    log_in(page, "pm")
    page.goto("/roadmap/backlog/")
    page.get_by_role("searchbox", name="Search").fill("browser-scored")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/roadmap/backlog/?q=browser-scored*")
    rows = page.locator("table.backlog tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("id") == f"idea-{idea.pk}"
    row = page.locator(f"#idea-{idea.pk}")
    row.get_by_text("Inputs").click()
    row.get_by_label("Reach").fill("300")
    row.get_by_label("Impact", exact=True).fill("2")
    row.get_by_label("Confidence", exact=True).fill("0.8")
    row.get_by_label("Kano category").select_option("attractive")
    url = page.url
    with page.expect_response(lambda r: f"/roadmap/backlog/{idea.pk}/" in r.url):
        row.get_by_role("button", name=f"Save #{idea.pk}").click()
    saved = page.locator(f"#idea-{idea.pk} [role=status]")
    saved.wait_for()
    primary = services.get_scoring_model(None)
    score = services.initiative_detail(None, idea.pk).scores
    assert page.url == url  # no navigation: the row was swapped in place
    assert "Kano attractive" in saved.inner_text() and page.locator(f"#idea-{idea.pk} td.kano").inner_text() == \
        "attractive"
    assert {k: v["value"] for k, v in services.get_initiative(None, idea.pk).inputs.items()} == {
        "reach": 300, "impact": 2, "confidence": 0.8}
    if primary.framework == "rice":  # RICE by hand: 300 x 2 x 0.8 / 4 person-weeks = 120
        assert [s.value for s in score if s.model == primary.name] == [120]
        assert page.locator(f"#idea-{idea.pk} td.score").inner_text() == "120"
    # a wrong number answers in place, in the row, and keeps what was typed
    row = page.locator(f"#idea-{idea.pk}")
    row.get_by_text("Inputs").click()
    row.get_by_label("Ease").fill("lots")
    with page.expect_response(lambda r: f"/roadmap/backlog/{idea.pk}/" in r.url):
        row.get_by_role("button", name=f"Save #{idea.pk}").click()
    alert = page.locator(f"#idea-{idea.pk} [role=alert]")
    alert.wait_for()
    assert "The scoring inputs are not valid" in alert.inner_text()
    assert page.locator(f"#row-{idea.pk}-ease").input_value() == "lots"
    assert "ease" not in services.get_initiative(None, idea.pk).inputs
    services.delete_initiative(None, idea.pk)
    assert page.problems.all() == []


def test_import_a_jira_export_fix_the_bad_lines_then_delete_an_imported_idea(demo_site, site_page, tmp_path: Path):
    from headway.planning.models import Initiative
    from tests.planning.test_import import JIRA

    before = Initiative.objects.count()
    bad = tmp_path / "bad.csv"
    bad.write_text(JIRA.replace("288000", "soon").replace("SHOP-", "E2E-"))
    good = tmp_path / "good.csv"
    good.write_text(JIRA.replace("SHOP-", "E2E-"))
    page = site_page
    log_in(page, "pm")
    page.goto("/roadmap/backlog/")
    page.get_by_role("link", name="Import from Jira or Linear").click()
    page.get_by_label("Exported from").select_option("jira")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    report = page.locator("table.import-errors")
    assert report.locator("tbody tr").count() == 1
    assert report.locator("tbody td").first.inner_text() == "2" and Initiative.objects.count() == before
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    page.get_by_role("heading", name="Imported").wait_for()
    assert "3 new ideas, 0 updated." in page.locator("section.card").inner_text()
    assert Initiative.objects.count() == before + 3
    imported = Initiative.objects.get(external_ref="E2E-1")
    # the pm may not delete: no button; a leader may, after a confirmation
    page.goto(f"/roadmap/ideas/{imported.pk}/")
    assert page.get_by_role("link", name="Delete idea").count() == 0
    leader_context, leader = open_page(page.context.browser, demo_site)
    log_in(leader, "leader")
    leader.goto(f"/roadmap/ideas/{imported.pk}/")
    leader.get_by_role("link", name="Delete idea").click()
    assert leader.get_by_role("heading", level=1).inner_text() == f"Delete #{imported.pk} Saved searches?"
    assert Initiative.objects.filter(pk=imported.pk).exists()
    leader.get_by_role("button", name=f"Delete #{imported.pk} for good").click()
    leader.wait_for_url("**/roadmap/backlog/")
    assert leader.get_by_role("status").inner_text() == f"Idea #{imported.pk} Saved searches deleted."
    assert not Initiative.objects.filter(pk=imported.pk).exists()
    Initiative.objects.filter(external_ref__startswith="E2E-").delete()  # leave the demo as it was
    assert [p for p in page.problems.all() if "status of 422" not in p] == [] and len(page.problems.all()) == 1
    assert leader.problems.all() == []
    leader_context.close()


def test_a_scenario_deleted_and_a_product_area_renamed_and_deleted(demo_site, site_page):
    from headway.planning import services
    from headway.strategy import services as strategy

    services.optimise(None, {"quarters": 1}, scenario="E2E throwaway")
    strategy.create_area(None, "E2E line", "line")
    page = site_page
    log_in(page, "leader")
    page.goto("/roadmap/optimise/")
    table = page.locator("table.scenario-actions")
    row = table.locator("tr", has=page.get_by_role("rowheader", name="E2E throwaway"))
    row.get_by_role("checkbox").check()
    row.get_by_role("button", name="Delete E2E throwaway").click()
    page.wait_for_url("**/roadmap/optimise/#scenarios")
    assert page.get_by_role("status").inner_text() == "Scenario E2E throwaway deleted."
    assert not services.list_scenarios(None).filter(name="E2E throwaway").exists()

    page.goto("/goals/areas/")
    area = strategy.get_area(None, "E2E line")
    item = page.locator(f"#area-{area.pk}")
    item.get_by_text("Rename or delete").click()
    item.get_by_label("New name").fill("E2E renamed")
    item.get_by_role("button", name="Save E2E line").click()
    page.wait_for_url(f"**/goals/areas/#area-{area.pk}")
    assert page.get_by_role("status").inner_text() == "Product line E2E line saved as E2E renamed."
    item = page.locator(f"#area-{area.pk}")
    item.get_by_text("Rename or delete").click()
    item.get_by_role("checkbox").check()
    item.get_by_role("button", name="Delete E2E renamed").click()
    page.wait_for_url("**/goals/areas/")
    assert "E2E renamed deleted" in page.get_by_role("status").inner_text()
    assert page.locator(f"#area-{area.pk}").count() == 0
    assert page.problems.all() == []


@pytest.mark.parametrize("width", [1440, 390])
def test_the_planning_pages_fit_the_screen(demo_site, browser, width):
    context, page = open_page(browser, demo_site, width=width, height=900)
    log_in(page, "leader")
    for path in PAGES:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    page.goto("/roadmap/backlog/")
    first = page.locator("table.backlog tbody tr").first
    first.locator("td.row-inputs summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the open inputs scroll in their table
    page.screenshot(path=f"/tmp/headway-backlog-{width}.png")
    assert page.problems.all() == []
    context.close()


def test_reach_from_evidence_kano_answers_and_a_scenario_applied(demo_site, site_page):
    from headway.planning import services

    idea = services.create_initiative(None, title="Evidence-backed idea", kind="iterate")
    page = site_page
    log_in(page, "pm")
    page.goto(f"/roadmap/ideas/{idea.pk}/")
    page.get_by_text("Reach and impact from evidence").click()
    page.get_by_label("Reach: persons who did").fill("purchase")
    page.get_by_label("in the last").select_option("30")
    page.get_by_role("button", name="Set reach from analytics").click()
    reach = services.get_initiative(None, idea.pk).inputs["reach"]
    assert reach["source"] == "analytics" and reach["value"] > 0
    assert page.get_by_role("status").inner_text().startswith("Reach set from analytics: persons who did purchase "
                                                             "in the 30 days to ")
    page.get_by_text("Reach and impact from evidence").click()
    page.get_by_role("button", name="Set impact from the KPI").click()
    assert "has no KPI: link one first" in page.get_by_role("alert").inner_text()
    assert "impact" not in services.get_initiative(None, idea.pk).inputs
    # the Kano answer pair on the idea form sets the category
    page.get_by_role("link", name="Edit idea").click()
    page.get_by_label("Kano: if it has this").select_option("like")
    page.get_by_label("Kano: if it has not").select_option("dislike")
    page.get_by_role("button", name="Save idea").click()
    page.wait_for_url(f"**/roadmap/ideas/{idea.pk}/")
    assert services.get_initiative(None, idea.pk).kano == "one-dimensional"
    services.delete_initiative(None, idea.pk)
    assert page.problems.all() == []

    # a leader puts the demo's saved plan on the roadmap from the optimiser
    leader_context, page = open_page(page.context.browser, demo_site)
    log_in(page, "leader")
    page.goto("/roadmap/optimise/")
    name = services.list_scenarios(None).first().name
    row = page.locator("table.scenario-actions tr", has=page.get_by_role("rowheader", name=name, exact=True))
    row.get_by_role("button", name=f"Apply {name}").click()
    page.wait_for_url("**/roadmap/")
    placed = len(services.get_scenario(None, name).result["items"])
    assert page.get_by_role("status").inner_text().startswith(f"Scenario {name} is on the roadmap: ")
    assert page.locator(".board-column .count").all_inner_texts() and placed > 0
    assert page.problems.all() == []
    leader_context.close()
