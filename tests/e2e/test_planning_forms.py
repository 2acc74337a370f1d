"""Proposing and editing an idea in a real browser, by keyboard, on a wide and a narrow screen."""

from __future__ import annotations

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_propose_an_idea_by_keyboard_fix_the_errors_then_edit_it(demo_site, site_page):
    from headway.planning import services
    from headway.planning.models import Initiative
    from headway.strategy import services as strategy

    page = site_page
    log_in(page, "pm")
    page.goto("/roadmap/backlog/")
    page.get_by_role("link", name="New idea").click()
    assert page.get_by_role("heading", level=1).inner_text() == "New idea"

    # Leave the title out and give a negative effort: both problems come back next to their fields.
    team = services.get_team("Checkout")
    page.get_by_label("Problem", exact=True).focus()
    page.keyboard.type("Shoppers cannot save a cart for later.")
    page.get_by_label("Checkout (person-weeks").fill("-2")
    page.get_by_role("button", name="Propose idea").click()
    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == "There are 2 problems"
    assert page.locator("#title-error").text_content() == "Error: give a title of 1 to 200 characters"
    assert "must be 0 or more, got -2" in page.locator(f"#effort-{team.pk}-error").inner_text()
    assert page.get_by_label("Problem", exact=True).input_value() == "Shoppers cannot save a cart for later."
    summary.get_by_role("link", name="title").click()
    assert page.evaluate("document.activeElement.id") == "title"

    # Fix them by keyboard only: type the title, tab through to the effort, submit with Enter.
    page.keyboard.type("Save cart for later")
    page.get_by_label("Kind").select_option("innovate")
    page.get_by_label("Checkout (person-weeks").focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("6")
    page.get_by_label("Duration").select_option("2")
    goal = strategy.list_goals(None).get(title="Make checkout effortless")
    page.get_by_label("Goal").select_option(str(goal.pk))
    page.get_by_label("Expected impact").focus()
    page.keyboard.type("+1 pt checkout conversion")
    page.keyboard.press("Enter")
    page.wait_for_url("**/roadmap/ideas/*/")
    idea = Initiative.objects.get(title="Save cart for later")
    assert page.get_by_role("status").inner_text() == f"Idea #{idea.pk} Save cart for later proposed."
    assert page.get_by_role("heading", level=1).inner_text() == f"#{idea.pk} Save cart for later"
    assert (idea.kind, idea.duration, idea.goal) == ("innovate", 2, goal)
    assert page.locator("dd.cost").inner_text() == f"{6 * float(team.cost_per_week):,.0f}"

    # The new idea's page opens its scoring inputs: RICE, ICE and WSJF in one form, saved at once.
    inputs = {"reach": "1200", "impact": "2", "confidence": "0.8", "ice_impact": "7", "ice_confidence": "6",
              "ease": "5", "user_business_value": "8", "time_criticality": "5", "risk_reduction": "3"}
    assert page.locator("details.scoring-inputs").get_attribute("open") is not None
    for name, value in inputs.items():
        page.locator(f"#in-{name}").fill(value)
    page.locator("#in-detail").fill("Support tickets, Q3")
    page.get_by_role("button", name="Save inputs").click()
    page.wait_for_url(f"**/roadmap/ideas/{idea.pk}/")
    assert page.get_by_role("status").inner_text() == f"Scoring inputs saved: {', '.join(inputs)}."
    idea.refresh_from_db()
    assert {name: idea.inputs[name]["value"] for name in inputs} == {k: float(v) for k, v in inputs.items()}
    assert page.locator("#in-reach").input_value() == "1200"  # as typed, no "1200.0"
    assert "Reach = 1,200" in page.locator("main").inner_text()

    page.screenshot(path="/tmp/headway-idea-1280.png", full_page=True)
    page.get_by_role("link", name="Edit idea").click()
    assert page.get_by_label("Title").input_value() == "Save cart for later"
    page.get_by_label("Title").fill("Save carts for later")
    page.get_by_role("button", name="Save idea").click()
    page.wait_for_url(f"**/roadmap/ideas/{idea.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"#{idea.pk} Save carts for later"
    # the one form the server refused answered 422 (Unprocessable Entity), which the console reports
    assert [p for p in page.problems.all() if "status of 422" not in p] == []
    assert len(page.problems.all()) == 1


def test_idea_form_fits_a_narrow_screen(demo_site, site_phone_page):
    page = site_phone_page
    log_in(page, "pm")
    page.goto("/roadmap/ideas/new/")
    page.get_by_role("button", name="Propose idea").click()  # with the errors shown too
    page.locator("#title-error").wait_for()
    page.screenshot(path="/tmp/headway-idea-form-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = page.get_by_label("Title").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert [p for p in page.problems.all() if "status of 422" not in p] == []
