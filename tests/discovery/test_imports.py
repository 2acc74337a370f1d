"""Customers and feedback imports: upsert by external id, column mapping, and the bad-input rules."""

from __future__ import annotations

import pytest

from headway.core.errors import PermissionDenied, ValidationError
from headway.core.permissions import Role
from headway.discovery import services
from headway.discovery.models import Account, Contact, FeedbackItem
from headway.discovery.services import imports as importers

ZENDESK = (
    b"Ticket ID,Subject,Description,Organization,Requester email,Created at,Satisfaction Score,Tags\n"
    b"101,Late order,My order arrived a week late,Acme,ann@acme.example,2025-06-01,2,\"delivery,late\"\n"
    b"102,Card declined,Payment fails at checkout,Bolt,bob@bolt.example,2025-06-02,,payment\n"
    b"103,,The app crashes on start,Newco,,2025-06-03,5,\n"
)


def test_accounts_upsert_by_external_id_and_mrr(accounts):
    assert accounts["C1"].arr == 12_000 and accounts["C1"].mrr == 1000
    assert accounts["B1"].arr == 30_000
    result = services.import_accounts_file(None, b"external id,ARR,segment\nB1,45000,Mid-market\n", filename="a.csv")
    assert (result.created, result.updated) == (0, 1)
    bolt = Account.objects.get(external_id="B1")
    assert (bolt.name, bolt.arr, bolt.segment, bolt.plan) == ("Bolt", 45_000, "Mid-market", "Starter")


def test_account_import_is_all_or_nothing(accounts):
    data = b"name,external_id,arr\nDelta,D1,1000\nEcho,E1,lots\n"
    with pytest.raises(ValidationError) as err:
        services.import_accounts_file(None, data, filename="a.csv")
    assert err.value.details == [{"line": 3, "reason": "ARR/MRR must be a number, e.g. 12000"}]
    assert not Account.objects.filter(external_id="D1").exists()


def test_support_export_is_mapped_by_its_column_names(accounts):
    result = services.import_feedback_file(None, ZENDESK, filename="zendesk.csv")
    assert (result.rows, result.created, result.accounts_created) == (3, 3, 1)
    first = FeedbackItem.objects.get(external_id="101")
    assert first.text == "Late order. My order arrived a week late"
    assert (first.account.name, first.contact.email, first.rating, first.tags) == (
        "Acme", "ann@acme.example", 2, ["delivery", "late"])
    assert str(first.received_on) == "2025-06-01" and first.source == "support"
    assert FeedbackItem.objects.get(external_id="103").account.name == "Newco"
    again = services.import_feedback_file(None, ZENDESK, filename="zendesk.csv")
    assert (again.created, again.updated) == (0, 3) and FeedbackItem.objects.count() == 3


def test_explicit_mapping_and_jsonl(accounts):
    data = b'{"body": "Search finds nothing", "co": "C1", "stars": 1}\n\n{"body": "Search is slow", "co": "C1"}\n'
    mapping = importers.parse_mapping(["text=body", "account=co", "rating=stars"])
    result = services.import_feedback_file(None, data, filename="f.jsonl", mapping=mapping, default_source="review")
    assert result.created == 2
    items = FeedbackItem.objects.order_by("id")
    assert [(i.account.name, i.rating, i.source) for i in items] == [("Cove", 1, "review"), ("Cove", None, "review")]
    with pytest.raises(ValidationError, match="does not have: missing"):
        services.import_feedback_file(None, data, filename="f.jsonl", mapping={"text": "missing"})


def test_empty_texts_are_rejected_with_their_line_and_nothing_is_written(accounts):
    data = b"text,account\nGood one,A1\n   ,A1\nAnother,Newco\n\"\",A1\n"
    with pytest.raises(ValidationError) as err:
        services.import_feedback_file(None, data, filename="f.csv")
    assert [d["line"] for d in err.value.details] == [3, 5]
    assert "line 3: the feedback text is empty or only whitespace" in err.value.message
    assert FeedbackItem.objects.count() == 0 and not Account.objects.filter(name="Newco").exists()


def test_non_utf8_file_names_line_and_encoding(accounts):
    data = "text\nfine\ncaf\u00e9 was closed\n".encode("cp1252")
    with pytest.raises(ValidationError) as err:
        services.import_feedback_file(None, data, filename="old.csv")
    assert "old.csv is not UTF-8: line 3 has the byte 0xe9" in err.value.message
    assert err.value.details == [{"line": 3, "reason": "invalid UTF-8 byte 0xe9", "encoding": "utf-8"}]
    assert FeedbackItem.objects.count() == 0


def test_very_long_text_is_kept_but_flagged_as_cut(accounts):
    long_text = "The delivery was late. " * 200  # 4,600 characters > 2,000 read for embedding
    result = services.add_feedback(None, [{"text": long_text}, {"text": "short"}])
    assert result.truncated == 1
    item = FeedbackItem.objects.get(pk=result.ids[0])
    assert item.truncated and len(item.text) == len(long_text.strip())


def test_bad_values_name_their_row(accounts):
    with pytest.raises(ValidationError) as err:
        services.add_feedback(None, [{"text": "ok", "nps": 11}, {"text": "x", "source": "fax"},
                                     {"text": "y", "link": "ftp://x"}, {"text": "z", "date": "yesterday"}])
    assert [d["line"] for d in err.value.details] == [1, 2, 3, 4]
    assert "NPS must be at most 10" in err.value.details[0]["reason"]


def test_near_duplicates_are_flagged(accounts):
    services.add_feedback(None, [{"text": "Checkout fails with a card error"}])
    result = services.add_feedback(None, [{"text": "checkout FAILS with a card error!"}, {"text": "Other"}])
    assert result.duplicates == 1
    first = FeedbackItem.objects.order_by("id").first()
    assert FeedbackItem.objects.get(pk=result.ids[0]).duplicate_of_id == first.pk


def test_viewers_cannot_import_and_contributors_can(accounts, make_user):
    viewer = make_user("vee", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.add_feedback(viewer, [{"text": "hello"}])
    contributor = make_user("cee", Role.CONTRIBUTOR)
    assert services.add_feedback(contributor, [{"text": "hello"}]).created == 1


def test_contact_details_only_for_leaders(accounts, make_user, leader):
    acme = accounts["A1"]
    viewer, pm = make_user("vee", Role.VIEWER), make_user("pam", Role.PRODUCT_MANAGER)
    assert services.account_people(leader, acme)[0]["email"] == "ann@acme.example"
    for user in (viewer, pm):
        person = services.account_people(user, acme)[0]
        assert (person["name"], person["email"], person["phone"]) == ("Ann Buyer", None, None)
    assert Contact.objects.count() == 1
