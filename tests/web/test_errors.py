"""Error pages: 400, 403, 404, 500 and the CSRF failure, each a full page that needs no database for 500."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory

from headway.web import views
from tests.conftest import PASSWORD


def test_unknown_url_gets_the_404_page(client, workspace):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>404 Not found · Acme Test</title>" in html
    assert '<h1 id="error-title">Not found</h1>' in html
    assert 'href="/">Go to the dashboard</a>' in html


def test_post_without_csrf_token_gets_the_csrf_page(workspace, leader):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/login/", {"username": "lena", "password": PASSWORD})
    html = response.content.decode()
    assert response.status_code == 403
    assert '<h1 id="error-title">Form expired</h1>' in html
    assert "Reload the page and submit it again." in html
    assert "_auth_user_id" not in browser.session


def test_logged_in_post_without_csrf_token_changes_nothing(admin):
    browser = Client(enforce_csrf_checks=True)
    browser.login(username="ada", password=PASSWORD)
    response = browser.post("/settings/", {"name": "Hijacked"})
    assert response.status_code == 403
    assert "Form expired" in response.content.decode()
    from headway.core.services import get_workspace

    assert get_workspace().name == "Acme Test"


@pytest.mark.parametrize(("handler", "status", "title"), [
    (views.bad_request, 400, "Bad request"),
    (views.permission_denied, 403, "Not allowed"),
    (views.page_not_found, 404, "Not found"),
])
def test_each_status_has_its_page(rf: RequestFactory, workspace, handler, status, title):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    response = handler(request, None)
    html = response.content.decode()
    assert response.status_code == status
    assert f'<p class="error-status">Error {status}</p>' in html
    assert f'<h1 id="error-title">{title}</h1>' in html


def test_500_page_renders_without_touching_the_database(rf: RequestFactory):
    # No django_db mark: pytest-django fails any query made here, so the page provably needs no database.
    response = views.server_error(rf.get("/broken/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<h1 id="error-title">Something went wrong</h1>' in html
    assert "<title>500 Something went wrong · Headway</title>" in html
    assert 'aria-label="Main"' not in html


def test_pages_render_when_the_workspace_table_cannot_be_read(client, workspace):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("DROP TABLE core_workspace")
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "<title>404 Not found · Headway</title>" in response.content.decode()


def test_headway_error_raised_by_a_service_becomes_its_page(viewer):
    client = Client()
    client.login(username="vic", password=PASSWORD)
    response = client.get("/settings/audit/")
    assert response.status_code == 403
    assert '<h1 id="error-title">Permission denied</h1>' in response.content.decode()
