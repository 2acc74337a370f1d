"""The people list on /team/ (issue 14, point 5): search, filters (department, team, level, manager), sort and
pages, computed from the hand-made org of tests/team/conftest.py."""

from __future__ import annotations

import re

import pytest

from headway.core.errors import ValidationError
from headway.team import services
from headway.team.services.directory import PeopleQuery, people_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def names(html: str) -> list[str]:
    table = html[html.index('<table class="people">'):]
    table = table[:table.index("</table>")]
    return re.findall(r'<tr id="person-\d+" tabindex="-1"><th scope="row"><a href="[^"]+">([^<]+)</a>', table)


def test_search_filters_sort_and_pages_through_the_service(org):
    def page(**kw):
        return [p.name for p in people_page(None, PeopleQuery(**kw)).people]

    assert page() == ["Ann", "Bea", "Cora", "Dan", "Ed", "Fay", "Vic"]
    assert page(search="product manager") == ["Ann", "Bea"]  # titles, case-insensitive
    assert page(search="search") == ["Ann"]  # her team
    assert page(department="engineering") == ["Ed", "Fay"]
    assert page(team="Checkout") == ["Bea"]
    assert page(level="pm") == ["Ann", "Bea"]
    assert page(manager=org["Vic"].pk) == ["Ann", "Bea", "Dan"]
    assert page(manager=org["Vic"].pk, department="design") == ["Dan"]
    assert page(sort="-name") == ["Vic", "Fay", "Ed", "Dan", "Cora", "Bea", "Ann"]
    # by level on the ladder (pm below vp below cpo; no level first), then by name
    assert page(sort="level") == ["Dan", "Ed", "Fay", "Ann", "Bea", "Vic", "Cora"]
    assert page(sort="manager") == ["Cora", "Ed", "Vic", "Fay", "Ann", "Bea", "Dan"]  # nobody, Cora, Cora, Ed, Vic…
    two = people_page(None, PeopleQuery(page=2), per_page=3)
    assert ([p.name for p in two.people], two.total, two.pages) == (["Dan", "Ed", "Fay"], 7, 3)
    last = people_page(None, PeopleQuery(page=99), per_page=3)
    assert (last.page, [p.name for p in last.people]) == (3, ["Vic"])
    filters = people_page(None, PeopleQuery())
    assert filters.teams == ["Checkout", "Search"]
    assert [m.name for m in filters.managers] == ["Cora", "Ed", "Vic"]
    with pytest.raises(ValidationError, match="Cannot sort people by 'salary'"):
        people_page(None, PeopleQuery(sort="salary"))


def test_the_people_list_on_the_page(client, org, viewer):
    assert client.login(username=viewer.username, password=PASSWORD)
    assert names(client.get("/team/").content.decode()) == ["Ann", "Bea", "Cora", "Dan", "Ed", "Fay", "Vic"]
    html = client.get("/team/", {"q": "product", "level": "pm", "sort": "-name"}).content.decode()
    assert names(html) == ["Bea", "Ann"] and "2 people" in html
    assert 'value="-name" selected' in html and '<option value="pm" selected>' in html
    html = client.get("/team/", {"manager": str(org["Ed"].pk)}).content.decode()
    assert names(html) == ["Fay"] and "1 person" in html
    html = client.get("/team/", {"q": "nobody-has-this"}).content.decode()
    assert names(html) == [] and "Nobody matches: clear the filters to see everyone." in html
    # the filters stay on the chart's links, and a bad sort says how to fix it
    html = client.get("/team/", {"department": "design"}).content.decode()
    assert f'href="?department=design&amp;open={org["Vic"].pk}#org-heading"' in html
    bad = client.get("/team/", {"sort": "salary"})
    assert bad.status_code == 422 and "Cannot sort people by" in bad.content.decode()


def test_the_people_list_pages_25_at_a_time(client, org, viewer):
    for i in range(30):
        services.create_person(None, name=f"Zed {i:02d}", title="Engineer", department="engineering",
                               manager=org["Fay"].pk)
    assert client.login(username=viewer.username, password=PASSWORD)
    first = client.get("/team/").content.decode()
    assert len(names(first)) == 25 and "37 people · page 1 of 2" in first and 'rel="next" href="?page=2"' in first
    second = client.get("/team/", {"page": "2", "department": "engineering"}).content.decode()
    assert names(second) == [f"Zed {i:02d}" for i in range(23, 30)]
    assert "32 people · page 2 of 2" in second and 'rel="prev" href="?department=engineering&amp;page=1"' in second
