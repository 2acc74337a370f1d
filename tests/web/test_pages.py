"""The shell's pages: login and logout, navigation, throttling, area pages and assets."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.core.models import AuditEvent
from headway.web.context import NAVIGATION
from tests.conftest import PASSWORD

AREA_URLS = {"dashboard": "/", "insights": "/insights/", "feedback": "/feedback/", "roadmap": "/roadmap/",
             "goals": "/goals/", "team": "/team/", "settings": "/settings/"}
PAGES = [*AREA_URLS.values(), "/settings/users/", "/settings/tokens/"]


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_login_page_renders(client, workspace):
    response = client.get("/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Log in · Acme Test</title>" in html
    assert '<label for="id_username">Username</label>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'aria-label="Main"' not in html  # no navigation before logging in


def test_wrong_password_shows_a_clear_message_and_stays_on_login(client, leader):
    response = client.post("/login/", {"username": "lena", "password": "wrong-password-1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html
    assert 'role="alert" id="login-error"' in html
    assert 'aria-describedby="login-error"' in html
    assert "_auth_user_id" not in client.session


def test_sixth_wrong_attempt_is_throttled(client, leader):
    for _ in range(5):
        client.post("/login/", {"username": "lena", "password": "wrong-password-1"})
    response = client.post("/login/", {"username": "lena", "password": PASSWORD})  # even the right password
    assert "Too many failed logins: wait 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 5


def test_login_then_logout_by_post(client, leader):
    response = client.post("/login/", {"username": "lena", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/")["Location"] == "/login/?next=/"


def test_logout_by_get_is_refused_and_keeps_the_session(client, leader):
    client.post("/login/", {"username": "lena", "password": PASSWORD})
    response = client.get("/logout/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Log out button" in response.content.decode()
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_pages_redirect_anonymous_visitors_to_login(client, workspace, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.parametrize(("name", "url"), AREA_URLS.items())
def test_every_area_renders_with_the_navigation(leader, name, url):
    response = logged_in(leader).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    nav = re.search(r'<nav class="main-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    assert nav is not None
    labels = re.findall(r"<a href=\"[^\"]+\"[^>]*>([^<]+)</a>", nav.group(1))
    assert [label.replace("&amp;", "&") for label in labels] == [label for _, label in NAVIGATION]
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav.group(1))
    assert current == [url]
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html


def test_settings_tabs_mark_the_current_tab_and_hide_audit_from_non_admins(admin, viewer):
    admin_html = logged_in(admin).get("/settings/users/").content.decode()
    assert '<a href="/settings/users/" aria-current="page">Users</a>' in admin_html
    assert '<a href="/settings/audit/">Audit log</a>' in admin_html
    viewer_html = logged_in(viewer).get("/settings/tokens/").content.decode()
    assert '<a href="/settings/tokens/" aria-current="page">API tokens</a>' in viewer_html
    assert "/settings/audit/" not in viewer_html


def test_audit_log_is_for_admins_only(admin, viewer):
    page = logged_in(admin).get("/settings/audit/")
    assert page.status_code == 200
    assert "user vic created as viewer" in page.content.decode()
    refused = logged_in(viewer).get("/settings/audit/")
    assert refused.status_code == 403
    assert "does not allow audit.view" in refused.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_no_page_loads_scripts_or_styles_from_another_host(admin, url):
    html = logged_in(admin).get(url).content.decode()
    assert re.findall(r"<script[^>]+src=\"(?:https?:)?//", html) == []
    assert re.findall(r"<link[^>]+href=\"(?:https?:)?//", html) == []
    assert '<script src="/static/vendor/htmx.min.js" defer></script>' in html


def test_vega_scripts_load_only_on_pages_with_a_chart(admin):
    client = logged_in(admin)
    dashboard = client.get("/").content.decode()
    assert '<script src="/static/vendor/vega-embed.min.js" defer></script>' in dashboard
    assert '<script src="/static/headway/charts.js" defer></script>' in dashboard
    settings_page = client.get("/settings/").content.decode()
    assert "vega" not in settings_page


def test_dashboard_chart_counts_people_by_role(admin, leader, viewer, make_user):
    make_user("val", "viewer")
    html = logged_in(leader).get("/").content.decode()
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", html)
    assert rows == [("Admin", "1"), ("Product leader", "1"), ("Product manager", "0"), ("Contributor", "0"),
                    ("Viewer", "2")]
    assert '<span class="count">4 people</span>' in html
