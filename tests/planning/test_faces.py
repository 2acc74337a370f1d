"""The same numbers through every face: API, CLI and web pages, with permissions and error bodies."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.core.permissions import Role
from headway.planning import services
from tests.conftest import PASSWORD

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_score_is_the_same_in_api_cli_and_page(client, portfolio, viewer):
    services.score_all(None)
    b = portfolio["B"].pk
    login(client, viewer)
    api_row = next(r for r in client.get("/api/v1/planning/initiatives").json() if r["id"] == b)
    assert api_row["score"] == 62.5 and api_row["cost"] == 36000
    cli_rows = json.loads(run("idea", "list", "--json").output)
    assert next(r for r in cli_rows if r["id"] == b)["score"] == 62.5
    html = client.get("/roadmap/backlog/").content.decode()
    row = html[html.index(f'<tr id="idea-{b}">'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num score">62.5</td>' in row and "36,000" in row
    page = client.get(f"/roadmap/ideas/{b}/").content.decode()
    assert '<td class="num score">62.5</td>' in page and '<dd class="cost">36,000</dd>' in page


def test_optimiser_value_is_the_same_in_api_cli_and_page(client, portfolio, leader):
    login(client, leader)
    body = {"budget": 100000, "objective": "value", "quarters": 1}
    api = client.post("/api/v1/planning/optimise", body, content_type="application/json").json()
    assert api["value"] == 31 and api["cost"] == 98000 and api["optimal"] is True
    assert {k: api["budget_plus_10"][k] for k in ("delta", "optimal", "bound", "gap", "certainty")} == {
        "delta": 8, "optimal": True, "bound": 39, "gap": 0, "certainty": "proven"}
    assert api["items"][0]["duration"] == 1
    cli = json.loads(run("plan", "optimise", "--budget", "100000", "--objective", "value", "--quarters", "1",
                         "--json").output)
    assert cli["value"] == 31 and [i["id"] for i in cli["items"]] == [i["id"] for i in api["items"]]
    table = run("plan", "optimise", "--budget", "100000", "--objective", "value", "--quarters", "1")
    assert "Plan value 31 (proven optimal" in table.output and "3 initiatives costing 98,000 of 100,000" in table.output
    assert "Binding: budget" in table.output
    a, c = portfolio["A"].pk, portfolio["C"].pk
    assert f"+10% budget: +8 value (proven), adds #{a}, drops #{c}" in table.output
    html = client.post("/roadmap/optimise/", {**body, "run": "1", "scenario": "Lean"}).content.decode()
    assert '<strong class="plan-value">31</strong>' in html and '<strong class="plan-cost">98,000</strong>' in html
    assert "proven optimal" in html
    assert re.search(r"With 10 % more budget: <strong>\+8 value</strong> <span class=\"certainty\">\(proven\)</span>, "
                     r"adding Saved carts, dropping Payments SDK upgrade\.", html)
    compare = client.get("/roadmap/optimise/?compare=Lean").content.decode()
    assert "Scenarios side by side" in compare


def test_api_errors_and_permissions(client, portfolio, viewer, make_user):
    login(client, viewer)
    denied = client.post("/api/v1/planning/initiatives", {"title": "x"}, content_type="application/json")
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "permission_denied"
    client.logout()
    contributor = make_user("cody", Role.CONTRIBUTOR)
    login(client, contributor)
    created = client.post("/api/v1/planning/initiatives", {"title": "Wishlist", "effort": {"Web": 2}},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["cost"] == 8000
    pk = created.json()["id"]
    a = portfolio["A"].pk
    client.post(f"/api/v1/planning/initiatives/{a}/dependencies", {"target": pk}, content_type="application/json")
    cycle = client.post(f"/api/v1/planning/initiatives/{pk}/dependencies", {"target": a},
                        content_type="application/json")
    assert cycle.status_code == 422 and cycle.json()["error"]["details"] == {"cycle": [pk, a, pk]}
    bad = client.post("/api/v1/planning/scoring", {"name": "F", "framework": "formula", "formula": "reach ^"},
                      content_type="application/json")
    assert bad.status_code == 403  # setups need plans.edit
    negative = client.post("/api/v1/planning/optimise", {"budget": -1}, content_type="application/json")
    assert negative.status_code == 422 and "budget cannot be negative" in negative.json()["error"]["message"]


def test_formula_error_over_api_and_on_the_page(client, portfolio, leader):
    login(client, leader)
    bad = client.post("/api/v1/planning/scoring", {"name": "F", "framework": "formula",
                                                   "formula": "reach * impakt"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "formula_error"
    assert bad.json()["error"]["details"] == {"token": "impakt", "column": 9}
    html = client.post("/roadmap/scoring/", {"name": "F", "framework": "formula",
                                             "formula": "reach * impakt"}).content.decode()
    assert "unknown field &#x27;impakt&#x27; at column 9" in html
    assert "reach * impakt\n        ^</pre>" in html


def test_infeasible_plan_names_the_constraints_on_every_face(client, portfolio, leader):
    a, b, c = (portfolio[k].pk for k in "ABC")
    login(client, leader)
    body = {"budget": 100000, "quarters": 1, "objective": "value", "must": [a, b, c]}
    api = client.post("/api/v1/planning/optimise", body, content_type="application/json")
    assert api.status_code == 422 and api.json()["error"]["code"] == "infeasible"
    assert sorted(api.json()["error"]["details"]["constraints"]) == sorted(
        ["budget", f"must-have #{a}", f"must-have #{b}", f"must-have #{c}"])
    cli = run("plan", "optimise", "--budget", "100000", "--quarters", "1", "--must", f"{a},{b},{c}")
    assert cli.exit_code == 1
    html = client.post("/roadmap/optimise/", {**body, "must": f"{a},{b},{c}", "run": "1"}).content.decode()
    assert "Constraints that clash" in html and f"must-have #{a}" in html


def test_roadmap_page_cli_and_exports(client, portfolio, viewer):
    today = date.today()
    quarter = services.quarter_of(today)
    a, b = portfolio["A"].pk, portfolio["B"].pk
    services.add_dependency(None, b, a)
    services.place(None, a, quarter, "committed")
    services.place(None, b, quarter, "likely")
    login(client, viewer)
    html = client.get("/roadmap/").content.decode()
    assert html.count('class="gantt-bar') == 2 and html.count('marker-end="url(#arrow)"') == 1
    assert re.search(r'<h3>Now <span class="count">\(2\)</span></h3>', html)
    assert 'aria-current="page">Roadmap</a>' in html
    sales = client.get("/roadmap/?for=sales").content.decode()
    assert sales.count('class="gantt-bar') == 1 and "Capacity and budget" not in sales
    export = client.get("/api/v1/planning/roadmap/export?format=md&audience=sales")
    assert export["Content-Type"].startswith("text/markdown") and "**Saved carts** (committed" in export.content.decode()
    shown = run("roadmap", "show", "--board")
    assert shown.exit_code == 0 and "now (2)" in shown.output and "14/24" in shown.output
    cli_csv = run("roadmap", "export", "--format", "csv", "--for", "engineering").output
    assert cli_csv == services.export_csv(None, "engineering")


def test_cli_idea_commands(portfolio, tmp_path):
    added = run("idea", "add", "Wishlist", "--kind", "innovate", "--team", "Web", "--effort", "Web=3",
                "--effort", "Mobile=2")
    assert added.exit_code == 0 and "(cost 22,000)" in added.output
    pk = int(re.search(r"#(\d+)", added.output).group(1))
    scored = run("idea", "score", str(pk), "--set", "reach=100", "--set", "impact=1", "--set", "confidence=1")
    assert scored.exit_code == 0 and f"#{pk}: 20 (RICE)" in scored.output  # 100 x 1 x 1 / 5 weeks
    shown = json.loads(run("idea", "show", str(pk), "--json").output)
    assert shown["effort"] == {"Mobile": 2.0, "Web": 3.0} and shown["scores"][0]["value"] == 20
    missing = run("idea", "score", str(portfolio["D"].pk))
    assert missing.exit_code == 1
    path = tmp_path / "linear.csv"
    path.write_text("ID,Team,Title,Status,Estimate\nENG-1,Web,Dark mode,Backlog,2\n")
    assert "Imported 1 new" in run("idea", "import", str(path), "--from", "linear").output
    bad = run("idea", "import", str(path), "--from", "trello")
    assert bad.exit_code == 1


@pytest.mark.parametrize("path", ["/roadmap/", "/roadmap/backlog/", "/roadmap/scoring/", "/roadmap/optimise/"])
def test_pages_render_when_empty(client, workspace, viewer, path):
    login(client, viewer)
    assert client.get(path).status_code == 200


def test_optimiser_answer_has_a_documented_schema(client, portfolio, viewer):
    login(client, viewer)
    spec = client.get("/api/v1/openapi.json").json()
    answer = spec["paths"]["/api/v1/planning/optimise"]["post"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/OptimisedPlan"}
    what_if = spec["components"]["schemas"]["WhatIfPlan"]["properties"]
    assert {"optimal", "bound", "gap", "certainty"} <= set(what_if)
    lean = client.post("/api/v1/planning/optimise", {"budget": 100000, "objective": "value", "quarters": 1,
                                                     "explain": False}, content_type="application/json").json()
    assert lean["value"] == 31 and "budget_plus_10" not in lean and "left_out" not in lean


def test_cli_edits_moves_links_and_comments_on_an_idea(portfolio):
    from headway.strategy import services as strategy

    strategy.create_kpi(None, "repeat_rate", "Repeat purchase rate", unit="percent")
    a, b = portfolio["A"].pk, portfolio["B"].pk
    added = run("idea", "add", "Wishlist", "--effort", "Web=4", "--duration", "2", "--kpi", "repeat_rate",
                "--impact", "+2 pts", "--hypothesis", "Saved items come back")
    pk = int(re.search(r"#(\d+)", added.output).group(1))
    edited = run("idea", "edit", str(pk), "--title", "Wishlists", "--effort", "Web=0", "--effort", "Mobile=2")
    assert edited.exit_code == 0 and f"Saved #{pk} Wishlists (cost 10,000)." in edited.output  # 2 x 5,000
    assert run("idea", "edit", str(pk), "--duration", "9").exit_code == 1
    assert "is now discovery" in run("idea", "stage", str(pk), "discovery").output
    assert run("idea", "depend", str(b), str(a)).output.strip() == f"#{b} requires #{a}."
    cycle = run("idea", "depend", str(a), str(b))
    assert cycle.exit_code == 1 and "would make a cycle" in str(cycle.exception)
    assert run("idea", "depend", str(pk), str(a), "--conflicts").exit_code == 0
    assert "Removed 1 link(s)" in run("idea", "depend", str(pk), str(a), "--remove").output
    assert f"#{pk} Wishlists is attractive." in run("idea", "kano", str(pk), "like", "neutral").output
    assert run("idea", "kano", str(pk), "love", "hate").exit_code == 1
    assert run("idea", "comment", str(pk), "Customers ask weekly").exit_code == 0
    assert run("idea", "link", str(pk), "https://example.com/spec", "--title", "Spec").exit_code == 0
    assert run("idea", "link", str(pk), "ftp://nope").exit_code == 1
    detail = services.initiative_detail(None, pk).model_dump()
    assert (detail["title"], detail["stage"], detail["duration"], detail["effort"]) == (
        "Wishlists", "discovery", 2, {"Mobile": 2.0})
    assert [h["to"] for h in detail["history"]] == ["idea", "discovery"]
    assert (detail["kpi"], detail["expected_impact"], detail["hypothesis"]) == (
        "repeat_rate", "+2 pts", "Saved items come back")
    shown = run("idea", "show", str(pk)).output
    assert "duration: 2" in shown and "Customers ask weekly" in shown and "link: Spec <https://example.com/spec>" in shown


def test_optimiser_page_covers_goals_and_changes_headcount(client, portfolio, leader):
    login(client, leader)
    web = services.get_team("Web")
    form = {"budget": "100000", "objective": "value", "quarters": "1", "run": "1"}
    goal = portfolio["goal"].pk
    page = client.get("/roadmap/optimise/").content.decode()
    assert f'<input type="checkbox" name="cover_goals" value="{goal}"> Grow repeat purchase' in page
    assert f'<label for="extra_{web.pk}">People added to Web' in page
    plain = client.post("/roadmap/optimise/", form).content.decode()
    assert '<strong class="plan-value">31</strong>' in plain  # B + C + D
    covered = client.post("/roadmap/optimise/", {**form, "cover_goals": str(goal)}).content.decode()
    assert '<strong class="plan-value">29</strong>' in covered  # Saved carts serves the goal: A + B
    assert f'value="{goal}" checked' in covered
    everything = client.post("/roadmap/optimise/", {**form, "budget": ""}).content.decode()
    assert '<strong class="plan-value">45</strong>' in everything  # Web 24, Mobile 12 a quarter: all four fit
    smaller = client.post("/roadmap/optimise/", {**form, "budget": "", f"extra_{web.pk}": "-1"}).content.decode()
    assert '<strong class="plan-value">31</strong>' in smaller  # Web 12: B + D use it all, with C on Mobile
