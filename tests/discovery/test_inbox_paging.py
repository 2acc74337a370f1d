"""The feedback inbox: search, filters, sort and paging (issue 14, point 5), through the service and the page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from headway.discovery import services
from headway.discovery.models import FeedbackItem
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(workspace):
    """120 unreviewed items, one a day from 1 Jan 2025: 40 about delivery (source support), 80 about checkout
    (source survey); every tenth item says "refund"."""
    records = []
    for n in range(120):
        topic = "My parcel delivery was late" if n % 3 == 0 else "The checkout page is slow"
        records.append({"text": f"{topic}, ticket {n}" + (" and I want a refund" if n % 10 == 0 else ""),
                        "source": "support" if n % 3 == 0 else "survey",
                        "date": (date(2025, 1, 1) + timedelta(days=n)).isoformat(),
                        "account": "Zeta" if n % 2 else "Alpha"})
    services.add_feedback(None, records, today=date(2025, 6, 30))
    return records


def query(**kw) -> services.InboxQuery:
    return services.InboxQuery(**kw)


def test_search_filters_sort_and_pages_are_counted_by_hand(inbox, viewer):
    first = services.inbox_page(viewer, query())
    # 120 items, 50 a page: 3 pages; newest first: ticket 119 (30 Apr 2025)
    assert (first.total, first.unreviewed, first.pages, len(first.items)) == (120, 120, 3, 50)
    assert first.items[0].received_on == date(2025, 4, 30) and first.items[0].text.endswith("ticket 119")
    last = services.inbox_page(viewer, query(page=3))
    assert len(last.items) == 20 and last.items[-1].text.startswith("My parcel delivery was late, ticket 0")
    assert services.inbox_page(viewer, query(page=99)).page == 3  # past the last page: the last
    # "refund": n = 0, 10, ..., 110 → 12 items
    assert services.inbox_page(viewer, query(search="REFUND")).total == 12
    # support: n % 3 == 0 → 40; support and refund: n in 0, 30, 60, 90 → 4
    assert services.inbox_page(viewer, query(source="support")).total == 40
    assert services.inbox_page(viewer, query(source="support", search="refund")).total == 4
    oldest = services.inbox_page(viewer, query(sort="oldest", source="survey"))
    assert oldest.items[0].text == "The checkout page is slow, ticket 1"
    by_account = services.inbox_page(viewer, query(sort="account"))
    # Alpha holds the even tickets: its newest is ticket 118 (29 Apr 2025)
    assert by_account.items[0].account.name == "Alpha" and by_account.items[0].received_on == date(2025, 4, 29)
    negative = FeedbackItem.objects.filter(reviewed=False, sentiment_label="negative").count()
    assert services.inbox_page(viewer, query(sentiment="negative")).total == negative
    # unknown values read as "any": nothing is refused, nothing answers 500
    odd = services.inbox_page(viewer, query(source="fax", sentiment="angry", theme="x'; drop", sort="random"))
    assert odd.total == 120 and odd.query.sort == "newest"


def test_the_page_pages_and_keeps_the_filters_and_gives_the_text_its_room(inbox, viewer):
    client = Client()
    assert client.login(username=viewer.username, password=PASSWORD)
    html = client.get("/feedback/inbox/?q=refund&source=support&sort=oldest").content.decode()
    assert "4 matches · page 1 of 1" in html and html.count('<td class="feedback-text">') == 4
    assert 'value="refund"' in html and '<option value="oldest" selected>' in html
    page = client.get("/feedback/inbox/?source=survey&page=2").content.decode()
    # survey: 80 items → pages of 50 and 30
    assert "80 matches · page 2 of 2" in page and page.count('<td class="feedback-text">') == 30
    assert 'href="?source=survey&amp;page=1"' in page and "Next page" not in page
    assert '<table class="inbox-table">' in page and "30 Apr 2025" in client.get("/feedback/inbox/").content.decode()
