"""Hand-made customers and feedback for the discovery tests.

Accounts: Acme (Enterprise, ARR 120,000), Bolt (SMB, 30,000), Cove (SMB, MRR 1,000 → ARR 12,000).
Feedback (as of 2025-06-30): three topics of 12 texts each — delivery, checkout payment, app crashes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from headway.discovery import services

AS_OF = date(2025, 6, 30)
DELIVERY = ["My parcel delivery was late by {} days", "The delivery courier was late again, {} days",
            "Late delivery of my parcel, waited {} days"]
CHECKOUT = ["Checkout payment failed with card error {}", "Card payment error at checkout, code {}",
            "Payment at checkout fails, card declined {}"]
CRASHES = ["The app crashes when I open it on android {}", "App crash on startup, android phone {}",
           "Android app crashes constantly {}"]


def topic(templates: list[str]) -> list[str]:
    return [t.format(i + 2) for i in range(4) for t in templates]


@pytest.fixture
def accounts(db, workspace):
    services.upsert_accounts(None, [
        {"name": "Acme", "external_id": "A1", "segment": "Enterprise", "plan": "Plus", "arr": 120_000},
        {"name": "Bolt", "external_id": "B1", "segment": "SMB", "plan": "Starter", "arr": "30,000"},
        {"name": "Cove", "external_id": "C1", "segment": "SMB", "plan": "Starter", "mrr": 1000},
    ])
    services.upsert_contacts(None, [
        {"name": "Ann Buyer", "email": "ann@acme.example", "phone": "+1 555 0100", "account_external_id": "A1"},
    ])
    return {a.external_id: a for a in services.list_accounts(None)}


@pytest.fixture
def corpus(accounts):
    """36 items: delivery (Acme, recent), checkout (Bolt, older), crashes (no account, spread)."""
    records = []
    for i, text in enumerate(topic(DELIVERY)):
        records.append({"text": text, "account": "A1", "date": AS_OF - timedelta(days=i), "source": "support",
                        "person_email": "ann@acme.example"})
    for i, text in enumerate(topic(CHECKOUT)):
        records.append({"text": text, "account": "B1", "date": AS_OF - timedelta(days=40 + i), "source": "review",
                        "rating": 2})
    for i, text in enumerate(topic(CRASHES)):
        records.append({"text": text, "date": AS_OF - timedelta(days=7 * i), "source": "survey"})
    services.add_feedback(None, records, today=AS_OF)
    return records


@pytest.fixture
def themed(corpus):
    run = services.start_theme_run(None, method="lexical", background=False)
    assert run.status == "done", run.message
    return run
