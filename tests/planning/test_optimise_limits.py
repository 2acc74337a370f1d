"""Optimiser resource limits (issue 15, point 4): the time limit is capped per role, and one user has at most
two optimiser runs queued or running at once (the next is a 409 that says to wait)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from headway.core.errors import Conflict, ValidationError
from headway.core.models import Job
from headway.planning import services
from tests.conftest import PASSWORD

BODY = {"budget": 100000, "objective": "value", "quarters": 1}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_the_time_limit_is_capped_per_role(portfolio, viewer, leader):
    assert services.time_limit_cap(viewer) == 10 and services.time_limit_cap(leader) == 60
    assert services.time_limit_cap(None) == 600
    with pytest.raises(ValidationError, match="at most 10 seconds for a viewer"):
        services.plan_request({**BODY, "time_limit": 11}, actor=viewer)
    with pytest.raises(ValidationError, match="at most 60 seconds for a product leader"):
        services.plan_request({**BODY, "time_limit": 61}, actor=leader)
    assert services.plan_request({**BODY, "time_limit": 60}, actor=leader).time_limit == 60
    assert services.plan_request({**BODY, "time_limit": 600}).time_limit == 600
    with pytest.raises(ValidationError, match="at most 600 seconds for the system"):
        services.plan_request({**BODY, "time_limit": 601})


def test_a_viewer_asking_the_api_for_a_long_run_gets_a_422(client, portfolio, viewer):
    assert client.login(username=viewer.username, password=PASSWORD)
    response = client.post("/api/v1/planning/optimise", {**BODY, "time_limit": 600}, content_type="application/json")
    assert response.status_code == 422
    assert "at most 10 seconds for a viewer" in response.json()["error"]["message"]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_third_run_of_one_user_is_a_conflict_until_one_finishes(client, portfolio, viewer, leader):
    first = services.start_optimisation(viewer, BODY)
    services.start_optimisation(viewer, BODY)
    with pytest.raises(Conflict, match="already have 2 optimiser runs queued or running") as caught:
        services.start_optimisation(viewer, BODY)
    assert caught.value.details == {"running": 2, "limit": 2}
    assert services.start_optimisation(leader, BODY).status == "queued"  # another user is not held up
    assert client.login(username=viewer.username, password=PASSWORD)
    response = client.post("/api/v1/planning/optimise/runs", BODY, content_type="application/json")
    assert response.status_code == 409 and "wait for one to finish" in response.json()["error"]["message"]
    Job.objects.filter(pk=first.id).update(status=Job.Status.SUCCEEDED)
    assert services.start_optimisation(viewer, BODY).status == "queued"
    assert Job.objects.filter(created_by="vic").count() == 3
