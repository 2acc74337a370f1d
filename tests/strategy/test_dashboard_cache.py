"""The dashboard's shared parts are computed once per data version (issue 15, point 5): a warm dashboard costs a
few queries, any write that changes what it shows is seen at once (bulk writes, other processes' writes and
timestamps included), and nothing of one person leaks to another through the cache."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from headway.core.permissions import Role
from headway.strategy import services
from headway.strategy.models import Alert, KpiValue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_warm_dashboard_reads_a_few_rows_and_no_kpi_data(signups, leader):
    client = logged_in(leader)
    page(client)  # its first view creates the current quarter (a new data version)
    first = page(client)
    with CaptureQueriesContext(connection) as cold_check:
        services.dashboard(leader, "not-cached-version")
    with CaptureQueriesContext(connection) as warm:
        again = page(client)
    board = '<figure class="kpi-tree-figure">'
    assert again.split(board)[1] == first.split(board)[1]  # the same board (the CSRF tokens before it differ)
    assert len(warm.captured_queries) <= 8 < len(cold_check.captured_queries)
    reads = [q["sql"] for q in warm.captured_queries if "strategy_kpivalue" in q["sql"]]
    assert len(reads) == 1 and reads[0].startswith("SELECT (SELECT")  # only the data version reads the values


def test_writes_without_signals_or_audit_change_the_version_and_the_page(signups, leader):
    client = logged_in(leader)
    assert "30" in page(client)
    before = services.data_version()
    kpi = services.get_kpi(None, "signups")
    KpiValue.objects.bulk_create([KpiValue(kpi=kpi, date=date(2026, 5, 4), value=41.0)])  # no signal, no audit
    after_bulk = services.data_version()
    assert after_bulk != before
    assert "41" in page(client)  # the latest day's value, at once
    services.refresh_kpis(None, as_of=date(2026, 5, 4))  # progress and alerts rewritten by the system
    assert services.data_version() != after_bulk
    Alert.objects.create(kpi=kpi, kind=Alert.Kind.ANOMALY, direction="up", since=date(2026, 5, 4),
                         until=date(2026, 5, 4), actual=41, expected=20, delta=21, message="Sign-ups jumped to 41")
    assert "Sign-ups jumped to 41" in page(client)
    Alert.objects.update(acknowledged_at="2026-05-05T00:00:00Z")  # a bulk update: no signal
    assert "Sign-ups jumped to 41" not in page(client)


def test_a_goal_created_by_anyone_shows_on_the_next_view(signups, leader):
    client = logged_in(leader)
    assert "Double the sign-ups" not in page(client)
    services.create_goal(None, "Double the sign-ups", key_results=["signups"])
    assert "Double the sign-ups" in page(client)


def test_nothing_of_one_person_reaches_another_through_the_cache(signups, leader, viewer, make_user):
    leader_page = page(logged_in(leader))
    viewer_page = page(logged_in(viewer))  # the shared parts now come from the cache the leader filled
    assert "Refresh KPIs now" in leader_page and "Refresh KPIs now" not in viewer_page
    assert "Your role: Product leader" in leader_page and "Your role: Viewer" in viewer_page
    assert "Your role: Product leader" not in viewer_page
    assert f"Welcome back, {viewer.name}." in viewer_page and f"Welcome back, {leader.name}." not in viewer_page
    # the no-North-Star card differs by right: a reader is not offered to define one, after an editor's view
    assert "define the KPI" in leader_page and "define the KPI" not in viewer_page
    assert "define the KPI" in page(logged_in(leader))  # and the editor's version is still the editor's
    # a person added changes the shared people count for everyone
    make_user("val", Role.VIEWER)
    assert '<span class="count">3 people</span>' in page(logged_in(viewer))


def test_a_person_without_the_right_to_read_gets_no_cached_page(signups, leader):
    page(logged_in(leader))
    assert Client().get("/").status_code == 302  # to the login page: nothing from the cache


def test_events_ingested_keep_the_version_and_the_cache(signups, empty_store, admin):
    """An API batch of events is audited but reaches the dashboard only through the KPI refresh: ingesting
    must not throw the cache away (it did, once per batch, while clients were sending events)."""
    from headway.analytics import services as analytics

    before = services.data_version()
    report = analytics.ingest(admin, [{"event": "signup", "distinct_id": "u1", "timestamp": "2026-05-03T10:00:00Z"}])
    assert report.ingested == 1
    assert services.data_version() == before
    services.create_goal(admin, "Keep the sign-ups", key_results=["signups"])  # audited too, and shown
    assert services.data_version() != before


def test_a_warm_dashboard_asks_only_for_the_reader_the_version_and_a_running_refresh(signups, leader):
    """Per request: the session, the user (so a deactivated user or a changed password ends the session at once),
    the data version and a running KPI refresh; the workspace comes from the version's cache, the role's card and
    the navigation from cached fragments (issue 15, point 5: the dashboard at 20 concurrent users)."""
    client = logged_in(leader)
    page(client)
    page(client)
    with CaptureQueriesContext(connection) as warm:
        html = page(client)
    tables = [q["sql"] for q in warm.captured_queries]
    assert len(tables) == 4, tables
    assert not [sql for sql in tables if "core_workspace" in sql and not sql.startswith("SELECT (SELECT")]
    assert "Your role: Product leader" in html and 'aria-current="page">Dashboard</a>' in html


def test_the_cached_navigation_marks_each_section_and_a_new_workspace_name_shows_at_once(signups, leader):
    from headway.core import services as core

    client = logged_in(leader)
    page(client)
    goals = client.get("/goals/").content.decode()
    assert 'aria-current="page">Goals</a>' in goals and 'aria-current="page">Dashboard</a>' not in goals
    assert 'aria-current="page">Dashboard</a>' in page(client)
    core.update_workspace(None, name="Renamed Retail")
    assert "Renamed Retail" in page(client)


def test_a_refresh_started_by_anyone_shows_on_the_next_view(signups, leader):
    client = logged_in(leader)
    assert "Refresh KPIs now" in page(client)
    from headway.core.models import Job

    Job.objects.create(kind="strategy.refresh_kpis", label="Refresh KPIs and check alerts", status="running")
    running = page(client)
    assert "Refresh KPIs now" not in running and "Refresh KPIs and check alerts" in running
    Job.objects.update(status="failed")  # a bulk update: no signal
    assert "Refresh KPIs now" in page(client)


def test_sqlite_connections_outlive_a_request():
    """Opening a SQLite file (its pragmas, the schema's parse) and closing the last connection (a write-ahead log
    checkpoint) cost more than a warm dashboard's own work: connections persist per server thread."""
    from headway.conf.settings import database_settings

    settings = database_settings("sqlite:////tmp/headway-home/headway.sqlite3")
    assert settings["CONN_MAX_AGE"] >= 60
