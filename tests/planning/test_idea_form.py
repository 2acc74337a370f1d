"""The new-idea and edit-idea forms: permission-checked through the services, CSRF-protected, every problem shown
next to its field, nothing saved unless everything is valid."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from headway.core.models import AuditEvent
from headway.core.permissions import Role
from headway.planning import services
from headway.planning.models import Initiative, RoadmapItem, StageChange
from headway.strategy import services as strategy
from tests.conftest import PASSWORD

NEW = "/roadmap/ideas/new/"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def contributor(make_user):
    return make_user("cody", Role.CONTRIBUTOR)


@pytest.fixture
def owner(portfolio):
    from headway.team import services as team_services

    return team_services.create_person(None, name="Priya Patel", title="Product Manager")


def form(portfolio, **overrides):
    web, mobile = (services.get_team(n) for n in ("Web", "Mobile"))
    kpi = strategy.list_kpis(None).filter(name="repeat_rate").first() or strategy.create_kpi(
        None, "repeat_rate", "Repeat purchase rate", unit="percent")
    data = {"title": "Wishlist", "problem": "Shoppers lose items they meant to buy.",
            "hypothesis": "A wishlist brings 5 % of them back.", "product_area": "Storefront", "owner": "",
            "team": "Web", "kind": "innovate", "duration": "2", "goal": str(portfolio["goal"].pk),
            "kpi": str(kpi.pk), "expected_impact": "+2 pts repeat rate", "user_value": "7",
            "business_value": "5", "kano": "attractive", f"effort-{web.pk}": "6", f"effort-{mobile.pk}": ""}
    return {**data, **overrides}


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error"><span class="visually-hidden">'
                      r"Error: </span>(.*?)</p>", html)
    assert match, f"no error shown next to {field_id}"
    return match.group(1)


def test_contributor_proposes_an_idea(client, portfolio, contributor, owner):
    login(client, contributor)
    page = client.get(NEW)
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>New idea</h1>" in html
    assert f'<option value="{owner.pk}">Priya Patel</option>' in html
    assert '<option value="tech_debt">Tech debt</option>' in html
    assert "Start quarter" not in html  # the roadmap place needs plans.edit
    response = client.post(NEW, form(portfolio, owner=str(owner.pk)))
    idea = Initiative.objects.get(title="Wishlist")
    assert response.status_code == 302 and response["Location"] == f"/roadmap/ideas/{idea.pk}/"
    assert (idea.kind, idea.stage, idea.duration, idea.owner, idea.team.name) == ("innovate", "idea", 2, owner, "Web")
    assert (idea.goal, idea.kpi.name, idea.expected_impact, idea.kano) == (
        portfolio["goal"], "repeat_rate", "+2 pts repeat rate", "attractive")
    assert services.initiative_detail(None, idea.pk).effort == {"Web": 6.0}
    assert services.cost(idea) == 24_000  # 6 weeks x 4,000
    assert StageChange.objects.filter(initiative=idea, to_stage="idea").count() == 1
    assert AuditEvent.objects.filter(object_id=str(idea.pk), summary__contains="proposed").exists()
    shown = client.get(response["Location"]).content.decode()
    assert f"Idea #{idea.pk} Wishlist proposed." in shown and '<dd class="cost">24,000</dd>' in shown


def test_every_problem_is_shown_next_to_its_field_and_nothing_is_saved(client, portfolio, contributor):
    login(client, contributor)
    web = services.get_team("Web")
    before = Initiative.objects.count()
    response = client.post(NEW, form(portfolio, title="  ", user_value="11", duration="0", kind="moonshot",
                                     **{f"effort-{web.pk}": "-3"}))
    html = response.content.decode()
    assert response.status_code == 422 and Initiative.objects.count() == before
    assert error_of(html, "title") == "give a title of 1 to 200 characters"
    assert error_of(html, "user_value") == "rate it from 0 to 10, got 11"
    assert error_of(html, "duration") == "must be 1 or more, got 0"
    assert error_of(html, "kind").startswith("&#x27;moonshot&#x27; is not one of innovate, iterate")
    assert error_of(html, f"effort-{web.pk}") == "must be 0 or more, got -3 (effort is person-weeks, 0 or more)"
    assert 'aria-describedby="title-hint title-error" aria-invalid="true"' in html
    assert "There are 5 problems" in html and f'<a href="#effort-{web.pk}">Effort of Web</a>' in html
    assert f'<option value="{portfolio["goal"].pk}" selected>' in html  # what was chosen is kept


def test_viewers_may_not_propose_and_csrf_is_checked(client, portfolio, viewer, contributor):
    login(client, viewer)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form(portfolio)).status_code == 403
    assert client.get(f"/roadmap/ideas/{portfolio['A'].pk}/edit/").status_code == 403
    assert "New idea" not in client.get("/roadmap/backlog/").content.decode()
    strict = Client(enforce_csrf_checks=True)
    login(strict, contributor)
    assert strict.post(NEW, form(portfolio)).status_code == 403
    assert not Initiative.objects.filter(title="Wishlist").exists()
    client.logout()
    login(client, contributor)
    assert f'href="{NEW}"' in client.get("/roadmap/backlog/").content.decode()


def test_leader_places_the_idea_on_the_roadmap_all_or_nothing(client, portfolio, leader):
    login(client, leader)
    quarter = services.quarter_of(date.today())
    html = client.get(NEW).content.decode()
    assert "Start quarter" in html and f'<option value="{quarter}">' in html
    bad = client.post(NEW, form(portfolio, quarter="Q3 2026", commitment="committed"))
    assert bad.status_code == 422 and not Initiative.objects.filter(title="Wishlist").exists()
    assert "is not a quarter: write it as YEAR-Qn" in error_of(bad.content.decode(), "quarter")
    client.post(NEW, form(portfolio, quarter=quarter, commitment="committed"))
    item = RoadmapItem.objects.get(initiative__title="Wishlist")
    assert (item.quarter, item.commitment) == (quarter, "committed")


def test_edit_form_changes_an_idea(client, portfolio, leader, contributor):
    a, b = portfolio["A"], portfolio["B"]
    web, mobile = services.get_team("Web"), services.get_team("Mobile")
    login(client, contributor)
    edit = f"/roadmap/ideas/{b.pk}/edit/"
    html = client.get(edit).content.decode()
    assert 'value="One-tap reorder"' in html and f'name="effort-{web.pk}" type="number"' in html
    assert re.search(rf'id="effort-{mobile.pk}"[^>]*value="4"', html)
    changed = form(portfolio, title="One-tap reorder v2", kind="iterate", duration="1",
                   **{f"effort-{web.pk}": "5", f"effort-{mobile.pk}": "0"})
    assert client.post(edit, changed).status_code == 302
    b.refresh_from_db()
    assert b.title == "One-tap reorder v2" and services.initiative_detail(None, b.pk).effort == {"Web": 5.0}

    services.add_dependency(None, b.pk, a.pk)  # B requires A, which is not on the roadmap
    client.logout()
    login(client, leader)
    refused = client.post(edit, {**changed, "title": "Renamed", "quarter": services.quarter_of(date.today())})
    assert refused.status_code == 422
    assert "requires Saved carts" in error_of(refused.content.decode(), "quarter")
    b.refresh_from_db()
    assert b.title == "One-tap reorder v2" and not RoadmapItem.objects.filter(initiative=b).exists()
    assert client.get(f"/roadmap/ideas/{b.pk}/").content.decode().count(f'href="{edit}"') == 1


def test_save_idea_reports_every_problem_at_once(portfolio, contributor):
    from headway.core.errors import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as caught:
        services.save_idea(contributor, None, {"title": "", "duration": "9"}, {"Web": "-1", "Ops": "2"})
    assert set(caught.value.details) == {"title", "duration", "effort.Web", "effort.Ops"}
    with pytest.raises(PermissionDenied):
        services.save_idea(contributor, None, {"title": "Ok"}, {}, quarter="2026-Q3")
    assert not Initiative.objects.filter(title="Ok").exists()


def test_idea_page_adds_and_removes_dependencies_and_links(client, portfolio, contributor, viewer):
    a, b = portfolio["A"].pk, portfolio["B"].pk
    page = f"/roadmap/ideas/{b}/"
    login(client, contributor)
    html = client.get(page).content.decode()
    assert f'<option value="{a}">#{a} Saved carts</option>' in html and f'<option value="{b}">' not in html
    added = client.post(page, {"action": "depend", "type": "requires", "target": str(a)}, follow=True)
    assert "Dependency added." in added.content.decode()
    assert services.initiative_detail(None, b).model_dump()["dependencies"] == [{"type": "requires", "id": a,
                                                                     "title": "Saved carts"}]
    cycle = client.post(f"/roadmap/ideas/{a}/", {"action": "depend", "type": "requires", "target": str(b)},
                        follow=True).content.decode()
    assert f"That dependency would make a cycle: Saved carts (#{a}) → One-tap reorder" in cycle
    linked = client.post(page, {"action": "link", "title": "Spec", "url": "https://example.com/spec"}, follow=True)
    assert '<a href="https://example.com/spec" rel="noopener noreferrer">Spec</a>' in linked.content.decode()
    bad = client.post(page, {"action": "link", "title": "x", "url": "javascript:alert(1)"}, follow=True)
    assert "is not a web link: give an http(s) URL" in bad.content.decode()
    removed = client.post(page, {"action": "undepend", "target": str(a)}, follow=True)
    assert "Dependency removed." in removed.content.decode()
    assert services.initiative_detail(None, b).dependencies == []
    client.logout()
    login(client, viewer)
    assert "Add dependency" not in client.get(page).content.decode()
    assert client.post(page, {"action": "depend", "target": str(a)}, follow=True).status_code == 403
    assert services.initiative_detail(None, b).dependencies == []  # refused: viewers may not edit ideas


def test_goal_and_kpi_are_offered_and_linked(client, portfolio, contributor):
    strategy.create_kpi(None, "conversion", "Checkout conversion", unit="percent")
    goal = strategy.create_goal(None, "Make checkout effortless", key_results=["conversion"])
    kpi = strategy.get_kpi(None, "conversion")
    login(client, contributor)
    html = client.get(NEW).content.decode()
    assert f'<option value="{goal.pk}">Make checkout effortless ({goal.period.name})</option>' in html
    assert f'<option value="{kpi.pk}">Checkout conversion (conversion)</option>' in html
    client.post(NEW, form(portfolio, goal=str(goal.pk), kpi=str(kpi.pk), expected_impact="+2 pts"))
    idea = Initiative.objects.get(title="Wishlist")
    assert (idea.goal, idea.kpi) == (goal, kpi)
    page = client.get(f"/roadmap/ideas/{idea.pk}/").content.decode()
    assert f'<a href="/goals/{goal.pk}/">Make checkout effortless</a>' in page
    assert '<a href="/goals/kpis/conversion/">conversion</a>: +2 pts' in page

    strategy.update_goal(None, goal.pk, title="Checkout in one tap")  # a rename keeps the link
    page = client.get(f"/roadmap/ideas/{idea.pk}/").content.decode()
    assert f'<a href="/goals/{goal.pk}/">Checkout in one tap</a>' in page
    edit = client.get(f"/roadmap/ideas/{idea.pk}/edit/").content.decode()
    assert f'<option value="{goal.pk}" selected>Checkout in one tap ({goal.period.name})</option>' in edit


def test_a_goal_outside_the_workspace_is_refused_next_to_its_field(client, portfolio, contributor):
    login(client, contributor)
    missing = portfolio["goal"].pk + 1000  # no goal of this workspace has that id
    response = client.post(NEW, form(portfolio, goal=str(missing)))
    html = response.content.decode()
    assert response.status_code == 422 and not Initiative.objects.filter(title="Wishlist").exists()
    assert error_of(html, "goal") == (f"There is no goal {missing}: `headway goal list` shows the goals of this "
                                      "workspace with their ids")


def test_idea_page_shows_the_demand_behind_it(client, portfolio, viewer):
    from headway.discovery import services as discovery

    discovery.upsert_accounts(None, [{"name": "Acme", "external_id": "A1", "arr": 120_000}])
    discovery.add_feedback(None, [{"text": "Let me save my cart", "account": "A1"},
                                  {"text": "Saved carts please", "account": "A1"},
                                  {"text": "I lose my cart all the time"}])
    items = [f.pk for f in discovery.list_feedback(None)]
    a = portfolio["A"].pk
    for pk in items:
        discovery.link_demand(None, a, item_id=pk, importance="important")
    login(client, viewer)
    html = client.get(f"/roadmap/ideas/{a}/").content.decode()
    assert "— 3 feedback items from 1 account (ARR 120,000) through 3 links</dd>" in html
    assert services.initiative_detail(None, a).demand_evidence.items == 3
    assert "no feedback linked yet" in client.get(f"/roadmap/ideas/{portfolio['B'].pk}/").content.decode()
