"""The events import in the browser lists the rows it set aside, each with its reason (issue 14, point 1)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from headway.core.permissions import Role
from tests.analytics.test_event_imports import CSV
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_events_import_lists_the_rows_it_set_aside(empty_store, make_user):
    make_user("pam", Role.PRODUCT_MANAGER)
    client = Client()
    assert client.login(username="pam", password=PASSWORD)
    done = client.post("/insights/import/", {"file": SimpleUploadedFile("events.csv", CSV)})
    shown = client.get(done["Location"]).content.decode()
    assert "2 events added, 0 already there, 1 rejected" in shown
    # the third event (purchase,not-a-date,u1) is set aside with its reason
    assert '<td data-line="3">3</td><td>unparsable timestamp &quot;not-a-date&quot;' in shown
