"""Planning's web forms for what was API-only (issue 14, point 1), per role, through the web with CSRF: teams and
their capacity, deleting an idea after a confirmation, reach and impact from evidence, importing a Jira or Linear
export with its per-line report, and applying or deleting a scenario."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from headway.core.permissions import Role
from headway.planning import services
from headway.planning.models import Initiative, RoadmapItem
from tests.analytics.conftest import empty_store  # noqa: F401 - the fixture
from tests.conftest import PASSWORD
from tests.planning.test_import import JIRA

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def token(client: Client, path: str = "/roadmap/backlog/") -> str:
    html = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def post(client: Client, path: str, data: dict, *, page: str = "/roadmap/backlog/", **extra):
    return client.post(path, {**data, "csrfmiddlewaretoken": token(client, page)}, **extra)


def test_a_leader_changes_a_teams_capacity_and_others_cannot(portfolio, leader, make_user, viewer):
    lena = browser(leader)
    page = lena.get("/roadmap/teams/").content.decode()
    web = services.get_team("Web")
    assert f'id="headcount-{web.pk}"' in page and 'id="new-name"' in page
    assert re.search(rf'id="team-{web.pk}">.*?class="num capacity">24<', page, re.S)  # 2 people x 12 weeks
    done = post(lena, "/roadmap/teams/", {"name": "Web", "cost_per_week": "4500", "headcount": "3",
                                           "weeks_per_quarter": "11"}, page="/roadmap/teams/")
    assert done.status_code == 302 and done["Location"].endswith(f"#team-{web.pk}")
    web.refresh_from_db()
    assert (float(web.cost_per_week), web.headcount, web.weeks_per_quarter, web.capacity_weeks) == (4500, 3, 11, 33)
    assert "Team Web saved: 33 person-weeks a quarter." in lena.get("/roadmap/teams/").content.decode()
    # a new team, then a bad one: the problem is named and nothing is written
    post(lena, "/roadmap/teams/", {"name": "Data", "cost_per_week": "6000", "headcount": "2",
                                   "weeks_per_quarter": "12"}, page="/roadmap/teams/")
    assert services.get_team("Data").capacity_weeks == 24
    bad = post(lena, "/roadmap/teams/", {"name": "Web", "cost_per_week": "-1", "headcount": "3",
                                         "weeks_per_quarter": "11"}, page="/roadmap/teams/")
    assert bad.status_code == 422 and "a cost cannot be negative" in bad.content.decode()
    web.refresh_from_db()
    assert float(web.cost_per_week) == 4500
    # a contributor and a viewer see the page without the forms, and a posted change is refused
    for user in (make_user("cora", Role.CONTRIBUTOR), viewer):
        client = browser(user)
        page = client.get("/roadmap/teams/").content.decode()
        assert "Teams and capacity" in page and f'id="headcount-{web.pk}"' not in page and 'id="new-name"' not in page
        refused = post(client, "/roadmap/teams/", {"name": "Web", "headcount": "9"}, page="/roadmap/teams/")
        assert refused.status_code == 403
    web.refresh_from_db()
    assert web.headcount == 3


def test_deleting_an_idea_asks_first_and_only_a_leader_may(portfolio, leader, make_user):
    gift = portfolio["D"]
    cora = browser(make_user("cora", Role.PRODUCT_MANAGER))
    assert "Delete idea" not in cora.get(f"/roadmap/ideas/{gift.pk}/").content.decode()
    assert cora.get(f"/roadmap/ideas/{gift.pk}/delete/").status_code == 403
    assert post(cora, f"/roadmap/ideas/{gift.pk}/delete/", {}).status_code == 403
    assert Initiative.objects.filter(pk=gift.pk).exists()
    lena = browser(leader)
    assert f'href="/roadmap/ideas/{gift.pk}/delete/"' in lena.get(f"/roadmap/ideas/{gift.pk}/").content.decode()
    confirm = lena.get(f"/roadmap/ideas/{gift.pk}/delete/").content.decode()
    assert f"Delete #{gift.pk} Gift cards?" in confirm and "0 current scores" in confirm and "Keep it" in confirm
    assert Initiative.objects.filter(pk=gift.pk).exists()  # asking deletes nothing
    done = post(lena, f"/roadmap/ideas/{gift.pk}/delete/", {})
    assert done.status_code == 302 and done["Location"] == "/roadmap/backlog/"
    assert not Initiative.objects.filter(pk=gift.pk).exists()
    assert f"Idea #{gift.pk} Gift cards deleted." in lena.get("/roadmap/backlog/").content.decode()
    assert lena.get(f"/roadmap/ideas/{gift.pk}/delete/").status_code == 404


def test_reach_and_impact_from_evidence_on_the_idea_page(portfolio, make_user, viewer, empty_store):  # noqa: F811
    from headway.analytics import services as analytics
    from headway.strategy import services as strategy

    gift = portfolio["D"].pk
    now = timezone.now()
    # three persons searched in the last 7 days, a fourth 20 days ago: reach over 7 days is 3, over 30 days 4
    analytics.ingest(None, [
        {"uuid": f"s{n}", "event": "search", "distinct_id": who, "timestamp": (now - timedelta(days=ago)).isoformat()}
        for n, (who, ago) in enumerate([("a", 1), ("b", 2), ("c", 3), ("a", 4), ("d", 20)])])
    cora = browser(make_user("cora", Role.CONTRIBUTOR))
    page = cora.get(f"/roadmap/ideas/{gift}/").content.decode()
    assert 'id="reach-event"' in page and '<option value="search">' in page
    post(cora, f"/roadmap/ideas/{gift}/", {"action": "reach", "event": "search", "days": "7"})
    assert services.get_initiative(None, gift).inputs["reach"]["value"] == 3
    post(cora, f"/roadmap/ideas/{gift}/", {"action": "reach", "event": "search", "days": "30"})
    reach = services.get_initiative(None, gift).inputs["reach"]
    assert (reach["value"], reach["source"]) == (4, "analytics")
    assert "Reach set from analytics: persons who did search in the 30 days" in cora.get(
        f"/roadmap/ideas/{gift}/").content.decode()
    post(cora, f"/roadmap/ideas/{gift}/", {"action": "reach", "event": "search", "days": "14"})
    assert "7 or 30 days, not 14" in cora.get(f"/roadmap/ideas/{gift}/").content.decode()
    # impact: no KPI yet is refused in words; +3 on a KPI at 50 is 6 %, high (2)
    post(cora, f"/roadmap/ideas/{gift}/", {"action": "impact"})
    assert "has no KPI: link one first" in cora.get(f"/roadmap/ideas/{gift}/").content.decode()
    strategy.create_kpi(None, "orders", "Orders a day")
    strategy.enter_value(None, "orders", timezone.localdate() - timedelta(days=1), "50")
    services.update_initiative(None, gift, kpi="orders", expected_impact="+3 orders")
    post(cora, f"/roadmap/ideas/{gift}/", {"action": "impact"})
    impact = services.get_initiative(None, gift).inputs["impact"]
    assert (impact["value"], impact["source"]) == (2.0, "kpi")
    assert "RICE impact set to 2 from the linked KPI (high:" in cora.get(f"/roadmap/ideas/{gift}/").content.decode()
    # a viewer has no such forms and changes nothing
    vic = browser(viewer)
    assert 'id="reach-event"' not in vic.get(f"/roadmap/ideas/{gift}/").content.decode()
    post(vic, f"/roadmap/ideas/{gift}/", {"action": "reach", "event": "search", "days": "7"})
    assert services.get_initiative(None, gift).inputs["reach"]["value"] == 4


def upload(client: Client, text: str, source: str = "jira", team: str = "Web"):
    file = SimpleUploadedFile("export.csv", text.encode(), content_type="text/csv")
    return client.post("/roadmap/ideas/import/", {"source": source, "team": team, "file": file,
                                                   "csrfmiddlewaretoken": token(client, "/roadmap/ideas/import/")})


def test_importing_an_export_reports_every_bad_line_and_imports_all_or_nothing(portfolio, make_user, viewer):
    before = Initiative.objects.count()
    cora = browser(make_user("cora", Role.CONTRIBUTOR))
    assert 'href="/roadmap/ideas/import/"' in cora.get("/roadmap/backlog/").content.decode()
    bad = JIRA.replace("288000", "lots").replace("Fix coupon rounding", "")
    refused = upload(cora, bad)
    html = refused.content.decode()
    assert refused.status_code == 422 and Initiative.objects.count() == before
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]+)</td></tr>', html)
    assert [line for line, _ in rows] == ["2", "4"]  # the estimate on line 2 (record 1), the title on line 4
    assert "2 lines to fix" in html
    done = upload(cora, JIRA)
    assert done.status_code == 200 and Initiative.objects.count() == before + 3
    html = done.content.decode()
    assert "3 new ideas, 0 updated." in html and "Saved searches" in html and "SHOP-3" in html
    saved = Initiative.objects.get(external_ref="SHOP-1")
    assert (saved.title, services.effort_weeks(saved), saved.team.name) == ("Saved searches", 2.0, "Web")
    assert "0 new ideas, 3 updated." in upload(cora, JIRA).content.decode()
    assert upload(cora, JIRA, team="Nowhere").status_code == 422
    vic = browser(viewer)
    assert 'href="/roadmap/ideas/import/"' not in vic.get("/roadmap/backlog/").content.decode()
    assert vic.get("/roadmap/ideas/import/").status_code == 403


def test_a_scenario_is_applied_to_the_roadmap_or_deleted_by_a_leader_only(portfolio, leader, make_user):
    services.score_all(None)
    services.optimise(None, {"budget": 80000, "quarters": 1}, scenario="Lean")
    chosen = {i["id"] for i in services.get_scenario(None, "Lean").result["items"]}
    assert chosen and not RoadmapItem.objects.exists()
    pat = browser(make_user("pat", Role.PRODUCT_MANAGER))
    assert "Apply Lean" not in pat.get("/roadmap/optimise/").content.decode()
    assert post(pat, "/roadmap/scenarios/Lean/action/", {"action": "apply"}).status_code == 403
    lena = browser(leader)
    page = lena.get("/roadmap/optimise/").content.decode()
    assert "Apply Lean" in page and "Delete Lean" in page
    done = post(lena, "/roadmap/scenarios/Lean/action/", {"action": "apply", "commitment": "likely"})
    assert done.status_code == 302 and done["Location"] == "/roadmap/"
    assert {(r.initiative_id, r.commitment) for r in RoadmapItem.objects.all()} == {(pk, "likely") for pk in chosen}
    assert f"Scenario Lean is on the roadmap: {len(chosen)} initiative" in lena.get("/roadmap/").content.decode()
    # deleting needs the tick; without it nothing goes
    post(lena, "/roadmap/scenarios/Lean/action/", {"action": "delete"})
    assert services.list_scenarios(None).filter(name="Lean").exists()
    post(lena, "/roadmap/scenarios/Lean/action/", {"action": "delete", "confirm": "yes"})
    assert not services.list_scenarios(None).filter(name="Lean").exists()
    assert "Scenario Lean deleted." in lena.get("/roadmap/optimise/").content.decode()
    post(lena, "/roadmap/scenarios/Lean/action/", {"action": "apply"})
    assert "There is no scenario &#x27;Lean&#x27;" in lena.get("/roadmap/optimise/").content.decode()
