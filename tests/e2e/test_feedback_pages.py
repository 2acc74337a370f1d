"""The Feedback pages in a real browser, on one shared demo: themes, a theme, search, the inbox, contact privacy."""

from __future__ import annotations

import re

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.example")


def test_theme_list_and_a_theme_with_quotes_and_accounts(demo_site, site_page):
    from headway.discovery.models import FeedbackItem, Theme

    page = site_page
    log_in(page, "leader")
    page.goto("/feedback/")
    assert page.get_by_role("heading", level=1).inner_text() == "Feedback"
    table = page.get_by_role("table", name="Themes", exact=True)
    rows = table.locator("tbody tr")
    assert rows.count() == Theme.objects.filter(is_parent=False).count()
    first = rows.first
    label = first.locator("th a").inner_text()
    theme = Theme.objects.get(label=label, is_parent=False)
    items = FeedbackItem.objects.filter(theme=theme)
    size = items.count()
    assert int(first.locator("td").first.inner_text()) == size
    sizes = [int(t) for t in table.locator("tbody tr td:nth-of-type(1)").all_inner_texts()]
    assert sizes == sorted(sizes, reverse=True)  # the biggest theme first

    first.locator("th a").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(label)
    assert page.locator("[data-metric=size]").inner_text() == str(size)
    accounts = items.exclude(account=None).values("account").distinct().count()
    assert page.locator("[data-metric=accounts]").inner_text() == str(accounts)
    quotes = page.locator("ul.quotes > li")
    assert quotes.count() == min(size, 20)
    texts = set(items.values_list("text", flat=True))
    assert all(q in texts for q in quotes.locator("blockquote").all_inner_texts())
    account_rows = page.locator("h2:text('Accounts asking') + .table-wrap tbody tr")
    assert account_rows.count() == accounts
    # The leader may see contact details: the quotes from known people name them with their email (a support
    # ticket with no account has none).
    hints = quotes.locator(".hint").all_inner_texts()
    assert any(EMAIL.search(h) for h in hints)
    chart = page.locator("#theme-volume .chart-canvas")
    chart.locator("svg .mark-rect path").first.wait_for()
    weeks = len(page.locator("#theme-volume .chart-data tbody tr").all())
    assert chart.locator("svg .mark-rect path").count() == weeks
    assert page.problems.all() == []


def test_search_by_words_finds_matching_feedback(demo_site, site_page):
    page = site_page
    log_in(page, "leader")
    page.goto("/feedback/")
    page.get_by_role("search").get_by_label("Search words").fill("late delivery")
    page.get_by_role("button", name="Search").click()
    assert "q=late+delivery" in page.url
    hits = page.locator("ul.quotes > li blockquote").all_inner_texts()
    assert 0 < len(hits) <= 30
    assert page.get_by_text(re.compile(r"^\d+ match(es)? for “late delivery”\.$")).inner_text().startswith(
        f"{len(hits)} match")
    assert all(re.search(r"\blate|deliver", h, re.IGNORECASE) for h in hits)
    assert page.problems.all() == []


def test_inbox_hides_contact_details_from_a_viewer(demo_site, site_page):
    from headway.discovery.models import FeedbackItem

    page = site_page
    log_in(page, "viewer")
    page.goto("/feedback/inbox/")
    from headway.core.formatting import number

    new = FeedbackItem.objects.filter(reviewed=False).count()
    assert page.locator("p.lead").inner_text() == f"{number(new)} new items nobody has reviewed yet."
    # the inbox pages by 50 (issue 14, point 5): the newest 50 first, then "Next page"
    rows = page.locator("tbody tr")
    assert rows.count() == min(new, 50)
    pages = -(-new // 50)
    assert page.locator("#inbox-count").inner_text() == f"{number(new)} items · page 1 of {pages}"
    assert page.locator("input[type=checkbox]").count() == 0  # a viewer cannot mark items reviewed
    assert EMAIL.search(page.locator("main").inner_text()) is None
    page.goto("/feedback/")
    page.locator("table.themes-table tbody th a").first.click()
    assert page.locator("ul.quotes > li").count() > 0
    assert EMAIL.search(page.locator("main").inner_text()) is None
    assert page.problems.all() == []


def test_inbox_shows_contact_details_to_the_leader_who_marks_items_reviewed(demo_site, site_page):
    from headway.core.formatting import number
    from headway.discovery.models import Contact, FeedbackItem

    page = site_page
    log_in(page, "leader")
    page.goto("/feedback/inbox/")
    shown = EMAIL.findall(page.locator("tbody").inner_text())
    assert shown
    assert Contact.objects.filter(email__in=shown).count() == len(set(shown))
    before = FeedbackItem.objects.filter(reviewed=False).count()
    boxes = page.get_by_role("checkbox")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_role("button", name="Mark selected as reviewed").click()
    assert page.get_by_role("status").inner_text() == "2 item(s) marked as reviewed."
    assert FeedbackItem.objects.filter(reviewed=False).count() == before - 2
    assert page.locator("p.lead").inner_text().startswith(f"{number(before - 2)} new items")
    assert page.problems.all() == []


def test_feedback_pages_fit_a_narrow_screen(demo_site, site_phone_page):
    page = site_phone_page
    log_in(page, "leader")
    for path in ("/feedback/", "/feedback/inbox/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
    page.goto("/feedback/")
    assert page.locator(".table-wrap").first.evaluate("box => box.scrollWidth > box.clientWidth")
    page.screenshot(path="/tmp/headway-feedback-375.png")
    assert page.problems.all() == []


def test_a_quote_on_a_later_page_can_be_moved_from_that_page(demo_site, site_page):
    from headway.discovery import services
    from headway.discovery.models import FeedbackItem, Theme

    page = site_page
    log_in(page, "leader")
    theme = Theme.objects.filter(is_parent=False).order_by("-size", "id").first()
    assert theme.size > 40  # three pages of 20 quotes at least
    page.goto(f"/feedback/themes/{theme.pk}/")
    pager = page.get_by_role("navigation", name="Pages of quotes")
    assert pager.get_by_role("link").count() == -(-theme.size // 20)
    pager.get_by_role("link", name="3", exact=True).click()
    assert page.url.endswith(f"/feedback/themes/{theme.pk}/?page=3")
    assert page.locator("[data-quotes-shown]").inner_text().startswith(f"Quotes 41–{min(60, theme.size)} of {theme.size}")
    box = page.get_by_role("checkbox").first
    item_id = int(box.get_attribute("value"))
    target = Theme.objects.filter(is_parent=False).exclude(pk=theme.pk).order_by("id").first()
    box.check()
    page.get_by_label("Move to").select_option(str(target.pk))
    page.get_by_role("button", name="Move", exact=True).click()
    assert page.get_by_role("status").inner_text() == f"1 item(s) moved to “{target.label}”; later runs leave them there."
    assert page.url.endswith(f"/feedback/themes/{theme.pk}/?page=3")
    assert FeedbackItem.objects.get(pk=item_id).theme_id == target.pk
    assert page.problems.all() == []
    services.move_items(None, [item_id], theme.pk)  # leave the shared demo as it was
    FeedbackItem.objects.filter(pk=item_id).update(pinned=False)
