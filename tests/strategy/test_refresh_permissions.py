"""Issue 15: a viewer rolled every KPI on the dashboard back to any date with POST /kpis/refresh?as_of=.
A refresh now needs strategy.edit; a reader's `as_of` is a preview that writes nothing."""

from __future__ import annotations

import pytest

from headway.core import services as core
from headway.strategy import services

pytestmark = pytest.mark.django_db(transaction=True)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {core.create_token(user, 'test').secret}"}


def progress_rows() -> list[tuple]:
    from headway.strategy.models import KpiProgress

    return sorted(KpiProgress.objects.values_list("kpi__name", "period_id", "as_of", "status", "current",
                                                  "current_date", "projection"))


def test_a_viewer_cannot_roll_the_kpis_back(client, signups, viewer, leader):
    services.refresh_kpis(None, as_of=__import__("datetime").date(2026, 5, 3))
    before = progress_rows()
    assert {row[2].isoformat() for row in before} == {"2026-05-03"}
    assert {row[4] for row in before} == {30.0}  # the last value, 3 May

    preview = client.post("/api/v1/strategy/kpis/refresh?as_of=2026-05-01", headers=bearer(viewer))
    assert preview.status_code == 200, preview.content
    assert preview.json()["preview"] is True and preview.json()["as_of"] == "2026-05-01"
    assert progress_rows() == before  # nothing anyone sees changed

    refused = client.post("/api/v1/strategy/kpis/refresh", headers=bearer(viewer))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert progress_rows() == before

    done = client.post("/api/v1/strategy/kpis/refresh?as_of=2026-05-01", headers=bearer(leader))
    assert done.status_code == 200 and done.json()["preview"] is False
    after = progress_rows()
    assert {row[2].isoformat() for row in after} == {"2026-05-01"} and {row[4] for row in after} == {10.0}


def test_the_preview_reports_what_a_refresh_would_compute(signups, viewer, leader):
    day = __import__("datetime").date(2026, 5, 2)
    preview = services.preview_refresh(viewer, as_of=day)
    assert preview.preview and preview.as_of == day and preview.errors == {}
    done = services.refresh_kpis(leader, as_of=day)
    assert (done.values, done.errors, done.alerts) == (preview.values, preview.errors, preview.alerts)
