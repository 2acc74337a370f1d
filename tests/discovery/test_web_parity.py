"""Parity forms on the Feedback pages (issue 14, point 1), per role, through the web with CSRF: add a feedback
item in the inbox; link ticked inbox items, or a whole theme, to an idea with an importance."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.core.permissions import Role
from headway.discovery import services
from headway.discovery.models import DemandLink, FeedbackItem
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client: Client, page: str, path: str, data: dict):
    """Open ``page``, take its CSRF token, and post ``data`` to ``path`` as the page's form would."""
    html = client.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


@pytest.fixture
def contributor(make_user):
    return make_user("cora", Role.CONTRIBUTOR)


def test_a_contributor_adds_feedback_and_a_viewer_may_not(accounts, contributor, viewer):
    cora = browser(contributor)
    done = post(cora, "/feedback/inbox/", "/feedback/add/",
                {"text": "The parcel tracker never updates", "source": "sales", "account": "A1", "rating": "2"})
    assert done.status_code == 302 and done["Location"] == "/feedback/inbox/"
    item = FeedbackItem.objects.get(text="The parcel tracker never updates")
    assert (item.source, item.account.name, item.rating) == ("sales", "Acme", 2)
    page = cora.get("/feedback/inbox/").content.decode()
    assert "Feedback added" in page and 'id="fb-text"' in page
    # an empty text is refused with its reason, nothing is added
    bad = post(browser(contributor), "/feedback/inbox/", "/feedback/add/", {"text": "  "})
    assert bad.status_code == 302 and FeedbackItem.objects.count() == 1
    # a viewer sees no form, and the server refuses the request
    assert 'id="fb-text"' not in browser(viewer).get("/feedback/inbox/").content.decode()
    refused = post(browser(viewer), "/feedback/inbox/", "/feedback/add/", {"text": "Let me in"})
    assert refused.status_code == 403 and FeedbackItem.objects.count() == 1


def test_inbox_items_and_a_theme_link_to_an_idea_with_an_importance(corpus, contributor, viewer):
    from headway.planning import services as planning

    idea = planning.create_initiative(None, title="Faster delivery")
    item = FeedbackItem.objects.get(text="My parcel delivery was late by 2 days")
    cora = browser(contributor)
    done = post(cora, "/feedback/inbox/", "/feedback/demand/",
                {"item": [str(item.pk)], "idea": str(idea.pk), "importance": "critical"})
    assert done.status_code == 302
    link = DemandLink.objects.get()
    assert (link.item_id, link.importance, link.initiative_id) == (item.pk, "critical", idea.pk)
    idea.refresh_from_db()
    assert idea.demand_score == 9.67  # Acme only: 3 × (1 + 120,000 / 54,000), as in test_demand_links
    page = cora.get("/feedback/inbox/").content.decode()
    assert f"Linked to idea {idea.pk}: its demand score is now 9.7." in page

    assert services.start_theme_run(None, method="lexical", background=False).status == "done"
    theme_id = services.theme_metrics(None)[0].id
    page = browser(contributor).get(f"/feedback/themes/{theme_id}/").content.decode()
    assert 'id="theme-idea"' in page and 'value="critical"' in page
    done = post(browser(contributor), f"/feedback/themes/{theme_id}/", "/feedback/demand/",
                {"theme_id": str(theme_id), "idea": str(idea.pk), "importance": "nice_to_have"})
    assert done.status_code == 302 and done["Location"] == f"/feedback/themes/{theme_id}/"
    assert DemandLink.objects.filter(theme_id=theme_id, importance="nice_to_have").count() == 1
    # an unknown idea is refused in words; a viewer may not link
    post(cora, "/feedback/inbox/", "/feedback/demand/", {"item": [str(item.pk)], "idea": "999"})
    assert "There is no initiative 999" in cora.get("/feedback/inbox/").content.decode()
    assert 'id="theme-idea"' not in browser(viewer).get(f"/feedback/themes/{theme_id}/").content.decode()
    refused = post(browser(viewer), "/feedback/inbox/", "/feedback/demand/",
                   {"theme_id": str(theme_id), "idea": str(idea.pk)})
    assert refused.status_code == 403 and DemandLink.objects.count() == 2
