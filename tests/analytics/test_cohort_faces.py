"""Saved cohorts as a filter and a breakdown of every insight, on every face (services, API, CLI, web pages).

On the behaviour data set (tests/analytics/behaviour_data.py): the cohort "Buyers" (did purchase) is {a} and
"Desktop" (latest device is desktop) is {b, c}; broken down by [Buyers, Desktop], d falls in "(none)".
Visits: a on 5 and 7 Jan, b on 5 Jan, c on 6 Jan; pages: a /home, /pricing, /signup; b /home, /pricing.
"""

from __future__ import annotations

import json
import re

import pytest

from headway.analytics import services
from headway.cli import main
from tests.analytics.behaviour_data import ACTIVITY, FUNNEL, RANGE, STICKINESS
from tests.analytics.test_behaviour_faces import bearer, post, spec_of
from tests.conftest import PASSWORD

PAGES = {**RANGE, "path_property": "page"}


@pytest.fixture
def saved(behaviour_events, viewer) -> tuple[int, int]:
    buyers = services.create_cohort(viewer, "Buyers", {"rules": [{"event": "purchase", "days": 3650}]})
    desktop = services.create_cohort(viewer, "Desktop", {"rules": [{"property": "device:eq:desktop"}]})
    return buyers.pk, desktop.pk


def by_group(rows: list[dict], column: str) -> dict[str, list]:
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row["breakdown"], []).append(row[column])
    return groups


@pytest.mark.django_db
def test_services_break_every_insight_down_by_cohorts(saved, viewer):
    ids = list(saved)
    stick = services.run(viewer, "stickiness", {**ACTIVITY, "breakdown_cohorts": ids})
    assert by_group(stick.rows, "persons") == {"(all)": STICKINESS, "Buyers": [0, 1, 0], "Desktop": [2, 0, 0],
                                               "(none)": [0, 0, 0]}
    assert services.persons(viewer, "stickiness", {**ACTIVITY, "breakdown_cohorts": ids}, intervals=1,
                             breakdown="Desktop") == ["b", "c"]
    life = services.run(viewer, "lifecycle", {**ACTIVITY, "breakdown_cohorts": ids})
    new = {r["breakdown"]: r["persons"] for r in life.rows if r["status"] == "new" and r["interval"] == "2026-01-05"}
    assert new == {"(all)": 2, "Buyers": 1, "Desktop": 1, "(none)": 0}
    retention = services.run(viewer, "retention", {"target_event": "visit", "intervals": 3, "date_to": "2026-01-07",
                                                    "breakdown_cohorts": ids})
    assert [c.values for c in retention.result.breakdowns[0].result.cohorts] == [[1, 0, 1], [0, 0], [1]]
    funnel = services.run(viewer, "funnel", {**FUNNEL, "breakdown_cohorts": ids})
    assert {b.value: [s.count for s in b.steps] for b in funnel.result.breakdowns} == {
        "Buyers": [1, 1, 1], "Desktop": [2, 1, 0]}
    paths = services.run(viewer, "paths", {**PAGES, "breakdown_cohorts": ids})
    assert by_group(paths.rows, "target") == {"(all)": ["/pricing", "/signup"], "Buyers": ["/pricing", "/signup"],
                                              "Desktop": ["/pricing"]}
    trend = services.trends(viewer, {"event": "visit", **RANGE, "breakdown_cohorts": ids})
    assert [(s.label, s.data) for s in trend.series] == [
        ("Buyers", [1.0, 0.0, 1.0]), ("Desktop", [1.0, 1.0, 0.0]), ("(none)", [0.0, 0.0, 0.0])]


@pytest.mark.django_db
def test_services_filter_trends_and_paths_by_a_cohort(saved, viewer):
    _, desktop = saved
    trend = services.trends(viewer, {"event": "visit", **RANGE, "cohort": desktop})
    assert trend.series[0].data == [1.0, 1.0, 0.0]
    two = services.trends(viewer, {"event": "visit", **RANGE, "cohort": desktop, "series": ["view_item"]})
    assert [s.data for s in two.series] == [[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]]  # b's view on the 6th
    paths = services.run(viewer, "paths", {**PAGES, "cohort": desktop}).rows
    assert paths == [{"step": 1, "source": "/home", "target": "/pricing", "persons": 1}]
    started = services.run(viewer, "paths", {**PAGES, "start_point": "/pricing"}).rows
    assert started == [{"step": 1, "source": "/pricing", "target": "/signup", "persons": 1}]
    filtered = services.run(viewer, "paths", {**PAGES, "where": ["page:neq:/signup"]}).rows
    assert [(r["source"], r["target"], r["persons"]) for r in filtered] == [("/home", "/pricing", 2)]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "query", "message"), [
    ("trends", {"event": "visit", "breakdown": "device", "breakdown_cohorts": [1]}, "not both"),
    ("funnel", {**FUNNEL, "breakdown": "device", "breakdown_cohorts": [1]}, "not both"),
    ("stickiness", {**ACTIVITY, "breakdown_cohorts": [999]}, "no cohort 999"),
    ("paths", {**PAGES, "start_point": "/home", "end_point": "/home"}, "the same"),
])
def test_bad_cohort_queries_say_what_to_fix(saved, viewer, kind, query, message):
    from headway.core.errors import HeadwayError

    with pytest.raises(HeadwayError, match=message):
        if kind == "trends":
            services.trends(viewer, query)
        else:
            services.run(viewer, kind, query)


@pytest.mark.django_db
def test_the_api_takes_cohorts_for_every_insight(client, saved, viewer):
    buyers, desktop = saved
    body = post(client, "/api/v1/analytics/insights/stickiness", {**ACTIVITY, "breakdown_cohorts": [buyers, desktop]},
                viewer).json()
    assert [(b["value"], b["data"]) for b in body["result"]["breakdowns"]] == [
        ("Buyers", [0, 1, 0]), ("Desktop", [2, 0, 0]), (None, [0, 0, 0])]
    persons = post(client, "/api/v1/analytics/insights/lifecycle/persons",
                   {"query": {**ACTIVITY, "breakdown_cohorts": [buyers, desktop]}, "interval": 0, "status": "new",
                    "breakdown": "Desktop"}, viewer)
    assert persons.json()["persons"] == ["b"]
    paths = post(client, "/api/v1/analytics/insights/paths", {**PAGES, "cohort": buyers, "end_point": "/pricing"}, viewer)
    assert paths.json()["rows"] == [{"step": 1, "source": "/home", "target": "/pricing", "persons": 1}]
    trend = client.post("/api/v1/analytics/insights/trends", {"event": "visit", **RANGE, "cohort": desktop},
                        content_type="application/json", headers=bearer(viewer))
    assert trend.status_code == 200, trend.content
    assert trend.json()["series"][0]["data"] == [1.0, 1.0, 0.0]


@pytest.mark.django_db(transaction=True)
def test_the_cli_takes_cohort_options(capsys, saved):
    buyers, desktop = (str(i) for i in saved)

    def run(*argv: str) -> str:
        with pytest.raises(SystemExit) as exit_:
            main(list(argv))
        out = capsys.readouterr()
        assert exit_.value.code == 0, out.err
        return out.out

    dates = ["--from", RANGE["date_from"], "--to", RANGE["date_to"]]
    out = run("insight", "stickiness", "visit", *dates, "--breakdown-cohort", buyers, "--breakdown-cohort", desktop,
              "--json")
    assert [b["data"] for b in json.loads(out)["result"]["breakdowns"]] == [[0, 1, 0], [2, 0, 0], [0, 0, 0]]
    out = run("insight", "trends", "visit", *dates, "--cohort", desktop, "--json")
    assert json.loads(out)["series"][0]["data"] == [1.0, 1.0, 0.0]
    out = run("insight", "trends", "visit", *dates, "--breakdown-cohort", buyers, "--csv")
    assert "2026-01-07,Buyers,1" in out
    out = run("insight", "paths", *dates, "--property", "page", "--start", "/pricing", "--csv")
    assert out.splitlines() == ["step,source,target,persons", "1,/pricing,/signup,1"]
    out = run("insight", "paths", *dates, "--property", "page", "--cohort", desktop, "--csv")
    assert out.splitlines() == ["step,source,target,persons", "1,/home,/pricing,1"]
    out = run("insight", "retention", "visit", "--intervals", "3", "--to", "2026-01-07", "--breakdown-cohort", buyers)
    assert out.count("all cohorts") == 3 and "Buyers" in out and "(none)" in out  # the whole, then each group


@pytest.fixture
def browser(client, viewer):
    assert client.login(username="vic", password=PASSWORD)
    return client


@pytest.mark.django_db
def test_the_pages_offer_cohorts_and_show_the_groups(browser, saved):
    buyers, desktop = saved
    page = browser.get("/insights/", {"tab": "paths", **PAGES, "cohort": str(desktop)}).content.decode()
    assert 'name="breakdown_cohort"' in page and 'name="start_point"' in page
    assert "<title>Step 1: /home → /pricing: 1 persons</title>" in page
    html = browser.get("/insights/behaviour/", {"tab": "stickiness", **ACTIVITY,
                                                "breakdown_cohort": [str(buyers), str(desktop)]}).content.decode()
    assert [r["persons"] for r in spec_of(html, "stickiness-chart")["data"]["values"]] == STICKINESS
    assert re.findall(r"<td>(Buyers|Desktop|\(none\))</td>", html) == ["Buyers"] * 3 + ["Desktop"] * 3 + ["(none)"] * 3
    link = re.findall(r'<a href="([^"]+)"[^>]*data-persons="2"', html)[-1].replace("&amp;", "&")
    assert "<li>b</li>" in browser.get(link).content.decode()  # Desktop, 1 day: b and c
    trends = browser.get("/insights/", {"event": "visit", **RANGE, "breakdown_cohorts": [str(buyers)]}
                         ).content.decode()
    assert 'id="f-breakdown-cohorts"' in trends
    assert {r["series"] for r in spec_of(trends, "trends-chart")["data"]["values"]} == {"Buyers", "(none)"}


@pytest.mark.django_db
def test_the_paths_page_draws_the_most_frequent_transitions_only(browser, empty_store, monkeypatch):
    from headway.analytics import behaviour_views

    pages = [{"event": "$pageview", "timestamp": f"2026-01-05T10:0{i}:00Z", "distinct_id": who,
              "properties": {"$current_url": f"https://shop.example{url}"}}
             for who, urls in (("a", ["/", "/cart", "/checkout"]), ("b", ["/", "/cart"]), ("c", ["/", "/search"]))
             for i, url in enumerate(urls)]
    services.ingest(None, pages)
    monkeypatch.setattr(behaviour_views, "SANKEY_EDGES", 2)
    html = browser.get("/insights/behaviour/", {"tab": "paths", **RANGE}).content.decode()
    assert html.count('class="sankey-link"') == 2  # / → /cart (2), then / → /search (1) before step 2's edge
    assert "The 2 most frequent transitions; 1 rarer one is in the CSV and the API." in html
    assert '<td title="https://shop.example/cart">/cart</td>' in html
