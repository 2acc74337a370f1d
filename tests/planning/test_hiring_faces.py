"""Hiring on every face: the CLI, the API and the web pages give the same hires and the same errors."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from headway.cli import app
from headway.core.permissions import Role
from headway.planning import services
from headway.planning.models import Opening
from tests.conftest import PASSWORD

runner = CliRunner()
TODAY = date(2026, 5, 10)


def run(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def web(db, workspace):
    services.save_team(None, "Web", cost_per_week=0, headcount=2, weeks_per_quarter=12)
    for key, weeks, value in (("A", 30, 9), ("B", 20, 5), ("C", 24, 4)):
        services.create_initiative(None, title=f"Initiative {key}", team="Web", user_value=value,
                                   effort={"Web": weeks})
    services.save_role(None, "Web", title="Engineer", annual_cost=120_000, hiring_cost=10_000, lead_quarters=1,
                       ramp=[0.5, 1.0])


OPTIMISE = {"objective": "value", "user_weight": 10, "business_weight": 0, "quarters": 2, "start": "2026-Q3",
            "budget": 40_000}


def test_the_same_hire_in_the_cli_and_the_api(client, web, leader):
    args = ["plan", "optimise", "--objective", "value", "--user-weight", "10", "--business-weight", "0",
            "--quarters", "2", "--start", "2026-Q3", "--budget", "40000", "--hire", "Web"]
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    assert cli["value"] == 140 and cli["hiring"]["hires"][0]["start"] == "2026-Q4"
    text = run(*args).output
    assert "1 × Web Engineer starting in 2026-Q4 unlocks" in text and "12.5 value per 10k on people" in text
    assert client.login(username=leader.username, password=PASSWORD)
    api = client.post("/api/v1/planning/optimise", {**OPTIMISE, "hire": ["Web"]}, content_type="application/json")
    assert api.status_code == 200, api.content
    body = api.json()
    assert body["value"] == 140 and body["hiring"]["hires"] == cli["hiring"]["hires"]
    assert body["hiring"]["value_per_10k"] == 12.5 and body["hiring"]["run_rate"] == 30_000


def test_roles_and_the_hiring_plan_in_the_cli(web):
    assert "Web Engineer (id" in run("role", "set", "Web", "--title", "Engineer", "--mentor-weeks", "1").output
    assert "Web Engineer" in run("role", "list").output
    bad = run("role", "set", "Web", "--title", "Engineer", "--ramp", "0.5,1.5")
    message = str(bad.exception)
    assert bad.exit_code == 1 and "each share of full speed is between 0 and 1" in message and "\n" not in message
    assert "12.0% attrition a year" in run("role", "attrition", "Web", "12").output
    out = run("hire", "plan", "Web Engineer", "2026-Q4").output
    opening = str(Opening.objects.get().pk)  # ids are the database's (PostgreSQL's sequences never restart)
    assert f"opening {opening}: Web Engineer starting 2026-Q4 (open by 2026-Q3), planned" in out
    assert "approved" in run("hire", "approve", opening).output
    assert "open" in run("hire", "open", opening).output
    assert "filled by Ada" in run("hire", "fill", opening, "Ada").output
    plan = json.loads(run("hire", "list", "--json").output)
    assert plan["counts"]["filled"] == 1


def test_the_api_keeps_approval_to_the_leader(client, web, make_user, leader):
    pm = make_user("pam", Role.PRODUCT_MANAGER)
    assert client.login(username=pm.username, password=PASSWORD)
    created = client.post("/api/v1/planning/hiring", {"role": "Web Engineer", "start_quarter": "2026-Q4"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    opening = created.json()["id"]
    assert client.post(f"/api/v1/planning/hiring/{opening}/approve").status_code == 403
    bad = client.put("/api/v1/planning/roles", {"team": "Web", "title": "Engineer", "hiring_cost": -1},
                     content_type="application/json")
    assert bad.status_code == 403  # roles are the leader's too
    assert client.login(username=leader.username, password=PASSWORD)
    bad = client.put("/api/v1/planning/roles", {"team": "Web", "title": "Engineer", "hiring_cost": -1},
                     content_type="application/json")
    assert bad.status_code == 422 and "a cost cannot be negative" in bad.json()["error"]["message"]
    approved = client.post(f"/api/v1/planning/hiring/{opening}/approve")
    assert approved.status_code == 200 and approved.json()["approved_by"] == leader.username
    roles = client.get("/api/v1/planning/roles").json()
    assert [(r["key"], r["cost_per_quarter"]) for r in roles] == [("Web Engineer", 30_000)]
    unknown = client.post("/api/v1/planning/optimise", {**OPTIMISE, "hire": ["Data"]},
                          content_type="application/json")
    assert unknown.status_code == 404 and "There is no team 'Data'" in unknown.json()["error"]["message"]


def test_the_optimiser_page_lets_the_plan_hire(client, web, leader):
    assert client.login(username=leader.username, password=PASSWORD)
    page = client.get("/roadmap/optimise/").content.decode()
    assert 'name="hire" value="Web"' in page and "Let the plan hire in Web" in page
    form = {"objective": "value", "user_weight": "10", "business_weight": "0", "quarters": "2", "start": "2026-Q3",
            "budget": "40000", "hire": "Web", "run": "1", "scenario": "hiring"}
    html = client.post("/roadmap/optimise/", form).content.decode()
    assert '<strong class="plan-value">140</strong>' in html
    assert "1 × Web Engineer starting in 2026-Q4 unlocks" in html
    assert '<strong class="per-10k">12.5</strong> value per 10k on people' in html
    assert "without hiring the plan is worth 90" in html


def test_the_hiring_page_acts_by_permission(client, web, make_user, leader):
    viewer = make_user("vic", Role.VIEWER)
    pm = make_user("pam", Role.PRODUCT_MANAGER)
    assert client.login(username=pm.username, password=PASSWORD)
    page = client.get("/roadmap/hiring/").content.decode()
    assert "Plan the opening" in page and "Save the role" not in page
    response = client.post("/roadmap/hiring/", {"action": "plan", "role": "Web Engineer", "start_quarter": "2026-Q4"})
    assert response.status_code == 302
    page = client.get("/roadmap/hiring/").content.decode()
    assert '<td class="status">planned</td>' in page and 'value="approve"' not in page
    opening = str(Opening.objects.get().pk)  # ids are the database's (PostgreSQL's sequences never restart)
    denied = client.post("/roadmap/hiring/", {"action": "approve", "opening": opening})
    assert denied.status_code == 403
    assert client.login(username=viewer.username, password=PASSWORD)
    page = client.get("/roadmap/hiring/").content.decode()
    assert "Plan the opening" not in page and 'value="approve"' not in page
    assert client.login(username=leader.username, password=PASSWORD)
    for action in ("approve", "open"):
        assert client.post("/roadmap/hiring/", {"action": action, "opening": opening}).status_code == 302
    client.post("/roadmap/hiring/", {"action": "fill", "opening": opening, "name": "Ada Lovelace"})
    page = client.get("/roadmap/hiring/").content.decode()
    assert '<td class="status">filled</td>' in page and "Ada Lovelace" in page
    bad = client.post("/roadmap/hiring/", {"action": "role", "team": "Web", "title": "Engineer", "ramp": "2"})
    assert bad.status_code == 422 and "each share of full speed is between 0 and 1" in bad.content.decode()


def test_the_hiring_page_deletes_a_role_no_opening_uses(client, web, make_user, leader):
    services.save_role(None, "Web", level="", location="Lisbon", title="Engineer", annual_cost=90_000)
    lisbon = next(r for r in services.list_roles(None) if r.location == "Lisbon")
    pm = make_user("pam", Role.PRODUCT_MANAGER)
    assert client.login(username=pm.username, password=PASSWORD)
    assert 'value="delete-role"' not in client.get("/roadmap/hiring/").content.decode()
    assert client.post("/roadmap/hiring/", {"action": "delete-role", "role": str(lisbon.id)}).status_code == 403
    assert client.login(username=leader.username, password=PASSWORD)
    page = client.get("/roadmap/hiring/").content.decode()
    assert page.count('value="delete-role"') == 2 and f'aria-label="Delete role {lisbon.key}"' in page
    assert client.post("/roadmap/hiring/", {"action": "delete-role", "role": str(lisbon.id)}).status_code == 302
    assert [r.location for r in services.list_roles(None)] == [""]
    services.plan_opening(None, "Web Engineer", "2026-Q4")
    kept = client.post("/roadmap/hiring/", {"action": "delete-role", "role": "Web Engineer"})
    assert kept.status_code == 422 and "has openings in the hiring plan" in kept.content.decode()
    assert len(services.list_roles(None)) == 1


def _spec(html: str, chart_id: str) -> dict:
    start = html.index(f'<script id="{chart_id}-spec" type="application/json">')
    body = html[html.index(">", start) + 1:html.index("</script>", start)]
    return json.loads(body)


def test_the_optimiser_page_draws_the_hires_on_their_ramp(client, web, leader):
    assert client.login(username=leader.username, password=PASSWORD)
    form = {"objective": "value", "user_weight": "10", "business_weight": "0", "quarters": "2", "start": "2026-Q3",
            "budget": "40000", "hire": "Web", "run": "1"}
    html = client.post("/roadmap/optimise/", form).content.decode()
    rows = {(r["quarter"], r["part"]): r["weeks"] for r in _spec(html, "hiring-capacity")["data"]["values"]}
    # the hire starts in 2026-Q4 at half speed (6 of 12 weeks): 24 + 6 = 30, all of it planned (A); B takes 20 of Q3
    assert rows == {("2026-Q3", "team"): 24, ("2026-Q3", "hires on their ramp"): 0, ("2026-Q3", "planned"): 20,
                    ("2026-Q4", "team"): 24, ("2026-Q4", "hires on their ramp"): 6, ("2026-Q4", "planned"): 30}
    api = client.post("/api/v1/planning/optimise", {**OPTIMISE, "hire": ["Web"]}, content_type="application/json")
    assert [(c["quarter"], c["capacity_weeks"], c["hire_weeks"], c["planned_weeks"])
            for c in api.json()["hiring"]["capacity"]] == [("2026-Q3", 24, 0, 20), ("2026-Q4", 24, 6, 30)]
