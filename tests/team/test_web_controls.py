"""The team's web controls per role, through the web with CSRF (issue 14, points 1 and 5): the anonymity
threshold, adding reviewees, managers nominating for their reports, who is missing and reminders (counts, never
names), a check-in series' cadence and end, erasure with confirmation. Each role is refused exactly what the
API refuses, and sees no control it may not use."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from headway.core.models import AuditEvent
from headway.team.models import CheckinPair, Nomination, Person, Scorecard
from headway.team.services import checkins, interviews, jobs, reviews

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password-42"


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post(client: Client, page: str, action: str, data: dict, *, follow: bool = True):
    """Post ``data`` to ``action`` with the CSRF token of ``page``, as the browser does from that page."""
    html = client.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return client.post(action, {**data, "csrfmiddlewaretoken": token}, follow=follow)


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- the anonymity threshold: admins only (workspace.edit), as the API -------------------------------------

def test_only_an_admin_changes_the_threshold_and_sees_the_form(people):
    users = people["users"]
    ada, vic = browser(users["Ada"]), browser(users["Vic"])
    assert 'id="threshold"' in text(ada.get("/team/reviews/"))
    assert 'id="threshold"' not in text(vic.get("/team/reviews/"))
    assert '<strong class="threshold">3</strong>' in text(vic.get("/team/reviews/"))
    page = text(post(ada, "/team/reviews/", "/team/reviews/threshold/", {"threshold": "5"}))
    assert "Anonymity threshold set to 5." in page and '<strong class="threshold">5</strong>' in page
    assert reviews.threshold() == 5
    for bad, says in (("1", "is too low"), ("abc", "is not a whole number"), ("101", "use 2 to 100")):
        page = text(post(ada, "/team/reviews/", "/team/reviews/threshold/", {"threshold": bad}))
        assert says in page, bad
        assert reviews.threshold() == 5
    for name in ("Vic", "Cora", "Ann", "Ed"):  # leaders, contributors and viewers: refused, as by the API
        page = text(post(browser(users[name]), "/team/reviews/", "/team/reviews/threshold/", {"threshold": "2"}))
        assert "does not allow workspace.edit: ask a workspace admin" in page
        assert reviews.threshold() == 5


def test_the_threshold_form_needs_the_csrf_token(people):
    ada = browser(people["users"]["Ada"])
    assert ada.post("/team/reviews/threshold/", {"threshold": "4"}).status_code == 403
    assert reviews.threshold() == 3


# --- reviewees ---------------------------------------------------------------------------------------------

def test_a_leader_adds_reviewees_to_a_draft_cycle_and_others_may_not(people):
    users = people["users"]
    cycle = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    page_url = f"/team/reviews/{cycle.pk}/"
    vic, bea = browser(users["Vic"]), browser(users["Bea"])
    page = text(vic.get(page_url))
    assert 'id="add-reviewee"' in page
    assert f'<option value="{people["Ann"].pk}">' not in page.split('id="add-reviewee"')[1].split("</select>")[0]
    done = text(post(vic, page_url, f"{page_url}reviewees/", {"reviewee": [people["Bea"].pk, people["Gus"].pk]}))
    assert "Added Bea, Gus." in done
    assert sorted(r.reviewee.name for r in cycle.reviews.all()) == ["Ann", "Bea", "Gus"]
    assert 'id="add-reviewee"' not in text(bea.get(page_url))  # a product manager: no team.manage
    refused = text(post(bea, page_url, f"{page_url}reviewees/", {"reviewee": [people["Hal"].pk]}))
    assert "(product_manager) does not allow team.manage" in refused and not cycle.reviews.filter(reviewee=people["Hal"]).exists()
    again = text(post(vic, page_url, f"{page_url}reviewees/", {"reviewee": [people["Ann"].pk]}))
    assert "Ann is already in Q3." in again
    bad = text(post(vic, page_url, f"{page_url}reviewees/", {"reviewee": ["x"]}))
    assert "is not a person" in bad
    reviews.advance(None, cycle.pk)
    reviews.advance(None, cycle.pk)  # collecting: no more reviewees, and no form
    assert 'id="add-reviewee"' not in text(vic.get(page_url))
    late = text(post(vic, page_url, f"{page_url}reviewees/", {"reviewee": [people["Hal"].pk]}))
    assert "Cannot add reviewees while cycle 'Q3' is collecting" in late


# --- nominations by managers ---------------------------------------------------------------------------------

def test_a_manager_nominates_for_a_report_approved_at_once_and_a_peer_may_not(people):
    users = people["users"]
    cycle = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    reviews.advance(None, cycle.pk)
    page_url = f"/team/reviews/{cycle.pk}/"
    vic = browser(users["Vic"])
    page = text(vic.get(page_url))
    assert "Nominate reviewers for Ann" in page
    done = text(post(vic, page_url, page_url, {"form": "nominate", "reviewee": people["Ann"].pk,
                                               "reviewer": [people["Bea"].pk, people["Dan"].pk]}))
    assert "Reviewers nominated." in done
    noms = {n.reviewer.name: (n.group, n.status) for n in Nomination.objects.filter(review__cycle=cycle)}
    assert noms == {"Ann": ("self", "approved"), "Vic": ("manager", "approved"), "Bea": ("peer", "approved"),
                    "Dan": ("design", "approved")}
    # Ann nominates for herself: proposed, waiting for Vic
    post(browser(users["Ann"]), page_url, page_url, {"form": "nominate", "reviewer": [people["Gus"].pk]})
    assert Nomination.objects.get(review__cycle=cycle, reviewer=people["Gus"]).status == "proposed"
    # Bea (a peer) may not nominate for Ann, and sees no form for her
    bea = browser(users["Bea"])
    assert "Nominate reviewers for Ann" not in text(bea.get(page_url))
    refused = text(post(bea, page_url, page_url, {"form": "nominate", "reviewee": people["Ann"].pk,
                                                  "reviewer": [people["Hal"].pk]}))
    assert "reviewees nominate their own reviewers" in refused
    assert not Nomination.objects.filter(review__cycle=cycle, reviewer=people["Hal"]).exists()


# --- who is missing, and reminders ------------------------------------------------------------------------

@pytest.fixture
def collecting(people):
    """Ann's review, collecting: self, manager Vic, peers Bea, Gus, Hal; Bea and Vic have submitted."""
    cycle = reviews.create_cycle(None, "Q3", [people["Ann"].pk])
    reviews.advance(None, cycle.pk)
    reviews.nominate(people["users"]["Vic"], cycle.pk, people["Ann"].pk,
                     [people[n].pk for n in ("Bea", "Gus", "Hal")])
    reviews.advance(None, cycle.pk)
    for name in ("Bea", "Vic"):
        nom = Nomination.objects.get(review__cycle=cycle, reviewer=people[name])
        reviews.respond(None, nom.pk, {"delivery": 4})
    return cycle


def test_who_is_missing_gives_counts_never_names_and_reminders_reach_only_the_missing(people, collecting):
    users = people["users"]
    page_url = f"/team/reviews/{collecting.pk}/"
    vic = browser(users["Vic"])
    page = text(vic.get(page_url))
    section = page[page.index('id="missing-h"'):page.index("</section>", page.index('id="missing-h"'))]
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert "Ann 3 Self 1 of 1; Peer 2 of 3" in row  # Gus, Hal and Ann herself are missing
    for reviewer in ("Bea", "Gus", "Hal"):
        assert reviewer not in section  # who has (not) submitted is never shown
    done = text(post(vic, page_url, f"{page_url}reminders/", {"reviewee": people["Ann"].pk}))
    assert "Reminded 3 reviewers." in done
    reminded = {n.reviewer.name: n.reminders for n in Nomination.objects.filter(review__cycle=collecting)}
    assert reminded == {"Ann": 1, "Vic": 0, "Bea": 0, "Gus": 1, "Hal": 1}
    event = AuditEvent.objects.filter(summary__contains="reminded").get()
    assert event.summary == "3 reviewer(s) reminded of missing reviews in Q3"
    assert "Gus" not in f"{event.summary} {event.changes}" and "Hal" not in f"{event.summary} {event.changes}"
    # each reviewer sees their own reminder; Bea, who submitted, sees none
    gus = browser(Person.objects.get(pk=people["Gus"].pk).user or _login_for(people, "Gus"))
    assert "reminder sent" in text(gus.get("/team/reviews/"))
    assert "reminder sent" not in text(browser(users["Bea"]).get("/team/reviews/"))
    # the whole cycle at once (a leader who runs it, outside Ann's chain: Ada the admin)
    ada = browser(users["Ada"])
    assert "Reminded 3 reviewers." in text(post(ada, page_url, f"{page_url}reminders/", {}))


def _login_for(people, name):
    from headway.core import services as core
    from headway.core.permissions import Role
    from headway.team import services

    user = core.create_user(None, name.lower(), PASSWORD, role=Role.VIEWER)
    services.update_person(None, people[name].pk, user=user.username)
    return user


def test_who_is_missing_is_refused_to_those_outside_the_chain_as_in_the_api(people, collecting, client):
    users = people["users"]
    page_url = f"/team/reviews/{collecting.pk}/"
    for name in ("Ed", "Bea", "Ann"):  # a viewer partner, a peer, the reviewee herself
        who = browser(users[name])
        assert 'id="missing-h"' not in text(who.get(page_url))
        refused = text(post(who, page_url, f"{page_url}reminders/", {}))
        assert "You may not see who is missing" in refused
    assert not Nomination.objects.filter(review__cycle=collecting, reminders__gt=0).exists()
    assert client.login(username="ed", password=PASSWORD)
    assert client.post(f"/api/v1/team/reviews/cycles/{collecting.pk}/reminders", {},
                       content_type="application/json").status_code == 403


# --- check-in series: cadence and end ----------------------------------------------------------------------

def test_the_pair_changes_cadence_and_ends_the_series_and_others_may_not(people):
    users = people["users"]
    pair = checkins.create_pair(None, people["Vic"].pk, people["Ann"].pk, "weekly", "2025-01-06")
    url = f"/team/checkins/{pair.pk}/"
    vic, cora = browser(users["Vic"]), browser(users["Cora"])
    assert 'id="pair-cadence"' in text(vic.get(url))
    assert "Check-ins are now every two weeks." in text(post(vic, url, f"{url}cadence/", {"cadence": "biweekly"}))
    pair.refresh_from_db()
    assert pair.cadence == "biweekly"
    assert "monthly" in text(post(vic, url, f"{url}cadence/", {"cadence": "daily"})).lower()  # says what to use
    # Cora sees the pair (she is above Vic) but is not one of it: no controls, and refused
    assert 'id="pair-cadence"' not in text(cora.get(url))
    assert "You may not write in this check-in" in text(post(cora, url, f"{url}cadence/", {"cadence": "monthly"}))
    assert "You may not write in this check-in" in text(post(cora, url, f"{url}end/", {"confirm": "yes"}))
    # ending needs the box ticked
    assert "Tick the box" in text(post(vic, url, f"{url}end/", {}))
    pair.refresh_from_db()
    assert pair.active
    ann = browser(users["Ann"])
    assert "have ended; their history is kept" in text(post(ann, url, f"{url}end/", {"confirm": "yes"}))
    pair.refresh_from_db()
    assert not pair.active
    assert "These check-ins have ended" in text(vic.get(url)) and 'id="pair-cadence"' not in text(vic.get(url))
    assert f'href="/team/checkins/{pair.pk}/"' not in text(vic.get("/team/checkins/"))
    # starting again picks the series up, history and all
    post(vic, "/team/checkins/", "/team/checkins/", {"manager": people["Vic"].pk, "report": people["Ann"].pk,
                                                      "cadence": "monthly"})
    assert CheckinPair.objects.filter(manager=people["Vic"], report=people["Ann"]).values_list(
        "pk", "active", "cadence").get() == (pair.pk, True, "monthly")


def test_the_api_changes_cadence_and_ends_a_series(people, client):
    pair = checkins.create_pair(None, people["Vic"].pk, people["Ann"].pk, "weekly", "2025-01-06")
    assert client.login(username="vic", password=PASSWORD)
    done = client.patch(f"/api/v1/team/checkins/{pair.pk}", {"cadence": "monthly"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["cadence"] == "monthly" and done.json()["active"] is True
    ended = client.post(f"/api/v1/team/checkins/{pair.pk}/end", content_type="application/json")
    assert ended.status_code == 200 and ended.json()["active"] is False
    assert client.post(f"/api/v1/team/checkins/{pair.pk}/end").status_code == 409
    assert client.login(username="cora", password=PASSWORD)
    assert client.patch(f"/api/v1/team/checkins/{pair.pk}", {"cadence": "weekly"},
                        content_type="application/json").status_code == 403


# --- erasure -----------------------------------------------------------------------------------------------

def test_an_admin_erases_a_persons_data_after_typing_the_name_and_nobody_else_may(people):
    users = people["users"]
    checkins.create_pair(None, people["Vic"].pk, people["Hal"].pk, "weekly", "2025-01-06")
    hal = people["Hal"]
    url = f"/team/people/{hal.pk}/erase/"
    for name in ("Vic", "Cora", "Ann", "Ed"):
        who = browser(users[name])
        assert url not in text(who.get(f"/team/people/{hal.pk}/"))
        assert who.get(url).status_code == 403
    ada = browser(users["Ada"])
    assert url in text(ada.get(f"/team/people/{hal.pk}/"))
    wrong = text(post(ada, url, url, {"confirm": "Hall"}))
    assert "Type 'Hal' exactly to confirm" in wrong
    assert Person.objects.get(pk=hal.pk).name == "Hal"
    done = text(post(ada, url, url, {"confirm": "Hal"}))
    assert "Erased Hal's data: 1 check-in series, 0 review(s), 0 response(s) they wrote." in done
    assert Person.objects.filter(pk=hal.pk).values_list("name", "active").get() == (f"Deleted person {hal.pk}", False)
    assert not CheckinPair.objects.filter(report=hal).exists()


def test_an_admin_erases_a_candidates_scorecards_after_confirming(people, make_user):
    users = people["users"]
    job = jobs.generate(None, level="pm", specialisation="core", team="Search", location="London")
    interviews.make_kit(None, job.pk, 2)
    for number, interviewer in ((1, "vic"), (2, "bea")):
        interviews.assign(None, job.pk, "Robin Roe", number, interviewer, candidate_email="robin@example.com")
    url = "/team/jobs/candidates/erase/"
    assert url in text(browser(users["Ada"]).get(f"/team/jobs/{job.pk}/interviews/"))
    for name in ("Vic", "Ann"):
        assert url not in text(browser(users[name]).get(f"/team/jobs/{job.pk}/interviews/"))
        assert browser(users[name]).get(url).status_code == 403
    ada = browser(users["Ada"])
    page = ada.get(url + "?candidate=Robin+Roe")
    assert 'value="Robin Roe"' in text(page)
    mismatch = post(ada, url, url, {"candidate": "Robin Roe", "confirm": "Robin"}, follow=False)
    assert mismatch.status_code == 400 and "Type 'Robin Roe' exactly" in text(mismatch)
    assert Scorecard.objects.filter(candidate="Robin Roe").count() == 2
    unknown = post(ada, url, url, {"candidate": "Nobody", "confirm": "Nobody"}, follow=False)
    assert unknown.status_code == 400 and "There is no candidate 'Nobody'" in text(unknown)
    done = text(post(ada, url, url, {"candidate": "Robin Roe", "confirm": "Robin Roe"}))
    assert "Erased Robin Roe's data: 2 scorecards." in done
    assert not Scorecard.objects.filter(candidate="Robin Roe").exists()
