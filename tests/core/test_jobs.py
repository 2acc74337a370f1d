"""Background work: jobs run through Django's Tasks framework, retry with backoff, recover, and keep a schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from headway.core import jobs, schedules
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.models import Job, ScheduleState
from headway.core.worker import Worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
calls: list[dict] = []


@pytest.fixture(autouse=True)
def _kinds():
    calls.clear()

    @jobs.job_handler("test.add", label="Add two numbers")
    def add(progress, a: int, b: int) -> int:
        calls.append({"a": a, "b": b})
        progress(0.5, "half way")
        return a + b

    @jobs.job_handler("test.flaky", label="Fail twice, then work", max_attempts=3)
    def flaky(progress) -> str:
        calls.append({})
        if len(calls) < 3:
            raise RuntimeError(f"boom {len(calls)}")
        return "ok"

    @jobs.job_handler("test.broken", label="Always fails", max_attempts=2)
    def broken(progress) -> None:
        calls.append({})
        raise RuntimeError("disk on fire")

    @jobs.job_handler("test.refused", label="Bad input")
    def refused(progress) -> None:
        calls.append({})
        raise ValidationError("The file has no header row: add one and import it again.")

    yield
    for name in ("test.add", "test.flaky", "test.broken", "test.refused"):
        jobs.KINDS.pop(name, None)
    schedules.SCHEDULES.pop("test.add", None)


def test_a_job_runs_and_keeps_its_result(db):
    job = jobs.enqueue("test.add", a=2, b=3)
    job.refresh_from_db()
    assert (job.status, job.result, job.progress, job.attempts, job.message) == ("succeeded", 5, 1.0, 1, "done")
    assert job.label == "Add two numbers" and job.created_by == "system"
    assert calls == [{"a": 2, "b": 3}]


def test_a_failing_job_is_retried_until_it_works(db):
    job = jobs.enqueue("test.flaky")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("succeeded", 3, "ok")
    assert len(calls) == 3


def test_a_job_that_keeps_failing_stops_at_max_attempts_with_its_error(db):
    job = jobs.enqueue("test.broken")
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 2)
    assert job.error == "unexpected RuntimeError: disk on fire"
    assert len(calls) == 2


def test_bad_input_is_not_retried(db):
    job = jobs.enqueue("test.refused")
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 1)
    assert job.error == "The file has no header row: add one and import it again."


def test_an_unknown_kind_is_a_clear_error(db):
    with pytest.raises(ValidationError, match=r"There is no kind of background job 'test\.nope'"):
        jobs.enqueue("test.nope")
    assert not Job.objects.exists()


def test_backoff_doubles_and_is_capped():
    assert [jobs.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert jobs.backoff(20) == timedelta(hours=1)


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_queues_and_the_worker_runs_with_backoff():
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):  # django-tasks drops its cached backends on the change
        job = jobs.enqueue("test.flaky")
        assert Job.objects.get(pk=job.pk).status == "queued" and calls == []
        assert DBTaskResult.objects.count() == 1

        Worker().run_once()
        job.refresh_from_db()
        assert (job.status, job.attempts, job.error) == ("retrying", 1, "unexpected RuntimeError: boom 1")
        assert timedelta(seconds=25) < job.run_after - timezone.now() <= timedelta(seconds=30)
        Worker().run_once()  # the retry is not due yet
        assert Job.objects.get(pk=job.pk).attempts == 1

        for _ in range(2):  # time passes: the deferred retry becomes due
            DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - timedelta(seconds=1))
            Worker().run_once()
        job.refresh_from_db()
        assert (job.status, job.attempts, job.result) == ("succeeded", 3, "ok")


def test_a_job_whose_worker_died_runs_again(db):
    job = Job.objects.create(kind="test.add", label="Add", arguments={"a": 1, "b": 1}, status="running",
                             attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=11))
    fresh = Job.objects.create(kind="test.add", label="Add", arguments={"a": 1, "b": 2}, status="running",
                               attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=2))
    assert jobs.recover_stale() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, job.attempts, job.result) == ("succeeded", 2, 2)
    assert fresh.status == "running"  # still beating: left alone


def test_a_job_that_died_on_its_last_attempt_fails_with_the_reason(db):
    job = Job.objects.create(kind="test.add", label="Add", arguments={"a": 1, "b": 1}, status="running",
                             attempts=3, max_attempts=3, heartbeat_at=timezone.now() - timedelta(hours=1))
    jobs.recover_stale()
    job.refresh_from_db()
    assert job.status == "failed" and "stopped" in job.error
    assert calls == []


def test_a_schedule_enqueues_once_per_period(db, monkeypatch):
    monkeypatch.setattr(schedules, "SCHEDULES", {})
    schedules.register_schedule("test.add", every=timedelta(hours=1), a=1, b=2)
    start = timezone.now()
    assert schedules.enqueue_due(now=start) == []  # first sight: due a minute later
    assert ScheduleState.objects.get(name="test.add").next_due_at == start + timedelta(minutes=1)
    ran = schedules.enqueue_due(now=start + timedelta(minutes=2))
    assert len(ran) == 1 and Job.objects.get(pk=ran[0].pk).result == 3
    assert schedules.enqueue_due(now=start + timedelta(minutes=3)) == []  # claimed: not again this hour
    assert len(schedules.enqueue_due(now=start + timedelta(minutes=62))) == 1
    view = next(v for v in schedules.list_schedules(None) if v.kind == "test.add")
    assert view.every_seconds == 3600 and view.last_job is not None and view.last_job.status == "succeeded"


def test_schedules_refuse_more_than_once_a_minute():
    with pytest.raises(ValueError, match="at most once a minute"):
        schedules.register_schedule("test.add", every=timedelta(seconds=10))


def test_kpis_are_refreshed_on_a_schedule():
    assert schedules.SCHEDULES["strategy.refresh_kpis"].every == timedelta(hours=1)
    assert jobs.KINDS["strategy.refresh_kpis"].label == "Refresh KPIs and check alerts"


def test_reading_jobs_needs_a_workspace_role(db, make_user):
    job = jobs.enqueue("test.add", a=1, b=1)
    viewer = make_user("vic")
    assert jobs.get_job(viewer, job.pk).status == "succeeded"
    assert [j.id for j in jobs.list_jobs(viewer, status="succeeded")] == [job.pk]
    with pytest.raises(NotFound):
        jobs.get_job(viewer, job.pk + 100)
    viewer.is_active = False
    with pytest.raises(PermissionDenied):
        jobs.list_jobs(viewer)
    with pytest.raises(ValidationError, match="Status 'done' is not one of"):
        jobs.list_jobs(None, status="done")


def test_the_api_shows_a_job_and_the_schedule(db, client, make_user):
    from headway.core import services

    job = jobs.enqueue("test.add", a=4, b=5)
    viewer = make_user("vic")
    auth = {"Authorization": f"Bearer {services.create_token(viewer, 'test').secret}"}
    one = client.get(f"/api/v1/jobs/{job.pk}", headers=auth).json()
    assert (one["id"], one["status"], one["status_label"], one["progress"], one["label"]) == (
        job.pk, "succeeded", "Done", 1.0, "Add two numbers")
    listing = client.get("/api/v1/jobs?status=succeeded", headers=auth).json()
    assert [j["id"] for j in listing] == [job.pk]
    schedule = client.get("/api/v1/jobs/schedule", headers=auth).json()
    kpis = next(s for s in schedule if s["kind"] == "strategy.refresh_kpis")  # schedules are listed by name
    assert {"kind": "strategy.refresh_kpis", "every_seconds": 3600.0}.items() <= kpis.items()
    missing = client.get(f"/api/v1/jobs/{job.pk + 1}", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 401


def test_a_failed_job_raises_its_error_again_for_the_faces(db):
    from headway.core.errors import HeadwayError

    job = jobs.get_job(None, jobs.enqueue("test.refused").pk)
    with pytest.raises(HeadwayError) as raised:
        jobs.raise_failure(job)
    assert (raised.value.code, raised.value.status, raised.value.message) == (
        "validation_error", 422, "The file has no header row: add one and import it again.")
    crashed = jobs.get_job(None, jobs.enqueue("test.broken").pk)
    with pytest.raises(HeadwayError, match="Always fails failed: unexpected RuntimeError: disk on fire"):
        jobs.raise_failure(crashed)
    jobs.raise_failure(jobs.get_job(None, jobs.enqueue("test.add", a=1, b=1).pk))  # succeeded: passes


def test_the_jobs_page_lists_jobs_errors_and_the_schedule(db, client, make_user):
    from tests.conftest import PASSWORD

    jobs.enqueue("test.add", a=1, b=1)
    jobs.enqueue("test.broken")
    viewer = make_user("vic")
    assert client.login(username=viewer.username, password=PASSWORD)
    page = client.get("/settings/jobs/").content.decode()
    assert "Add two numbers" in page and "Done" in page
    assert "unexpected RuntimeError: disk on fire" in page and "2 of 2" in page
    assert "Refresh KPIs and check alerts" in page and "1 h" in page
    failed = client.get("/settings/jobs/?status=failed").content.decode()
    assert "disk on fire" in failed and "Add two numbers" not in failed
    odd = client.get("/settings/jobs/?status=sideways").content.decode()
    assert "Status &#x27;sideways&#x27; is not one of" in odd and "Add two numbers" in odd


def test_the_unfinished_job_of_a_kind_is_found_behind_any_number_of_newer_jobs(db):
    """The dashboard's "refresh running" reads one indexed row, however many other jobs came after it."""
    old = Job.objects.create(kind="strategy.refresh_kpis", label="Refresh", status=Job.Status.RUNNING)
    Job.objects.create(kind="strategy.refresh_kpis", label="Refresh", status=Job.Status.SUCCEEDED)
    for _ in range(25):
        Job.objects.create(kind="discovery.themes", label="Themes", status=Job.Status.QUEUED)
    assert jobs.unfinished_job(None, "strategy.refresh_kpis").id == old.pk
    old.status = Job.Status.FAILED
    old.save()
    assert jobs.unfinished_job(None, "strategy.refresh_kpis") is None
