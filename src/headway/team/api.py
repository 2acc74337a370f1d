"""API for people and the org chart: /api/v1/team/..."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from headway.team import services
from headway.team.engine.org import OrgNode

router = Router(tags=["team"])


class PersonRef(Schema):
    id: int
    name: str
    title: str


class PersonOut(Schema):
    id: int
    name: str
    title: str
    level: str
    track: str
    specialisation: str
    department: str
    team: str
    manager_id: int | None
    start_date: date | None
    location: str
    email: str
    username: str | None
    active: bool

    @staticmethod
    def resolve_username(obj: object) -> str | None:
        user = getattr(obj, "user", None)
        return user.username if user is not None else None


class PersonDetailOut(PersonOut):
    reporting_chain: list[PersonRef]
    direct_reports: list[PersonRef]


class PersonIn(Schema):
    name: str
    title: str
    department: str = "product"
    level: str = ""
    track: str = "ic"
    specialisation: str = ""
    team: str = ""
    manager_id: int | None = None
    start_date: date | None = None
    location: str = ""
    email: str = ""
    username: str | None = None


class PersonPatch(Schema):
    name: str | None = None
    title: str | None = None
    department: str | None = None
    level: str | None = None
    track: str | None = None
    specialisation: str | None = None
    team: str | None = None
    start_date: date | None = None
    location: str | None = None
    email: str | None = None
    active: bool | None = None


class ManagerIn(Schema):
    manager_id: int | None


class OrgNodeOut(Schema):
    id: int
    name: str
    title: str
    department: str
    level: str
    team: str
    children: list[OrgNodeOut]


OrgNodeOut.model_rebuild()


class SpanOut(Schema):
    manager_id: int
    name: str
    title: str
    department: str
    direct_reports: int
    wide: bool
    single: bool
    flag: str


def _in_fields(payload: PersonIn) -> dict[str, object]:
    fields = payload.dict()
    fields["manager"] = fields.pop("manager_id")
    fields["user"] = fields.pop("username")
    return fields


@router.get("/people", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def list_people(request: HttpRequest, department: str | None = None) -> object:
    """Active people by name (paged), optionally of one department."""
    return services.list_people(request.user, department=department)  # type: ignore[arg-type]


@router.get("/people/{person_id}", response=PersonDetailOut)
def get_person(request: HttpRequest, person_id: int) -> dict[str, object]:
    """One person with their reporting chain (nearest manager first) and direct reports."""
    person = services.get_person(request.user, person_id)  # type: ignore[arg-type]
    return {
        **PersonOut.from_orm(person).dict(),
        "reporting_chain": services.reporting_chain(person),
        "direct_reports": list(person.reports.filter(active=True).order_by("name")),
    }


@router.post("/people", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> tuple[int, object]:
    """Add a person (needs team.manage)."""
    return 201, services.create_person(request.user, **_in_fields(payload))  # type: ignore[arg-type]


@router.patch("/people/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> object:
    """Change a person's fields (needs team.manage); move them with PUT .../manager."""
    return services.update_person(request.user, person_id, **payload.dict(exclude_unset=True))  # type: ignore[arg-type]


@router.put("/people/{person_id}/manager", response=PersonOut)
def move_person(request: HttpRequest, person_id: int, payload: ManagerIn) -> object:
    """Change a person's manager (null: the top); a reporting cycle is refused (needs team.manage)."""
    return services.move(request.user, person_id, payload.manager_id)  # type: ignore[arg-type]


@router.get("/org", response=list[OrgNodeOut])
def org(request: HttpRequest) -> list[OrgNode]:
    """The reporting hierarchy as a tree (a list of roots; normally one)."""
    return services.org_tree(request.user)  # type: ignore[arg-type]


@router.get("/spans", response=list[SpanOut])
def spans(request: HttpRequest) -> object:
    """Direct reports per manager, most first, flagged when wider than 8 or only 1."""
    return services.spans_of_control(request.user).spans  # type: ignore[arg-type]
