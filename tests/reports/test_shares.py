"""Share links: signed, expiring, revocable, audited, confined to the audience view; never people data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from headway.core.errors import PermissionDenied, ValidationError
from headway.core.models import AuditEvent
from headway.reports import services
from headway.reports.models import ShareLink
from tests.reports.conftest import PERIOD


def _path(link: ShareLink) -> str:
    return services.share_url(link).split("localhost:8000", 1)[1]


def test_a_pack_link_opens_read_only_and_each_opening_is_audited(product, leader, client):
    pack = services.create_pack(leader, "monthly", period=PERIOD)
    services.edit_notes(leader, pack.pk, {"decisions": "Sunset the legacy importer."})
    link = services.create_share(leader, "pack", pack_id=pack.pk, days=7)
    page = client.get(_path(link))  # no login
    body = page.content.decode()
    assert page.status_code == 200 and "Monthly product review" in body and "Sunset the legacy importer." in body
    assert "/settings/" not in body and "/api/" not in body and "<nav" not in body  # nothing of the app around it
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    client.get(_path(link))
    link.refresh_from_db()
    assert link.openings == 2
    assert AuditEvent.objects.filter(action="view", object_type="sharelink", object_id=str(link.pk)).count() == 2


def test_tampered_expired_and_revoked_links_answer_404_with_nothing_leaked(product, leader, client):
    link = services.create_share(leader, "roadmap", audience="sales")
    path = _path(link)
    tampered = client.get(path[:-4] + "AAA/")
    assert tampered.status_code == 404 and tampered.content == b"Not found"
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(path).content == b"Not found"
    fresh = services.create_share(leader, "roadmap", audience="sales")
    assert client.get(_path(fresh)).status_code == 200
    services.revoke_share(leader, fresh.pk)
    gone = client.get(_path(fresh))
    assert gone.status_code == 404 and gone.content == b"Not found"


def test_a_roadmap_link_shows_exactly_its_audience_view(product, leader, client):
    sales = client.get(_path(services.create_share(leader, "roadmap", audience="sales"))).content.decode()
    leadership = client.get(_path(services.create_share(leader, "roadmap", audience="leadership"))).content.decode()
    assert "Team workspaces" in sales and "Team workspaces" in leadership
    assert "<th>cost</th>" in leadership and "<th>effort weeks</th>" in leadership
    assert "cost" not in sales and "effort" not in sales and "demand" not in sales  # what the sales view hides


def test_people_data_can_never_be_shared_and_viewers_cannot_share(product, leader, viewer):
    for what in ("reviews", "checkins", "readiness", "people"):
        with pytest.raises(ValidationError, match=r"People data .* can never be shared"):
            services.create_share(leader, what)
    with pytest.raises(ValidationError, match="Share a pack or a roadmap view"):
        services.create_share(leader, "nine-boxes")
    with pytest.raises(PermissionDenied):
        services.create_share(viewer, "roadmap", audience="sales")
    with pytest.raises(ValidationError, match="1 to 90 days"):
        services.create_share(leader, "roadmap", days=365)


def test_a_live_pack_link_shows_todays_numbers_at_each_opening(product, leader, client):
    from headway.strategy import services as strategy

    link = services.create_share(leader, "pack", kind="monthly", days=7)
    assert services.ShareView.of(link).what == "live monthly product review" and link.pack_id is None
    first = client.get(_path(link)).content.decode()
    assert "Monthly product review" in first and "Live numbers as of today" in first
    assert "Later goal" not in first
    strategy.create_goal(None, "Later goal", key_results=["signups"])  # a change after the link was made
    assert "Later goal" in client.get(_path(link)).content.decode()
    with pytest.raises(ValidationError, match="A live pack is one of weekly"):
        services.create_share(leader, "pack", kind="roadmap")
    with pytest.raises(ValidationError, match="never be shared"):
        services.create_share(leader, "reviews", kind="weekly")
