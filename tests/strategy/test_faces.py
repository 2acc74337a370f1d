"""The same numbers through the API, the CLI and the pages; permissions on every face."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from headway.cli import main
from headway.core import services as core
from headway.strategy import services
from tests.conftest import PASSWORD
from tests.strategy.conftest import PERIOD

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core.create_token(user, 'test').secret}"}


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_the_projection_is_the_same_in_the_api_the_cli_and_the_page(client, capsys, signups, viewer):
    api = client.get(f"/api/v1/strategy/kpis/signups?period={PERIOD}", headers=bearer(viewer)).json()
    code, out, _ = run(capsys, "kpi", "show", "signups", "--period", PERIOD, "--json")
    cli = json.loads(out)
    page = logged_in(viewer).get(f"/goals/kpis/signups/?period={PERIOD}").content.decode()
    assert code == 0 and api["projection"] == cli["projection"] == 200.0
    assert api["status"] == cli["status"] == "off_track" and api["rule"] == cli["rule"]
    assert re.search(r'id="kpi-projection">200 \(80% interval', page)
    assert 'id="kpi-target">250<' in page and "target 250 is above the 80% interval" in page
    assert 'id="kpi-chart"' in page


def test_api_targets_values_goals_and_permissions(client, signups, viewer, leader):
    refused = client.put("/api/v1/strategy/kpis/signups/targets", {"period": PERIOD, "value": 190},
                         content_type="application/json", headers=bearer(viewer))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    done = client.put("/api/v1/strategy/kpis/signups/targets", {"period": PERIOD, "value": "190"},
                      content_type="application/json", headers=bearer(leader))
    assert done.status_code == 200 and done.json()["value"] == 190.0
    assert client.get(f"/api/v1/strategy/kpis/signups?period={PERIOD}", headers=bearer(viewer)).json()["status"] == "on_track"
    values = client.get("/api/v1/strategy/kpis/signups/values", headers=bearer(viewer)).json()
    assert [v["value"] for v in values] == [10.0, 20.0, 30.0]
    bad = client.post("/api/v1/strategy/kpis/signups/values/import", {"csv": "date,value\n2026-05-09,x\n"},
                      content_type="application/json", headers=bearer(leader))
    assert bad.status_code == 422 and bad.json()["error"]["details"] == [{"line": 2, "message": "'x' is not a number"}]
    goal = client.post("/api/v1/strategy/goals", {"title": "Onboard faster", "period": PERIOD, "key_results": ["signups"]},
                       content_type="application/json", headers=bearer(leader))
    assert goal.status_code == 201 and goal.json()["key_results"][0]["progress"] == pytest.approx(60 / 190)
    patched = client.patch(f"/api/v1/strategy/goals/{goal.json()['id']}", {"status": "at_risk", "confidence": 40,
                                                                 "comment": "slow"},
                           content_type="application/json", headers=bearer(leader))
    assert patched.json()["status"] == "at_risk"
    assert client.get(f"/api/v1/strategy/goals/{goal.json()['id']}/updates", headers=bearer(viewer)).json()[0]["comment"] == "slow"
    assert client.post("/api/v1/strategy/goals", {"title": "x"}, content_type="application/json",
                       headers=bearer(viewer)).status_code == 403
    missing = client.get("/api/v1/strategy/kpis/nope", headers=bearer(viewer))
    assert missing.status_code == 404 and "headway kpi list" in missing.json()["error"]["message"]


def test_cli_set_target_import_and_goals(capsys, signups, tmp_path):
    code, out, _ = run(capsys, "kpi", "set-target", "signups", PERIOD, "190")
    assert code == 0 and "On track: on track: projected 200 ≥ target 190" in out.replace("\n", " ")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,value\n2026-05-04,7\n2026-05-05,oops\n")
    code, _, err = run(capsys, "kpi", "import", "signups", str(bad))
    assert code == 1 and "line 3: 'oops' is not a number" in err.replace("\n", " ")
    code, out, _ = run(capsys, "goal", "add", "Onboard faster", "--period", PERIOD, "--kpi", "signups")
    assert code == 0 and "Goal" in out
    goal_id = services.list_goals(None).get().pk
    code, out, _ = run(capsys, "goal", "update", str(goal_id), "--status", "on_track", "--confidence", "80",
                       "--comment", "good week")
    assert code == 0 and "On track, confidence 80 %" in out
    code, out, _ = run(capsys, "goal", "list", "--json")
    assert json.loads(out)[0]["key_results"][0]["period_to_date"] == "60"
    code, out, _ = run(capsys, "kpi", "list", "--period", PERIOD)
    assert code == 0 and "Sign-ups" in out


def test_pages_render_for_every_role_and_only_leaders_see_forms(signups, viewer, leader):
    services.save_strategy(None, vision="Win", body="Plan <b>bold</b> **now**")
    for user, editable in ((viewer, False), (leader, True)):
        client = logged_in(user)
        for url in ("/", "/goals/", f"/goals/?period={PERIOD}", "/goals/strategy/", "/goals/alerts/",
                    "/goals/kpis/signups/"):
            response = client.get(url)
            assert response.status_code == 200, url
        strategy = client.get("/goals/strategy/").content.decode()
        assert "&lt;b&gt;bold&lt;/b&gt; <strong>now</strong>" in strategy
        assert ('name="vision"' in strategy) is editable
    refused = logged_in(viewer).post("/goals/kpis/signups/", {"period": PERIOD, "target": "1"})
    assert refused.status_code == 403
    saved = logged_in(leader).post("/goals/kpis/signups/", {"period": PERIOD, "target": "190"})
    assert saved.status_code == 302 and services.kpi_summary(None, "signups", PERIOD).status == "on_track"
    bad = logged_in(leader).post("/goals/kpis/signups/", {"period": PERIOD, "target": "lots"})
    assert bad.status_code == 422 and "is not a number" in bad.content.decode()


def test_the_dashboard_draws_the_kpi_tree_and_keeps_the_workspace_cards(signups, leader):
    services.create_kpi(None, "activation", "Activation", unit="percent", aggregation="mean", north_star=True)
    services.set_parent_kpi(None, "signups", "activation")
    html = logged_in(leader).get("/").content.decode()
    assert '<svg class="kpi-tree"' in html and "★ Activation" in html
    assert "Sign-ups: 30, No data, input of Activation" in html  # not computed for this quarter yet
    assert 'id="people-by-role"' in html


def test_the_api_describes_a_kpi_with_the_services_summary(client, signups, viewer):
    """One description of a KPI (services.KpiSummary): the API answers its fields, sparkline included."""
    from dataclasses import asdict
    from datetime import date

    services.refresh_kpis(None, as_of=date(2026, 5, 3))
    listed = client.get(f"/api/v1/strategy/kpis?period={PERIOD}&spark_days=2", headers=bearer(viewer)).json()
    summary = services.kpi_summaries(None, PERIOD, spark_days=2)[0]
    assert listed == [json.loads(json.dumps(asdict(summary), default=str))]
    assert listed[0]["spark"] == [20.0, 30.0] and listed[0]["current"] == 30.0
    one = client.get(f"/api/v1/strategy/kpis/signups?period={PERIOD}", headers=bearer(viewer)).json()
    assert one == {**listed[0], "spark": []}
    too_long = client.get("/api/v1/strategy/kpis?spark_days=400", headers=bearer(viewer))
    assert too_long.status_code == 422 and "spark_days" in too_long.json()["error"]["message"]


def test_kpis_are_refreshed_over_the_api(client, signups, leader):
    """POST /kpis/refresh was taken by /kpis/{name} (405); a KPI may not be called refresh."""
    done = client.post("/api/v1/strategy/kpis/refresh?as_of=2026-05-03", headers=bearer(leader))
    assert done.status_code == 200, done.content
    assert done.json() == {"as_of": "2026-05-03", "preview": False, "values": {"signups": 0}, "errors": {},
                           "alerts": []}
    taken = client.post("/api/v1/strategy/kpis", {"name": "refresh", "label": "Refresh"}, content_type="application/json",
                        headers=bearer(leader))
    assert taken.status_code == 422 and "pick another name" in taken.json()["error"]["message"]
