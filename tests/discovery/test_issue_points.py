"""Points of issue 6 that no other test covered on their own: updates by external id on every path, the
all-or-nothing rule when a row fails late, each item's sentiment, the theme list's columns, and the API and
CLI faces of search, runs and demand."""

from __future__ import annotations

import json

import pytest
from django.template.defaultfilters import floatformat

from headway.core.errors import NotFound, ValidationError
from headway.discovery import services, views
from headway.discovery.engine import sentiment
from headway.discovery.models import Account, Contact, FeedbackItem, ThemeRun
from tests.discovery.test_faces import bearer, cli


def test_people_and_accounts_update_by_external_id_on_the_api_and_in_files(client, accounts, leader):
    services.upsert_contacts(None, [{"name": "Cy Clerk", "email": "cy@cove.example", "external_id": "P9",
                                     "account_external_id": "C1"}])
    again = services.import_contacts_file(
        None, b"external_id,name,email,title\nP9,Cy Clerk-Jones,cy.jones@cove.example,Buyer\n", filename="p.csv")
    assert (again.created, again.updated) == (0, 1)
    cy = Contact.objects.get(external_id="P9")
    assert (cy.name, cy.email, cy.title, cy.account.external_id) == ("Cy Clerk-Jones", "cy.jones@cove.example",
                                                                      "Buyer", "C1")
    updated = client.post("/api/v1/discovery/accounts", [{"external_id": "A1", "arr": 150_000, "plan": "Enterprise+"}],
                          headers=bearer(leader), content_type="application/json")
    assert updated.status_code == 200 and (updated.json()["created"], updated.json()["updated"]) == (0, 1)
    acme = Account.objects.get(external_id="A1")
    assert (acme.name, acme.arr, acme.plan, acme.segment) == ("Acme", 150_000, "Enterprise+", "Enterprise")
    unknown = client.post("/api/v1/discovery/accounts", [{"external_id": "Z9", "arr": 1}], headers=bearer(leader),
                          content_type="application/json")
    assert unknown.status_code == 422 and "no account has external id 'Z9'" in unknown.json()["error"]["message"]


def test_a_row_that_fails_late_leaves_nothing_behind_not_even_new_accounts(accounts):
    records = [{"text": "Love it", "account": "Brand New Shop"}, {"text": "Slow", "account_id": 999_999}]
    with pytest.raises(ValidationError) as caught:
        services.add_feedback(None, records)
    assert caught.value.details == [{"line": 2, "reason": "there is no account 999999"}]
    assert FeedbackItem.objects.count() == 0 and not Account.objects.filter(name="Brand New Shop").exists()


def test_each_item_gets_its_sentiment_from_the_lexicon(accounts):
    texts = ["I love the new checkout, great work!", "The app crashes and I lost my order, terrible.", "Order 42"]
    services.add_feedback(None, [{"text": t} for t in texts])
    for text, label in zip(texts, ["positive", "negative", "neutral"], strict=True):
        item = FeedbackItem.objects.get(text=text)
        assert item.sentiment == pytest.approx(sentiment(text).score, abs=1e-4)  # VADER + the feedback lexicon
        assert item.sentiment_label == label


def test_theme_list_rows_show_size_sparkline_growth_sentiment_accounts_and_arr(client, themed, viewer):
    client.force_login(viewer)
    page = client.get("/feedback/").content.decode()
    for m in services.theme_metrics(None):
        growth = "new" if m.growth is None else f"{m.growth:+.0%}"
        row = (f'<td class="num">{m.size}</td>\n    <td><svg class="sparkline" width="96" height="24" role="img" '
               f'aria-label="Items per week, oldest first: {", ".join(map(str, m.weekly))}"><polyline '
               f'points="{views.sparkline(m.weekly)}"/></svg></td>\n    <td class="num">{growth}</td>\n    '
               f'<td class="num sentiment-{m.sentiment_label}">{floatformat(m.sentiment, 2)}</td>\n    '
               f'<td class="num">{m.accounts}</td>\n    <td class="num">{m.arr:,.0f}</td>')
        assert row in page, m.label


def test_api_search_by_words_and_meaning(client, themed, viewer):
    words = client.get("/api/v1/discovery/feedback/search", {"q": "courier"}, headers=bearer(viewer)).json()
    assert sorted(h["item"]["text"] for h in words) == sorted(
        f"The delivery courier was late again, {n} days" for n in (2, 3, 4, 5))
    meaning = client.get("/api/v1/discovery/feedback/search", {"q": "android crash", "mode": "semantic", "limit": 3},
                         headers=bearer(viewer)).json()
    assert len(meaning) == 3 and all("ndroid" in h["item"]["text"] for h in meaning)
    empty = client.get("/api/v1/discovery/feedback/search", {"q": "  "}, headers=bearer(viewer))
    assert empty.status_code == 422 and "Give words to search for" in empty.json()["error"]["message"]


def test_api_links_demand_and_reports_the_score(client, themed, leader, viewer):
    theme = FeedbackItem.objects.get(text="My parcel delivery was late by 2 days").theme
    made = client.post("/api/v1/discovery/feedback/demand", {"idea": "Faster couriers", "importance": "critical",
                                                   "theme_id": theme.pk}, headers=bearer(leader),
                       content_type="application/json")
    assert made.status_code == 201
    expected = services.demand_for("Faster couriers")
    # Acme only (ARR 120,000; mean ARR 54,000): 3 × (1 + 120/54) = 9.67
    assert made.json()["score"] == expected.score == 9.67 and made.json()["accounts"] == 1
    shown = client.get("/api/v1/discovery/feedback/demand/Faster couriers", headers=bearer(viewer)).json()
    assert shown["score"] == 9.67 and shown["by_importance"]["critical"] == 1
    refused = client.post("/api/v1/discovery/feedback/demand", {"idea": "X", "theme_id": theme.pk}, headers=bearer(viewer),
                          content_type="application/json")
    assert refused.status_code == 403


def test_api_shows_a_run_and_its_progress(client, corpus, viewer):
    run = ThemeRun.objects.create(status="running", progress=0.42, message="finding themes in 36 feedback items")
    body = client.get(f"/api/v1/discovery/feedback/runs/{run.pk}", headers=bearer(viewer)).json()
    assert (body["status"], body["progress"], body["message"]) == ("running", 0.42,
                                                                   "finding themes in 36 feedback items")
    with pytest.raises(NotFound):
        services.get_run(None, run.pk + 1)


def test_cli_computes_themes_links_demand_and_shows_it(corpus, workspace):
    out = cli("feedback", "themes", "--compute", "--method", "lexical")
    run = ThemeRun.objects.get()
    assert run.status == "done" and f"{run.message} in 36 feedback items (tfidf-lsa)." in out
    theme = FeedbackItem.objects.get(text="My parcel delivery was late by 2 days").theme
    linked = cli("feedback", "link", "Faster couriers", "--theme", str(theme.pk), "--importance", "critical")
    assert "Faster couriers: demand score 9.67 from 1 accounts" in linked
    [shown] = json.loads(cli("feedback", "demand", "Faster couriers", "--json"))
    assert (shown["score"], shown["accounts"], shown["arr"]) == (9.67, 1, 120_000)
