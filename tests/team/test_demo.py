"""The demo's product organisation: deterministic, one CPO at the top, every department, logins linked."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from headway.demo.builder import DemoContext
from headway.demo.company import build_company
from headway.team import services
from headway.team.demo import build_team, plan_organisation
from headway.team.models import Department, Person

AS_OF = date(2026, 6, 30)


def plan(seed: int):
    return plan_organisation(DemoContext(seed=seed, as_of=AS_OF).rng("team"), AS_OF)


def test_same_seed_same_org_other_seed_other_names():
    first, again, other = plan(7), plan(7), plan(8)
    assert first == again
    fixed = [[p.key for p in people if not p.key.startswith("apm-")] for people in (first, other)]
    assert fixed[0] == fixed[1]  # the roles are fixed; the seed draws names, levels and which teams get APMs
    assert [p.name for p in first] != [p.name for p in other]


def test_plan_shape():
    people = plan(7)
    assert 40 <= len(people) <= 60
    assert len({p.name for p in people}) == len(people)
    assert len({p.email for p in people}) == len(people)
    keys = [p.key for p in people]
    for p in people:  # managers come first, so the builder can resolve them in one pass
        assert p.manager is None or keys.index(p.manager) < keys.index(p.key)
    levels = Counter(p.level for p in people if p.department == "product")
    assert (levels["cpo"], levels["vp"], levels["director"], levels["group_pm"], levels["principal_pm"]) == (
        1, 1, 3, 6, 1)
    assert levels["pm"] + levels["senior_pm"] == 14 and levels["apm"] >= 1
    assert all(p.start_date is not None and p.start_date < AS_OF for p in people)


@pytest.mark.django_db
def test_demo_step_builds_the_hierarchy():
    ctx = DemoContext(seed=7, as_of=AS_OF)
    build_company(ctx)
    build_team(ctx)
    assert Person.objects.count() == len(plan(7)) == len(ctx.made["people"])
    (root,) = services.org_tree(None)
    assert (root.title, root.level, root.size) == ("Chief Product Officer", "cpo", Person.objects.count())
    assert Person.objects.filter(manager__isnull=True).count() == 1
    assert set(Person.objects.values_list("department", flat=True)) == set(Department.values)
    assert [c.title for c in root.children] == [
        "VP of Product", "Head of Design", "VP of Engineering", "Head of Product Marketing", "Head of Partner Sales"]
    vp = root.children[0]
    assert sorted(d.title for d in vp.children) == [
        "Director of Product, Checkout & Payments", "Director of Product, Growth & Data",
        "Director of Product, Shopping experience"]
    lena = Person.objects.get(user__username="leader")
    assert (lena.name, lena.title, lena.manager.level) == ("Lena Okafor", "VP of Product", "cpo")
    priya = Person.objects.get(user__username="pm")
    assert (priya.name, priya.level, priya.team) == ("Priya Raman", "pm", "Checkout")
    assert [p.title for p in services.reporting_chain(priya)] == [
        "Group PM, Checkout", "Director of Product, Checkout & Payments", "VP of Product", "Chief Product Officer"]
    spans = {s.title: s for s in services.spans_of_control(None).spans}
    assert spans["Head of Design"].direct_reports == 9 and spans["Head of Design"].wide  # a flat design team
    assert spans["VP of Engineering"].direct_reports == 6
