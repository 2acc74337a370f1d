"""Entering a KPI's value by hand on the KPI page (issue 14, point 1; POST /api/v1/strategy/kpis/{name}/values):
for product leaders and admins, only on KPIs without a metric, with CSRF, errors on their field."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from headway.core.permissions import Role
from headway.strategy import services
from headway.strategy.models import KpiValue
from tests.conftest import PASSWORD
from tests.strategy.conftest import PERIOD

pytestmark = pytest.mark.django_db


def signed_in(username: str, page: str = "/goals/kpis/signups/") -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=username, password=PASSWORD)
    client.get(page)
    return client


def enter(client: Client, day: str, value: str, kpi: str = "signups"):
    return client.post(f"/goals/kpis/{kpi}/", {"form": "value", "date": day, "value": value,
                                               "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_a_leader_enters_a_value_and_the_kpi_counts_it(leader, signups, empty_store):
    client = signed_in("lena")
    page = client.get("/goals/kpis/signups/").content.decode()
    assert 'id="kpi-value-form"' in page and 'name="form" value="value"' in page
    response = enter(client, "2026-05-04", "40")
    assert response.status_code == 302 and response["Location"] == "/goals/kpis/signups/"
    row = KpiValue.objects.get(kpi__name="signups", date=date(2026, 5, 4))
    assert (row.value, row.origin) == (40.0, KpiValue.Origin.MANUAL)
    # the same values as GET /api/v1/strategy/kpis/signups/values: 10, 20, 30 imported and 40 entered
    assert [v.value for v in services.kpi_values(None, "signups", date(2026, 5, 1), date(2026, 5, 10))] == [
        10.0, 20.0, 30.0, 40.0]
    again = enter(client, "2026-05-04", "45")  # a day entered again is replaced
    assert again.status_code == 302
    assert KpiValue.objects.get(kpi__name="signups", date=date(2026, 5, 4)).value == 45.0
    shown = client.get(f"/goals/kpis/signups/?period={PERIOD}").content.decode()
    assert 'id="kpi-to-date">105<' in shown  # 10 + 20 + 30 + 45, summed over the period


def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(leader, signups, empty_store):
    client = signed_in("lena")
    bad_day = enter(client, "31/05/2026", "40")
    assert bad_day.status_code == 422
    assert "&#x27;31/05/2026&#x27; is not a day: give it as YYYY-MM-DD" in bad_day.content.decode()
    assert 'id="value-date-error"' in bad_day.content.decode()
    bad_value = enter(client, "2026-05-05", "lots")
    assert bad_value.status_code == 422 and 'id="value-value-error"' in bad_value.content.decode()
    future = enter(client, "2999-01-01", "1")
    assert future.status_code == 422 and "2999-01-01 is in the future" in future.content.decode()
    assert KpiValue.objects.filter(kpi__name="signups").count() == 3


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.PRODUCT_MANAGER])
def test_roles_that_may_not_edit_kpis_see_no_form_and_are_refused(role, make_user, signups, empty_store):
    make_user("someone", role)
    client = signed_in("someone")
    assert 'id="kpi-value-form"' not in client.get("/goals/kpis/signups/").content.decode()
    assert enter(client, "2026-05-04", "40").status_code == 403
    assert KpiValue.objects.filter(kpi__name="signups").count() == 3


def test_an_admin_may_and_a_kpi_with_a_metric_offers_no_form(make_user, signups, empty_store):
    make_user("ada", Role.ADMIN)
    client = signed_in("ada")
    assert enter(client, "2026-05-04", "7").status_code == 302
    from headway.analytics import services as analytics

    analytics.load_metrics(None, "metrics:\n  - name: buyers\n    type: simple\n    event: purchase\n")
    services.create_kpi(None, "buyers", "Buyers", metric="buyers")
    page = client.get("/goals/kpis/buyers/").content.decode()
    assert 'id="kpi-value-form"' not in page
    refused = enter(client, "2026-05-04", "7", kpi="buyers")
    assert refused.status_code == 409 and "enter values only into KPIs defined without a metric" in \
        refused.content.decode()


def test_the_value_form_needs_the_csrf_token(leader, signups, empty_store):
    client = signed_in("lena")
    response = client.post("/goals/kpis/signups/", {"form": "value", "date": "2026-05-04", "value": "40"})
    assert response.status_code == 403
    assert KpiValue.objects.filter(kpi__name="signups").count() == 3
