"""The /team/ page: the org chart picture, the people table and spans of control."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def chart_svg(html: str) -> str:
    start = html.index("<svg", html.index('class="org-chart'))
    return html[start:html.index("</svg>", start)]


def test_team_page_needs_login(client, workspace):
    response = client.get("/team/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_team_page_draws_one_box_per_person(client, org, viewer):
    login(client, viewer)
    response = client.get("/team/?chart=all")
    assert response.status_code == 200
    html = response.content.decode()
    svg = chart_svg(html)
    boxes = re.findall(r'<a href="#person-(\d+)" class="org-box dept-(\w+)', svg)
    assert sorted(int(pid) for pid, _ in boxes) == sorted(p.pk for p in org.values())
    assert dict((int(pid), dept) for pid, dept in boxes)[org["Dan"].pk] == "design"
    assert svg.count("<path d=") == 6  # one line from each person to their manager
    assert ">Chief Product Officer</tspan>" in svg
    for person in org.values():
        assert f'<tr id="person-{person.pk}"' in html
    assert 'aria-current="page"' in html and ">Team</a>" in html


def test_department_filter_and_spans(client, org, viewer):
    login(client, viewer)
    html = client.get("/team/?department=engineering&chart=all").content.decode()
    table = html[html.index('<table class="people">'):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<tr id="person-(\d+)"', table) == [str(org["Ed"].pk), str(org["Fay"].pk)]
    assert html.count(" dim\"") == 5  # the five non-engineering boxes are dimmed in the picture
    assert "3 managers, 2.0 direct reports on average; 1 flagged" in html
    assert "single: one direct report" in html


def test_the_chart_opens_collapsed_and_a_click_expands_a_box(client, org, viewer):
    """Opens at the CPO and her direct reports (Vic +3, Ed +1); a box with people below links to itself open."""
    login(client, viewer)
    html = client.get("/team/").content.decode()
    svg = chart_svg(html)
    shown = re.findall(r'<a href="([^"]*)" class="org-box[^"]*" data-person="(\d+)"', svg)
    assert sorted(int(pid) for _, pid in shown) == sorted(org[n].pk for n in ("Cora", "Vic", "Ed"))
    assert ">+3</text>" in svg and ">+1</text>" in svg and "Show everyone" in html
    assert 'class="org-chart org-fit"' in html
    vic_link = dict((int(pid), href) for href, pid in shown)[org["Vic"].pk].replace("&amp;", "&")
    assert vic_link == f"?open={org['Vic'].pk}#org-heading"
    svg = chart_svg(client.get("/team/" + vic_link.split("#")[0]).content.decode())
    ids = sorted(int(pid) for pid in re.findall(r'class="org-box[^"]*" data-person="(\d+)"', svg))
    assert ids == sorted(org[n].pk for n in ("Cora", "Vic", "Ed", "Ann", "Bea", "Dan"))  # Fay stays under Ed
    assert ">+1</text>" in svg and ">+3</text>" not in svg


def test_empty_org_says_how_to_add_people(client, viewer):
    login(client, viewer)
    html = client.get("/team/").content.decode()
    assert 'class="org-chart' not in html and "No people yet: a product leader or an admin adds them." in html
    assert "headway " not in html.split("<footer")[0].lower().replace("headway 0", "")
