"""The /team/ page: the org chart picture, the people table and spans of control."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def chart_svg(html: str) -> str:
    start = html.index("<svg", html.index('class="org-chart"'))
    return html[start:html.index("</svg>", start)]


def test_team_page_needs_login(client, workspace):
    response = client.get("/team/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_team_page_draws_one_box_per_person(client, org, viewer):
    login(client, viewer)
    response = client.get("/team/")
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
    html = client.get("/team/?department=engineering").content.decode()
    table = html[html.index('<table class="people">'):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<tr id="person-(\d+)"', table) == [str(org["Ed"].pk), str(org["Fay"].pk)]
    assert html.count(" dim\"") == 5  # the five non-engineering boxes are dimmed in the picture
    assert "3 managers, 2.0 direct reports on average; 1 flagged" in html
    assert "single: one direct report" in html


def test_collapsed_chart_counts_hidden_people(client, org, viewer):
    login(client, viewer)
    html = client.get("/team/?chart=collapsed").content.decode()
    svg = chart_svg(html)
    assert len(re.findall(r'class="org-box', svg)) == 7  # everyone is within three levels here
    assert "Show everyone" in html


def test_empty_org_says_how_to_add_people(client, viewer):
    login(client, viewer)
    html = client.get("/team/").content.decode()
    assert 'class="org-chart"' not in html and "No people yet: a product leader or an admin adds them." in html
    assert "headway " not in html.split("<footer")[0].lower().replace("headway 0", "")
