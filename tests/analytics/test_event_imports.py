"""Event-file imports as background jobs: from the browser, the API and the CLI, with their counts, idempotent."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from headway.analytics import services
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.models import Job
from headway.core.permissions import Role
from tests.conftest import PASSWORD

CSV = (b"event,timestamp,distinct_id\n"
       b"signup,2026-11-02T10:00:00Z,u1\n"
       b"signup,2026-11-02T11:00:00Z,u2\n"
       b"purchase,not-a-date,u1\n")


@pytest.fixture
def store(empty_store):
    return empty_store


def test_an_uploaded_file_is_imported_by_a_job_and_then_removed(store, make_user, settings):
    pm = make_user("pam", Role.PRODUCT_MANAGER)
    job = services.import_uploaded_events(pm, "events.csv", io.BytesIO(CSV))
    row = Job.objects.get(pk=job.id)
    assert (row.status, row.created_by) == ("succeeded", "pam")
    assert {k: row.result[k] for k in ("ingested", "duplicates", "rejected")} == {
        "ingested": 2, "duplicates": 0, "rejected": 1}
    assert not Path(row.arguments["path"]).exists()  # the upload is gone once imported
    assert services.store_stats(pm).events == 2
    again = Job.objects.get(pk=services.import_uploaded_events(pm, "events.csv", io.BytesIO(CSV)).id)
    assert (again.result["ingested"], again.result["duplicates"]) == (0, 2)  # nothing added twice


def test_imports_refuse_wrong_files_and_roles(store, make_user, tmp_path):
    contributor = make_user("cody", Role.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.import_uploaded_events(contributor, "events.csv", io.BytesIO(CSV))
    with pytest.raises(ValidationError, match=r"notes\.txt is not an events file Headway reads"):
        services.import_uploaded_events(None, "notes.txt", io.BytesIO(b"hello"))
    with pytest.raises(NotFound, match="There is no file"):
        services.start_event_import(None, str(tmp_path / "missing.csv"))
    assert not Job.objects.exists()


def test_the_api_takes_an_upload_and_answers_the_job(client, store, make_user):
    pm = make_user("pam", Role.PRODUCT_MANAGER)
    assert client.login(username="pam", password=PASSWORD)
    answer = client.post("/api/v1/analytics/events/import",
                         {"file": SimpleUploadedFile("events.csv", CSV, content_type="text/csv")})
    assert answer.status_code == 202, answer.content
    job = client.get(f"/api/v1/jobs/{answer.json()['id']}").json()
    assert job["status"] == "succeeded" and job["result"]["ingested"] == 2
    assert services.store_stats(pm).events == 2


def test_the_insights_page_uploads_and_shows_the_job(client, store, make_user):
    make_user("pam", Role.PRODUCT_MANAGER)
    assert client.login(username="pam", password=PASSWORD)
    page = client.get("/insights/").content.decode()
    assert 'action="/insights/import/"' in page and 'enctype="multipart/form-data"' in page
    done = client.post("/insights/import/", {"file": SimpleUploadedFile("events.csv", CSV)})
    job = Job.objects.get(kind="analytics.import_events")
    assert done.status_code == 302 and done["Location"] == f"/insights/?import={job.pk}"
    shown = client.get(done["Location"]).content.decode()
    assert "Import events from" in shown and "2 events added, 0 already there, 1 rejected" in shown


def test_a_viewer_is_not_offered_the_import(client, store, viewer):
    assert client.login(username=viewer.username, password=PASSWORD)
    assert 'action="/insights/import/"' not in client.get("/insights/").content.decode()
    refused = client.post("/insights/import/", {"file": SimpleUploadedFile("events.csv", CSV)})
    assert refused.status_code == 403 and not Job.objects.exists()


def test_the_cli_queues_an_import_for_the_worker(store, tmp_path):
    from typer.testing import CliRunner

    from headway.cli import app

    data = tmp_path / "events.csv"
    data.write_bytes(CSV)
    result = CliRunner().invoke(app, ["events", "ingest", str(data), "--background"], env={"COLUMNS": "200"})
    job = Job.objects.get(kind="analytics.import_events")
    assert result.exit_code == 0 and f"Queued as job {job.pk}" in result.output
    assert job.arguments["rejects_path"] == str(data) + ".rejects.jsonl" and job.result["ingested"] == 2
    assert data.exists()  # a file of the operator's is never removed
