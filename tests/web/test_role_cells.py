"""Role × action through the web, cell by cell (issue 14, point 2), driven by the parity inventory: for every
person-facing API write of ``headway.web.parity.WEB`` there is a cell here (a test fails when one is added to the
inventory without a cell), and for every role the web — a browser-like client with CSRF enforced and the page's
real token — posts to the web route the inventory names and answers as the API does for the same role: where the
API allows the write, the web answers 2xx/3xx and the change happens; where the API refuses (403, or 404 for
what the role may not see), the web gives the same status and nothing changes. A control the role may not use is
not on the page that hosts it; one it may use is. Acknowledgements and stage changes show who and when.

The workspace is built once for the module; every test runs in its own transaction, rolled back after it, and
the API's answer is taken inside a savepoint that is rolled back too, so the web's write starts from the same
state the API's did.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve

from headway.core import services as core
from headway.core.permissions import Role
from headway.web.parity import WEB
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]
PERIOD = "2026-05-01..2026-05-10"
CATALOGUE = "metrics:\n  - name: buyers\n    type: simple\n    event: purchase\n    math: unique_users\n"
CSV = "date,value\n2026-05-01,10\n2026-05-02,20\n2026-05-03,30\n"


def _build() -> dict[str, Any]:
    """A KPI with values and a target, a goal, an open alert, a committed initiative owned by the leader's person,
    an idea, a feedback item, product areas; one user of each role, each with an API token."""
    from headway.discovery import services as discovery
    from headway.planning import services as planning
    from headway.strategy import services as strategy
    from headway.strategy.models import Alert
    from headway.team import services as team

    core.ensure_workspace("Acme Test", timezone="Europe/London")
    users = {role: core.create_user(None, f"user-{role.replace('_', '-')}", PASSWORD, role=role,
                                    email=f"{role}@acme.test") for role in ROLES}
    strategy.create_kpi(None, "signups", "Sign-ups", unit="count", aggregation="sum")
    from headway.analytics import services as analytics

    analytics.load_metrics(None, CATALOGUE)
    strategy.create_kpi(None, "buyers", "Buyers", metric="buyers")
    strategy.import_values(None, "signups", CSV)
    strategy.set_target(None, "signups", PERIOD, "250")
    goal = strategy.create_goal(None, "Onboard faster", period=PERIOD, key_results=["signups"])
    kpi = strategy.get_kpi(None, "signups")
    alert = Alert.objects.create(kpi=kpi, kind=Alert.Kind.ANOMALY, direction="up", since=date(2026, 5, 1),
                                 until=date(2026, 5, 3), slots=1, actual=30, expected=10, delta=20, delta_pct=2,
                                 message="Sign-ups is up.")
    strategy.create_area(None, "Commerce", "line")
    strategy.create_area(None, "Spare", "line")
    owner = team.create_person(None, name="Lena Lead", title="Head of product", email="lena@acme.test",
                               user=users["product_leader"].username)
    committed = planning.create_initiative(None, title="Checkout revamp", owner=owner.pk)
    planning.place(None, committed.pk, "2026-Q2", "committed")
    idea = planning.create_initiative(None, title="Wishlist")
    discovery.add_feedback(None, [{"text": "The parcel was late"}])
    item = discovery.list_feedback(None, inbox=True).get()
    gift = planning.create_initiative(None, title="Gift wrap")
    boost = planning.create_initiative(None, title="Faster sign-up", kpi="signups", expected_impact="+3")
    planning.add_dependency(None, idea.pk, committed.pk, "requires")
    planning.save_team(None, "Core", headcount=3, cost_per_week=1000)
    tokens = {role: core.create_token(user, "mine").token.pk for role, user in users.items()}
    return {"users": users, "goal": goal.pk, "alert": alert.pk, "committed": committed.pk, "idea": idea.pk,
            "item": item.pk, "tokens": tokens, "owner": owner.pk, "gift": gift.pk, "boost": boost.pk, **_team(users, owner),
            **_reports(users), **_discovery(users), **_hiring()}


def _hiring() -> dict[str, Any]:
    """A Core web engineer role, an unused role, and openings planned, approved and open; a deactivated user."""
    from headway.planning import services as planning

    role = planning.save_role(None, "Core", "", "", title="Web engineer", annual_cost=80000)
    spare = planning.save_role(None, "Core", "senior_pm", "", title="Senior web engineer", annual_cost=99000)
    planned, approved, opened = (planning.plan_opening(None, role.id, "2026-Q3") for _ in range(3))
    planning.approve_opening(None, approved.id)
    planning.approve_opening(None, opened.id)
    planning.open_opening(None, opened.id)
    core.set_active(None, core.create_user(None, "user-gone", PASSWORD).username, False)
    planning.save_scoring_model(None, "RICE", "rice", primary=True)
    for name in ("Plan A", "Plan B"):
        planning.optimise(None, {}, scenario=name)
    return {"job_role": role.id, "spare": spare.id, "planned": planned.id, "approved": approved.id, "opened": opened.id}


def _discovery(users) -> dict[str, Any]:
    """Two themes (Delivery with two quotes, Search with one) and a cohort the product manager owns."""
    from headway.analytics import services as analytics
    from headway.discovery import services as discovery
    from headway.discovery.models import FeedbackItem, Theme

    delivery, search = Theme.objects.create(label="Delivery", size=2), Theme.objects.create(label="Search", size=1)
    ids = discovery.add_feedback(None, [{"text": "Courier lost my box"}, {"text": "Search finds nothing"}]).ids
    FeedbackItem.objects.filter(pk=ids[0]).update(theme=delivery)
    FeedbackItem.objects.filter(pk=ids[1]).update(theme=search)
    FeedbackItem.objects.filter(text="The parcel was late").update(theme=delivery)
    cohort = analytics.create_cohort(users["product_manager"], "Plus buyers", {"rules": [{"property": "plan:eq:plus"}]})
    insight = analytics.create_insight(users["product_manager"], "Purchases", {"event": "purchase"})
    return {"delivery": delivery.pk, "search": search.pk, "lost": ids[0], "cohort": cohort.pk, "insight": insight.pk}


def _reports(users) -> dict[str, Any]:
    """A monthly pack (draft), an e-mail channel, a subscription of an outside address, a share link, an
    annotation."""
    from headway.impact import services as impact
    from headway.reports import services as reports

    pack = reports.create_pack(None, "monthly")
    reports.add_channel(None, "team-mail", "email", "team@acme.test")
    sub = reports.add_subscription(None, "weekly", to="board@acme.test")
    share = reports.create_share(None, "roadmap", audience="leadership")
    note = impact.add_annotation(None, "2026-05-02", "Price change")
    return {"pack": pack.pk, "section": reports.PackView.of(pack).editable[0], "subscription": sub.pk,
            "share": share.pk, "annotation": note.pk, "launched": _launched()}


def _launched() -> int:
    """An initiative shipped 28 days ago on a KPI with 60 days of values before and 28 after: measurable."""
    from datetime import timedelta

    from headway.impact import services as impact
    from headway.planning import services as planning
    from headway.strategy import services as strategy

    shipped = date.today() - timedelta(days=28)
    strategy.create_kpi(None, "basket", "Basket size", unit="number", aggregation="mean")
    rows = [f"{shipped + timedelta(days=k)},{40 + (k % 7) * 0.1 + (2 if k >= 0 else 0):.2f}" for k in range(-60, 28)]
    strategy.import_values(None, "basket", "date,value\n" + "\n".join(rows) + "\n")
    launched = planning.create_initiative(None, title="Bigger baskets", kpi="basket", expected_impact="+2 basket")
    planning.set_stage(None, launched.pk, "shipped")
    impact.set_measurement(None, launched.pk, shipped_on=shipped)
    return launched.pk


def _team(users, lena) -> dict[str, Any]:
    """Max (the contributor) and Pia (the product manager) report to Lena; Ola has no account. A check-in series
    Lena–Max; review cycles in draft, nominating (with Max's proposal of Ola), collecting (Pia reviews Max) and
    calibrating; a job description with its interview kit and Pia's scorecard for a candidate."""
    from headway.team import services as team
    from headway.team.services import checkins, interviews, jobs, ladders, reviews

    people = {name: team.create_person(None, name=name, title="Product manager", email=f"{name.lower()}@acme.test",
                                       manager=lena.pk, **({"user": user} if user else {}))
              for name, user in (("Max", users["contributor"].username), ("Pia", users["product_manager"].username),
                                 ("Ola", None))}
    max_, pia, ola = people["Max"].pk, people["Pia"].pk, people["Ola"].pk
    pair = checkins.create_pair(None, lena.pk, max_, "weekly")
    draft = reviews.create_cycle(None, "Draft cycle", [max_])
    nominating = reviews.create_cycle(None, "Nominating cycle", [max_])
    reviews.advance(None, nominating.pk)
    proposal = reviews.nominate(users["contributor"], nominating.pk, max_, [ola])[0]
    collecting = reviews.create_cycle(None, "Collecting cycle", [max_])
    reviews.advance(None, collecting.pk)
    pias = reviews.decide(None, reviews.nominate(None, collecting.pk, max_, [pia])[0].pk)
    reviews.advance(None, collecting.pk)
    calibrating = reviews.create_cycle(None, "Calibrating cycle", [max_])
    for _ in range(3):
        reviews.advance(None, calibrating.pk)
    level = ladders.current_ladder(None).levels[0].slug
    job = jobs.generate(None, level=level, specialisation="core", team="Core", location="Remote")
    kit = interviews.make_kit(None, job.id, 2)
    card = interviews.assign(None, job.id, "Cara Candidate", 1, users["product_manager"].username)
    bare = jobs.generate(None, level=level, specialisation="core", team="Core", location="Paris")
    return {"bare": bare.id, "max": max_, "pia": pia, "ola": ola, "pair": pair.pk, "draft": draft.pk, "nominating": nominating.pk,
            "proposal": proposal.pk, "collecting": collecting.pk, "pias": pias.pk, "calibrating": calibrating.pk,
            "level": level, "job": job.id, "questions": [q.slug for q in reviews.questions(collecting)],
            "card": card.id, "attribute": kit.attributes[0].competency}


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The workspace, built once inside a transaction that is rolled back when the module ends, with its own
    events store holding the analytics tests' hand-written events."""
    from django.test import override_settings

    from headway.analytics import services as analytics
    from tests.analytics.conftest import EVENTS

    store = tmp_path_factory.mktemp("cells") / "events.duckdb"
    with override_settings(HEADWAY_EVENTS_URL=f"duckdb:///{store}"), django_db_blocker.unblock(), \
            transaction.atomic():
        analytics.close_store()
        analytics.ingest(None, EVENTS)
        try:
            world = _build()
            PAGES.clear()
            world["cookies"], world["secrets"] = {}, {}
            for role, user in world["users"].items():  # a browser session and an API token per role, made once
                browser = Client()
                browser.force_login(user)
                browser.get("/settings/password/")  # sets the CSRF cookie
                world["cookies"][role] = browser.cookies
                world["secrets"][role] = core.create_token(user, "cell").secret
            yield world
        finally:
            transaction.set_rollback(True)
            analytics.close_store()


@pytest.fixture
def world(built, db) -> dict[str, Any]:
    return dict(built)


def audited(w) -> int:
    """How many changes the audit trail holds (every service write records one)."""
    from headway.core.models import AuditEvent

    return AuditEvent.objects.exclude(action__in=["view", "login", "login_failed", "logout"]).count()


Api = Callable[[dict], tuple[str, str, Any]]
Web = Callable[[dict], tuple[str, str, dict]]


@dataclass(frozen=True)
class Cell:
    """One person-facing write: its API operation (a key of ``WEB``), the API call, the web side (the page with
    the control, the POST's path and its fields), the control's mark in the page's HTML, and what changes when
    the write happens (by default the audit trail)."""

    op: str
    api: Api
    web: Web
    control: str
    changed: Callable[[dict], Any] = audited
    query: bool = False  # a read the API takes as a POST: the web's GET answers it, nothing changes


def _goal_title(w):
    from headway.strategy.models import Goal

    return sorted(Goal.objects.values_list("title", flat=True))


def _target(w):
    from headway.strategy.models import KpiTarget

    return sorted(KpiTarget.objects.values_list("value", flat=True))


def _ack(w):
    from headway.strategy.models import Alert

    return Alert.objects.get(pk=w["alert"]).acknowledged_at is not None


def _ideas(w):
    from headway.planning.models import Initiative

    return sorted(Initiative.objects.values_list("title", "stage"))


def _jobs(w):
    from headway.core.models import Job

    return Job.objects.count()


def _computed(w):
    from headway.strategy.models import Kpi

    return sorted(Kpi.objects.values_list("name", "last_computed_at"))


def _rows(model: str, *fields: str) -> Callable[[dict], Any]:
    """What the team's table ``model`` holds (its rows, or these fields of them)."""
    def rows(w):
        from django.apps import apps

        manager = apps.get_model("team", model).objects
        return sorted(manager.values_list(*fields)) if fields else manager.count()

    return rows


def _deliveries(w):
    from headway.reports.models import Delivery

    return Delivery.objects.count()


def _placed(w):
    from headway.planning import services

    return sorted((i.pk, str(services.initiative_detail(None, i.pk).quarter)) for i in services.list_initiatives(None))


def _feedback(w):
    from headway.discovery.models import FeedbackItem

    return sorted(FeedbackItem.objects.values_list("text", "reviewed"))


def _roles(w):
    from headway.core.models import User

    return User.objects.get(username="user-viewer").role


def _tokens(w):
    from headway.core.models import ApiToken

    return sorted(ApiToken.objects.filter(revoked_at__isnull=True).values_list("user__username", "name"))


def _users(w):
    from headway.core.models import User

    return sorted(User.objects.values_list("username", "is_active", "password"))


SETTINGS = [
    Cell("PATCH /api/v1/workspace",
         lambda w: ("patch", "/api/v1/workspace", {"industry": "Retail"}),
         lambda w: ("/settings/", "/settings/", {"name": "Acme Test", "industry": "Retail",
                                                 "fiscal_year_start_month": "1", "timezone": "Europe/London",
                                                 "week_start": "monday", "currency": "EUR"}),
         "Save settings"),
    Cell("POST /api/v1/users",
         lambda w: ("post", "/api/v1/users", {"username": "newbie", "password": PASSWORD, "role": "viewer"}),
         lambda w: ("/settings/users/", "/settings/users/", {"username": "newbie", "password": PASSWORD,
                                                             "role": "viewer", "email": "", "display_name": ""}),
         'name="password"', _users),
    Cell("PUT /api/v1/users/{username}/role",
         lambda w: ("put", "/api/v1/users/user-viewer/role", {"role": "contributor"}),
         lambda w: ("/settings/users/", "/settings/users/",
                    {"action": "set-role", "username": "user-viewer", "role": "contributor"}),
         'value="set-role"', _roles),
    Cell("PUT /api/v1/users/{username}/password",
         lambda w: ("put", "/api/v1/users/user-viewer/password", {"password": PASSWORD + "-new"}),
         lambda w: ("/settings/users/", "/settings/users/",
                    {"action": "reset-password", "username": "user-viewer", "password": PASSWORD + "-new"}),
         'value="reset-password"', _users),
    Cell("POST /api/v1/users/{username}/deactivate",
         lambda w: ("post", "/api/v1/users/user-viewer/deactivate", {}),
         lambda w: ("/settings/users/", "/settings/users/", {"action": "deactivate", "username": "user-viewer"}),
         'value="deactivate"', _users),
    Cell("DELETE /api/v1/admin/tokens/{token_id}",
         lambda w: ("delete", f"/api/v1/admin/tokens/{w['tokens']['viewer']}", {}),
         lambda w: ("/settings/users/", "/settings/users/",
                    {"action": "revoke-token", "token": str(w["tokens"]["viewer"])}),
         'value="revoke-token"', _tokens),
    Cell("POST /api/v1/users/{username}/reactivate",
         lambda w: ("post", "/api/v1/users/user-gone/reactivate", {}),
         lambda w: ("/settings/users/", "/settings/users/", {"action": "reactivate", "username": "user-gone"}),
         'value="reactivate"', _users),
    Cell("POST /api/v1/tokens",  # every role may hold its own API tokens
         lambda w: ("post", "/api/v1/tokens", {"name": "notebook"}),
         lambda w: ("/settings/tokens/", "/settings/tokens/", {"name": "notebook"}), 'name="name"', _tokens),
    Cell("DELETE /api/v1/tokens/{token_id}",
         lambda w: ("delete", f"/api/v1/tokens/{w['tokens'][w['role']]}", {}),
         lambda w: ("/settings/tokens/", "/settings/tokens/", {"revoke": str(w["tokens"][w["role"]])}),
         'name="revoke"', _tokens),
    Cell("POST /api/v1/me/password",
         lambda w: ("post", "/api/v1/me/password", {"current_password": PASSWORD,
                                                    "new_password": PASSWORD + "-mine"}),
         lambda w: ("/settings/password/", "/settings/password/",
                    {"current_password": PASSWORD, "new_password": PASSWORD + "-mine",
                     "new_password_again": PASSWORD + "-mine"}),
         'name="new_password"', _users),
]

STRATEGY = [
    Cell("POST /api/v1/strategy/goals",
         lambda w: ("post", "/api/v1/strategy/goals", {"title": "Grow", "period": PERIOD}),
         lambda w: ("/goals/", "/goals/new/", {"title": "Grow", "period": PERIOD, "level": "product"}),
         'href="/goals/new/', _goal_title),
    Cell("PATCH /api/v1/strategy/goals/{goal_id}",
         lambda w: ("patch", f"/api/v1/strategy/goals/{w['goal']}", {"title": "Onboard much faster"}),
         lambda w: (f"/goals/{w['goal']}/", f"/goals/{w['goal']}/edit/",
                    {"title": "Onboard much faster", "period": PERIOD, "level": "product",
                     "key_results": "signups"}),
         'href="/goals/{goal}/edit/"', _goal_title),
    Cell("POST /api/v1/strategy/kpis",
         lambda w: ("post", "/api/v1/strategy/kpis", {"name": "orders", "label": "Orders"}),
         lambda w: ("/goals/kpis/signups/", "/goals/new-kpi/",
                    {"name": "orders", "label": "Orders", "unit": "count", "direction": "higher",
                     "aggregation": "sum"}),
         'href="/goals/new-kpi/'),
    Cell("POST /api/v1/strategy/kpis/refresh",
         lambda w: ("post", "/api/v1/strategy/kpis/refresh", {}),
         lambda w: ("/", "/goals/kpis-refresh/", {}), 'hx-post="/goals/kpis-refresh/"', _computed),
    Cell("PUT /api/v1/strategy/kpis/{name}/targets",
         lambda w: ("put", "/api/v1/strategy/kpis/signups/targets", {"period": PERIOD, "value": 190}),
         lambda w: (f"/goals/kpis/signups/?period={PERIOD}", "/goals/kpis/signups/",
                    {"period": PERIOD, "target": "190"}), 'name="target"', _target),
    Cell("POST /api/v1/strategy/kpis/{name}/values",
         lambda w: ("post", "/api/v1/strategy/kpis/signups/values", {"date": "2026-05-04", "value": 40}),
         lambda w: ("/goals/kpis/signups/", "/goals/kpis/signups/",
                    {"form": "value", "date": "2026-05-04", "value": "40"}), 'value="value"'),
    Cell("POST /api/v1/strategy/kpis/{name}/targets/import",
         lambda w: ("post", "/api/v1/strategy/kpis/signups/targets/import",
                    {"csv": f"period,target\n{PERIOD},300\n"}),
         lambda w: ("/goals/kpis/signups/", "/goals/kpis/signups/import/",
                    {"what": "targets", "csv": f"period,target\n{PERIOD},300\n"}),
         'href="/goals/kpis/signups/import/', _target),
    Cell("POST /api/v1/strategy/kpis/{name}/values/import",
         lambda w: ("post", "/api/v1/strategy/kpis/signups/values/import", {"csv": "date,value\n2026-05-05,50\n"}),
         lambda w: ("/goals/kpis/signups/", "/goals/kpis/signups/import/",
                    {"what": "values", "csv": "date,value\n2026-05-05,50\n"}),
         'href="/goals/kpis/signups/import/'),
    Cell("POST /api/v1/strategy/alerts/{alert_id}/acknowledge",
         lambda w: ("post", f"/api/v1/strategy/alerts/{w['alert']}/acknowledge", {}),
         lambda w: ("/goals/alerts/", "/goals/alerts/", {"acknowledge": str(w["alert"])}),
         'name="acknowledge"', _ack),
    Cell("PUT /api/v1/strategy",
         lambda w: ("put", "/api/v1/strategy", {"vision": "Be loved", "body": "Ship less, better."}),
         lambda w: ("/goals/strategy/", "/goals/strategy/",
                    {"vision": "Be loved", "body": "Ship less, better.", "note": ""}),
         'name="vision"'),
    Cell("POST /api/v1/strategy/areas",
         lambda w: ("post", "/api/v1/strategy/areas", {"name": "Growth", "kind": "line"}),
         lambda w: ("/goals/areas/", "/goals/areas/", {"name": "Growth", "kind": "line", "parent": "",
                                                        "description": ""}),
         'name="kind"'),
    Cell("PATCH /api/v1/strategy/areas/{name}",
         lambda w: ("patch", "/api/v1/strategy/areas/Commerce", {"name": "Shop"}),
         lambda w: ("/goals/areas/", "/goals/areas/change/", {"area": "Commerce", "action": "rename",
                                                               "name": "Shop", "description": ""}),
         'value="rename"'),
    Cell("DELETE /api/v1/strategy/areas/{name}",
         lambda w: ("delete", "/api/v1/strategy/areas/Spare", {}),
         lambda w: ("/goals/areas/", "/goals/areas/change/", {"area": "Spare", "action": "delete",
                                                               "confirm": "yes"}),
         'value="delete"'),
]

PLANNING = [
    Cell("POST /api/v1/planning/initiatives",
         lambda w: ("post", "/api/v1/planning/initiatives", {"title": "Gift cards"}),
         lambda w: ("/roadmap/backlog/", "/roadmap/ideas/new/",
                    {"title": "Gift cards", "kind": "iterate", "duration": "1", "user_value": "0",
                     "business_value": "0", "commitment": "likely"}),
         'href="/roadmap/ideas/new/"', _ideas),
    Cell("PATCH /api/v1/planning/initiatives/{initiative_id}",  # the leader's committed item: its owner and planners
         lambda w: ("patch", f"/api/v1/planning/initiatives/{w['committed']}", {"title": "Checkout, again"}),
         lambda w: (f"/roadmap/ideas/{w['committed']}/", f"/roadmap/ideas/{w['committed']}/edit/",
                    {"title": "Checkout, again", "kind": "iterate", "duration": "1", "user_value": "0",
                     "business_value": "0", "owner": str(w["owner"]), "quarter": "2026-Q2",
                     "commitment": "committed"}),
         'href="/roadmap/ideas/{committed}/edit/"', _ideas),
    Cell("DELETE /api/v1/planning/initiatives/{initiative_id}",
         lambda w: ("delete", f"/api/v1/planning/initiatives/{w['gift']}", {}),
         lambda w: (f"/roadmap/ideas/{w['gift']}/", f"/roadmap/ideas/{w['gift']}/delete/", {}),
         'href="/roadmap/ideas/{gift}/delete/"', _ideas),
    Cell("PUT /api/v1/planning/roadmap/{initiative_id}",
         lambda w: ("put", f"/api/v1/planning/roadmap/{w['gift']}", {"quarter": "2026-Q3"}),
         lambda w: (f"/roadmap/ideas/{w['gift']}/edit/", f"/roadmap/ideas/{w['gift']}/edit/",
                    {"title": "Gift wrap", "kind": "iterate", "duration": "1", "user_value": "0",
                     "business_value": "0", "quarter": "2026-Q3", "commitment": "likely"}),
         'name="quarter"', _placed),
    Cell("DELETE /api/v1/planning/roadmap/{initiative_id}",
         lambda w: ("delete", f"/api/v1/planning/roadmap/{w['committed']}", {}),
         lambda w: (f"/roadmap/ideas/{w['committed']}/edit/", f"/roadmap/ideas/{w['committed']}/edit/",
                    {"title": "Checkout revamp", "kind": "iterate", "duration": "1", "user_value": "0",
                     "business_value": "0", "owner": str(w["owner"]), "quarter": "", "commitment": "committed"}),
         'name="quarter"', _placed),
    Cell("POST /api/v1/planning/initiatives/{initiative_id}/dependencies",
         lambda w: ("post", f"/api/v1/planning/initiatives/{w['idea']}/dependencies", {"target": w["gift"]}),
         lambda w: (f"/roadmap/ideas/{w['idea']}/", f"/roadmap/ideas/{w['idea']}/",
                    {"action": "depend", "target": str(w["gift"]), "type": "requires"}),
         'value="depend"'),
    Cell("DELETE /api/v1/planning/initiatives/{initiative_id}/dependencies/{target_id}",
         lambda w: ("delete", f"/api/v1/planning/initiatives/{w['idea']}/dependencies/{w['committed']}", {}),
         lambda w: (f"/roadmap/ideas/{w['idea']}/", f"/roadmap/ideas/{w['idea']}/",
                    {"action": "undepend", "target": str(w["committed"])}),
         'value="undepend"'),
    Cell("POST /api/v1/planning/initiatives/{initiative_id}/attachments",
         lambda w: ("post", f"/api/v1/planning/initiatives/{w['idea']}/attachments",
                    {"title": "Spec", "url": "https://example.com/spec"}),
         lambda w: (f"/roadmap/ideas/{w['idea']}/", f"/roadmap/ideas/{w['idea']}/",
                    {"action": "link", "title": "Spec", "url": "https://example.com/spec"}),
         'value="link"'),
    Cell("PUT /api/v1/planning/initiatives/{initiative_id}/inputs",
         lambda w: ("put", f"/api/v1/planning/initiatives/{w['idea']}/inputs", {"reach": 100}),
         lambda w: (f"/roadmap/ideas/{w['idea']}/", f"/roadmap/ideas/{w['idea']}/",
                    {"action": "inputs", "reach": "100"}),
         'value="inputs"'),
    Cell("POST /api/v1/planning/initiatives/{initiative_id}/reach",
         lambda w: ("post", f"/api/v1/planning/initiatives/{w['idea']}/reach?event=purchase&days=30", {}),
         lambda w: (f"/roadmap/ideas/{w['idea']}/", f"/roadmap/ideas/{w['idea']}/",
                    {"action": "reach", "event": "purchase", "days": "30"}),
         'value="reach"'),
    Cell("POST /api/v1/planning/optimise/runs",  # a run saved as a scenario needs plans.edit
         lambda w: ("post", "/api/v1/planning/optimise/runs", {"scenario": "Plan C"}),
         lambda w: ("/roadmap/optimise/", "/roadmap/optimise/", {"scenario": "Plan C", "quarters": "4"}),
         'name="scenario"', _jobs),
    Cell("POST /api/v1/planning/optimise",
         lambda w: ("post", "/api/v1/planning/optimise", {}),
         lambda w: ("/roadmap/optimise/", "/roadmap/optimise/", {"run": "1"}), 'name="run"', query=True),
    Cell("POST /api/v1/planning/scenarios/{name}/apply",
         lambda w: ("post", "/api/v1/planning/scenarios/Plan A/apply", {}),
         lambda w: ("/roadmap/optimise/", "/roadmap/scenarios/Plan A/action/", {"action": "apply"}),
         'value="apply"'),
    Cell("DELETE /api/v1/planning/scenarios/{name}",
         lambda w: ("delete", "/api/v1/planning/scenarios/Plan B", {}),
         lambda w: ("/roadmap/optimise/", "/roadmap/scenarios/Plan B/action/", {"action": "delete", "confirm": "yes"}),
         'name="confirm"'),
    Cell("POST /api/v1/planning/initiatives/{initiative_id}/impact",
         lambda w: ("post", f"/api/v1/planning/initiatives/{w['boost']}/impact", {}),
         lambda w: (f"/roadmap/ideas/{w['boost']}/", f"/roadmap/ideas/{w['boost']}/", {"action": "impact"}),
         'value="impact"'),
    Cell("POST /api/v1/planning/scoring",
         lambda w: ("post", "/api/v1/planning/scoring", {"name": "Quick", "framework": "ice"}),
         lambda w: ("/roadmap/scoring/", "/roadmap/scoring/",
                    {"name": "Quick", "framework": "ice", "formula": "", "weights": "", "stale_after_days": "90"}),
         'name="framework"'),
    Cell("POST /api/v1/planning/scoring/run",
         lambda w: ("post", "/api/v1/planning/scoring/run", {}),
         lambda w: ("/roadmap/scoring/", "/roadmap/scoring/", {"action": "run", "model": ""}), 'value="run"'),
    Cell("PUT /api/v1/planning/roles",
         lambda w: ("put", "/api/v1/planning/roles", {"team": "Core", "level": "director", "title": "Lead engineer",
                                                      "annual_cost": 120000}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "role", "team": "Core", "level": "director",
                                                              "location": "", "title": "Lead engineer",
                                                              "annual_cost": "120000"}),
         'value="role"'),
    Cell("DELETE /api/v1/planning/roles/{role_id}",
         lambda w: ("delete", f"/api/v1/planning/roles/{w['spare']}", {}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "delete-role", "role": str(w["spare"])}),
         'value="delete-role"'),
    Cell("PUT /api/v1/planning/teams/{name}/attrition",
         lambda w: ("put", "/api/v1/planning/teams/Core/attrition", {"rate": 0.1}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "attrition", "team": "Core", "rate": "0.1"}),
         'value="attrition"'),
    Cell("POST /api/v1/planning/hiring",
         lambda w: ("post", "/api/v1/planning/hiring", {"role": w["job_role"], "start_quarter": "2026-Q4"}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "plan", "role": str(w["job_role"]),
                                                              "start_quarter": "2026-Q4"}),
         'value="plan"'),
    Cell("POST /api/v1/planning/hiring/{opening_id}/approve",
         lambda w: ("post", f"/api/v1/planning/hiring/{w['planned']}/approve", {}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "approve", "opening": str(w["planned"])}),
         'value="approve"'),
    Cell("POST /api/v1/planning/hiring/{opening_id}/open",
         lambda w: ("post", f"/api/v1/planning/hiring/{w['approved']}/open", {}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "open", "opening": str(w["approved"])}),
         'value="open"'),
    Cell("POST /api/v1/planning/hiring/{opening_id}/fill",
         lambda w: ("post", f"/api/v1/planning/hiring/{w['opened']}/fill", {"name": "Sam Starter"}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "fill", "opening": str(w["opened"]),
                                                              "name": "Sam Starter"}),
         'value="fill"'),
    Cell("POST /api/v1/planning/hiring/{opening_id}/cancel",
         lambda w: ("post", f"/api/v1/planning/hiring/{w['planned']}/cancel", {}),
         lambda w: ("/roadmap/hiring/", "/roadmap/hiring/", {"action": "cancel", "opening": str(w["planned"])}),
         'value="cancel"'),
    Cell("PUT /api/v1/planning/teams/{name}",
         lambda w: ("put", "/api/v1/planning/teams/Core", {"headcount": 4}),
         lambda w: ("/roadmap/teams/", "/roadmap/teams/", {"name": "Core", "headcount": "4"}),
         'name="headcount"'),
    Cell("POST /api/v1/planning/initiatives/{initiative_id}/comments",
         lambda w: ("post", f"/api/v1/planning/initiatives/{w['idea']}/comments", {"body": "Why now?"}),
         lambda w: (f"/roadmap/ideas/{w['idea']}/", f"/roadmap/ideas/{w['idea']}/",
                    {"action": "comment", "body": "Why now?"}),
         'name="body"'),
]

DISCOVERY = [
    Cell("POST /api/v1/discovery/feedback/demand",
         lambda w: ("post", "/api/v1/discovery/feedback/demand", {"idea": str(w["idea"]), "item_id": w["item"]}),
         lambda w: ("/feedback/inbox/", "/feedback/demand/", {"idea": str(w["idea"]), "item": str(w["item"]),
                                                              "importance": "important"}),
         'action="/feedback/demand/"'),
    Cell("PATCH /api/v1/discovery/feedback/themes/{theme_id}",
         lambda w: ("patch", f"/api/v1/discovery/feedback/themes/{w['delivery']}", {"label": "Shipping"}),
         lambda w: (f"/feedback/themes/{w['delivery']}/", f"/feedback/themes/{w['delivery']}/rename/",
                    {"label": "Shipping"}),
         'action="/feedback/themes/{delivery}/rename/"'),
    Cell("POST /api/v1/discovery/feedback/themes/{theme_id}/merge",
         lambda w: ("post", f"/api/v1/discovery/feedback/themes/{w['delivery']}/merge", {"themes": [w["search"]]}),
         lambda w: (f"/feedback/themes/{w['search']}/", f"/feedback/themes/{w['search']}/merge/",
                    {"target": str(w["delivery"])}),
         'action="/feedback/themes/{search}/merge/"'),
    Cell("POST /api/v1/discovery/feedback/themes/{theme_id}/split",
         lambda w: ("post", f"/api/v1/discovery/feedback/themes/{w['delivery']}/split",
                    {"items": [w["lost"]], "label": "Lost parcels"}),
         lambda w: (f"/feedback/themes/{w['delivery']}/", f"/feedback/themes/{w['delivery']}/split/",
                    {"item": str(w["lost"]), "label": "Lost parcels"}),
         'action="/feedback/themes/{delivery}/split/"'),
    Cell("POST /api/v1/discovery/feedback/themes/{theme_id}/items",
         lambda w: ("post", f"/api/v1/discovery/feedback/themes/{w['search']}/items", {"items": [w["lost"]]}),
         lambda w: (f"/feedback/themes/{w['delivery']}/", f"/feedback/themes/{w['delivery']}/move/",
                    {"item": str(w["lost"]), "target": str(w["search"])}),
         'action="/feedback/themes/{delivery}/move/"'),
    Cell("POST /api/v1/discovery/feedback/runs",
         lambda w: ("post", "/api/v1/discovery/feedback/runs", {"method": "lexical"}),
         lambda w: ("/feedback/", "/feedback/runs/", {"method": "lexical"}), 'action="/feedback/runs/"'),
    Cell("POST /api/v1/discovery/feedback",
         lambda w: ("post", "/api/v1/discovery/feedback", {"text": "Search is slow"}),
         lambda w: ("/feedback/inbox/", "/feedback/add/", {"text": "Search is slow", "source": "support"}),
         'id="fb-text"', _feedback),
    Cell("POST /api/v1/discovery/feedback/reviewed",
         lambda w: ("post", "/api/v1/discovery/feedback/reviewed", {"items": [w["item"]]}),
         lambda w: ("/feedback/inbox/", "/feedback/inbox/reviewed/", {"item": str(w["item"])}),
         "Mark selected as reviewed", _feedback),
]

TEAM = [
    Cell("POST /api/v1/team/people",
         lambda w: ("post", "/api/v1/team/people", {"name": "Nia", "title": "Designer"}),
         lambda w: ("/team/", "/team/", {"name": "Nia", "title": "Designer", "department": "product"}),
         'name="title"'),
    Cell("PATCH /api/v1/team/people/{person_id}",
         lambda w: ("patch", f"/api/v1/team/people/{w['ola']}", {"title": "Senior product manager"}),
         lambda w: (f"/team/people/{w['ola']}/", f"/team/people/{w['ola']}/", {"title": "Senior product manager"}),
         'name="title"'),
    Cell("PUT /api/v1/team/people/{person_id}/manager",
         lambda w: ("put", f"/api/v1/team/people/{w['ola']}/manager", {"manager_id": w["max"]}),
         lambda w: (f"/team/people/{w['ola']}/", f"/team/people/{w['ola']}/", {"manager": str(w["max"])}),
         'name="manager"'),
    Cell("POST /api/v1/team/ladder/edits",
         lambda w: ("post", "/api/v1/team/ladder/edits",
                    {"op": "rename-level", "args": {"slug": w["level"], "title": "Associate PM"}}),
         lambda w: ("/team/ladder/", "/team/ladder/", {"op": "rename-level", "slug": w["level"],
                                                        "title": "Associate PM"}),
         'name="op"'),
    Cell("POST /api/v1/team/checkins",
         lambda w: ("post", "/api/v1/team/checkins", {"manager_id": w["owner"], "report_id": w["pia"]}),
         lambda w: ("/team/checkins/", "/team/checkins/", {"manager": str(w["owner"]), "report": str(w["pia"]),
                                                           "cadence": "weekly"}),
         'name="report"'),
    Cell("POST /api/v1/team/checkins/{pair_id}/agenda",
         lambda w: ("post", f"/api/v1/team/checkins/{w['pair']}/agenda", {"text": "Roadmap"}),
         lambda w: (f"/team/checkins/{w['pair']}/", f"/team/checkins/{w['pair']}/",
                    {"form": "agenda", "text": "Roadmap"}),
         'value="agenda"', _rows("AgendaItem")),
    Cell("POST /api/v1/team/checkins/{pair_id}/actions",
         lambda w: ("post", f"/api/v1/team/checkins/{w['pair']}/actions", {"text": "Write spec",
                                                                           "owner_id": w["max"]}),
         lambda w: (f"/team/checkins/{w['pair']}/", f"/team/checkins/{w['pair']}/",
                    {"form": "action", "text": "Write spec", "owner": str(w["max"])}),
         'value="action"', _rows("ActionItem")),
    Cell("POST /api/v1/team/checkins/{pair_id}/checkins",
         lambda w: ("post", f"/api/v1/team/checkins/{w['pair']}/checkins", {"pulse": 4, "notes": "Good"}),
         lambda w: (f"/team/checkins/{w['pair']}/", f"/team/checkins/{w['pair']}/", {"pulse": "4", "notes": "Good"}),
         'name="pulse"', _rows("Checkin")),
    Cell("PATCH /api/v1/team/checkins/{pair_id}",
         lambda w: ("patch", f"/api/v1/team/checkins/{w['pair']}", {"cadence": "monthly"}),
         lambda w: (f"/team/checkins/{w['pair']}/", f"/team/checkins/{w['pair']}/cadence/", {"cadence": "monthly"}),
         'action="/team/checkins/{pair}/cadence/"', _rows("CheckinPair", "cadence", "active")),
    Cell("POST /api/v1/team/checkins/{pair_id}/end",
         lambda w: ("post", f"/api/v1/team/checkins/{w['pair']}/end", {}),
         lambda w: (f"/team/checkins/{w['pair']}/", f"/team/checkins/{w['pair']}/end/", {"confirm": "yes"}),
         'action="/team/checkins/{pair}/end/"', _rows("CheckinPair", "cadence", "active")),
    Cell("PUT /api/v1/team/reviews/threshold",
         lambda w: ("put", "/api/v1/team/reviews/threshold", {"threshold": 4}),
         lambda w: ("/team/reviews/", "/team/reviews/threshold/", {"threshold": "4"}), 'name="threshold"'),
    Cell("POST /api/v1/team/reviews/cycles",
         lambda w: ("post", "/api/v1/team/reviews/cycles", {"name": "H2", "reviewee_ids": [w["pia"]]}),
         lambda w: ("/team/reviews/", "/team/reviews/", {"name": "H2", "reviewee": str(w["pia"])}),
         'name="reviewee"'),
    Cell("POST /api/v1/team/reviews/cycles/{cycle_id}/advance",
         lambda w: ("post", f"/api/v1/team/reviews/cycles/{w['draft']}/advance", {}),
         lambda w: (f"/team/reviews/{w['draft']}/", f"/team/reviews/{w['draft']}/", {"form": "advance"}),
         'value="advance"'),
    Cell("POST /api/v1/team/reviews/cycles/{cycle_id}/reviewees",
         lambda w: ("post", f"/api/v1/team/reviews/cycles/{w['draft']}/reviewees", {"ids": [w["pia"]]}),
         lambda w: (f"/team/reviews/{w['draft']}/", f"/team/reviews/{w['draft']}/reviewees/",
                    {"reviewee": str(w["pia"])}),
         'action="/team/reviews/{draft}/reviewees/"', _rows("Review")),
    Cell("POST /api/v1/team/reviews/cycles/{cycle_id}/reviewees/{person_id}/nominations",
         lambda w: ("post", f"/api/v1/team/reviews/cycles/{w['nominating']}/reviewees/{w['max']}/nominations",
                    {"ids": [w["pia"]]}),
         lambda w: (f"/team/reviews/{w['nominating']}/", f"/team/reviews/{w['nominating']}/",
                    {"form": "nominate", "reviewee": str(w["max"]), "reviewer": str(w["pia"])}),
         'value="nominate"'),
    Cell("POST /api/v1/team/reviews/nominations/{nomination_id}/decision",
         lambda w: ("post", f"/api/v1/team/reviews/nominations/{w['proposal']}/decision", {"approve": True}),
         lambda w: (f"/team/reviews/{w['nominating']}/", f"/team/reviews/{w['nominating']}/",
                    {"form": "decide", "nomination": str(w["proposal"]), "approve": "1"}),
         'value="decide"'),
    Cell("POST /api/v1/team/reviews/nominations/{nomination_id}/response",
         lambda w: ("post", f"/api/v1/team/reviews/nominations/{w['pias']}/response",
                    {"ratings": dict.fromkeys(w["questions"], 3)}),
         lambda w: ("/team/reviews/", f"/team/reviews/respond/{w['pias']}/",
                    {"comment": "", **{f"rating-{q}": "3" for q in w["questions"]}}),
         'href="/team/reviews/respond/{pias}/"'),
    Cell("POST /api/v1/team/reviews/cycles/{cycle_id}/reminders",
         lambda w: ("post", f"/api/v1/team/reviews/cycles/{w['collecting']}/reminders", {}),
         lambda w: (f"/team/reviews/{w['collecting']}/", f"/team/reviews/{w['collecting']}/reminders/", {}),
         'action="/team/reviews/{collecting}/reminders/"'),
    Cell("PUT /api/v1/team/reviews/cycles/{cycle_id}/reviewees/{person_id}/calibration",
         lambda w: ("put", f"/api/v1/team/reviews/cycles/{w['calibrating']}/reviewees/{w['max']}/calibration",
                    {"performance": 2, "potential": 3}),
         lambda w: (f"/team/reviews/{w['calibrating']}/", f"/team/reviews/{w['calibrating']}/",
                    {"form": "calibrate", "reviewee": str(w["max"]), "performance": "2", "potential": "3"}),
         'value="calibrate"'),
    Cell("DELETE /api/v1/team/people/{person_id}/data",
         lambda w: ("delete", f"/api/v1/team/people/{w['ola']}/data", {}),
         lambda w: (f"/team/people/{w['ola']}/", f"/team/people/{w['ola']}/erase/", {"confirm": "Ola"}),
         'href="/team/people/{ola}/erase/"'),
    Cell("POST /api/v1/team/jds",
         lambda w: ("post", "/api/v1/team/jds", {"level": w["level"], "team": "Core", "location": "Berlin"}),
         lambda w: ("/team/jobs/", "/team/jobs/", {"level": w["level"], "specialisation": "core", "team": "Core",
                                                   "location": "Berlin"}),
         'name="location"'),
    Cell("PATCH /api/v1/team/jds/{job_id}",
         lambda w: ("patch", f"/api/v1/team/jds/{w['job']}", {"location": "Lisbon"}),
         lambda w: (f"/team/jobs/{w['job']}/", f"/team/jobs/{w['job']}/",
                    {"title": "Product manager", "location": "Lisbon", "summary": "Own the roadmap.",
                     "about_company": "", "responsibilities": "Ship", "must_haves": "Care",
                     "nice_to_haves": ""}),
         'name="must_haves"'),
    Cell("POST /api/v1/team/jobs/{job_id}/kit",
         lambda w: ("post", f"/api/v1/team/jobs/{w['bare']}/kit", {"interviews": 3}),
         lambda w: (f"/team/jobs/{w['bare']}/interviews/", f"/team/jobs/{w['bare']}/interviews/",
                    {"action": "kit", "interviews": "3"}),
         'value="kit"'),
    Cell("POST /api/v1/team/jobs/{job_id}/scorecards",
         lambda w: ("post", f"/api/v1/team/jobs/{w['job']}/scorecards",
                    {"candidate": "Dan", "interview": "1", "interviewer": "user-admin"}),
         lambda w: (f"/team/jobs/{w['job']}/interviews/", f"/team/jobs/{w['job']}/interviews/",
                    {"action": "assign", "candidate": "Dan", "interview": "1", "interviewer": "user-admin"}),
         'value="assign"'),
    Cell("POST /api/v1/team/scorecards/{scorecard_id}/submit",
         lambda w: ("post", f"/api/v1/team/scorecards/{w['card']}/submit",
                    {"ratings": {w["attribute"]: 4}, "recommendation": "yes"}),
         lambda w: (f"/team/jobs/{w['job']}/interviews/", f"/team/jobs/{w['job']}/interviews/",
                    {"scorecard": str(w["card"]), f"rating_{w['attribute']}": "4", "recommendation": "yes"}),
         'name="scorecard"'),
    Cell("DELETE /api/v1/team/candidates/{name}/data",
         lambda w: ("delete", "/api/v1/team/candidates/Cara Candidate/data", {}),
         lambda w: (f"/team/jobs/{w['job']}/interviews/?candidate=Cara+Candidate", "/team/jobs/candidates/erase/",
                    {"candidate": "Cara Candidate", "confirm": "Cara Candidate"}),
         'href="/team/jobs/candidates/erase/'),
]

REPORTS = [
    Cell("POST /api/v1/reports/packs",
         lambda w: ("post", "/api/v1/reports/packs", {"kind": "monthly"}),
         lambda w: ("/reports/preview/?kind=monthly", "/reports/packs/", {"kind": "monthly", "period": "current"}),
         'action="/reports/packs/"'),
    Cell("PATCH /api/v1/reports/packs/{pack_id}",
         lambda w: ("patch", f"/api/v1/reports/packs/{w['pack']}", {"notes": {w["section"]: "A calm week."}}),
         lambda w: (f"/reports/packs/{w['pack']}/", f"/reports/packs/{w['pack']}/action/",
                    {"action": "notes", f"note-{w['section']}": "A calm week."}),
         'value="notes"'),
    Cell("POST /api/v1/reports/packs/{pack_id}/send",
         lambda w: ("post", f"/api/v1/reports/packs/{w['pack']}/send", {"to": ["ceo@acme.test"]}),
         lambda w: (f"/reports/packs/{w['pack']}/", f"/reports/packs/{w['pack']}/action/",
                    {"action": "send", "to": "ceo@acme.test"}),
         'value="send"', _deliveries),
    Cell("POST /api/v1/reports/shares",
         lambda w: ("post", "/api/v1/reports/shares", {"what": "pack", "pack": w["pack"]}),
         lambda w: (f"/reports/packs/{w['pack']}/", f"/reports/packs/{w['pack']}/action/",
                    {"action": "share", "days": "14"}),
         'value="share"'),
    Cell("POST /api/v1/reports/shares/{share_id}/revoke",
         lambda w: ("post", f"/api/v1/reports/shares/{w['share']}/revoke", {}),
         lambda w: ("/settings/channels/", f"/reports/shares/{w['share']}/revoke/", {}),
         'action="/reports/shares/{share}/revoke/"'),
    Cell("POST /api/v1/reports/channels",
         lambda w: ("post", "/api/v1/reports/channels", {"name": "ops", "kind": "email", "target": "ops@acme.test"}),
         lambda w: ("/settings/channels/", "/settings/channels/",
                    {"action": "add", "name": "ops", "kind": "email", "target": "ops@acme.test"}),
         'value="add"'),
    Cell("POST /api/v1/reports/channels/{name}/test",
         lambda w: ("post", "/api/v1/reports/channels/team-mail/test", {}),
         lambda w: ("/settings/channels/", "/settings/channels/", {"action": "test", "name": "team-mail"}),
         'value="test"', _deliveries),
    Cell("DELETE /api/v1/reports/channels/{name}",
         lambda w: ("delete", "/api/v1/reports/channels/team-mail", {}),
         lambda w: ("/settings/channels/", "/settings/channels/", {"action": "remove", "name": "team-mail"}),
         'value="remove"'),
    Cell("POST /api/v1/reports/subscriptions",
         lambda w: ("post", "/api/v1/reports/subscriptions", {"what": "monthly", "to": f"{w['role']}@acme.test"}),
         lambda w: ("/reports/", "/reports/subscriptions/", {"what": "monthly", "to": f"{w['role']}@acme.test"}),
         'action="/reports/subscriptions/"'),
    Cell("DELETE /api/v1/reports/subscriptions/{subscription_id}",
         lambda w: ("delete", f"/api/v1/reports/subscriptions/{w['subscription']}", {}),
         lambda w: ("/reports/", f"/reports/subscriptions/{w['subscription']}/end/", {}),
         'action="/reports/subscriptions/{subscription}/end/"'),
]

ANALYTICS = [
    Cell("POST /api/v1/analytics/cohorts",
         lambda w: ("post", "/api/v1/analytics/cohorts", {"name": "Pro buyers",
                                                           "definition": {"rules": [{"property": "plan:eq:pro"}]}}),
         lambda w: ("/insights/cohorts/", "/insights/cohorts/",
                    {"name": "Pro buyers", "description": "", "rule_kind": "property", "rule_event": "",
                     "rule_min": "", "rule_max": "", "rule_days": "", "rule_where": "", "rule_property": "plan",
                     "rule_op": "eq", "rule_value": "pro", "match": "all"}),
         'name="rule_kind"'),
    Cell("PATCH /api/v1/analytics/cohorts/{cohort_id}",
         lambda w: ("patch", f"/api/v1/analytics/cohorts/{w['cohort']}", {"name": "Plus payers"}),
         lambda w: (f"/insights/cohorts/{w['cohort']}/", f"/insights/cohorts/{w['cohort']}/",
                    {"name": "Plus payers", "description": "", "rule_kind": "property", "rule_event": "",
                     "rule_min": "", "rule_max": "", "rule_days": "", "rule_where": "", "rule_property": "plan",
                     "rule_op": "eq", "rule_value": "plus", "match": "all"}),
         'name="rule_kind"'),
    Cell("DELETE /api/v1/analytics/cohorts/{cohort_id}",
         lambda w: ("delete", f"/api/v1/analytics/cohorts/{w['cohort']}", {}),
         lambda w: (f"/insights/cohorts/{w['cohort']}/", f"/insights/cohorts/{w['cohort']}/delete/", {}),
         'action="/insights/cohorts/{cohort}/delete/"'),
]

FEEDBACK_CSV = "text,source\nThe app is slow,support\n"
EVENTS_CSV = "event,distinct_id,timestamp\nvisit,u1,2026-05-01T10:00:00Z\n"
JIRA = "Summary,Issue key,Issue id,Issue Type,Status\nSaved searches,SHOP-1,10001,Story,To Do\n"


def _upload(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


ANALYTICS += [
    Cell("POST /api/v1/analytics/insights",
         lambda w: ("post", "/api/v1/analytics/insights", {"name": "Visits", "query": {"event": "visit"}}),
         lambda w: ("/insights/", "/insights/save/", {"name": "Visits", "kind": "trends", "event": "visit"}),
         'action="/insights/save/"'),
    Cell("PATCH /api/v1/analytics/insights/{insight_id}",
         lambda w: ("patch", f"/api/v1/analytics/insights/{w['insight']}", {"pinned": True}),
         lambda w: ("/insights/", f"/insights/{w['insight']}/", {"action": "pin"}), 'value="pin"'),
    Cell("DELETE /api/v1/analytics/insights/{insight_id}",
         lambda w: ("delete", f"/api/v1/analytics/insights/{w['insight']}", {}),
         lambda w: ("/insights/", f"/insights/{w['insight']}/", {"action": "delete"}), 'value="delete"'),
    Cell("PUT /api/v1/analytics/metrics",
         lambda w: ("put", "/api/v1/analytics/metrics", {"yaml": CATALOGUE}),
         lambda w: ("/insights/metrics/", "/insights/metrics/", {"yaml": CATALOGUE}), 'name="yaml"'),
    Cell("POST /api/v1/analytics/events/import",
         lambda w: ("post", "/api/v1/analytics/events/import", {"file": _upload("events.csv", EVENTS_CSV)}),
         lambda w: ("/insights/", "/insights/import/", {"file": _upload("events.csv", EVENTS_CSV)}),
         'action="/insights/import/"', _jobs),
]

RANGE = {"date_from": "2026-01-05", "date_to": "2026-01-07"}
BEHAVIOUR = {"funnel": {"steps": ["visit", "purchase"], **RANGE}, "retention": {"target_event": "purchase"},
             "stickiness": {"event": "purchase", **RANGE}, "lifecycle": {"event": "purchase", **RANGE},
             "paths": {"event_type": "custom", **RANGE}}


def _behaviour(kind: str) -> Cell:
    return Cell(f"POST /api/v1/analytics/insights/{kind}",
                lambda w: ("post", f"/api/v1/analytics/insights/{kind}", BEHAVIOUR[kind]),
                lambda w: (f"/insights/?tab={kind}", "/insights/behaviour/",
                           {"tab": kind, "q": json.dumps(BEHAVIOUR[kind])}),
                'hx-get="/insights/behaviour/"', query=True)


ANALYTICS += [
    Cell("POST /api/v1/analytics/insights/trends",
         lambda w: ("post", "/api/v1/analytics/insights/trends", {"event": "purchase", **RANGE}),
         lambda w: ("/insights/", "/insights/trends/", {"event": "purchase", **RANGE}),
         'hx-get="/insights/trends/"', query=True),
    *(_behaviour(kind) for kind in BEHAVIOUR),
    Cell("POST /api/v1/analytics/insights/{kind}/persons",
         lambda w: ("post", "/api/v1/analytics/insights/funnel/persons", {"query": BEHAVIOUR["funnel"], "step": 1}),
         lambda w: ("/insights/?tab=funnel", "/insights/persons/",
                    {"tab": "funnel", "q": json.dumps(BEHAVIOUR["funnel"]), "step": "1"}),
         'hx-get="/insights/behaviour/"', query=True),
]

IMPORTS = [
    Cell("POST /api/v1/discovery/feedback/import",
         lambda w: ("post", "/api/v1/discovery/feedback/import", {"file": _upload("feedback.csv", FEEDBACK_CSV)}),
         lambda w: ("/feedback/inbox/", "/feedback/import/", {"file": _upload("feedback.csv", FEEDBACK_CSV),
                                                              "format": "", "source": "support", "mapping": ""}),
         'href="/feedback/import/"', _jobs),
    Cell("POST /api/v1/planning/initiatives/import",
         lambda w: ("post", "/api/v1/planning/initiatives/import?source=jira", JIRA),
         lambda w: ("/roadmap/backlog/", "/roadmap/ideas/import/", {"file": _upload("jira.csv", JIRA),
                                                                    "source": "jira", "team": ""}),
         'href="/roadmap/ideas/import/"', _ideas),
]

IMPACT = [
    Cell("POST /api/v1/impact/initiatives/{initiative_id}/readout",
         lambda w: ("post", f"/api/v1/impact/initiatives/{w['launched']}/readout", {}),
         lambda w: (f"/impact/initiatives/{w['launched']}/", f"/impact/initiatives/{w['launched']}/", {"days": "28"}),
         'id="measure-form"'),
    Cell("POST /api/v1/impact/experiments",
         lambda w: ("post", "/api/v1/impact/experiments",
                    {"name": "checkout-button", "variant_property": "variant", "metric": {"event": "purchase"},
                     **RANGE}),
         lambda w: ("/impact/experiments/", "/impact/experiments/",
                    {"name": "checkout-button", "title": "", "variant_property": "variant", "metric": "purchase",
                     **RANGE}),
         'name="variant_property"'),
    Cell("POST /api/v1/impact/annotations",
         lambda w: ("post", "/api/v1/impact/annotations", {"date": "2026-05-03", "text": "Outage"}),
         lambda w: ("/impact/", "/impact/", {"date": "2026-05-03", "text": "Outage"}), 'name="text"'),
    Cell("DELETE /api/v1/impact/annotations/{annotation_id}",
         lambda w: ("delete", f"/api/v1/impact/annotations/{w['annotation']}", {}),
         lambda w: ("/impact/", "/impact/", {"remove": str(w["annotation"])}), 'name="remove"'),
]

CELLS = [*SETTINGS, *STRATEGY, *PLANNING, *DISCOVERY, *TEAM, *REPORTS, *ANALYTICS, *IMPORTS, *IMPACT]

#: Operations of the inventory whose cell is still to be written; the set only shrinks.
PENDING: frozenset[str] = frozenset()
PENDING_AT_MOST = 0


class _Rollback(Exception):
    pass


def api_answer(w, cell: Cell, user) -> int:
    """The API's status for the cell's call by ``user``, taken in a savepoint that is rolled back."""
    method, path, body = cell.api(w)
    status = 0
    try:
        with transaction.atomic():
            headers = {"Authorization": f"Bearer {w['secrets'][w['role']]}"}
            if isinstance(body, str):  # a raw body (a CSV export)
                response = getattr(Client(), method)(path, body, content_type="text/csv", headers=headers)
            elif "file" in body:  # a multipart upload
                response = getattr(Client(), method)(path, body, headers=headers)
            else:
                response = getattr(Client(), method)(path, body, content_type="application/json", headers=headers)
            status = response.status_code
            raise _Rollback
    except _Rollback:
        pass
    assert status < 500, (cell.op, status)
    return status


def csrf_token(browser: Client, html: str) -> str:
    """The page's own CSRF token (its forms'), or the cookie's where the page has no form."""
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if found:
        return found.group(1)
    if "csrftoken" not in browser.cookies:
        browser.get("/settings/password/")
    return browser.cookies["csrftoken"].value


#: (role, path) -> the page's HTML: every test starts from the same workspace, so a page reads the same in each
PAGES: dict[tuple[str, str], str] = {}


def web_answer(w, cell: Cell, user) -> tuple[int, bool, str]:
    """The web's status for the cell's POST by ``user``, whether the change happened, and the HTML of the page
    that hosts the control (as it is before the POST)."""
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = copy.deepcopy(w["cookies"][w["role"]])  # the role's own session, logged in once
    page_path, path, data = cell.web(w)
    assert resolve(path.split("?")[0]).url_name == WEB[cell.op], (cell.op, path, WEB[cell.op])
    if (w["role"], page_path) not in PAGES:
        page = browser.get(page_path)
        assert page.status_code in (200, 403, 404), (cell.op, page_path, page.status_code)
        PAGES[w["role"], page_path] = page.content.decode() if page.status_code == 200 else ""
    html = PAGES[w["role"], page_path]
    before = cell.changed(w)
    if cell.query:
        response = browser.get(path, data, headers={"HX-Request": "true"})
        return response.status_code, response.status_code == 200, html
    response = browser.post(path, {**data, "csrfmiddlewaretoken": csrf_token(browser, html)},
                            headers={"HX-Request": "true"} if "hx-post" in cell.control else {})
    return response.status_code, cell.changed(w) != before, html


def test_every_inventoried_web_write_has_a_cell():
    ops = [c.op for c in CELLS]
    assert len(set(ops)) == len(ops), sorted(op for op in ops if ops.count(op) > 1)
    assert set(ops) <= set(WEB), sorted(set(ops) - set(WEB))
    uncovered = sorted(set(WEB) - set(ops) - PENDING)
    assert uncovered == [], f"web writes of headway/web/parity.py with no role cell here: {uncovered}"
    assert not (PENDING & set(ops)) and len(PENDING) <= PENDING_AT_MOST


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: c.op)
def test_the_web_refuses_exactly_what_the_api_refuses(world, cell, role):
    world["role"] = role
    user = world["users"][role]
    api = api_answer(world, cell, user)
    assert api in (200, 201, 202, 204, 403, 404), (cell.op, role, api)
    status, changed, html = web_answer(world, cell, user)
    allowed = api not in (403, 404)
    if allowed:
        assert status in (200, 201, 204, 302) and changed, f"{role}: the API allows, the web answered {status}, " \
                                                           f"changed: {changed}"
    else:
        assert (status, changed) == (api, False), f"{role}: the API answered {api}, the web {status}, " \
                                                  f"changed: {changed}"
    control = cell.control.format(**{k: v for k, v in world.items() if isinstance(v, int)})
    assert (control in html) is allowed, f"{role}: control {control!r} shown wrongly (API {api}, web {status})"


def test_acknowledgements_and_stage_changes_show_who_and_when(world):
    leader = world["users"]["product_leader"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(leader)
    token = csrf_token(browser, browser.get("/goals/alerts/").content.decode())
    assert browser.post("/goals/alerts/", {"acknowledge": str(world["alert"]),
                                           "csrfmiddlewaretoken": token}).status_code == 302
    from headway.core.formatting import moment
    from headway.strategy.models import Alert

    alert = Alert.objects.get(pk=world["alert"])
    page = browser.get("/goals/alerts/").content.decode()
    assert f"Acknowledged by {leader.name or leader.username} on {moment(alert.acknowledged_at)}." in page
    assert browser.post(f"/roadmap/ideas/{world['committed']}/",
                        {"action": "stage", "stage": "shipped", "csrfmiddlewaretoken": token}).status_code == 302
    from headway.planning.models import StageChange

    change = StageChange.objects.filter(initiative_id=world["committed"]).latest("pk")
    idea = " ".join(browser.get(f"/roadmap/ideas/{world['committed']}/").content.decode().split())
    assert f"Shipped <span class=\"meta\">{moment(change.at)} by {change.actor_label}</span>" in idea
