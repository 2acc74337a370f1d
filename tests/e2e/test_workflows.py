"""Workflows of issue 14, point 1, that no other browser test walked, end to end on one shared demo: a feedback
item added in the inbox and linked to an idea with an importance, and a whole theme linked to an idea; a person
added, edited, moved to another manager, given a level and marked as having left (out of the org chart); a check-in
series started from the Check-ins page; a reviewee's own nomination approved by their manager."""

from __future__ import annotations

import pytest

from .conftest import log_in, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def status(page, text: str) -> None:
    """The page's success message says ``text``."""
    assert page.get_by_role("status").filter(has_text=text).is_visible(), page.content()[:2000]


def test_feedback_added_in_the_inbox_and_linked_to_an_idea_and_a_theme_linked_too(demo_site, wide):
    from headway.discovery.models import DemandLink, FeedbackItem, Theme
    from headway.planning.models import Initiative

    idea = Initiative.objects.order_by("pk").first()
    page = wide
    log_in(page, "pm")
    page.goto("/feedback/inbox/")
    if not page.locator("#fb-text").is_visible():
        page.locator("details.add-feedback summary").click()
    page.locator("#fb-text").fill("E2E: there is no gift wrapping at checkout")
    page.locator("#fb-source").select_option("sales")
    page.get_by_role("button", name="Add feedback", exact=True).click()
    status(page, "Feedback added")
    item = FeedbackItem.objects.get(text="E2E: there is no gift wrapping at checkout")
    assert item.source == "sales"

    page.goto("/feedback/inbox/?q=gift+wrapping+at+checkout")
    page.locator(f"#item-{item.pk}").check()
    page.get_by_label("Idea number").fill(str(idea.pk))
    page.get_by_label("Importance").select_option("critical")
    page.get_by_role("button", name="Link to the idea").click()
    status(page, f"Linked to idea {idea.pk}: its demand score is now")
    assert list(DemandLink.objects.filter(item=item).values_list("importance", flat=True)) == ["critical"]

    theme = Theme.objects.filter(is_parent=False, size__gt=0).order_by("pk").first()
    page.goto(f"/feedback/themes/{theme.pk}/")
    page.get_by_label("Link this theme to idea number").fill(str(idea.pk))
    page.locator("#theme-importance").select_option("nice_to_have")
    page.get_by_role("button", name="Link", exact=True).click()
    status(page, f"Linked to idea {idea.pk}")
    assert list(DemandLink.objects.filter(theme=theme).values_list("importance", flat=True)) == ["nice_to_have"]
    assert page.problems.all() == []


def test_a_person_is_added_edited_moved_levelled_and_leaves_the_org_chart(demo_site, wide):
    from headway.team.models import Person
    from headway.team.services import ladders

    lena = Person.objects.get(name="Lena Okafor")
    priya = Person.objects.get(name="Priya Raman")
    levels = [level.slug for level in ladders.current_ladder(None).levels]
    page = wide
    log_in(page, "leader")
    page.goto("/team/")
    page.locator("#new-name").fill("Nia Newcomer")
    page.locator("#new-title").fill("Product designer")
    page.locator("#new-manager").select_option(str(lena.pk))
    page.get_by_role("button", name="Add person", exact=True).click()
    status(page, "Person added.")
    nia = Person.objects.get(name="Nia Newcomer")
    assert (nia.title, nia.manager_id, nia.active) == ("Product designer", lena.pk, True)

    page.goto(f"/team/people/{nia.pk}/")
    page.get_by_text("Edit Nia Newcomer").click()
    page.locator("#edit-title").fill("Senior product designer")
    page.locator("#edit-level").select_option(levels[1])
    page.locator("#edit-manager").select_option(str(priya.pk))
    page.get_by_role("button", name="Save", exact=True).click()
    status(page, "Saved.")
    nia.refresh_from_db()
    assert (nia.title, nia.level, nia.manager_id) == ("Senior product designer", levels[1], priya.pk)
    assert page.locator("dl.profile").get_by_role("link", name="Priya Raman").is_visible()
    page.goto("/team/?chart=all")
    assert "Nia Newcomer" in page.locator("main").inner_text()

    page.goto(f"/team/people/{nia.pk}/")
    page.get_by_text("Edit Nia Newcomer").click()
    page.locator("#edit-active").select_option("0")
    page.get_by_role("button", name="Save", exact=True).click()
    status(page, "Saved.")
    assert page.get_by_text("Nia Newcomer has left").is_visible()
    nia.refresh_from_db()
    assert not nia.active
    page.goto("/team/?chart=all")
    assert "Nia Newcomer" not in page.locator("main").inner_text()
    assert page.problems.all() == []


def test_a_check_in_series_starts_from_the_check_ins_page(demo_site, wide):
    from headway.team.models import CheckinPair, Person

    lena = Person.objects.get(name="Lena Okafor")
    paired = CheckinPair.objects.filter(manager=lena, active=True).values_list("report_id", flat=True)
    report = Person.objects.filter(active=True).exclude(pk__in=[lena.pk, *paired]).order_by("name").first()
    page = wide
    log_in(page, "leader")
    page.goto("/team/checkins/")
    page.get_by_label("Manager", exact=True).select_option(str(lena.pk))
    page.get_by_label("Report", exact=True).select_option(str(report.pk))
    page.locator("#ci-cadence").select_option("biweekly")
    page.get_by_role("button", name="Start", exact=True).click()
    status(page, "Check-ins started.")
    pair = CheckinPair.objects.get(manager=lena, report=report, active=True)
    assert pair.cadence == "biweekly"
    assert page.locator(f'a[href="/team/checkins/{pair.pk}/"]').count() >= 1
    assert page.problems.all() == []


def test_a_reviewees_own_nomination_is_approved_by_their_manager(demo_site, wide, browser):
    from headway.team.models import Nomination, Person
    from headway.team.services import reviews

    priya = Person.objects.get(name="Priya Raman")  # the demo's product manager; the leader manages her
    reviewer = Person.objects.filter(active=True).exclude(pk__in=[priya.pk, priya.manager_id]).order_by(
        "name").first()
    cycle = reviews.create_cycle(None, "E2E proposals", [priya.pk])
    reviews.advance(None, cycle.pk)

    page = wide
    log_in(page, "pm")
    page.goto(f"/team/reviews/{cycle.pk}/")
    page.get_by_label("Nominate reviewers", exact=True).select_option(str(reviewer.pk))
    page.get_by_role("button", name="Nominate", exact=True).click()
    status(page, "Reviewers nominated.")
    nomination = Nomination.objects.get(review__cycle=cycle, reviewer=reviewer)
    assert nomination.status == "proposed"

    context, boss = open_page(browser, demo_site, width=1440, height=900)
    try:
        log_in(boss, "leader")
        boss.goto(f"/team/reviews/{cycle.pk}/")
        boss.locator("li").filter(has_text=reviewer.name).get_by_role("button", name="Approve").click()
        status(boss, "Nomination decided.")
        nomination.refresh_from_db()
        assert nomination.status == "approved"
        assert boss.problems.all() == []
    finally:
        context.close()
    assert page.problems.all() == []
