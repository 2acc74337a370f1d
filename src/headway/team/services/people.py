"""People: the reporting hierarchy, the org tree and spans of control.

Every face (CLI, API, web, Python) calls these functions. Writes need ``Perm.MANAGE_TEAM``, reads
``Perm.VIEW_WORKSPACE``; ``actor=None`` means the system (the CLI operator, the demo builder).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from pydantic import BaseModel

from headway.core import audit
from headway.core import services as core_services
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import Problems, choice_key
from headway.team.engine import layout
from headway.team.engine.org import OrgNode, PersonRow, Span, build_tree, cycle_if_moved
from headway.team.engine.org import spans_of_control as compute_spans
from headway.team.models import Department, LadderVersion, Level, Person, Specialisation, Track
from headway.team.services._common import MAX_ID, plain

PERSON_FIELDS = ("name", "title", "level", "track", "specialisation", "department", "team", "manager",
                 "start_date", "location", "email", "user", "active")


class PersonName(BaseModel):
    """A person as other results name them: id and name."""

    id: int
    name: str


# --- reading -------------------------------------------------------------------------------------------


def list_people(actor: User | None, *, department: str | None = None, active_only: bool = True) -> QuerySet[Person]:
    """People by name, optionally of one department, with their manager and report count."""
    check(actor, Perm.VIEW_WORKSPACE)
    people = Person.objects.select_related("manager", "user").annotate(report_count=Count("reports"))
    if department:
        problems = Problems()
        department = problems.choice(department, Department, "department")
        if problems:
            raise ValidationError(f"Unknown department: {problems['department']}.", details=problems)
        people = people.filter(department=department)
    if active_only:
        people = people.filter(active=True)
    return people.order_by("name", "id")


def get_person(actor: User | None, person_id: int) -> Person:
    """One person by id, or a NotFound that says how to find ids."""
    check(actor, Perm.VIEW_WORKSPACE)
    try:
        if not 0 < person_id <= MAX_ID:
            raise Person.DoesNotExist
        return Person.objects.select_related("manager", "user").get(pk=person_id)
    except Person.DoesNotExist:
        raise NotFound(f"There is no person with id {person_id}: `headway team list` shows people and ids.") from None


def _rows(active_only: bool = True) -> list[PersonRow]:
    people = Person.objects.filter(active=True) if active_only else Person.objects.all()
    return [
        PersonRow(id=p["id"], name=p["name"], title=p["title"], department=p["department"],
                  manager_id=p["manager_id"], level=p["level"], team=p["team"])
        for p in people.values("id", "name", "title", "department", "manager_id", "level", "team")
    ]


def _managers() -> dict[int, int | None]:
    return dict(Person.objects.values_list("id", "manager_id"))


def org_tree(actor: User | None) -> list[OrgNode]:
    """The active org as a forest of :class:`OrgNode` (normally one root: the top of the organisation)."""
    check(actor, Perm.VIEW_WORKSPACE)
    return build_tree(_rows())


def org_chart(actor: User | None, *, collapse_depth: int | None = None,
              expanded: frozenset[int] = frozenset()) -> layout.ChartLayout:
    """The org chart picture's layout: one box per active person shown and a line to each manager; below
    ``collapse_depth`` only the reports of the people in ``expanded`` show."""
    return layout.layout_org(org_tree(actor), collapse_depth=collapse_depth, expanded=expanded)


class SpanOfControl(BaseModel):
    """A manager's span of control, its flags and the reason to look at it (``flag``, empty when none)."""

    manager_id: int
    name: str
    title: str
    department: str
    direct_reports: int
    wide: bool
    single: bool
    flag: str

    @classmethod
    def of(cls, span: Span) -> SpanOfControl:
        """The engine's span with its flag spelt out."""
        return cls(manager_id=span.manager_id, name=span.name, title=span.title, department=span.department,
                   direct_reports=span.direct_reports, wide=span.wide, single=span.single, flag=span.flag)


@dataclass(frozen=True)
class SpanReport:
    """Spans of control and the managers worth a look."""

    spans: list[SpanOfControl]

    @property
    def flagged(self) -> list[SpanOfControl]:
        """Managers with a wide span (> 8) or a single direct report."""
        return [s for s in self.spans if s.wide or s.single]

    @property
    def average(self) -> float:
        """Mean direct reports per manager (0 when there are no managers)."""
        return sum(s.direct_reports for s in self.spans) / len(self.spans) if self.spans else 0.0


def spans_of_control(actor: User | None) -> SpanReport:
    """Direct reports per manager among active people, with wide (> 8) and single-report flags."""
    check(actor, Perm.VIEW_WORKSPACE)
    return SpanReport(spans=[SpanOfControl.of(s) for s in compute_spans(_rows())])


def reporting_chain(person: Person | int) -> list[Person]:
    """A person's managers, nearest first, up to the top of the organisation."""
    person_id = person if isinstance(person, int) else person.pk
    chain: list[Person] = []
    seen = {person_id}
    current = Person.objects.select_related("manager").get(pk=person_id).manager
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.manager
    return chain


# --- writing -------------------------------------------------------------------------------------------


def _names(ids: list[int]) -> str:
    names = dict(Person.objects.filter(pk__in=ids).values_list("id", "name"))
    return " → ".join(names.get(i, f"#{i}") for i in ids)


def _check_manager(person: Person | None, manager: Person | None) -> None:
    """Raise when making ``manager`` the manager of ``person`` would create a reporting cycle."""
    if person is None or person.pk is None or manager is None:
        return
    cycle = cycle_if_moved(_managers(), person.pk, manager.pk)
    if cycle:
        path = _names(cycle)
        raise ValidationError(
            f"{manager.name} cannot be {person.name}'s manager: that makes a reporting cycle ({path}). "
            f"Pick a manager outside {person.name}'s reporting line.",
            details={"manager": "reporting cycle", "cycle": cycle},
        )


def _clean(fields: dict[str, Any], *, creating: bool) -> tuple[dict[str, Any], Problems]:
    """Validate person fields; returns the cleaned values and the problems found."""
    clean: dict[str, Any] = {}
    problems = Problems()
    for key, value in fields.items():
        if key not in PERSON_FIELDS:
            problems[key] = f"unknown field; a person has {', '.join(PERSON_FIELDS)}"
        elif key in {"name", "title"}:
            text = str(value or "").strip()
            if not text or len(text) > 150:
                problems[key] = "give 1 to 150 characters"
            clean[key] = text
        elif key == "department":
            clean[key] = problems.choice(value, Department, key)
        elif key == "level":
            clean[key] = _level(value, problems)
        elif key == "track":
            clean[key] = problems.choice(value, Track, key)
        elif key == "specialisation":
            clean[key] = problems.choice(value, Specialisation, key, blank=True)
        elif key in {"team", "location"}:
            clean[key] = str(value or "").strip()[:100]
        elif key == "email":
            text = str(value or "").strip()
            if text and ("@" not in text or " " in text):
                problems[key] = f"{text!r} is not an email address"
            clean[key] = text
        elif key == "start_date":
            clean[key] = _date(value, problems)
        elif key == "manager":
            clean[key] = _manager(value, problems)
        elif key == "user":
            clean[key] = _user(value, problems)
        elif key == "active":
            clean[key] = bool(value)
    if creating:
        for required in ("name", "title"):
            if required not in fields:
                problems[required] = "required"
    return clean, problems


def _level(value: Any, problems: dict[str, str]) -> str:
    """A level of the built-in choices or of the workspace's stored ladder (which may add or rename levels)."""
    text = choice_key(value)
    stored = LadderVersion.objects.order_by("-version").values_list("data", flat=True).first()
    slugs = [lv["slug"] for lv in stored["levels"]] if stored else list(Level.values)
    if text == "" or text in slugs or str(value).strip() in slugs:
        return text if text in slugs or text == "" else str(value).strip()
    problems["level"] = f"{value!r} is not one of {', '.join(slugs)} (or blank)"
    return text


def _date(value: Any, problems: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems["start_date"] = f"{value!r} is not a date like 2024-03-18"
        return None


def _manager(value: Any, problems: dict[str, str]) -> Person | None:
    if value in (None, ""):
        return None
    if isinstance(value, Person):
        return value
    try:
        manager_id = int(value)
        if not 0 < manager_id <= MAX_ID:
            raise Person.DoesNotExist
        return Person.objects.get(pk=manager_id)
    except (TypeError, ValueError, Person.DoesNotExist):
        problems["manager"] = f"there is no person with id {value!r}; `headway team list` shows the ids"
        return None


def _user(value: Any, problems: dict[str, str]) -> User | None:
    if value in (None, ""):
        return None
    if isinstance(value, User):
        return value
    try:
        return core_services.get_user(str(value))
    except NotFound as exc:
        problems["user"] = exc.message
        return None


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        key: (getattr(person, f"{key}_id") if key in {"manager", "user"} else getattr(person, key))
        for key in PERSON_FIELDS
    }


def _check_user_free(user: User | None, person: Person | None) -> None:
    if user is None:
        return
    others = Person.objects.filter(user=user)
    if person is not None:
        others = others.exclude(pk=person.pk)
    taken = others.first()
    if taken is not None:
        raise Conflict(f"User {user.username} is already linked to {taken.name}: unlink them there first.")


@transaction.atomic
def create_person(actor: User | None, **fields: Any) -> Person:
    """Add a person; ``manager`` is a person or id, ``user`` a user or username (both optional)."""
    check(actor, Perm.MANAGE_TEAM)
    clean, problems = _clean(fields, creating=True)
    problems.raise_if_any("The person is not valid")
    _check_user_free(clean.get("user"), None)
    person = Person.objects.create(**clean)
    audit.record(actor, AuditEvent.Action.CREATE, person, summary=f"person {person.name} ({person.title}) added",
                 changes={k: plain(v) for k, v in _snapshot(person).items()})
    return person


@transaction.atomic
def update_person(actor: User | None, person_id: int, **fields: Any) -> Person:
    """Change a person's fields; a new manager is checked for reporting cycles."""
    check(actor, Perm.MANAGE_TEAM)
    person = get_person(None, person_id)
    clean, problems = _clean(fields, creating=False)
    problems.raise_if_any(f"Cannot update {person.name}")
    if "manager" in clean:
        _check_manager(person, clean["manager"])
    if "user" in clean:
        _check_user_free(clean["user"], person)
    before = _snapshot(person)
    for key, value in clean.items():
        setattr(person, key, value)
    person.save()
    changes = {k: [plain(old), plain(new)] for k, (old, new) in audit.diff(before, _snapshot(person)).items()}
    if changes:
        audit.record(actor, AuditEvent.Action.UPDATE, person,
                     summary=f"person {person.name} updated: {', '.join(changes)}", changes=changes)
    return person


def move(actor: User | None, person_id: int, manager_id: int | None) -> Person:
    """Make ``manager_id`` the person's manager (``None``: the top); refuses reporting cycles."""
    return update_person(actor, person_id, manager=manager_id)
