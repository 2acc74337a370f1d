"""The behavioural insights on every face: the API, the CLI and the Insights page's tabs show the same numbers,
the persons behind each number, and the same clear errors."""

from __future__ import annotations

import json
import re

import pytest

from headway.analytics import services
from headway.analytics.models import SavedInsight
from headway.cli import main
from headway.core import services as core
from tests.analytics.behaviour_data import (
    ACTIVITY,
    FUNNEL,
    FUNNEL_COUNTS,
    LIFECYCLE,
    RANGE,
    RETENTION,
    RETENTION_VALUES,
    STICKINESS,
)
from tests.conftest import PASSWORD

PAGES = {**RANGE, "path_property": "page"}


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core.create_token(user, 'test').secret}"}


def post(client, path, body, user):
    return client.post(path, body, content_type="application/json", headers=bearer(user))


@pytest.mark.django_db
def test_the_api_answers_each_insight(client, behaviour_events, viewer):
    funnel = post(client, "/api/v1/analytics/insights/funnel", FUNNEL, viewer)
    assert funnel.status_code == 200, funnel.content
    assert [r["persons"] for r in funnel.json()["rows"]] == FUNNEL_COUNTS
    assert funnel.json()["result"]["steps"][2]["median_conversion_time"] == 300.0
    retention = post(client, "/api/v1/analytics/insights/retention", RETENTION, viewer).json()
    assert [c["values"] for c in retention["result"]["cohorts"]] == RETENTION_VALUES
    assert [p["rate"] for p in retention["curve"]] == [100.0, 0.0, 50.0]
    assert post(client, "/api/v1/analytics/insights/stickiness", ACTIVITY, viewer).json()["result"]["data"] == STICKINESS
    life = post(client, "/api/v1/analytics/insights/lifecycle", ACTIVITY, viewer).json()["result"]
    assert {k: life[k] for k in LIFECYCLE} == LIFECYCLE
    paths = post(client, "/api/v1/analytics/insights/paths", PAGES, viewer).json()
    assert [(e["step"], e["source"], e["target"], e["count"]) for e in paths["result"]["edges"]] == [
        (1, "/home", "/pricing", 2), (2, "/pricing", "/signup", 1)]
    dropped = post(client, "/api/v1/analytics/insights/funnel/persons", {"query": FUNNEL, "step": 2, "dropped": True}, viewer)
    assert dropped.json() == {"persons": ["c"], "limit": 200}
    cell = post(client, "/api/v1/analytics/insights/retention/persons", {"query": RETENTION, "cohort": 0, "interval": 2}, viewer)
    assert cell.json()["persons"] == ["a"]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "body", "message"), [
    ("funnel", {**FUNNEL, "steps": []}, "at least 2 steps"),
    ("funnel", {**FUNNEL, "window": 0}, "window must be positive"),
    ("funnel", {**FUNNEL, "steps": ["visit", "teleport"]}, "no event 'teleport'"),
    ("retention", {**RETENTION, "intervals": 500}, "intervals must be from 1 to 100"),
    ("stickiness", {**ACTIVITY, "interval": "fortnight"}, "interval"),
])
def test_the_api_refuses_bad_queries_with_the_error_body(client, behaviour_events, viewer, path, body, message):
    response = post(client, f"/api/v1/analytics/insights/{path}", body, viewer)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert message in response.json()["error"]["message"]


@pytest.mark.django_db
def test_saved_behavioural_insights_and_cohorts_over_the_api(client, behaviour_events, viewer, make_user):
    created = post(client, "/api/v1/analytics/insights", {"name": "Checkout", "kind": "funnel", "query": FUNNEL,
                                                "pinned": True}, viewer)
    assert created.status_code == 201 and created.json()["kind"] == "funnel"
    result = client.get(f"/api/v1/analytics/insights/{created.json()['id']}/result", headers=bearer(viewer)).json()
    assert [r["persons"] for r in result["rows"]] == FUNNEL_COUNTS
    bad = post(client, "/api/v1/analytics/insights", {"name": "Bad", "kind": "funnel", "query": {"steps": ["visit"]}}, viewer)
    assert bad.status_code == 422 and "at least 2 steps" in bad.json()["error"]["message"]
    cohort = post(client, "/api/v1/analytics/cohorts", {"name": "Desktop", "definition": {
        "rules": [{"property": "device:eq:desktop"}]}}, viewer)
    assert cohort.status_code == 201, cohort.content
    assert cohort.json()["summary"] == "device:eq:desktop"
    cid = cohort.json()["id"]
    assert client.get(f"/api/v1/analytics/cohorts/{cid}/persons", headers=bearer(viewer)).json()["persons"] == ["b", "c"]
    filtered = post(client, "/api/v1/analytics/insights/funnel", {**FUNNEL, "cohort": cid}, viewer).json()
    assert [r["persons"] for r in filtered["rows"]] == [2, 1, 0]
    refused = client.delete(f"/api/v1/analytics/cohorts/{cid}", headers=bearer(make_user("olga")))
    assert refused.status_code == 403
    assert client.delete(f"/api/v1/analytics/cohorts/{cid}", headers=bearer(viewer)).status_code == 204
    gone = post(client, "/api/v1/analytics/insights/funnel", {**FUNNEL, "cohort": cid}, viewer)
    assert gone.status_code == 404 and "no cohort" in gone.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_the_cli_prints_the_same_numbers(capsys, behaviour_events):
    def run(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_:
            main(list(argv))
        out = capsys.readouterr()
        return exit_.value.code, out.out, out.err

    dates = ["--from", RANGE["date_from"], "--to", RANGE["date_to"]]
    code, out, _ = run("insight", "funnel", "visit", "view_item", "purchase", *dates, "--json")
    assert code == 0 and [r["persons"] for r in json.loads(out)["rows"]] == FUNNEL_COUNTS
    code, out, _ = run("insight", "funnel", "visit", "view_item", "purchase", *dates, "--csv")
    assert out.splitlines()[:2] == [
        "step,name,persons,conversion,step_conversion,dropped,average_time_s,median_time_s",
        "1,visit,3,100.0,100.0,0,,"]
    code, out, _ = run("insight", "funnel", "visit", "view_item", "purchase", *dates)
    assert code == 0 and "66.7" in out and "43,350" in out  # 2 of 3, through the formatting layer
    code, out, _ = run("insight", "funnel", "visit", "view_item", *dates, "--step-where", "2:device:eq:mobile",
                       "--json")
    assert [r["persons"] for r in json.loads(out)["rows"]] == [3, 1]
    code, out, _ = run("insight", "retention", "visit", "--intervals", "3", "--to", "2026-01-07", "--json")
    assert [c["values"] for c in json.loads(out)["result"]["cohorts"]] == RETENTION_VALUES
    code, out, _ = run("insight", "retention", "visit", "--intervals", "3", "--to", "2026-01-07")
    assert code == 0 and "1 (50.0%)" in out and "all cohorts" in out
    code, out, _ = run("insight", "stickiness", "visit", *dates, "--json")
    assert json.loads(out)["result"]["data"] == STICKINESS
    code, out, _ = run("insight", "lifecycle", "visit", *dates, "--json")
    assert json.loads(out)["result"]["dormant"] == LIFECYCLE["dormant"]
    code, out, _ = run("insight", "paths", *dates, "--property", "page", "--csv")
    assert out.splitlines() == ["step,source,target,persons", "1,/home,/pricing,2", "2,/pricing,/signup,1"]
    code, out, _ = run("insight", "cohort", "create", "Repeat visitors", "--event", "visit", "--min-count", "2",
                       "--days", "3650")
    assert code == 0 and "did visit at least 2 times in the last 3650 days" in out
    cohort_id = json.loads(run("insight", "cohort", "list", "--json")[1])[0]["id"]
    code, out, _ = run("insight", "cohort", "persons", str(cohort_id), "--json")
    assert json.loads(out) == ["a"]
    code, out, _ = run("insight", "stickiness", "visit", *dates, "--cohort", str(cohort_id), "--json")
    assert json.loads(out)["result"]["data"] == [0, 1, 0]
    for argv, message in [(("funnel", "visit"), "at least 2 steps"),
                          (("funnel", "visit", "purchase", "--window", "0"), "window must be positive"),
                          (("retention", "visit", "--intervals", "0"), "intervals must be from 1 to 100"),
                          (("stickiness", "teleport"), "no event 'teleport'")]:
        code, _, err = run("insight", *argv)
        assert code == 1 and err.startswith("error:") and message in err and "Traceback" not in err


@pytest.fixture
def browser(client, viewer):
    assert client.login(username="vic", password=PASSWORD)
    return client


def spec_of(html: str, chart_id: str) -> dict:
    match = re.search(rf'<script id="{chart_id}-spec" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no {chart_id} spec"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_each_tab_draws_its_chart_with_the_services_numbers(browser, behaviour_events, viewer):
    html = browser.get("/insights/", {"tab": "funnel", "step": FUNNEL["steps"], **RANGE}).content.decode()
    assert 'aria-current="page">Funnels</a>' in html
    converted = [r["persons"] for r in spec_of(html, "funnel-chart")["data"]["values"] if r["status"] == "converted"]
    service = services.run(viewer, "funnel", FUNNEL)
    assert converted == [r["persons"] for r in service.rows] == FUNNEL_COUNTS
    assert re.findall(r'data-persons="(\d+)"', html) == ["3", "2", "1"]
    assert re.findall(r'data-dropped="(\d+)"', html) == ["1", "1"]

    html = browser.get("/insights/", {"tab": "retention", **{k: str(v) for k, v in RETENTION.items()}}
                       ).content.decode()
    cells = [(r["cohort"], r["interval"], r["persons"]) for r in spec_of(html, "retention-heatmap")["data"]["values"]]
    assert cells[:3] == [("2026-01-05", 0, 2), ("2026-01-05", 1, 0), ("2026-01-05", 2, 1)]
    assert [r["rate"] for r in spec_of(html, "retention-curve")["data"]["values"]] == [100.0, 0.0, 50.0]

    html = browser.get("/insights/behaviour/", {"tab": "stickiness", **ACTIVITY}).content.decode()
    assert "<html" not in html
    assert [r["persons"] for r in spec_of(html, "stickiness-chart")["data"]["values"]] == STICKINESS

    html = browser.get("/insights/behaviour/", {"tab": "lifecycle", **ACTIVITY}).content.decode()
    values = spec_of(html, "lifecycle-chart")["data"]["values"]
    assert [r["persons"] for r in values if r["status"] == "dormant"] == LIFECYCLE["dormant"]

    html = browser.get("/insights/behaviour/", {"tab": "paths", **PAGES}).content.decode()
    assert html.count('class="sankey-link"') == 2
    assert "<title>Step 1: /home → /pricing: 2 persons</title>" in html


@pytest.mark.django_db
def test_the_persons_behind_a_number_and_errors_on_the_page(browser, behaviour_events):
    html = browser.get("/insights/", {"tab": "funnel", "step": FUNNEL["steps"], **RANGE}).content.decode()
    dropped_url = re.search(r'<a href="([^"]+)"[^>]*data-dropped="1"', html).group(1).replace("&amp;", "&")
    fragment = browser.get(dropped_url).content.decode()
    assert "<li>c</li>" in fragment and "1 person " in fragment
    bad = browser.get("/insights/behaviour/", {"tab": "funnel", "step": ["visit"]}).content.decode()
    assert 'role="alert"' in bad and "at least 2 steps" in bad
    bad = browser.get("/insights/behaviour/", {"tab": "retention", "target_event": "visit", "intervals": "0"})
    assert "intervals must be from 1 to 100" in bad.content.decode()
    assert browser.get("/insights/behaviour/", {"tab": "sideways"}).status_code == 404


@pytest.mark.django_db
def test_save_and_reopen_a_funnel_from_the_page(browser, behaviour_events, viewer):
    page = browser.get("/insights/", {"tab": "funnel", "step": FUNNEL["steps"], **RANGE}).content.decode()
    q = re.search(r'name="q" value="([^"]+)"', page).group(1).replace("&quot;", '"')
    response = browser.post("/insights/save/", {"kind": "funnel", "q": q, "name": "Checkout", "pinned": "on"})
    saved = SavedInsight.objects.get()
    assert response.status_code == 302 and (saved.kind, saved.pinned) == ("funnel", True)
    reopened = browser.get(f"/insights/?insight={saved.pk}").content.decode()
    assert re.findall(r'data-persons="(\d+)"', reopened) == ["3", "2", "1"]
    assert services.list_insights(viewer)[0].name == "Checkout"


@pytest.mark.django_db
def test_a_first_visit_to_each_tab_starts_from_the_most_frequent_events(browser, behaviour_events):
    for tab in ("funnel", "retention", "stickiness", "lifecycle", "paths"):
        html = browser.get("/insights/", {"tab": tab}).content.decode()
        assert 'role="alert"' not in html, tab
    funnel = browser.get("/insights/", {"tab": "funnel"}).content.decode()
    # the three most frequent events (5 page views, then 4 visits, then 3 item views) are the default steps
    assert re.findall(r'name="step" value="([^"]*)"', funnel)[:3] == ["$pageview", "visit", "view_item"]
