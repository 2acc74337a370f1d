"""Security headers (issue 15, point 6): a Content-Security-Policy that needs no inline script (none is left in
the templates), a Permissions-Policy, and people pages that are never cached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "headway"


def test_every_page_has_the_policies(client, viewer):
    assert client.login(username=viewer.username, password=PASSWORD)
    for path in ("/", "/login/", "/api/v1/health"):
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
        assert "camera=()" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]


def test_people_pages_are_not_stored(client, leader):
    assert client.login(username=leader.username, password=PASSWORD)
    for path in ("/team/", "/team/reviews/", "/api/v1/team/people"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "no-store, private"
    assert "no-store" not in client.get("/roadmap/").get("Cache-Control", "")


def test_no_template_has_an_inline_script_or_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text()
        if inline_script.search(text) or handler.search(text):
            offenders.append(str(template.relative_to(SRC)))
    assert offenders == []
