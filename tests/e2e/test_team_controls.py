"""The team's controls end to end in a real browser, on one shared demo (issue 14, points 1 and 5): the org chart
opens collapsed, fits and expands with the keyboard; the people list searches, sorts and pages; the ladder shows
every level at 1440 px and 390 px; the anonymity threshold; a 360 cycle from reviewees to nominations by a
manager to who is missing and a reminder the reviewer sees; a check-in series' cadence and end; erasure of a
person's and a candidate's data with confirmation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import log_in, open_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def narrow(browser, demo_site) -> Iterator:
    context, page = open_page(browser, demo_site, width=390, height=844)
    yield page
    context.close()


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def tab_until(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement.closest(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_the_org_chart_opens_collapsed_fits_and_expands_with_the_keyboard(demo_site, wide):
    from headway.team.models import Person

    page = wide
    log_in(page, "leader")
    page.goto("/team/")
    top = Person.objects.get(active=True, manager=None)
    heads = list(Person.objects.filter(active=True, manager=top))
    boxes = page.locator(".org-chart svg a.org-box")
    assert boxes.count() == 1 + len(heads)
    assert page.evaluate("(() => { const c = document.querySelector('.org-chart');"
                         " return c.scrollWidth <= c.clientWidth; })()")
    no_sideways_scroll(page, 1440)
    lena = Person.objects.get(name="Lena Okafor")
    below = Person.objects.filter(active=True, manager=lena).count()
    tab_until(page, f'a.org-box[data-person="{lena.pk}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**open={lena.pk}**")
    assert boxes.count() == 1 + len(heads) + below
    shown = {int(x) for x in page.locator(".org-chart a.org-box").evaluate_all("bs => bs.map(b => b.dataset.person)")}
    assert shown == {top.pk, *(h.pk for h in heads), *Person.objects.filter(active=True, manager=lena)
                     .values_list("pk", flat=True)}
    no_sideways_scroll(page, 1440)
    page.locator(f'a.org-box[data-person="{lena.pk}"]').click()  # a second click hides them again
    page.wait_for_url(lambda url: f"open={lena.pk}" not in url)
    assert boxes.count() == 1 + len(heads)
    assert page.problems.all() == []


def test_the_people_list_searches_sorts_and_pages(demo_site, wide):
    from headway.team.models import Person

    page = wide
    log_in(page, "viewer")
    page.goto("/team/")
    total = Person.objects.filter(active=True).count()
    assert page.locator(".people-count").inner_text() == f"{total} people · page 1 of {-(-total // 25)}"
    assert page.locator("table.people tbody tr").count() == 25
    page.get_by_role("link", name="Next").click()
    assert page.locator(".people-count").inner_text().endswith("page 2 of 3")
    page.get_by_label("Search").fill("designer")
    page.get_by_label("Sort by").select_option("-name")
    page.get_by_role("button", name="Show").click()
    expected = sorted(Person.objects.filter(active=True, title__icontains="designer").values_list("name", flat=True),
                      key=str.lower, reverse=True)
    assert page.locator("table.people tbody th").all_inner_texts() == expected
    lena = Person.objects.get(name="Lena Okafor")
    page.get_by_role("link", name="Clear").click()
    page.get_by_label("Manager").select_option(str(lena.pk))
    page.get_by_role("button", name="Show").click()
    reports = sorted(Person.objects.filter(active=True, manager=lena).values_list("name", flat=True), key=str.lower)
    assert page.locator("table.people tbody th").all_inner_texts() == reports
    no_sideways_scroll(page, 1440)
    assert page.problems.all() == []


def test_the_ladder_shows_every_level_at_1440_and_390(demo_site, wide, narrow):
    from headway.team.services import ladders

    levels = ladders.current_ladder(None).levels
    assert len(levels) == 8
    page = wide
    log_in(page, "viewer")
    page.goto("/team/ladder/")
    heads = page.locator("table.ladder-expectations thead th")
    assert heads.evaluate_all("hs => hs.map(h => h.textContent.trim())")[1:] == [lv.title for lv in levels]
    wrap = page.locator("table.ladder-expectations").locator("xpath=..").bounding_box()
    for box in (heads.nth(i).bounding_box() for i in range(heads.count())):
        assert box["x"] >= wrap["x"] - 1 and box["x"] + box["width"] <= wrap["x"] + wrap["width"] + 1
    assert page.evaluate("(() => { const t = document.querySelector('table.ladder-levels').parentElement;"
                         " return t.scrollWidth <= t.clientWidth; })()")
    no_sideways_scroll(page, 1440)

    page = narrow
    log_in(page, "viewer")
    page.goto("/team/ladder/")
    summaries = page.locator(".expectations-by-level summary")
    assert summaries.all_inner_texts() == [lv.title for lv in levels]
    assert all(summaries.nth(i).is_visible() for i in range(8))
    titles = page.locator("table.ladder-levels td.level-title")
    assert [t.strip().removeprefix("Level:").strip() for t in titles.all_inner_texts()] == [lv.title for lv in levels]
    for i in range(8):
        box = titles.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    summaries.nth(7).click()
    assert page.locator(".expectations-by-level details").nth(7).locator("dt").first.is_visible()
    no_sideways_scroll(page, 390)
    assert page.problems.all() == [] and wide.problems.all() == []


def test_an_admin_sets_the_anonymity_threshold(demo_site, wide, narrow):
    from headway.team.services import reviews

    log_in(narrow, "leader")
    narrow.goto("/team/reviews/")
    assert narrow.locator("strong.threshold").inner_text() == "3"
    assert narrow.locator("#threshold").count() == 0  # leaders may not (workspace.edit)
    page = wide
    log_in(page, "admin")
    page.goto("/team/reviews/")
    page.get_by_label("Anonymity threshold").fill("4")
    page.get_by_role("button", name="Save threshold").click()
    assert page.get_by_role("status").filter(has_text="Anonymity threshold set to 4.").is_visible()
    assert page.locator("strong.threshold").inner_text() == "4" and reviews.threshold() == 4
    page.get_by_label("Anonymity threshold").fill("1")
    page.get_by_role("button", name="Save threshold").click()
    assert page.locator("#threshold").evaluate("i => i.validity.rangeUnderflow")  # the browser keeps it (2 at least)
    assert reviews.threshold() == 4
    reviews.set_threshold(None, 3)  # as the demo had it
    assert page.problems.all() == []


def test_a_cycle_from_reviewees_to_a_managers_nominations_to_a_reminder(demo_site, wide, narrow):
    from headway.team.models import Nomination, Person, ReviewCycle

    priya, carlos = Person.objects.get(name="Priya Raman"), Person.objects.get(name="Carlos Mendes")
    other = Person.objects.filter(active=True, manager=priya.manager).exclude(pk=priya.pk).order_by("name").first()
    page = wide
    log_in(page, "leader")
    page.goto("/team/reviews/")
    page.get_by_label("Name").fill("E2E 360")
    page.get_by_label("Reviewees").select_option(str(priya.pk))
    page.get_by_role("button", name="Create draft").click()
    page.get_by_role("link", name="E2E 360").click()
    page.get_by_label("People to review in E2E 360").select_option(str(other.pk))
    page.get_by_role("button", name="Add reviewees").click()
    assert page.get_by_role("status").filter(has_text=f"Added {other.name}.").is_visible()
    page.get_by_role("button", name="Move to nominating").click()
    page.get_by_label(f"Nominate reviewers for {priya.name} (approved at once)").select_option(str(carlos.pk))
    page.get_by_role("button", name=f"Nominate for {priya.name}").click()
    assert page.get_by_role("status").filter(has_text="Reviewers nominated.").is_visible()
    cycle = ReviewCycle.objects.get(name="E2E 360")
    assert Nomination.objects.get(review__cycle=cycle, reviewer=carlos).status == "approved"
    page.get_by_role("button", name="Move to collecting").click()
    missing = page.locator("table.missing tbody tr")
    assert missing.count() == 2
    row = missing.filter(has_text=priya.name)
    assert row.locator("td").first.inner_text() == "3"
    assert carlos.name not in page.locator("table.missing").inner_text()  # counts, never names
    row.get_by_role("button", name=f"Remind the reviewers of {priya.name}").click()
    assert page.get_by_role("status").filter(has_text="Reminded 3 reviewers.").is_visible()
    no_sideways_scroll(page, 1440)

    phone = narrow  # the reviewer sees the reminder on their own Reviews page, on a phone
    log_in(phone, "contributor")
    phone.goto("/team/reviews/")
    item = phone.locator("li").filter(has_text=f"Review {priya.name}")
    assert "reminder sent" in item.inner_text()
    no_sideways_scroll(phone, 390)
    assert page.problems.all() == [] and phone.problems.all() == []


def test_a_check_in_series_changes_cadence_and_ends(demo_site, wide):
    from headway.team.models import CheckinPair, Person
    from headway.team.services import checkins

    priya = Person.objects.get(name="Priya Raman")
    pair = CheckinPair.objects.get(report=priya, manager=priya.manager)
    page = wide
    log_in(page, "pm")
    page.goto(f"/team/checkins/{pair.pk}/")
    page.get_by_label("Cadence", exact=True).select_option("monthly")
    page.get_by_role("button", name="Change cadence").click()
    assert page.get_by_role("status").filter(has_text="Check-ins are now monthly.").is_visible()
    page.get_by_role("button", name="End check-ins").click()  # the box is not ticked: the browser asks for it
    pair.refresh_from_db()
    assert pair.active and pair.cadence == "monthly"
    page.get_by_label("End these check-ins (the history stays)").check()
    page.get_by_role("button", name="End check-ins").click()
    assert page.locator("p.ended").is_visible()
    pair.refresh_from_db()
    assert not pair.active
    page.goto("/team/checkins/")
    assert page.locator(f'a[href="/team/checkins/{pair.pk}/"]').count() == 0
    checkins.create_pair(None, pair.manager_id, priya.pk, "weekly")  # as the demo had it
    assert page.problems.all() == []


def test_an_admin_erases_a_persons_and_a_candidates_data(demo_site, wide, narrow):
    from headway.team import services
    from headway.team.models import Person, Scorecard
    from headway.team.services import interviews

    erin = services.create_person(None, name="Erin Erasable", title="Product Manager", department="product",
                                  manager=Person.objects.get(name="Lena Okafor").pk)
    job = Scorecard.objects.select_related("kit").first().kit.job_id
    interviews.assign(None, job, "Casey Candidate", 1, "leader", candidate_email="casey@example.com")
    log_in(narrow, "leader")
    narrow.goto(f"/team/people/{erin.pk}/")
    assert narrow.get_by_role("heading", level=1).inner_text() == "Erin Erasable"
    assert narrow.get_by_role("link", name="Erase Erin Erasable's data…").count() == 0
    page = wide
    log_in(page, "admin")
    page.goto(f"/team/people/{erin.pk}/")
    page.get_by_role("link", name="Erase Erin Erasable's data…").click()
    page.get_by_label("Type “Erin Erasable” to confirm").fill("Erin")
    page.get_by_role("button", name="Erase the data").click()
    assert "Type 'Erin Erasable' exactly" in page.get_by_role("alert").inner_text()
    page.get_by_label("Type “Erin Erasable” to confirm").fill("Erin Erasable")
    page.get_by_role("button", name="Erase the data").click()
    assert page.get_by_role("status").filter(has_text="Erased Erin Erasable's data").is_visible()
    assert Person.objects.filter(pk=erin.pk).values_list("name", "active").get() == (f"Deleted person {erin.pk}",
                                                                                      False)
    phone = narrow
    phone.context.clear_cookies()  # log the leader out
    log_in(phone, "admin")
    phone.goto(f"/team/jobs/{job}/interviews/?candidate=Casey+Candidate")
    phone.get_by_role("link", name="Erase a candidate's data…").click()
    assert phone.get_by_label("Candidate's name, as the scorecards give it").input_value() == "Casey Candidate"
    phone.get_by_label("Type the name again to confirm").fill("Casey Candidate")
    no_sideways_scroll(phone, 390)
    phone.get_by_role("button", name="Erase the data").click()
    assert phone.get_by_role("status").filter(has_text="Erased Casey Candidate's data: 1 scorecard.").is_visible()
    assert not Scorecard.objects.filter(candidate="Casey Candidate").exists()
    assert page.problems.all() == [] and phone.problems.all() == []
