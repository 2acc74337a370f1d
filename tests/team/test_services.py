"""People services: validation, reporting cycles, permissions, audit, tree and spans from the database."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent
from headway.team import services
from headway.team.models import Person


def test_reporting_cycle_is_refused_with_the_cycle_named(org):
    with pytest.raises(ValidationError) as err:
        services.move(None, org["Cora"].pk, org["Ann"].pk)
    assert "Ann cannot be Cora's manager" in err.value.message
    assert "(Cora → Ann → Vic → Cora)" in err.value.message
    assert err.value.details["cycle"] == [org["Cora"].pk, org["Ann"].pk, org["Vic"].pk, org["Cora"].pk]
    assert Person.objects.get(pk=org["Cora"].pk).manager_id is None


def test_self_management_is_a_cycle(org):
    with pytest.raises(ValidationError, match=r"\(Ann → Ann\)"):
        services.update_person(None, org["Ann"].pk, manager=org["Ann"].pk)


def test_move_changes_the_manager_and_is_audited(org):
    moved = services.move(None, org["Dan"].pk, org["Ed"].pk)
    assert moved.manager == org["Ed"]
    event = AuditEvent.objects.filter(object_type="person", action="update").first()
    assert event.object_id == str(org["Dan"].pk)
    assert event.changes == {"manager": [org["Vic"].pk, org["Ed"].pk]}


def test_manager_must_exist_and_department_must_be_known(workspace):
    with pytest.raises(ValidationError) as err:
        services.create_person(None, name="Zed", title="PM", department="finance", manager=999)
    assert set(err.value.details) == {"department", "manager"}
    assert "'finance' is not one of product, engineering, design, marketing, sales" in err.value.message
    assert "there is no person with id 999" in err.value.message
    assert not Person.objects.exists()


def test_create_cleans_values_and_audits(workspace, leader):
    person = services.create_person(leader, name="  Ada Byron ", title="Senior PM", department="Product",
                                    level="senior-pm", start_date="2024-03-18", user="lena")
    assert (person.name, person.department, person.level, person.start_date) == (
        "Ada Byron", "product", "senior_pm", date(2024, 3, 18))
    assert person.user.username == "lena"
    event = AuditEvent.objects.get(object_type="person", action="create")
    assert event.actor_label == "lena" and event.changes["start_date"] == "2024-03-18"
    with pytest.raises(Conflict, match="already linked to Ada Byron"):
        services.create_person(None, name="Other", title="PM", user="lena")


def test_viewer_cannot_manage_people(org, viewer):
    with pytest.raises(PermissionDenied, match=r"team\.manage"):
        services.create_person(viewer, name="Zed", title="PM")
    with pytest.raises(PermissionDenied):
        services.move(viewer, org["Ann"].pk, org["Ed"].pk)
    assert services.list_people(viewer).count() == 7


def test_list_filters_by_department_and_counts_reports(org):
    people = services.list_people(None, department="engineering")
    assert [(p.name, p.report_count) for p in people] == [("Ed", 1), ("Fay", 0)]
    with pytest.raises(ValidationError, match="Unknown department"):
        services.list_people(None, department="legal")


def test_inactive_people_leave_the_tree(org):
    services.update_person(None, org["Bea"].pk, active=False)
    names = [n.name for n in services.org_tree(None)[0].children[0].children]
    assert names == ["Ann", "Dan"]


def test_org_tree_and_spans_and_chain(org):
    (root,) = services.org_tree(None)
    assert root.name == "Cora"
    assert [c.name for c in root.children] == ["Vic", "Ed"]
    assert [c.name for c in root.children[0].children] == ["Ann", "Bea", "Dan"]
    report = services.spans_of_control(None)
    assert [(s.name, s.direct_reports) for s in report.spans] == [("Vic", 3), ("Cora", 2), ("Ed", 1)]
    assert [s.name for s in report.flagged] == ["Ed"]
    assert report.average == 2.0
    assert [p.name for p in services.reporting_chain(org["Ann"])] == ["Vic", "Cora"]
    assert services.reporting_chain(org["Cora"].pk) == []


def test_unknown_person(workspace):
    with pytest.raises(NotFound, match="headway team list"):
        services.get_person(None, 12345)
