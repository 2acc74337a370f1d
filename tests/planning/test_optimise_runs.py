"""Optimiser runs as background jobs: started from the page, the API or Python, followed with a progress bar,
read back as the same plan that a run in the foreground gives."""

from __future__ import annotations

import pytest
from django.test import override_settings

from headway.core.errors import PermissionDenied, ValidationError
from headway.core.models import Job
from headway.core.permissions import Role
from headway.core.worker import Worker
from headway.planning import services
from tests.conftest import PASSWORD

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
BODY = {"budget": 100000, "objective": "value", "quarters": 1}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_run_in_the_background_gives_the_plan_of_a_run_in_the_foreground(portfolio, viewer):
    job = services.start_optimisation(viewer, BODY)
    plan = services.optimisation_result(viewer, job.id)
    direct = services.optimise(viewer, BODY)
    assert plan is not None and (plan.value, plan.cost, plan.optimal) == (31, 98000, True)
    assert [i.id for i in plan.items] == [i.id for i in direct.items]
    assert plan.budget_plus_10 is not None and plan.budget_plus_10.delta == 8
    assert Job.objects.get(pk=job.id).created_by == "vic"


def test_bad_input_and_roles_are_refused_before_anything_is_queued(portfolio, viewer):
    with pytest.raises(ValidationError):
        services.start_optimisation(viewer, {**BODY, "quarters": 0})
    with pytest.raises(PermissionDenied):
        services.start_optimisation(viewer, BODY, scenario="Lean")
    assert not Job.objects.exists()


def test_the_api_starts_a_run_and_answers_its_plan(client, portfolio, leader):
    login(client, leader)
    started = client.post("/api/v1/planning/optimise/runs", {**BODY, "scenario": "Lean"},
                          content_type="application/json")
    assert started.status_code == 202, started.content
    job = started.json()
    assert job["kind"] == "planning.optimise" and job["label"] == "Optimise the portfolio (Lean)"
    answer = client.get(f"/api/v1/planning/optimise/runs/{job['id']}")
    assert answer.status_code == 200 and answer.json()["value"] == 31 and answer.json()["scenario"] == "Lean"
    assert [s.name for s in services.list_scenarios(leader)] == ["Lean"]
    other = Job.objects.create(kind="test.other", label="Other")
    assert client.get(f"/api/v1/planning/optimise/runs/{other.pk}").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_page_shows_a_progress_bar_then_the_plan(client, portfolio, make_user):
    leader = make_user("lena", Role.PRODUCT_LEADER)
    login(client, leader)
    with override_settings(TASKS=DATABASE_TASKS):  # queued, and no worker runs it while the page waits
        page = client.post("/roadmap/optimise/", {**BODY, "run": "1"}).content.decode()
        job = Job.objects.get(kind="planning.optimise")
        assert f'id="job-{job.pk}"' in page and "<progress" in page and "plan-value" not in page
        still = client.get(f"/jobs/{job.pk}/?next=/roadmap/optimise/%3Fjob%3D{job.pk}", HTTP_HX_REQUEST="true")
        assert "HX-Redirect" not in still and "hx-trigger=\"every 1s\"" in still.content.decode()
        Worker().run_once()
        done = client.get(f"/jobs/{job.pk}/?next=/roadmap/optimise/%3Fjob%3D{job.pk}", HTTP_HX_REQUEST="true")
        assert done["HX-Redirect"] == f"/roadmap/optimise/?job={job.pk}"
        offsite = client.get(f"/jobs/{job.pk}/?next=https://evil.example/", HTTP_HX_REQUEST="true")
        assert "HX-Redirect" not in offsite
        result = client.get(f"/roadmap/optimise/?job={job.pk}&budget=100000&objective=value&quarters=1")
    html = result.content.decode()
    assert '<strong class="plan-value">31</strong>' in html and "proven optimal" in html
