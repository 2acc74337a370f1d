"""The backlog in the browser (issue 14, points 1 and 5): search, filters, sort and paging; scoring inputs for
every framework and the Kano category saved per row with HTMX, for exactly the roles allowed; Kano answers on the
idea form; and (issue 16, point 4) the calibration's suggested correction next to the impact and confidence inputs
on the scoring pages, as advice only."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from headway.core.permissions import Role
from headway.planning import services
from tests.conftest import PASSWORD
from tests.impact.conftest import SHIP, shipped  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def token(client: Client, path: str = "/roadmap/backlog/") -> str:
    html = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="idea-(\d+)">', html)]


def test_search_filters_sort_and_paging(portfolio, viewer):
    extra = [services.create_initiative(None, title=f"Small fix {n:02d}", kind="maintain", team="Mobile",
                                        product_area="Apps", effort={"Mobile": 1}) for n in range(30)]
    vic = browser(viewer)
    first = vic.get("/roadmap/backlog/").content.decode()
    assert "34 open initiatives, sorted by score; page 1 of 2" in first and len(row_ids(first)) == 25
    second = vic.get("/roadmap/backlog/?sort=score&order=desc&page=2").content.decode()
    assert len(row_ids(second)) == 9 and not set(row_ids(first)) & set(row_ids(second))
    assert vic.get("/roadmap/backlog/?page=99").content.decode().count('<tr id="idea-') == 9  # the last page
    # RICE scores 160, 62.5 and 8.33 rank first; the unscored follow by id
    assert row_ids(first)[:3] == [portfolio["A"].pk, portfolio["B"].pk, portfolio["C"].pk]
    found = vic.get("/roadmap/backlog/?kind=innovate").content.decode()
    assert row_ids(found) == [portfolio["A"].pk, portfolio["D"].pk] and "2 open initiatives match," in found
    assert row_ids(vic.get("/roadmap/backlog/?q=CART").content.decode()) == [portfolio["A"].pk]
    assert row_ids(vic.get(f"/roadmap/backlog/?q=%23{extra[3].pk}").content.decode()) == [extra[3].pk]
    assert len(row_ids(vic.get("/roadmap/backlog/?area=Apps&team=Mobile").content.decode())) == 25
    by_title = vic.get("/roadmap/backlog/?kind=tech_debt&kind=iterate&sort=title&order=asc&team=Mobile")
    assert row_ids(by_title.content.decode()) == [portfolio["B"].pk]  # the last kind given wins
    # sorting keeps the filters; paging keeps filters and sort
    page = vic.get("/roadmap/backlog/?kind=maintain&sort=title&order=asc").content.decode()
    assert 'href="?kind=maintain&amp;sort=cost&amp;order=desc"' in page
    assert 'href="?kind=maintain&amp;sort=title&amp;order=asc&amp;page=2"' in page
    assert row_ids(page)[:2] == [extra[0].pk, extra[1].pk]
    nothing = vic.get("/roadmap/backlog/?q=zebra").content.decode()
    assert "No open initiative matches" in nothing and row_ids(nothing) == []
    wrong = vic.get("/roadmap/backlog/?sort=colour")
    assert wrong.status_code == 200 and "Cannot sort by &#x27;colour&#x27;" in wrong.content.decode()


def test_a_row_saves_inputs_for_every_framework_and_kano_with_htmx(portfolio, make_user, viewer):
    gift = portfolio["D"].pk
    cora = browser(make_user("cora", Role.CONTRIBUTOR))
    page = cora.get("/roadmap/backlog/").content.decode()
    for name in ("reach", "impact", "confidence", "ice_impact", "ice_confidence", "ease", "user_business_value",
                 "time_criticality", "risk_reduction", "kano"):
        assert f'id="row-{gift}-{name}"' in page
    assert 'value="1000"' in page  # A's reach is shown in its row
    row = cora.post(f"/roadmap/backlog/{gift}/", {
        "reach": "400", "impact": "2", "confidence": "0.5", "ice_impact": "7", "ice_confidence": "6", "ease": "5",
        "user_business_value": "8", "time_criticality": "3", "risk_reduction": "", "kano": "attractive",
        "model": ""}, headers={"HX-Request": "true", "X-CSRFToken": token(cora)})
    html = row.content.decode()
    assert row.status_code == 200 and html.strip().startswith(f'<tr id="idea-{gift}">')
    # RICE by hand: 400 x 2 x 0.5 / 8 person-weeks = 50
    assert (f"#{gift} saved (confidence, ease, ice_confidence, ice_impact, impact, reach, time_criticality, "
            "user_business_value; Kano attractive); score 50") in html
    assert '<td class="num score">50</td>' in html and '<td class="kano">attractive</td>' in html
    detail = services.get_initiative(None, gift)
    assert {k: v["value"] for k, v in detail.inputs.items()} == {
        "reach": 400, "impact": 2, "confidence": 0.5, "ice_impact": 7, "ice_confidence": 6, "ease": 5,
        "user_business_value": 8, "time_criticality": 3}
    assert detail.kano == "attractive"
    # ICE under its own setup: 7 x 6 x 5 = 210; WSJF lacks risk_reduction and says so, unscored
    services.save_scoring_model(None, "ICE", "ice")
    services.save_scoring_model(None, "WSJF", "wsjf")
    ice = cora.post(f"/roadmap/backlog/{gift}/", {"model": "ICE"},
                    headers={"HX-Request": "true", "X-CSRFToken": token(cora)}).content.decode()
    assert "score 210" in ice and '<input type="hidden" name="model" value="ICE">' in ice
    wsjf = cora.post(f"/roadmap/backlog/{gift}/", {"model": "WSJF"},
                     headers={"HX-Request": "true", "X-CSRFToken": token(cora)}).content.decode()
    assert "not scored: " in wsjf and "risk_reduction" in wsjf
    # a bad number: the row answers with the error in place, keeps what was typed, and nothing is written
    bad = cora.post(f"/roadmap/backlog/{gift}/", {"reach": "lots", "impact": "3", "model": ""},
                    headers={"HX-Request": "true", "X-CSRFToken": token(cora)})
    html = bad.content.decode()
    assert bad.status_code == 200 and "The scoring inputs are not valid" in html and 'role="alert"' in html
    assert f'id="row-{gift}-reach" name="reach" inputmode="decimal" size="6" value="lots"' in html
    assert services.get_initiative(None, gift).inputs["impact"]["value"] == 2
    # without script the form posts and comes back to the backlog with the message
    plain = cora.post(f"/roadmap/backlog/{gift}/", {"ease": "9", "next": "/roadmap/backlog/?kind=innovate",
                                                    "csrfmiddlewaretoken": token(cora)})
    assert plain.status_code == 302 and plain["Location"] == "/roadmap/backlog/?kind=innovate"
    assert services.get_initiative(None, gift).inputs["ease"]["value"] == 9
    # a viewer sees no inputs and is refused
    vic = browser(viewer)
    assert f'id="row-{gift}-reach"' not in vic.get("/roadmap/backlog/").content.decode()
    refused = vic.post(f"/roadmap/backlog/{gift}/", {"reach": "1"},
                       headers={"HX-Request": "true", "X-CSRFToken": token(vic)})
    assert refused.status_code == 403 and services.get_initiative(None, gift).inputs["reach"]["value"] == 400


def test_kano_answers_on_the_idea_form_set_the_category(portfolio, make_user):
    gift = portfolio["D"].pk
    pat = browser(make_user("pat", Role.PRODUCT_MANAGER))
    path = f"/roadmap/ideas/{gift}/edit/"
    form = pat.get(path).content.decode()
    assert 'id="kano_functional"' in form and 'id="kano_dysfunctional"' in form
    fields = {"title": "Gift cards", "kind": "innovate", "duration": "1", "user_value": "5", "business_value": "5",
              "commitment": "likely", "csrfmiddlewaretoken": token(pat, path)}
    # liked when present, disliked when absent: one-dimensional (the standard Kano table)
    done = pat.post(path, {**fields, "kano_functional": "like", "kano_dysfunctional": "dislike"})
    assert done.status_code == 302 and services.get_initiative(None, gift).kano == "one-dimensional"
    pat.post(path, {**fields, "kano_functional": "expect", "kano_dysfunctional": "dislike"})
    assert services.get_initiative(None, gift).kano == "must-be"
    bad = pat.post(path, {**fields, "kano_functional": "like", "kano_dysfunctional": ""})
    assert bad.status_code == 422 and "is not an answer: choose one of like, expect" in bad.content.decode()
    assert services.get_initiative(None, gift).kano == "must-be"


@pytest.mark.django_db(transaction=True)
def test_the_calibration_correction_is_shown_next_to_impact_and_confidence(shipped, make_user):  # noqa: F811
    from headway.impact import services as impact
    from headway.planning import services as planning

    services.save_scoring_model(None, "RICE", "rice", primary=True)
    open_idea = planning.create_initiative(None, title="Faster search", kpi="checkout_conversion",
                                           expected_impact="+1 pp")
    planning.set_inputs(None, open_idea.pk, {"impact": 2, "confidence": 0.8})
    third = planning.create_initiative(None, title="Checkout copy", kpi="checkout_conversion",
                                       expected_impact="+2 pp")
    planning.set_stage(None, third.pk, "shipped")
    impact.set_measurement(None, third.pk, shipped_on=SHIP)
    pat = browser(make_user("pat", Role.PRODUCT_MANAGER))
    for path in ("/roadmap/backlog/", "/roadmap/scoring/"):
        assert "calibration-hint" not in pat.get(path).content.decode()  # nothing measured yet: no advice
    for initiative in (shipped["hit"].pk, shipped["miss"].pk, third.pk):
        impact.measure(None, initiative)
    found = impact.calibration(None)
    assert found.ratios == 3 and found.median_ratio is not None
    expected = f"consider multiplying impact estimates by {found.median_ratio:.2f}"
    backlog = pat.get("/roadmap/backlog/").content.decode()
    scoring = pat.get("/roadmap/scoring/").content.decode()
    for page in (backlog, scoring):
        assert 'id="calibration-hint"' in page and expected in page and "You decide: nothing is changed" in page
    # next to the row's RICE and ICE inputs too, and on the scoring page beside the impact field
    row = re.search(rf'<tr id="idea-{open_idea.pk}">.*?</tr>', backlog, re.S).group(0)
    assert 'class="hint calibration-hint"' in row and expected in row
    assert re.search(r"<dt><code>impact</code></dt><dd>RICE: [^<]+<div class=\"hint calibration-hint\"", scoring)
    # the person decides: showing the advice changes no input
    assert {k: v["value"] for k, v in planning.get_initiative(None, open_idea.pk).inputs.items()} == {
        "impact": 2, "confidence": 0.8}


def test_the_roadmap_columns_page_long_lists(portfolio, viewer):
    now = services.quarters(count=1)[0]
    placed = [services.create_initiative(None, title=f"Quick win {n:02d}", effort={"Web": 1}) for n in range(15)]
    for initiative in placed:
        services.place(None, initiative.pk, now, commitment="likely")
    services.place(None, portfolio["A"].pk, services.quarters(count=2)[1])
    vic = browser(viewer)
    first = vic.get("/roadmap/?for=leadership").content.decode()
    column = re.search(r'<div class="board-column" id="column-now">.*?</div>', first, re.S).group(0)
    assert "Now <span class=\"count\">(15)</span>" in column and column.count('class="board-card') == 12
    assert 'href="?for=leadership&amp;now=2#column-now"' in column and "1 of 2" in column
    nxt = re.search(r'<div class="board-column" id="column-next">.*?</div>', first, re.S).group(0)
    assert nxt.count('class="board-card') == 1 and "pager" not in nxt
    second = vic.get("/roadmap/?for=leadership&now=2").content.decode()
    column = re.search(r'<div class="board-column" id="column-now">.*?</div>', second, re.S).group(0)
    shown = [int(pk) for pk in re.findall(r'data-id="(\d+)"', column)]
    assert shown == [i.pk for i in placed[12:]] and 'href="?for=leadership&amp;now=1#column-now"' in column
