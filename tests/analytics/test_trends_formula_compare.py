"""Trends across several series with a formula, and compared with the previous period, on every face."""

from __future__ import annotations

import json
import re

import pytest

from headway.analytics import services
from headway.cli import main
from headway.core import services as core
from headway.core.errors import ValidationError
from tests.analytics.conftest import RANGE
from tests.conftest import PASSWORD

# By hand (London = UTC in January): purchases per day 5, 6, 7 Jan = 2, 1, 1; visits = 0, 1, 0;
# sum of amount = 40, 20, 5. A * 10 + B = 20, 11, 10; C / A (amount per purchase) = 20, 20, 5.
FORMULA = {"event": "purchase", **RANGE, "series": ["visit", "purchase:sum:amount"], "formula": "A * 10 + B"}
# Compare 6-7 Jan with the two days before (4-5 Jan): purchases 1, 1 now and 0, 2 before.
COMPARE = {"event": "purchase", "date_from": "2026-01-06", "date_to": "2026-01-07", "compare": True}


def named(result) -> dict[str, list[float]]:
    return {services.series_name(s): s.data for s in result.series}


def test_a_formula_combines_the_series(events):
    assert named(services.trends(None, FORMULA)) == {"A * 10 + B": [20.0, 11.0, 10.0]}
    average = services.trends(None, {**FORMULA, "formula": "C / A"})
    assert named(average) == {"C / A": [20.0, 20.0, 5.0]}
    raw = services.trends(None, {**FORMULA, "formula": None})
    assert [(s.label, s.data) for s in raw.series] == [
        ("purchase", [2.0, 1.0, 1.0]), ("visit", [0.0, 1.0, 0.0]), ("purchase", [40.0, 20.0, 5.0])]


def test_compare_adds_the_previous_period(events):
    query = services.trends_query(COMPARE)
    result = services.trends(None, query)
    assert named(result) == {"purchase": [1.0, 1.0], "purchase (previous period)": [0.0, 2.0]}
    previous = next(s for s in result.series if s.compare == "previous")
    assert [services.trends_label(x) for x in previous.labels] == ["2026-01-04", "2026-01-05"]
    assert services.big_number(query, result) == 2.0
    assert services.previous_big_number(query, result) == 2.0
    users = services.trends_query({**COMPARE, "math": "unique_users"})
    users_result = services.trends(None, users)
    assert (services.big_number(users, users_result), services.previous_big_number(users, users_result)) == (1.0, 2.0)


def test_bad_formulas_and_series_say_what_to_fix(events):
    with pytest.raises(ValidationError, match="names C, but the series are A, B"):
        services.trends(None, {"event": "purchase", "series": ["visit"], "formula": "A / C"})
    with pytest.raises(ValidationError, match="not valid"):
        services.trends(None, {"event": "purchase", "formula": "A +"})
    with pytest.raises(ValidationError, match="only numbers, names"):
        services.trends(None, {"event": "purchase", "formula": "__import__('os')"})
    with pytest.raises(ValidationError, match="purchase:sum:PROPERTY"):
        services.trends(None, {"event": "purchase", "series": ["purchase:sum"]})


def test_the_api_answers_formula_and_compare(client, events, viewer):
    headers = {"Authorization": f"Bearer {core.create_token(viewer, 'test').secret}"}
    body = client.post("/api/v1/analytics/insights/trends", FORMULA, content_type="application/json", headers=headers).json()
    assert [(s["label"], s["data"]) for s in body["series"]] == [("A * 10 + B", [20.0, 11.0, 10.0])]
    compared = client.post("/api/v1/analytics/insights/trends", COMPARE, content_type="application/json",
                           headers=headers).json()
    assert [(s["compare"], s["data"], s["labels"]) for s in compared["series"]] == [
        ("current", [1.0, 1.0], ["2026-01-06", "2026-01-07"]),
        ("previous", [0.0, 2.0], ["2026-01-04", "2026-01-05"])]
    assert (compared["big_number"], compared["previous_big_number"]) == (2.0, 2.0)
    objects = {**FORMULA, "series": [{"event": "visit"}, {"event": "purchase", "math": "sum",
                                                           "math_property": "amount"}], "formula": "C / A"}
    again = client.post("/api/v1/analytics/insights/trends", objects, content_type="application/json", headers=headers)
    assert again.json()["series"][0]["data"] == [20.0, 20.0, 5.0]
    bad = client.post("/api/v1/analytics/insights/trends", {**FORMULA, "formula": "A / D"}, content_type="application/json",
                      headers=headers)
    assert bad.status_code == 422 and "names D" in bad.json()["error"]["message"]


@pytest.mark.django_db(transaction=True)
def test_the_cli_prints_the_same_numbers(capsys, events):
    def run(*argv: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exit_:
            main(list(argv))
        out = capsys.readouterr()
        return exit_.value.code, out.out, out.err

    dates = ["--from", RANGE["date_from"], "--to", RANGE["date_to"]]
    code, out, _ = run("insight", "trends", "purchase", *dates, "--series", "visit", "--series",
                       "purchase:sum:amount", "--formula", "A * 10 + B", "--json")
    assert code == 0 and [s["data"] for s in json.loads(out)["series"]] == [[20.0, 11.0, 10.0]]
    code, out, _ = run("insight", "trends", "purchase", "--from", "2026-01-06", "--to", "2026-01-07", "--compare")
    assert code == 0 and "big number: 2" in out and "previous period: 2" in out
    code, out, _ = run("insight", "trends", "purchase", "--from", "2026-01-06", "--to", "2026-01-07", "--compare",
                       "--csv")
    assert out.splitlines() == ["interval,series,value", "2026-01-06,purchase,1.0", "2026-01-07,purchase,1.0",
                                "2026-01-06,purchase (previous period),0.0",
                                "2026-01-07,purchase (previous period),2.0"]
    code, _, err = run("insight", "trends", "purchase", "--formula", "A / B")
    assert code == 1 and err.startswith("error:") and "names B" in err


def test_the_page_builds_formula_and_compare(client, events, viewer):
    assert client.login(username="vic", password=PASSWORD)
    html = client.get("/insights/", {"event": "purchase", **RANGE, "series_event": ["visit", "purchase"],
                                     "series_math": ["", "sum"], "series_property": ["", "amount"],
                                     "formula": "A * 10 + B"}).content.decode()
    spec = json.loads(re.search(r'id="trends-chart-spec" type="application/json">(.*?)</script>', html, re.S)[1])
    assert [r["value"] for r in spec["data"]["values"]] == [20.0, 11.0, 10.0]
    assert '<input type="hidden" name="series" value="purchase:sum:amount">' in html
    assert '<input type="hidden" name="formula" value="A * 10 + B">' in html
    compared = client.get("/insights/trends/", {**COMPARE, "compare": "on"}).content.decode()
    assert 'data-previous-big-number="2.0"' in compared and 'data-big-number="2.0"' in compared
    spec = json.loads(re.search(r'id="trends-chart-spec" type="application/json">(.*?)</script>', compared,
                                re.S)[1])
    assert [(r["period"], r["value"]) for r in spec["data"]["values"]] == [
        ("current", 1.0), ("current", 1.0), ("previous", 0.0), ("previous", 2.0)]
    client.post("/insights/save/", {"name": "Per purchase", "event": "purchase", **RANGE,
                                    "series": ["visit", "purchase:sum:amount"], "formula": "C / A"})
    saved = services.list_insights(viewer).get()
    assert saved.query["formula"] == "C / A"
    assert services.trends(viewer, services.insight_query(saved)).series[0].data == [20.0, 20.0, 5.0]
