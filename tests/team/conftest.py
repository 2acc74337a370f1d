"""A small hand-made org used across the team tests.

    Cora (CPO, product)
    ├── Ed (VP Engineering, engineering)
    │   └── Fay (EM, engineering)
    └── Vic (VP Product, product)
        ├── Ann (PM, product)
        ├── Bea (PM, product)
        └── Dan (designer, design)
"""

from __future__ import annotations

import pytest

from headway.team import services


@pytest.fixture
def org(db, workspace):
    def add(name, title, department, manager=None, **extra):
        return services.create_person(None, name=name, title=title, department=department,
                                      manager=manager.pk if manager else None, **extra)

    cora = add("Cora", "Chief Product Officer", "product", level="cpo", track="manager")
    vic = add("Vic", "VP of Product", "product", cora, level="vp", track="manager")
    ed = add("Ed", "VP of Engineering", "engineering", cora, track="manager")
    fay = add("Fay", "Engineering Manager", "engineering", ed, track="manager")
    ann = add("Ann", "Product Manager, Search", "product", vic, level="pm", team="Search")
    bea = add("Bea", "Product Manager, Checkout", "product", vic, level="pm", team="Checkout")
    dan = add("Dan", "Product Designer", "design", vic)
    return {p.name: p for p in (cora, vic, ed, fay, ann, bea, dan)}


# --- a 360 review of Ann, computed by hand ---------------------------------------------------------------
#
# Reviewers and their ratings (problem-framing, delivery):
#   self Ann 5,5 · manager Vic 4,4 · peers Bea 4,3  Gus 3,5  Hal 5,4 · engineering Ed 2,2  Fay 3,3
#   · design Dan 4,1
# With threshold 3: peers (3) are shown; engineering (2) and design (1) pool into "Cross-functional partners"
# (3 responses): problem-framing (2+3+4)/3 = 3.0, delivery (2+3+1)/3 = 2.0. Overall, everyone but self:
# problem-framing (4+4+3+5+2+3+4)/7 = 25/7 = 3.57, delivery (4+3+5+4+2+3+1)/7 = 22/7 = 3.14.

RATINGS = {
    "Ann": (5, 5), "Vic": (4, 4), "Bea": (4, 3), "Gus": (3, 5), "Hal": (5, 4), "Ed": (2, 2), "Fay": (3, 3),
    "Dan": (4, 1),
}
COMMENTS = {name: f"secret-comment-by-{name.lower()}" for name in RATINGS}


@pytest.fixture
def people(org):
    from headway.core import services as core
    from headway.core.permissions import Role

    vic = org["Vic"]
    gus = services.create_person(None, name="Gus", title="Product Manager, Loyalty", department="product",
                                 manager=vic.pk, level="pm")
    hal = services.create_person(None, name="Hal", title="Senior PM, Growth", department="product",
                                 manager=vic.pk, level="senior_pm")
    logins = {"Ann": Role.CONTRIBUTOR, "Vic": Role.PRODUCT_LEADER, "Bea": Role.PRODUCT_MANAGER,
              "Cora": Role.PRODUCT_LEADER, "Ed": Role.VIEWER}
    users = {}
    for name, role in logins.items():
        user = core.create_user(None, name.lower(), "a-long-test-password-42", role=role)
        services.update_person(None, org[name].pk, user=user.username)
        users[name] = user
    users["Ada"] = core.create_user(None, "ada-admin", "a-long-test-password-42", role=Role.ADMIN)
    return {**org, "Gus": gus, "Hal": hal, "users": users}


def run_review(people, reviewers=("Bea", "Gus", "Hal", "Ed", "Fay", "Dan"), *, release=True):
    """Ann's review through every state, with the responses above; returns the cycle."""
    from headway.team.models import Nomination
    from headway.team.services import review_reports, reviews

    ann = people["Ann"]
    cycle = reviews.create_cycle(None, "H1", [ann.pk])
    reviews.advance(None, cycle.pk)
    users = people["users"]
    reviews.nominate(users["Ann"], cycle.pk, ann.pk, [people[n].pk for n in reviewers])
    for nom in Nomination.objects.filter(review__cycle=cycle, status="proposed"):
        reviews.decide(users["Vic"], nom.pk, approve=True)
    reviews.advance(None, cycle.pk)
    for name in ("Ann", "Vic", *reviewers):
        nom = Nomination.objects.get(review__cycle=cycle, reviewer=people[name])
        pf, dl = RATINGS[name]
        reviews.respond(None, nom.pk, {"problem-framing": pf, "delivery": dl}, COMMENTS[name])
    review_reports.calibrate(users["Vic"], cycle.pk, ann.pk, performance=4, potential=5,
                      notes="private-manager-note about Ann")
    reviews.advance(None, cycle.pk)
    if release:
        reviews.advance(None, cycle.pk)
    cycle.refresh_from_db()
    return cycle
