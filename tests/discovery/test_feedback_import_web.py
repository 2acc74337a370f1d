"""Importing a feedback file in the browser (issue 14, point 1): the upload becomes a background job (progress
bar, counts when done), a file with bad rows fails with every bad line listed on the page, and only the roles
that may add feedback are offered the form."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from headway.core.models import Job
from headway.core.permissions import Role
from headway.discovery import services
from headway.discovery.models import FeedbackItem
from tests.conftest import PASSWORD
from tests.discovery.test_imports import ZENDESK

pytestmark = pytest.mark.django_db

BAD = b"text,account\nGood one,A1\n   ,A1\nAnother,Newco\n\"\",A1\n"  # lines 3 and 5 have no text


def signed_in(username: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=username, password=PASSWORD)
    client.get("/feedback/")
    return client


def upload(client: Client, name: str, data: bytes, **fields: str):
    return client.post("/feedback/import/", {"file": SimpleUploadedFile(name, data), **fields,
                                             "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_a_contributor_imports_a_support_export_as_a_job(accounts, make_user):
    make_user("cody", Role.CONTRIBUTOR)
    client = signed_in("cody")
    assert 'href="/feedback/import/"' in client.get("/feedback/").content.decode()
    page = client.get("/feedback/import/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="mapping"' in page
    done = upload(client, "zendesk.csv", ZENDESK)
    job = Job.objects.get(kind="discovery.import_feedback")
    assert done.status_code == 302 and done["Location"] == f"/feedback/import/?job={job.pk}"
    assert (job.status, job.created_by) == ("succeeded", "cody")
    assert {k: job.result[k] for k in ("rows", "created", "updated", "accounts_created")} == {
        "rows": 3, "created": 3, "updated": 0, "accounts_created": 1}
    assert not Path(job.arguments["path"]).exists()  # the upload is gone once imported
    shown = client.get(done["Location"]).content.decode()
    assert "Import feedback from zendesk.csv: done — 3 rows: 3 new, 0 updated" in shown
    assert "1 accounts created" in shown
    assert FeedbackItem.objects.get(external_id="101").text == "Late order. My order arrived a week late"


def test_a_file_with_bad_rows_lists_each_line_and_imports_nothing(accounts, make_user):
    make_user("cody", Role.CONTRIBUTOR)
    client = signed_in("cody")
    done = upload(client, "bad.csv", BAD)
    job = Job.objects.get(kind="discovery.import_feedback")
    assert job.status == "failed"
    shown = client.get(done["Location"]).content.decode()
    assert "2 feedback row(s) are not valid, so nothing was imported" in shown
    assert '<td data-line="3">3</td>' in shown and '<td data-line="5">5</td>' in shown
    assert shown.count("the feedback text is empty or only whitespace") >= 2
    assert FeedbackItem.objects.count() == 0


def test_columns_named_in_the_form_map_a_json_lines_file(accounts, make_user):
    make_user("cody", Role.CONTRIBUTOR)
    data = b'{"body": "Search finds nothing", "co": "C1", "stars": 1}\n{"body": "Search is slow", "co": "C1"}\n'
    upload(signed_in("cody"), "f.jsonl", data, mapping="text=body, account=co\nrating=stars", source="review")
    items = FeedbackItem.objects.order_by("id")
    assert [(i.text, i.account.name, i.rating, i.source) for i in items] == [
        ("Search finds nothing", "Cove", 1, "review"), ("Search is slow", "Cove", None, "review")]


def test_bad_options_are_shown_in_place_without_a_job(accounts, make_user):
    make_user("cody", Role.CONTRIBUTOR)
    client = signed_in("cody")
    wrong = upload(client, "notes.pdf", b"%PDF")
    assert wrong.status_code == 422 and "notes.pdf is not a feedback file Headway reads" in wrong.content.decode()
    mapping = upload(client, "f.csv", ZENDESK, mapping="words")
    assert mapping.status_code == 422 and "Mapping &#x27;words&#x27; is not FIELD=COLUMN" in mapping.content.decode()
    field = upload(client, "f.csv", ZENDESK, mapping="colour=Tags")
    assert "Unknown field(s) in the mapping: colour" in field.content.decode()
    assert not Job.objects.exists() and FeedbackItem.objects.count() == 0


def test_a_viewer_is_not_offered_the_import_and_is_refused(accounts, viewer):
    client = signed_in("vic")
    assert 'href="/feedback/import/"' not in client.get("/feedback/").content.decode()
    assert client.get("/feedback/import/").status_code == 403
    assert upload(client, "zendesk.csv", ZENDESK).status_code == 403
    assert not Job.objects.exists()


def test_the_upload_needs_the_csrf_token(accounts, make_user):
    make_user("cody", Role.CONTRIBUTOR)
    client = signed_in("cody")
    refused = client.post("/feedback/import/", {"file": SimpleUploadedFile("zendesk.csv", ZENDESK)})
    assert refused.status_code == 403 and not Job.objects.exists()


def test_the_service_refuses_roles_and_files_before_queueing(accounts, viewer):
    from headway.core.errors import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.start_feedback_import(viewer, "f.csv", io.BytesIO(ZENDESK))
    with pytest.raises(ValidationError, match="source 'blog' is not one of support"):
        services.start_feedback_import(None, "f.csv", io.BytesIO(ZENDESK), default_source="blog")
    with pytest.raises(ValidationError, match="Unknown file format 'xml'"):
        services.start_feedback_import(None, "f.csv", io.BytesIO(ZENDESK), fmt="xml")
    assert not Job.objects.exists()


def test_the_api_takes_the_same_upload_and_answers_the_job(accounts, make_user):
    make_user("cody", Role.CONTRIBUTOR)
    client = Client()
    assert client.login(username="cody", password=PASSWORD)
    answer = client.post("/api/v1/discovery/feedback/import?source=sales",
                         {"file": SimpleUploadedFile("zendesk.csv", ZENDESK)})
    assert answer.status_code == 202, answer.content
    job = client.get(f"/api/v1/jobs/{answer.json()['id']}").json()
    assert job["status"] == "succeeded" and job["result"]["created"] == 3
    bad = client.post("/api/v1/discovery/feedback/import", {"file": SimpleUploadedFile("bad.csv", BAD)}).json()
    failed = client.get(f"/api/v1/jobs/{bad['id']}").json()
    assert [d["line"] for d in failed["result"]["error"]["details"]] == [3, 5]
    refused = client.post("/api/v1/discovery/feedback/import?map=words",
                          {"file": SimpleUploadedFile("f.csv", ZENDESK)})
    assert refused.status_code == 422


def test_the_api_maps_columns_named_in_the_query(accounts, make_user):
    make_user("cody", Role.CONTRIBUTOR)
    client = Client()
    assert client.login(username="cody", password=PASSWORD)
    data = b'{"body": "Search finds nothing", "co": "C1"}\n'
    answer = client.post("/api/v1/discovery/feedback/import?map=text%3Dbody&map=account%3Dco",
                         {"file": SimpleUploadedFile("f.jsonl", data)})
    assert answer.status_code == 202, answer.content
    item = FeedbackItem.objects.get()
    assert (item.text, item.account.name) == ("Search finds nothing", "Cove")


DOCUMENT = b"""{"items": [
  {"text": "Search finds nothing", "account": "Cove"},
  {"text": "   ",
   "account": "Cove"},
  {"text": "Search is slow", "account": "Cove"}
]}
"""


def test_a_json_document_as_the_api_takes_it_is_imported_with_its_lines(accounts, make_user):
    from headway.core.errors import ValidationError
    from headway.discovery.services import imports

    parsed = imports.parse(DOCUMENT, filename="export.json")
    assert [line for line, _ in parsed.rows] == [2, 3, 5]  # the line each object starts on, by hand
    with pytest.raises(ValidationError) as refused:
        services.import_feedback_file(None, DOCUMENT, filename="export.json")
    assert [d["line"] for d in refused.value.details] == [3]
    fixed = DOCUMENT.replace(b'"   "', b'"Filters are hidden"')
    make_user("cody", Role.CONTRIBUTOR)
    upload(signed_in("cody"), "export.json", fixed)
    assert list(FeedbackItem.objects.order_by("id").values_list("text", flat=True)) == [
        "Search finds nothing", "Filters are hidden", "Search is slow"]
    array = imports.parse(b'[{"text": "a"},\n {"text": "b"}]', filename="x.json")
    assert [line for line, _ in array.rows] == [1, 2]
