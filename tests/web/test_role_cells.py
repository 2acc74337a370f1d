"""Role × action through the web, cell by cell (issue 14, point 2): for every role and every person-facing web
write listed here (each is a line of ``headway.web.parity.WEB``), the web — a browser-like client with CSRF
enforced and the page's real token — refuses exactly what the API refuses for the same role; a control the role may
not use is not on the page; acknowledgements and stage changes show who and when.

A cell's web write counts as refused when the page answers 403 or nothing changed; the API's answer is its status
(403 refused). Each cell starts from the same hand-made workspace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from headway.core import services as core
from headway.core.permissions import Role
from headway.web.parity import WEB
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
PERIOD = "2026-05-01..2026-05-10"
CSV = "date,value\n2026-05-01,10\n2026-05-02,20\n2026-05-03,30\n"


@pytest.fixture
def world(workspace, make_user):
    """A KPI with values and a target, a goal, an open alert, a committed initiative owned by the leader's person,
    an idea, a feedback item; one user of each role."""
    from headway.discovery import services as discovery
    from headway.planning import services as planning
    from headway.strategy import services as strategy
    from headway.strategy.models import Alert
    from headway.team import services as team

    users = {role: make_user(f"user-{role.replace('_', '-')}", role) for role in ROLES}
    strategy.create_kpi(None, "signups", "Sign-ups", unit="count", aggregation="sum")
    strategy.import_values(None, "signups", CSV)
    strategy.set_target(None, "signups", PERIOD, "250")
    goal = strategy.create_goal(None, "Onboard faster", period=PERIOD, key_results=["signups"])
    kpi = strategy.get_kpi(None, "signups")
    alert = Alert.objects.create(kpi=kpi, kind=Alert.Kind.ANOMALY, direction="up", since=date(2026, 5, 1),
                                 until=date(2026, 5, 3), slots=1, actual=30, expected=10, delta=20, delta_pct=2,
                                 message="Sign-ups is up.")
    owner = team.create_person(None, name="Lena Lead", title="Head of product", email="lena@acme.test",
                               user=users["product_leader"].username)
    committed = planning.create_initiative(None, title="Checkout revamp", owner=owner.pk)
    planning.place(None, committed.pk, "2026-Q2", "committed")
    idea = planning.create_initiative(None, title="Wishlist")
    discovery.add_feedback(None, [{"text": "The parcel was late"}])
    item = discovery.list_feedback(None, inbox=True).get()
    return {"users": users, "goal": goal.pk, "alert": alert.pk, "committed": committed.pk, "idea": idea.pk,
            "item": item.pk}


@dataclass(frozen=True)
class Cell:
    """One person-facing write: its API operation (a key of ``WEB``), the API call, the page with its control,
    the web POST, the control's mark in the page's HTML, and what changes when the write happens."""

    op: str
    api: Callable[[dict], tuple[str, str, dict]]
    page: Callable[[dict], str]
    post: Callable[[dict], tuple[str, dict]]
    control: str
    changed: Callable[[dict], Any]


def _goal_title(w):
    from headway.strategy.models import Goal

    return sorted(Goal.objects.values_list("title", flat=True))


def _goal_checkins(w):
    from headway.strategy.models import GoalUpdate

    return GoalUpdate.objects.count()


def _target(w):
    from headway.strategy.models import KpiTarget

    return sorted(KpiTarget.objects.values_list("value", flat=True))


def _ack(w):
    from headway.strategy.models import Alert

    return Alert.objects.get(pk=w["alert"]).acknowledged_at is not None


def _strategy(w):
    from headway.strategy import services

    try:
        return services.current_strategy(None).version
    except Exception:
        return 0


def _ideas(w):
    from headway.planning.models import Initiative

    return sorted(Initiative.objects.values_list("title", "stage"))


def _comments(w):
    from headway.planning.models import Comment

    return Comment.objects.count()


def _feedback(w):
    from headway.discovery.models import FeedbackItem

    return sorted(FeedbackItem.objects.values_list("text", "reviewed"))


def _roles(w):
    from headway.core.models import User

    return User.objects.get(username="user-viewer").role


def _tokens(w):
    from headway.core.models import ApiToken

    return sorted(ApiToken.objects.filter(name="notebook").values_list("user__username", flat=True))


def _users(w):
    from headway.core.models import User

    return User.objects.count()


CELLS = [
    Cell("POST /api/v1/strategy/goals",
         lambda w: ("post", "/api/v1/strategy/goals", {"title": "Grow", "period": PERIOD}),
         lambda w: "/goals/", lambda w: ("/goals/new/", {"title": "Grow", "period": PERIOD, "level": "product"}),
         'href="/goals/new/', _goal_title),
    Cell("PATCH /api/v1/strategy/goals/{goal_id}",
         lambda w: ("patch", f"/api/v1/strategy/goals/{w['goal']}", {"status": "at_risk", "confidence": 40}),
         lambda w: f"/goals/{w['goal']}/",
         lambda w: (f"/goals/{w['goal']}/", {"status": "at_risk", "confidence": "40", "comment": "slow"}),
         'id="checkin-title"', _goal_checkins),
    Cell("PUT /api/v1/strategy/kpis/{name}/targets",
         lambda w: ("put", "/api/v1/strategy/kpis/signups/targets", {"period": PERIOD, "value": 190}),
         lambda w: f"/goals/kpis/signups/?period={PERIOD}",
         lambda w: ("/goals/kpis/signups/", {"period": PERIOD, "target": "190"}), 'name="target"', _target),
    Cell("POST /api/v1/strategy/alerts/{alert_id}/acknowledge",
         lambda w: ("post", f"/api/v1/strategy/alerts/{w['alert']}/acknowledge", {}),
         lambda w: "/goals/alerts/", lambda w: ("/goals/alerts/", {"acknowledge": str(w["alert"])}),
         'name="acknowledge"', _ack),
    Cell("PUT /api/v1/strategy",
         lambda w: ("put", "/api/v1/strategy", {"vision": "Be loved", "body": "Ship less, better."}),
         lambda w: "/goals/strategy/",
         lambda w: ("/goals/strategy/", {"vision": "Be loved", "body": "Ship less, better.", "note": ""}),
         'name="vision"', _strategy),
    Cell("POST /api/v1/planning/initiatives",
         lambda w: ("post", "/api/v1/planning/initiatives", {"title": "Gift cards"}),
         lambda w: "/roadmap/backlog/",
         lambda w: ("/roadmap/ideas/new/", {"title": "Gift cards", "kind": "iterate", "duration": "1",
                                            "user_value": "0", "business_value": "0", "commitment": "likely"}),
         'href="/roadmap/ideas/new/"', _ideas),
    Cell("PATCH /api/v1/planning/initiatives/{initiative_id}",  # a stage change of the leader's committed item
         lambda w: ("patch", f"/api/v1/planning/initiatives/{w['committed']}", {"stage": "shipped"}),
         lambda w: f"/roadmap/ideas/{w['committed']}/",
         lambda w: (f"/roadmap/ideas/{w['committed']}/", {"action": "stage", "stage": "shipped"}),
         'name="stage"', _ideas),
    Cell("POST /api/v1/planning/initiatives/{initiative_id}/comments",
         lambda w: ("post", f"/api/v1/planning/initiatives/{w['idea']}/comments", {"body": "Why now?"}),
         lambda w: f"/roadmap/ideas/{w['idea']}/",
         lambda w: (f"/roadmap/ideas/{w['idea']}/", {"action": "comment", "body": "Why now?"}),
         'name="body"', _comments),
    Cell("POST /api/v1/discovery/feedback",
         lambda w: ("post", "/api/v1/discovery/feedback", {"text": "Search is slow"}),
         lambda w: "/feedback/inbox/", lambda w: ("/feedback/add/", {"text": "Search is slow", "source": "support"}),
         'id="fb-text"', _feedback),
    Cell("POST /api/v1/discovery/feedback/reviewed",
         lambda w: ("post", "/api/v1/discovery/feedback/reviewed", {"items": [w["item"]]}),
         lambda w: "/feedback/inbox/", lambda w: ("/feedback/inbox/reviewed/", {"item": str(w["item"])}),
         "Mark selected as reviewed", _feedback),
    Cell("POST /api/v1/users",
         lambda w: ("post", "/api/v1/users", {"username": "newbie", "password": PASSWORD, "role": "viewer"}),
         lambda w: "/settings/users/",
         lambda w: ("/settings/users/", {"username": "newbie", "password": PASSWORD, "role": "viewer",
                                         "email": "", "display_name": ""}),
         'name="password"', _users),
    Cell("PUT /api/v1/users/{username}/role",
         lambda w: ("put", "/api/v1/users/user-viewer/role", {"role": "contributor"}),
         lambda w: "/settings/users/",
         lambda w: ("/settings/users/", {"action": "set-role", "username": "user-viewer", "role": "contributor"}),
         'value="set-role"', _roles),
    Cell("POST /api/v1/tokens",  # every role may hold its own API tokens
         lambda w: ("post", "/api/v1/tokens", {"name": "notebook"}),
         lambda w: "/settings/tokens/", lambda w: ("/settings/tokens/", {"name": "notebook"}),
         'name="name"', _tokens),
]


def api_answer(w, cell: Cell, user) -> int:
    method, path, body = cell.api(w)
    token = core.create_token(user, "cell").secret
    response = getattr(Client(), method)(path, body, content_type="application/json",
                                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (cell.op, response.content)
    return response.status_code


def web_answer(w, cell: Cell, user) -> tuple[bool, str]:
    """Whether the web refused the write (403, or nothing changed), and the page's HTML before it."""
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=user.username, password=PASSWORD)
    page = browser.get(cell.page(w))
    assert page.status_code == 200, (cell.op, page.status_code)
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    # a page without any form: take the token from the cookie the site set
    token_value = browser.cookies["csrftoken"].value if token is None else token.group(1)
    before = cell.changed(w)
    path, data = cell.post(w)
    response = browser.post(path, {**data, "csrfmiddlewaretoken": token_value})
    assert response.status_code in (200, 302, 403, 422), (cell.op, response.status_code)
    refused = response.status_code == 403 or cell.changed(w) == before
    return refused, html


def test_every_cell_is_an_inventoried_web_write():
    assert {c.op for c in CELLS} <= set(WEB), {c.op for c in CELLS} - set(WEB)
    assert len({c.op for c in CELLS}) == len(CELLS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.op)
def test_the_web_refuses_exactly_what_the_api_refuses(world, cell, role):
    user = world["users"][role]
    web_refused, html = web_answer(world, cell, user)
    api_refused = api_answer(world, cell, user) == 403
    assert web_refused == api_refused, f"{role}: web refused {web_refused}, API refused {api_refused}"
    # a control the role may not use is not on the page; one it may use is
    assert (cell.control in html) is (not api_refused), f"{role}: control {cell.control!r} shown wrongly"


def test_acknowledgements_and_stage_changes_show_who_and_when(world):
    leader = world["users"]["product_leader"]
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=leader.username, password=PASSWORD)
    token = browser.get("/goals/alerts/").cookies.get("csrftoken") or browser.cookies["csrftoken"]
    assert browser.post("/goals/alerts/", {"acknowledge": str(world["alert"]),
                                           "csrfmiddlewaretoken": token.value}).status_code == 302
    from headway.core.formatting import moment
    from headway.strategy.models import Alert

    alert = Alert.objects.get(pk=world["alert"])
    page = browser.get("/goals/alerts/").content.decode()
    assert f"Acknowledged by {leader.name or leader.username} on {moment(alert.acknowledged_at)}." in page
    assert browser.post(f"/roadmap/ideas/{world['committed']}/",
                        {"action": "stage", "stage": "shipped", "csrfmiddlewaretoken": token.value}).status_code == 302
    from headway.planning.models import StageChange

    change = StageChange.objects.filter(initiative_id=world["committed"]).latest("pk")
    idea = " ".join(browser.get(f"/roadmap/ideas/{world['committed']}/").content.decode().split())
    assert f"Shipped <span class=\"meta\">{moment(change.at)} by {change.actor_label}</span>" in idea
