"""The strategy edit forms through Django's test client: KPIs, goals, product areas and CSV imports."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from django.test import Client

from headway.core.models import AuditEvent
from headway.strategy import services
from headway.strategy.models import Goal, Kpi, KpiTarget, KpiValue, ProductArea
from tests.conftest import PASSWORD
from tests.strategy.conftest import PERIOD

pytestmark = pytest.mark.django_db(transaction=True)

KPI_FORM = {"name": "nps", "label": "Net Promoter Score", "description": "Quarterly survey", "metric": "",
            "unit": "number", "direction": "higher", "aggregation": "last", "owner": "lena", "parent": ""}


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_leader_creates_a_manual_kpi_as_the_north_star(leader):
    response = logged_in(leader).post("/goals/new-kpi/", {**KPI_FORM, "north_star": "on"})
    assert response.status_code == 302 and response.url == "/goals/kpis/nps/"
    kpi = Kpi.objects.get(name="nps")
    assert (kpi.label, kpi.source, kpi.unit, kpi.aggregation, kpi.owner.username, kpi.is_north_star) == (
        "Net Promoter Score", "manual", "number", "last", "lena", True)
    assert kpi.description == "Quarterly survey"


def test_a_bad_kpi_name_is_shown_on_its_field_and_nothing_is_saved(leader):
    response = logged_in(leader).post("/goals/new-kpi/", {**KPI_FORM, "name": "Net Promoter"})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'id="name" name="name" type="text" value="Net Promoter" aria-describedby="name-hint name-error"' in page
    assert "must be lower-case letters, digits and _" in page
    assert Kpi.objects.count() == 0


def test_an_unknown_metric_is_refused_on_the_metric_field(leader, empty_store):
    response = logged_in(leader).post("/goals/new-kpi/", {**KPI_FORM, "metric": "nope"})
    assert response.status_code == 422
    assert "There is no metric &#x27;nope&#x27; in the catalogue" in response.content.decode()
    assert 'id="metric-error"' in response.content.decode()


def test_a_viewer_sees_no_edit_buttons_and_cannot_reach_or_post_the_forms(viewer, signups):
    client = logged_in(viewer)
    for url in ("/goals/", f"/goals/kpis/signups/?period={PERIOD}", "/goals/areas/"):
        page = client.get(url).content.decode()
        assert "New KPI" not in page and "Edit KPI" not in page and "Import CSV" not in page
        assert "New goal" not in page and "Add to the hierarchy" not in page
    assert client.get("/goals/new-kpi/").status_code == 403
    assert client.get("/goals/kpis/signups/edit/").status_code == 403
    assert client.post("/goals/new-kpi/", KPI_FORM).status_code == 403
    assert client.post("/goals/kpis/signups/edit/", {**KPI_FORM, "label": "Hacked"}).status_code == 403
    assert client.post("/goals/new/", {"title": "Sneaky", "period": PERIOD}).status_code == 403
    assert client.post("/goals/areas/", {"name": "Web", "kind": "line"}).status_code == 403
    assert client.post("/goals/kpis/signups/import/", {"what": "values", "csv": "date,value\n2026-05-04,1\n"}
                       ).status_code == 403
    assert Kpi.objects.get(name="signups").label == "Sign-ups"
    assert (Kpi.objects.count(), Goal.objects.count(), ProductArea.objects.count()) == (1, 0, 0)
    assert KpiValue.objects.count() == 3


def test_editing_a_kpi_changes_it_records_the_change_and_refuses_a_loop(leader, signups):
    client = logged_in(leader)
    assert client.post("/goals/new-kpi/", {**KPI_FORM, "name": "trials", "label": "Trials",
                                           "parent": "signups"}).status_code == 302
    assert Kpi.objects.get(name="trials").parent.name == "signups"
    form = {"label": "Sign-ups (all)", "description": "", "metric": "", "unit": "count", "direction": "lower",
            "aggregation": "sum", "owner": "lena", "parent": ""}
    assert client.post("/goals/kpis/signups/edit/", form).status_code == 302
    kpi = Kpi.objects.get(name="signups")
    assert (kpi.label, kpi.direction, kpi.owner.username) == ("Sign-ups (all)", "lower", "lena")
    change = AuditEvent.objects.filter(summary="KPI signups changed").get()
    assert change.changes["label"] == ["Sign-ups", "Sign-ups (all)"] and change.changes["direction"] == ["higher", "lower"]
    # Lower is better now: 60 so far, projected 200 (see test_faces), against a target of 250 → on track.
    assert services.kpi_summary(None, "signups", PERIOD).status == "on_track"
    looped = client.post("/goals/kpis/signups/edit/", {**form, "parent": "trials"})
    assert looped.status_code == 422 and "the KPI tree cannot loop" in looped.content.decode()
    assert Kpi.objects.get(name="signups").parent is None


def test_a_kpi_with_imported_values_cannot_be_bound_to_a_metric(signups, empty_store):
    from headway.analytics import services as analytics
    from headway.core.errors import Conflict

    analytics.load_metrics(None, "metrics:\n  - name: visits\n    type: simple\n    event: visit\n")
    with pytest.raises(Conflict, match="holds 3 imported or hand-entered values"):
        services.update_kpi(None, "signups", metric="visits")
    assert Kpi.objects.get(name="signups").source == "manual"
    assert KpiValue.objects.filter(kpi__name="signups").count() == 3


def test_a_kpi_rebound_to_a_metric_leaves_the_manual_values(leader, empty_store, workspace):
    from headway.analytics import services as analytics

    analytics.load_metrics(None, "metrics:\n  - name: visits\n    type: simple\n    event: visit\n")
    services.create_kpi(None, "reach", "Reach", unit="count")
    kpi = services.update_kpi(leader, "reach", metric="visits")
    assert (kpi.source, kpi.metric) == ("metric", "visits")
    kpi = services.update_kpi(leader, "reach", metric="")
    assert (kpi.source, kpi.metric) == ("manual", "")


def test_a_leader_creates_and_edits_a_goal_with_key_results(leader, signups):
    services.create_area(None, "Web", "line")
    parent = services.create_goal(None, "Grow", period=PERIOD, level="company")
    client = logged_in(leader)
    response = client.post("/goals/new/", {"title": "Onboard faster", "description": "Fewer steps", "level": "product",
                                           "period": PERIOD, "owner": "lena", "parent": str(parent.pk),
                                           "area": "Web", "key_results": ["signups"]})
    goal = Goal.objects.get(title="Onboard faster")
    assert response.status_code == 302 and response.url == f"/goals/{goal.pk}/"
    assert (goal.parent_id, goal.area.name, goal.period.name, goal.owner.username) == (parent.pk, "Web", PERIOD, "lena")
    assert [kr.kpi.name for kr in goal.key_results.all()] == ["signups"]
    edit = client.get(f"/goals/{goal.pk}/edit/").content.decode()
    assert 'value="Onboard faster"' in edit and 'name="key_results" value="signups" checked' in edit
    assert client.post(f"/goals/{goal.pk}/edit/", {"title": "Onboard much faster", "description": "", "level": "company",
                                                   "period": PERIOD, "owner": "", "parent": "", "area": ""}
                       ).status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.level, goal.owner, goal.parent, goal.area) == ("Onboard much faster", "company", None,
                                                                          None, None)
    assert goal.key_results.count() == 0 and goal.updates.count() == 0  # an edit is not a check-in


def test_a_goal_without_a_title_or_with_a_bad_period_is_shown_on_its_field(leader):
    client = logged_in(leader)
    empty = client.post("/goals/new/", {"title": " ", "period": "current", "level": "product"})
    assert empty.status_code == 422 and 'id="title-error"' in empty.content.decode()
    bad = client.post("/goals/new/", {"title": "x", "period": "someday", "level": "product"})
    assert bad.status_code == 422 and "&#x27;someday&#x27; is not a period" in bad.content.decode()
    assert 'id="period-error"' in bad.content.decode()
    assert Goal.objects.count() == 0


def test_product_areas_form_builds_the_hierarchy(leader):
    client = logged_in(leader)
    assert client.post("/goals/areas/", {"name": "Shop", "kind": "line", "parent": ""}).status_code == 302
    assert client.post("/goals/areas/", {"name": "Web store", "kind": "product", "parent": "Shop"}).status_code == 302
    orphan = client.post("/goals/areas/", {"name": "Cart", "kind": "area", "parent": ""})
    assert orphan.status_code == 422 and "A area needs a product as its parent" in orphan.content.decode()
    assert client.post("/goals/areas/", {"name": "Cart", "kind": "area", "parent": "Web store"}).status_code == 302
    assert [asdict(node) for node in services.area_tree(None)] == [{"name": "Shop", "kind": "line", "children": [
        {"name": "Web store", "kind": "product", "children": [{"name": "Cart", "kind": "area", "children": []}]}]}]
    page = client.get("/goals/areas/").content.decode()
    tree = page[page.index('<ul class="area-tree">'):]
    assert tree.index("Shop") < tree.index("Web store") < tree.index("Cart")
    assert tree.count('<ul class="area-tree">') == 3


def test_csv_import_lists_every_bad_line_and_imports_nothing(leader, signups):
    client = logged_in(leader)
    bad = "date,value\n2026-05-04,7\n2026-05-05,oops\n2026-13-01,3\n"
    response = client.post("/goals/kpis/signups/import/", {"what": "values", "csv": bad})
    page = response.content.decode()
    assert response.status_code == 422
    assert "<tr><td>3</td><td>&#x27;oops&#x27; is not a number</td></tr>" in page
    assert "<tr><td>4</td><td>date &#x27;2026-13-01&#x27; is not YYYY-MM-DD</td></tr>" in page
    assert KpiValue.objects.filter(kpi__name="signups").count() == 3


def test_csv_import_of_values_from_a_file_and_of_targets(leader, signups):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = logged_in(leader)
    upload = SimpleUploadedFile("nps.csv", b"\xef\xbb\xbfdate,value\n2026-05-04,40\n2026-05-05,50\n", "text/csv")
    response = client.post("/goals/kpis/signups/import/", {"what": "values", "file": upload})
    assert response.status_code == 302 and response.url == "/goals/kpis/signups/"
    assert list(KpiValue.objects.filter(kpi__name="signups").values_list("value", flat=True)) == [10, 20, 30, 40, 50]
    targets = client.post("/goals/kpis/signups/import/", {"what": "targets",
                                                         "csv": f"period,target\n{PERIOD},300\n2026-06-01..2026-06-30,90\n"})
    assert targets.status_code == 302
    assert sorted(KpiTarget.objects.values_list("period__name", "value")) == [
        ("2026-05-01..2026-05-10", 300.0), ("2026-06-01..2026-06-30", 90.0)]
