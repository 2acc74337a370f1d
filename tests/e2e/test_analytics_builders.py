"""The cohort builder, the metric catalogue, a KPI's hand-entered value and the file imports (feedback and
events) in a real browser, on one shared demo (issue 14, point 1). Each number shown is checked against the
services called directly; the tests leave the demo as they found it, or only add to it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REPEAT_BUYERS = {"rules": [{"event": "purchase", "min_count": 2, "days": 30}], "match": "all"}


def fits(page) -> bool:
    """No sideways scrolling: the page is no wider than the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_leader_builds_previews_uses_edits_and_deletes_a_cohort(demo_site, site_page):
    from headway.analytics import services
    from headway.analytics.models import Cohort

    expected = services.preview_cohort(None, REPEAT_BUYERS).size
    assert expected > 0
    page = site_page
    log_in(page, "leader")
    page.goto("/insights/")
    page.get_by_role("navigation", name="Insight types").get_by_role("link", name="Cohorts").click()
    page.wait_for_url("**/insights/cohorts/")
    page.locator("#cohort-name").fill("Repeat buyers")
    page.locator("#rule-kind-1").select_option("event")
    page.locator("#rule-event-1").fill("purchase")
    page.locator("#rule-min-1").fill("2")
    page.locator("#rule-days-1").fill("30")
    page.get_by_role("button", name="Preview size").click()
    size = page.locator("#cohort-preview [data-cohort-size]")
    size.wait_for()
    assert int(size.get_attribute("data-cohort-size")) == expected
    page.get_by_role("button", name="Save cohort").click()
    page.wait_for_url("**/insights/cohorts/*/")
    cohort = Cohort.objects.get(name="Repeat buyers")
    assert int(page.locator("[data-cohort-size]").first.get_attribute("data-cohort-size")) == expected
    assert page.locator("#cohort-summary").inner_text() == "did purchase at least 2 times in the last 30 days"

    page.get_by_role("link", name="Trends for this cohort").click()
    page.locator("#trends-chart .chart-canvas svg").wait_for()
    assert page.locator("#f-cohort").input_value() == str(cohort.pk)

    page.goto(f"/insights/cohorts/{cohort.pk}/")
    page.locator("#cohort-name").fill("Loyal buyers")
    page.get_by_role("button", name="Save cohort").click()
    page.wait_for_url(f"**/insights/cohorts/{cohort.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cohort: Loyal buyers"
    page.get_by_role("button", name="Delete cohort").click()
    page.wait_for_url("**/insights/cohorts/")
    assert not Cohort.objects.filter(pk=cohort.pk).exists()
    assert page.get_by_text("Cohort “Loyal buyers” deleted.").is_visible()
    assert "Loyal buyers" not in page.locator("#cohort-list-title + .table-wrap").inner_text()
    assert page.problems.all() == []


def test_a_leader_reads_validates_and_adds_to_the_metric_catalogue(demo_site, site_page):
    from headway.analytics import services
    from headway.analytics.models import MetricDefinition

    original = services.metrics_yaml(None)
    names = list(MetricDefinition.objects.values_list("name", flat=True))
    page = site_page
    log_in(page, "leader")
    try:
        page.goto("/goals/new-kpi/")
        page.get_by_role("link", name="Pick a metric from the catalogue").click()
        page.wait_for_url("**/insights/metrics/")
        assert page.locator("#metric-list tbody tr").count() == len(names)
        page.get_by_role("link", name=names[0], exact=True).click()
        assert f"- name: {names[0]}" in page.locator("#metric-yaml").inner_text()

        page.goto("/insights/metrics/")
        page.get_by_role("link", name="Add a metric").click()
        editor = page.get_by_label("The catalogue as YAML")
        assert "- name: new_metric" in editor.input_value()
        broken = original.rstrip("\n") + ("\n  - name: orders_per_visitor\n    type: ratio\n"
                                          "    numerator: purchases\n    denominator: walkers\n")
        editor.fill(broken)
        page.get_by_role("button", name="Validate").click()
        problem = page.locator("#metric-check li[data-line]")
        problem.wait_for()
        line = original.rstrip("\n").count("\n") + 2  # the new entry's first line
        assert problem.get_attribute("data-line") == str(line)
        assert "refers to unknown metric 'walkers'" in problem.inner_text()
        editor.fill(broken.replace("walkers", "visitors"))
        page.get_by_role("button", name="Validate").click()
        page.get_by_text(f"Valid: {len(names) + 1} metrics.").wait_for()
        page.get_by_role("button", name="Save catalogue").click()
        page.wait_for_url("**/insights/metrics/")
        assert page.locator("#metric-list tbody tr").count() == len(names) + 1
        assert MetricDefinition.objects.get(name="orders_per_visitor").definition["denominator"] == "visitors"
        assert page.problems.all() == []
    finally:
        services.load_metrics(None, original, source="e2e restore")


def test_a_leader_enters_a_kpi_value_by_hand(demo_site, site_page):
    from headway.strategy import services
    from headway.strategy.models import KpiValue

    taken = set(KpiValue.objects.filter(kpi__name="nps").values_list("date", flat=True))
    day = next(d for d in (services.today() - timedelta(days=n) for n in range(1, 30)) if d not in taken)
    page = site_page
    log_in(page, "leader")
    page.goto("/goals/kpis/nps/")
    form = page.locator("#kpi-value-form")
    form.get_by_label("Day").fill(day.isoformat())
    form.get_by_label("Value").fill("37.5")
    form.get_by_role("button", name="Save value").click()
    page.get_by_text(f"Value for {day.isoformat()} saved.").wait_for()
    row = KpiValue.objects.get(kpi__name="nps", date=day)
    assert (row.value, row.origin) == (37.5, KpiValue.Origin.MANUAL)
    assert page.problems.all() == []


def test_feedback_and_events_files_import_in_the_background_with_their_line_reports(demo_site, site_page):
    from headway.discovery.models import FeedbackItem

    before = FeedbackItem.objects.count()
    page = site_page
    log_in(page, "pm")
    page.goto("/feedback/")
    page.get_by_role("link", name="Import a file").click()
    page.wait_for_url("**/feedback/import/")
    good = b"Subject,Description,Organization\nSlow search,Search takes ages on mobile,Browser test Co\n" \
           b"Gift cards,Please sell gift cards,Browser test Co\n"
    page.get_by_label("Feedback file (.csv, .jsonl or .json)").set_input_files(
        files=[{"name": "tickets.csv", "mimeType": "text/csv", "buffer": good}])
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Import feedback from tickets.csv: done — 2 rows: 2 new").wait_for()
    assert FeedbackItem.objects.count() == before + 2

    bad = b"text,tags\nfine words,x\n   ,x\nmore words,x\n"  # line 3 has no text
    page.get_by_label("Feedback file (.csv, .jsonl or .json)").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_role("button", name="Import").click()
    page.locator("td[data-line='3']").wait_for()
    assert "1 feedback row(s) are not valid, so nothing was imported" in page.get_by_role("alert").first.inner_text()
    assert FeedbackItem.objects.count() == before + 2

    page.goto("/insights/")
    events = b"event,timestamp,distinct_id\nbrowser_test,2026-11-02T10:00:00Z,e2e-1\nbrowser_test,later,e2e-2\n"
    page.get_by_label("Events file (.csv, .jsonl, .json or .parquet)").set_input_files(
        files=[{"name": "events.csv", "mimeType": "text/csv", "buffer": events}])
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("1 events added, 0 already there, 1 rejected").wait_for()
    assert "unparsable timestamp" in page.locator("td[data-line='2'] + td").inner_text()
    assert page.problems.all() == []


@pytest.mark.parametrize("path", ["/insights/cohorts/", "/insights/metrics/", "/feedback/import/"])
def test_the_new_pages_fit_a_phone_and_a_wide_screen(demo_site, browser, path):
    from .conftest import open_page

    for width in (390, 1440):
        context, page = open_page(browser, demo_site, width=width)
        try:
            log_in(page, "leader")
            page.goto(path)
            assert fits(page), f"{path} scrolls sideways at {width} px"
        finally:
            context.close()
