"""Every insight with a breakdown, through the web (the Insights page's HTMX partials), on the hand-made
behaviour data set (tests/analytics/behaviour_data.py), and failed HTMX requests answered as one line.

By hand: a (mobile) visits, views and buys; b (desktop) visits then views; c (desktop) only visits. By the device
of the first step the funnel is mobile [1, 1, 1] and desktop [2, 1, 0]. Cohorts: Buyers = {a}, Desktop = {b, c}.
"""

from __future__ import annotations

import re

import pytest

from headway.analytics import services
from tests.analytics.behaviour_data import ACTIVITY, FUNNEL, RANGE
from tests.analytics.test_behaviour_faces import spec_of
from tests.conftest import PASSWORD

PAGES = {**RANGE, "path_property": "page"}
HTMX = {"HX-Request": "true"}


@pytest.fixture
def cohorts(behaviour_events, viewer) -> list[str]:
    buyers = services.create_cohort(viewer, "Buyers", {"rules": [{"event": "purchase", "days": 3650}]})
    desktop = services.create_cohort(viewer, "Desktop", {"rules": [{"property": "device:eq:desktop"}]})
    return [str(buyers.pk), str(desktop.pk)]


@pytest.fixture
def browser(client, viewer):
    assert client.login(username="vic", password=PASSWORD)
    return client


def fragment(browser, params: dict) -> str:
    response = browser.get("/insights/behaviour/", params, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' not in html, html[:400]
    return html


def persons_by_group(html: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    body = html.split("<tbody>", 1)[1]
    for row in body.split("<tr>")[1:]:
        group = re.match(r"<td>([^<]+)</td>", row)
        persons = re.search(r'data-persons="(\d+)"', row)
        if group and persons:
            groups.setdefault(group.group(1), []).append(int(persons.group(1)))
    return groups


@pytest.mark.django_db
def test_a_funnel_broken_down_by_a_property(browser, behaviour_events):
    html = fragment(browser, {"tab": "funnel", "step": FUNNEL["steps"], **RANGE, "breakdown": "device"})
    assert persons_by_group(html) == {"(all)": [3, 2, 1], "mobile": [1, 1, 1], "desktop": [2, 1, 0]}
    # the chart draws the whole funnel; the save form carries this very query
    converted = [r["persons"] for r in spec_of(html, "funnel-chart")["data"]["values"] if r["status"] == "converted"]
    assert converted == [3, 2, 1]
    assert "&quot;breakdown&quot;:&quot;device&quot;" in html


@pytest.mark.django_db
def test_a_funnel_broken_down_by_cohorts(browser, cohorts):
    html = fragment(browser, {"tab": "funnel", "step": FUNNEL["steps"], **RANGE, "breakdown_cohort": cohorts})
    assert persons_by_group(html) == {"(all)": [3, 2, 1], "Buyers": [1, 1, 1], "Desktop": [2, 1, 0]}


@pytest.mark.django_db
def test_every_other_insight_broken_down_by_cohorts(browser, cohorts):
    stickiness = fragment(browser, {"tab": "stickiness", **ACTIVITY, "breakdown_cohort": cohorts})
    assert persons_by_group(stickiness) == {"(all)": [2, 1, 0], "Buyers": [0, 1, 0], "Desktop": [2, 0, 0], "(none)": [0, 0, 0]}
    lifecycle = fragment(browser, {"tab": "lifecycle", **ACTIVITY, "breakdown_cohort": cohorts})
    # new persons per day: whole [2, 1, 0]; Buyers: a on the 5th; Desktop: b on the 5th, c on the 6th
    news = re.findall(r'<th scope="row">new( · [^<]+)?</th>(.*?)</tr>', lifecycle, re.S)
    assert {label or "(all)": [int(n) for n in re.findall(r'data-persons="(-?\d+)"', cells)]
            for label, cells in news} == {"(all)": [2, 1, 0], " · Buyers": [1, 0, 0], " · Desktop": [1, 1, 0],
                                          " · (none)": [0, 0, 0]}
    retention = fragment(browser, {"tab": "retention", "target_event": "visit", "period": "day", "intervals": "3",
                                   "date_to": "2026-01-07", "breakdown_cohort": cohorts})
    assert re.search(r'<th scope="row">2026-01-05 · Buyers</th>', retention)
    paths = fragment(browser, {"tab": "paths", **PAGES, "breakdown_cohort": cohorts})
    assert re.findall(r"<tr><td>(Buyers|Desktop)</td><td>(\d)</td><td>([^<]+)</td><td>([^<]+)</td>", paths) == [
        ("Buyers", "1", "/home", "/pricing"), ("Buyers", "2", "/pricing", "/signup"),
        ("Desktop", "1", "/home", "/pricing")]


@pytest.mark.django_db
def test_trends_broken_down_by_a_property_and_by_cohorts(browser, cohorts):
    html = browser.get("/insights/trends/", {"event": "visit", **RANGE, "breakdown": "device"},
                       headers=HTMX).content.decode()
    series = {r["series"] for r in spec_of(html, "trends-chart")["data"]["values"]}
    assert series == {"mobile", "desktop"}
    html = browser.get("/insights/trends/", {"event": "visit", **RANGE, "breakdown_cohorts": cohorts},
                       headers=HTMX).content.decode()
    assert {r["series"] for r in spec_of(html, "trends-chart")["data"]["values"]} == {"Buyers", "Desktop", "(none)"}


@pytest.mark.django_db
def test_a_bad_query_answers_its_one_line_error_and_no_save_form(browser, behaviour_events):
    html = browser.get("/insights/behaviour/", {"tab": "funnel", "step": FUNNEL["steps"], **RANGE,
                                                "breakdown": "device", "breakdown_cohort": ["1"]},
                       headers=HTMX).content.decode()
    assert 'role="alert"' in html and "not both" in html
    assert "save-insight" not in html and "funnel-chart" not in html


@pytest.mark.django_db
def test_funnel_times_read_as_durations(browser, behaviour_events):
    html = fragment(browser, {"tab": "funnel", "step": FUNNEL["steps"], **RANGE})
    # average times by hand: 43,350 s from visit to view (300 s and 86,400 s), 300 s from view to purchase
    assert re.findall(r'<td data-seconds="[^"]*">([^<]+)</td>', html) == ["–", "–", "12 h", "12 h", "5 min", "5 min"]
    assert " s</td>" not in html
