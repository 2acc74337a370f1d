"""The people directory: search, filters (department, team, level, manager), sort and pages over the active
people, for the people list of the team page (and anyone who wants one page of people)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Q

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.team.models import Person
from headway.team.services.ladders import current_ladder
from headway.team.services.people import list_people

PAGE_SIZE = 25
SORTS = {"name": "Name", "title": "Title", "department": "Department", "team": "Team", "level": "Level",
         "manager": "Manager", "started": "Started"}
"""Sort keys and their labels; ``-key`` sorts the other way."""


@dataclass(frozen=True)
class PeopleQuery:
    """What the people list asks for; blank means no filter."""

    search: str = ""
    department: str = ""
    team: str = ""
    level: str = ""
    manager: int | None = None
    sort: str = "name"
    page: int = 1


@dataclass(frozen=True)
class PeoplePage:
    """One page of people, with the totals and what the filters may offer."""

    people: list[Person]
    total: int
    page: int
    pages: int
    teams: list[str]
    levels: list[tuple[str, str]]
    managers: list[Person]
    page_of: dict[int, int]
    """The page each matching person is on (people the filters leave out are not in it)."""


def _key(sort: str) -> tuple[str, bool]:
    field = sort.removeprefix("-")
    if field not in SORTS:
        raise ValidationError(f"Cannot sort people by {sort[:30]!r}: use one of {', '.join(SORTS)} (- to reverse).")
    return field, sort.startswith("-")


def _sort_value(person: Person, field: str, ranks: dict[str, int]) -> tuple[object, ...]:
    if field == "level":
        return (ranks.get(person.level, -1), person.name.lower())
    if field == "manager":
        return ((person.manager.name.lower() if person.manager else ""), person.name.lower())
    if field == "started":
        return (person.start_date.toordinal() if person.start_date else 0, person.name.lower())
    return (str(getattr(person, field) or "").lower(), person.name.lower())


def people_page(actor: User | None, query: PeopleQuery, *, per_page: int = PAGE_SIZE) -> PeoplePage:
    """The active people matching ``query`` (search in name, title, team, e-mail and location), sorted, one page
    of ``per_page`` (a page past the end shows the last)."""
    everyone = list(list_people(actor))
    ladder = current_ladder(actor)
    ranks = {lv.slug: lv.rank for lv in ladder.levels}
    field, reverse = _key(query.sort or "name")
    people = list_people(actor, department=query.department or None)
    text = query.search.strip()[:100]
    if text:
        people = people.filter(Q(name__icontains=text) | Q(title__icontains=text) | Q(team__icontains=text)
                               | Q(email__icontains=text) | Q(location__icontains=text))
    if query.team:
        people = people.filter(team=query.team)
    if query.level:
        people = people.filter(level=query.level)
    if query.manager is not None:
        people = people.filter(manager_id=query.manager)
    rows = sorted(people, key=lambda p: _sort_value(p, field, ranks), reverse=reverse)
    pages = max(1, math.ceil(len(rows) / per_page))
    page = min(max(1, query.page), pages)
    managers = sorted({p.manager_id for p in everyone if p.manager_id})
    by_id = {p.pk: p for p in everyone}
    return PeoplePage(
        people=rows[(page - 1) * per_page: page * per_page], total=len(rows), page=page, pages=pages,
        teams=sorted({p.team for p in everyone if p.team}),
        levels=[(lv.slug, lv.title) for lv in ladder.levels],
        managers=sorted((by_id[m] for m in managers if m in by_id), key=lambda p: p.name.lower()),
        page_of={p.pk: i // per_page + 1 for i, p in enumerate(rows)},
    )
