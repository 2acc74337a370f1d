"""Demo step: Northwind Retail's product organisation and its partners, with the reporting hierarchy.

:func:`plan_organisation` draws the people from the step's seeded generator (pure, no database);
:func:`build_team` writes them through the services. Northwind runs product, engineering, design, product
marketing and partner sales as one product & technology organisation under the CPO, so the CPO is the one
person without a manager.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from headway.demo.builder import DemoContext, demo_step
from headway.team.engine.ladder import Ladder

FIRST_NAMES = [
    "Amara", "Benjamin", "Chen", "Dario", "Elif", "Fatima", "Gabriel", "Hana", "Ibrahim", "Julia", "Kwame",
    "Leila", "Mateo", "Nadia", "Oliver", "Paulo", "Quinn", "Rosa", "Samir", "Tomás", "Uma", "Viktor", "Wen",
    "Ximena", "Yusuf", "Zoë", "Aiko", "Bilal", "Camille", "Diego", "Esther", "Farid", "Grace", "Hiroshi",
    "Ines", "Jonas", "Kalani", "Lucas", "Maya", "Nikhil", "Olga", "Pedro", "Rahel", "Sofia", "Thabo",
    "Valentina", "William", "Yara", "Zainab", "Arjun", "Beatriz", "Daniel", "Emeka", "Freya", "Hugo",
    "Isabel", "Joon", "Mei",
]
LAST_NAMES = [
    "Adeyemi", "Bauer", "Castillo", "Dubois", "Eriksen", "Fernandes", "Garcia", "Haddad", "Ito", "Jensen",
    "Kowalski", "Larsen", "Moreau", "Nakamura", "Osei", "Petrov", "Quintero", "Rossi", "Santos", "Tanaka",
    "Usman", "Vasquez", "Walsh", "Xu", "Yilmaz", "Zhang", "Abbott", "Brennan", "Chowdhury", "Delgado",
    "Eze", "Fischer", "Gupta", "Hoffmann", "Iyer", "Juarez", "Kim", "Lindgren", "Mwangi", "Novak", "O'Brien",
    "Park", "Reyes", "Schmidt", "Takahashi", "Van der Berg", "Wright", "Yamamoto", "Zielinski", "Achebe",
    "Bianchi", "Costa", "Dlamini", "Hughes", "Mensah", "Nguyen", "Sato", "Kaur",
]
LOCATIONS = ["New York", "New York", "New York", "Toronto", "London", "Lisbon", "Remote (US)", "Bengaluru"]

# A director's area → its groups, each (group, specialisation, teams).
PRODUCT_AREAS: list[tuple[str, list[tuple[str, str, list[str]]]]] = [
    ("Shopping experience", [
        ("Search & Discovery", "core", ["Search", "Catalogue", "Recommendations"]),
        ("Store & Mobile", "core", ["Mobile app", "Stores & pickup"]),
    ]),
    ("Checkout & Payments", [
        ("Checkout", "core", ["Checkout", "Cart & pricing"]),
        ("Payments & Risk", "platform", ["Payments", "Fraud & risk"]),
    ]),
    ("Growth & Data", [
        ("Growth", "growth", ["Acquisition", "Loyalty", "Lifecycle messaging"]),
        ("Data platform", "data", ["Data platform", "Experimentation"]),
    ]),
]
DESIGN_ROLES = [
    "Product Designer, Search & Discovery", "Product Designer, Store & Mobile", "Product Designer, Checkout",
    "Product Designer, Payments & Risk", "Product Designer, Growth", "Product Designer, Data platform",
    "UX Researcher, Shopping experience", "UX Researcher, Checkout & Payments", "Content Designer",
]
SALES_TEAMS = ["Marketplace sellers", "Business accounts"]
PM_TITLES = {"senior_pm": "Senior Product Manager", "pm": "Product Manager", "apm": "Associate Product Manager"}

# Demo logins that are people in the org: username → the planned person's key.
LINKED_LOGINS = {
    "leader": "vp-product",
    "pm": "pm-checkout",
    "contributor": "design-product-designer-checkout",
    "viewer": "sales-business-accounts",
}
LINKED_NAMES = {
    "vp-product": "Lena Okafor",
    "pm-checkout": "Priya Raman",
    "design-product-designer-checkout": "Carlos Mendes",
    "sales-business-accounts": "Vera Lindqvist",
}


@dataclass(frozen=True)
class PlannedPerson:
    """One person of the demo org, named by a stable ``key``; ``manager`` is the manager's key."""

    key: str
    name: str
    title: str
    department: str
    manager: str | None
    level: str = ""
    track: str = "ic"
    specialisation: str = ""
    team: str = ""
    location: str = ""
    start_date: date | None = None

    @property
    def email(self) -> str:
        """first.last@northwind.example, in plain ASCII."""
        plain = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        return ".".join(plain.lower().replace("'", "").split()) + "@northwind.example"


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def plan_organisation(rng: np.random.Generator, as_of: date) -> list[PlannedPerson]:
    """The demo org, managers before their reports; the same generator state gives the same org."""
    firsts = list(rng.permutation(FIRST_NAMES))
    lasts = list(rng.permutation(LAST_NAMES))
    people: list[PlannedPerson] = []

    def add(key: str, title: str, department: str, manager: str | None, *, level: str = "", track: str = "ic",
            specialisation: str = "", team: str = "") -> None:
        name = LINKED_NAMES.get(key) or f"{firsts.pop()} {lasts.pop()}"
        junior = level == "apm"
        tenure = int(rng.integers(30, 540) if junior else rng.integers(120, 2900))
        people.append(PlannedPerson(
            key=key, name=name, title=title, department=department, manager=manager, level=level, track=track,
            specialisation=specialisation, team=team, location=str(rng.choice(LOCATIONS)),
            start_date=as_of - timedelta(days=tenure),
        ))

    add("cpo", "Chief Product Officer", "product", None, level="cpo", track="manager")
    add("vp-product", "VP of Product", "product", "cpo", level="vp", track="manager")
    for area, groups in PRODUCT_AREAS:
        director = f"director-{_slug(area)}"
        add(director, f"Director of Product, {area}", "product", "vp-product", level="director", track="manager",
            team=area)
        for group, specialisation, teams in groups:
            gpm = f"gpm-{_slug(group)}"
            add(gpm, f"Group PM, {group}", "product", director, level="group_pm", track="manager",
                specialisation=specialisation, team=group)
            for team in teams:
                key = f"pm-{_slug(team)}"
                level = "pm" if key in LINKED_NAMES else str(rng.choice(["senior_pm", "pm"]))
                add(key, f"{PM_TITLES[level]}, {team}", "product", gpm, level=level,
                    specialisation=specialisation, team=team)
                if rng.random() < 0.35:
                    add(f"apm-{_slug(team)}", f"{PM_TITLES['apm']}, {team}", "product", gpm, level="apm",
                        specialisation=specialisation, team=team)
    add("principal-personalisation", "Principal Product Manager, Personalisation", "product",
        "director-growth-data", level="principal_pm", specialisation="data", team="Personalisation")

    add("vp-engineering", "VP of Engineering", "engineering", "cpo", track="manager")
    for _, groups in PRODUCT_AREAS:
        for group, _, _ in groups:
            add(f"em-{_slug(group)}", f"Engineering Manager, {group}", "engineering", "vp-engineering",
                track="manager", team=group)
    add("head-design", "Head of Design", "design", "cpo", track="manager")
    for role in DESIGN_ROLES:
        add(f"design-{_slug(role)}", role, "design", "head-design", team=role.partition(", ")[2] or "Design")
    add("head-product-marketing", "Head of Product Marketing", "marketing", "cpo", track="manager")
    for area, _ in PRODUCT_AREAS:
        add(f"pmm-{_slug(area)}", f"Product Marketing Manager, {area}", "marketing", "head-product-marketing",
            team=area)
    add("head-partner-sales", "Head of Partner Sales", "sales", "cpo", track="manager")
    for team in SALES_TEAMS:
        add(f"sales-{_slug(team)}", f"Sales Lead, {team}", "sales", "head-partner-sales", team=team)
    return people


@demo_step("product organisation", order=20, weight=0.5)
def build_team(ctx: DemoContext) -> None:
    """Create the planned people, link the demo logins that are people, and note the org in ``ctx.made``."""
    from headway.core.models import User
    from headway.team import services

    plan = plan_organisation(ctx.rng("team"), ctx.as_of)
    users = {u.username: u for u in User.objects.filter(username__in=LINKED_LOGINS)}
    user_by_key = {key: users[name] for name, key in LINKED_LOGINS.items() if name in users}
    ids: dict[str, int] = {}
    for i, p in enumerate(plan):
        person = services.create_person(
            None, name=p.name, title=p.title, department=p.department, level=p.level, track=p.track,
            specialisation=p.specialisation, team=p.team, location=p.location, start_date=p.start_date,
            email=p.email, manager=ids[p.manager] if p.manager else None, user=user_by_key.get(p.key),
        )
        ids[p.key] = person.pk
        ctx.progress("product organisation", (i + 1) / len(plan))
    ctx.made["people"] = ids


# --- the ladder, check-ins, one released review cycle and two job descriptions -----------------------------

CHECKIN_WEEKS = 12
PULSE_COMMENTS = {1: "Stretched thin", 2: "A heavy week", 3: "Steady", 4: "Good momentum", 5: "Great week"}
AGENDA_TOPICS = ["Roadmap trade-offs for next quarter", "Hiring plan for the team", "Feedback from the last launch",
                 "Career growth: next level", "Stakeholder alignment with sales", "Experiment results review"]
# Priya's review: peers and engineering reach the threshold; one designer, one marketer and one seller are
# pooled into "Cross-functional partners". Her GPM colleague's review: one peer and one engineer stay hidden.
REVIEWS = {
    "pm-checkout": ["pm-cart-pricing", "pm-payments", "pm-fraud-risk", "em-checkout", "em-payments-risk",
                    "vp-engineering", "design-product-designer-checkout", "pmm-checkout-payments",
                    "sales-business-accounts"],
    "gpm-search-discovery": ["pm-search", "pm-catalogue", "pm-recommendations", "gpm-store-mobile",
                             "em-search-discovery"],
}
REVIEW_COMMENTS = [
    "Frames problems crisply and keeps the team focused on outcomes.",
    "Could share the why behind priorities earlier with partner teams.",
    "Great at cutting scope without cutting quality.",
    "Metrics reviews are thorough; I would like more customer stories in them.",
    "Always prepared for planning; sometimes commits before checking capacity.",
    "Helps the team learn from experiments, good and bad.",
    "A reliable partner for engineering: clear specs and fast answers.",
]


# The second, released cycle: the small Growth team's pulse. Each reviewee has self and manager, plus too few
# others to show on their own: one peer and one engineer stay hidden (2 < 3); two peers and one designer
# are pooled into "Other reviewers" (3).
PULSE_CYCLE = "Growth team pulse, Q2"
PULSE_REVIEWS = {
    "pm-acquisition": ["pm-loyalty", "em-growth"],
    "pm-loyalty": ["pm-acquisition", "pm-lifecycle-messaging", "design-product-designer-growth"],
}
PULSE_REVIEW_COMMENTS = ["Keeps the growth experiments honest.", "Would like earlier notice of launches."]


def build_pulse_cycle(ctx: DemoContext, ids: dict[str, int]) -> int:
    """The released "Growth team pulse" cycle, with responses written in bulk; returns its id."""
    from headway.team.models import Nomination, NominationStatus, Response
    from headway.team.services import reviews

    rng = ctx.rng("team pulse")
    cycle = reviews.create_cycle(None, PULSE_CYCLE, [ids[key] for key in PULSE_REVIEWS])
    reviews.advance(None, cycle.pk)
    for key, reviewers in PULSE_REVIEWS.items():
        reviews.nominate(None, cycle.pk, ids[key], [ids[r] for r in reviewers])
    noms = Nomination.objects.filter(review__cycle=cycle)
    noms.update(status=NominationStatus.APPROVED)
    reviews.advance(None, cycle.pk)
    ladder = reviews.cycle_ladder(cycle)
    rows = []
    for i, nom in enumerate(noms.select_related("review__reviewee").order_by("pk")):
        expected = ladder.level(nom.review.reviewee.level).expectations
        rows.append(Response(review=nom.review, nomination=nom, group=nom.group,
                             ratings={c.slug: _around(rng, expected[c.slug]) for c in ladder.competencies},
                             comment=PULSE_REVIEW_COMMENTS[i % len(PULSE_REVIEW_COMMENTS)]))
    Response.objects.bulk_create(rows)
    noms.update(submitted=True)
    reviews.advance(None, cycle.pk)
    reviews.advance(None, cycle.pk)
    return int(cycle.pk)


def _around(rng: np.random.Generator, expected: int) -> int:
    return int(min(5, max(1, expected + rng.choice([-1, 0, 0, 1]))))


@demo_step("team reviews and check-ins", order=25, weight=0.5)
def build_team_practices(ctx: DemoContext) -> None:
    """The default ladder, weekly check-ins of the PMs, a released review cycle and two job descriptions."""
    from headway.team.engine.ladder import ladder_from_dict
    from headway.team.models import Nomination, Person
    from headway.team.services import checkins, jobs, ladders, review_reports, reviews

    rng = ctx.rng("team practices")
    ids: dict[str, int] = ctx.made.get("people", {})
    if not ids:
        return
    ladder = ladder_from_dict(ladders.ensure_ladder(None).data)

    start = ctx.as_of - timedelta(weeks=CHECKIN_WEEKS)
    pms = Person.objects.filter(pk__in=ids.values(), level__in=["apm", "pm", "senior_pm"]).select_related("manager")
    for n, person in enumerate(pms):
        if person.manager_id is None:  # the demo's PMs all have a manager
            continue
        pair = checkins.create_pair(None, person.manager_id, person.pk, "weekly", start)
        skip_last = 2 if n % 4 == 0 else 0  # every fourth pair has missed two weeks: overdue
        for week in range(CHECKIN_WEEKS - skip_last):
            if week % 3 == 0:
                topic = AGENDA_TOPICS[int(rng.integers(len(AGENDA_TOPICS)))]
                checkins.add_agenda_item(None, pair.pk, topic, author=person.pk)
            if week % 5 == 1:
                checkins.add_action_item(None, pair.pk, "Share the draft plan with the group",
                                         person.pk, start + timedelta(weeks=week + 1))
            pulse = int(rng.choice([2, 3, 3, 4, 4, 4, 5]))
            done = [i.pk for i in pair.agenda.filter(done=False)[:1]] if week % 2 else []
            checkins.record_checkin(None, pair.pk, on=start + timedelta(weeks=week), pulse=pulse,
                                    pulse_comment=PULSE_COMMENTS[pulse], done=done,
                                    notes=f"Week {week + 1}: reviewed progress on {person.team or 'the team'}.")
        ctx.progress("team reviews and check-ins", 0.6 * (n + 1) / len(pms))

    cycle = reviews.create_cycle(None, "H1 review", [ids[key] for key in REVIEWS])
    reviews.advance(None, cycle.pk)
    for key, reviewers in REVIEWS.items():
        reviews.nominate(None, cycle.pk, ids[key], [ids[r] for r in reviewers])
    for nom in Nomination.objects.filter(review__cycle=cycle, status="proposed"):
        reviews.decide(None, nom.pk, approve=True)
    reviews.advance(None, cycle.pk)
    slugs = [c.slug for c in ladder.competencies]
    for i, nom in enumerate(Nomination.objects.filter(review__cycle=cycle).select_related("review__reviewee")):
        level = ladder.level(nom.review.reviewee.level)
        ratings = {slug: _around(rng, level.expectations[slug]) for slug in slugs}
        reviews.respond(None, nom.pk, ratings, REVIEW_COMMENTS[i % len(REVIEW_COMMENTS)])
    for key, (performance, potential) in zip(REVIEWS, [(4, 4), (3, 4)], strict=True):
        review_reports.calibrate(None, cycle.pk, ids[key], performance=performance, potential=potential,
                          notes="Discussed in calibration; strong quarter.")
    reviews.advance(None, cycle.pk)
    reviews.advance(None, cycle.pk)
    ctx.made["pulse_cycle"] = build_pulse_cycle(ctx, ids)
    ctx.progress("team reviews and check-ins", 0.9)

    growth = jobs.generate(None, level="senior_pm", specialisation="growth", team="Growth", location="New York",
                           mission="helping shoppers find and return to Northwind",
                           pay={"minimum": 165000, "maximum": 205000, "currency": "USD"})
    _interviews(growth.pk, ladder)
    jobs.generate(None, level="pm", specialisation="platform", team="Payments", location="Lisbon, Portugal",
                  pay={"minimum": 62000, "maximum": 80000, "currency": "EUR"})
    ctx.made["review_cycle"] = cycle.pk


DEMO_CANDIDATE = "Jordan Avery"
INTERVIEWERS = ("leader", "pm", "contributor")


def _interviews(job_id: int, ladder: Ladder) -> None:
    """The Growth job's interview kit (three interviews) and three submitted scorecards of one candidate: the
    interviewers agree within a point everywhere but on the first must-have (2, 4 and 3: a flagged disagreement)."""
    from headway.core.models import User
    from headway.team.services import interviews

    if User.objects.filter(username__in=INTERVIEWERS).count() < len(INTERVIEWERS):
        return
    kit = interviews.make_kit(None, job_id, 3)
    level = ladder.level(kit.level)
    first = next(a.competency for a in kit.attributes if a.must_have)
    for n, (username, interview) in enumerate(zip(INTERVIEWERS, kit.interviews, strict=True)):
        card = interviews.assign(None, job_id, DEMO_CANDIDATE, interview.name, username,
                                 candidate_email="jordan.avery@example.com")
        ratings = {a.competency: max(1, min(5, level.expectations[a.competency] - (n == 2)))
                   for a in kit.attributes}
        ratings[first] = (2, 4, 3)[n]
        interviews.submit(None, card.id, ratings, notes="Structured interview; see the ratings.",
                          recommendation=("no", "yes", "yes")[n])
