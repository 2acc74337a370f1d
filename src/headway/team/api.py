"""API for people and the org chart: /api/v1/team/..."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from headway.core.http import AuthedRequest, actor_of, invalid_when
from headway.core.pagination import Pages
from headway.core.request_rules import omittable, one_of, required_text, stated, text_pattern
from headway.team import services
from headway.team.engine.ladder import ladder_to_dict
from headway.team.engine.org import OrgNode
from headway.team.models import Department, Person, Specialisation, Track
from headway.team.services import checkins, jobs, ladders

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

    @staticmethod
    def resolve_reporting_chain(obj: Person) -> list[Person]:
        return services.reporting_chain(obj)

    @staticmethod
    def resolve_direct_reports(obj: Person) -> list[Person]:
        return list(obj.reports.filter(active=True).order_by("name"))


EMAIL = r"^([^ ]*@[^ ]*)?$"  # people.update_person's rule: blank, or an @ and no space
PERSON_REFERENCES = ("the level is not one of the workspace ladder's levels, or the manager or username does not "
                     "exist")


class PersonRequest(Schema):
    name: str = required_text(150)
    title: str = required_text(150)
    department: str = one_of(Department.values, Department.PRODUCT.value)
    level: str = ""
    track: str = one_of(Track.values, Track.IC.value)
    specialisation: str = one_of(["", *Specialisation.values], "")
    team: str = ""
    manager_id: int | None = None
    start_date: date | None = None
    location: str = ""
    email: str = stated("", pattern=EMAIL)
    username: str | None = None


class PersonPatchRequest(Schema):
    name: str = omittable(minLength=1, pattern=text_pattern(150))
    title: str = omittable(minLength=1, pattern=text_pattern(150))
    department: str = omittable(Department.values)
    level: str | None = None
    track: str = omittable(Track.values)
    specialisation: str | None = one_of([None, "", *Specialisation.values], None)
    team: str | None = None
    start_date: date | None = None
    location: str | None = None
    email: str | None = stated(None, pattern=EMAIL)
    active: bool = omittable()


class ManagerRequest(Schema):
    manager_id: int | None


def _in_fields(payload: PersonRequest) -> dict[str, object]:
    fields = payload.dict()
    fields["manager"] = fields.pop("manager_id")
    fields["user"] = fields.pop("username")
    return fields


@router.get("/people", response=list[PersonOut])
@paginate(Pages, page_size=50)
def list_people(request: AuthedRequest, department: str | None = None) -> QuerySet[Person]:
    """Active people by name (paged), optionally of one department."""
    return services.list_people(actor_of(request), department=department)


@router.get("/people/{person_id}", response=PersonDetailOut)
def get_person(request: AuthedRequest, person_id: int) -> Person:
    """One person with their reporting chain (nearest manager first) and direct reports."""
    return services.get_person(actor_of(request), person_id)


@router.post("/people", response={201: PersonOut}, openapi_extra=invalid_when(PERSON_REFERENCES))
def create_person(request: AuthedRequest, payload: PersonRequest) -> Status[Person]:
    """Add a person (needs team.manage)."""
    return Status(201, services.create_person(actor_of(request), **_in_fields(payload)))


@router.patch("/people/{person_id}", response=PersonOut, openapi_extra=invalid_when(PERSON_REFERENCES))
def update_person(request: AuthedRequest, person_id: int, payload: PersonPatchRequest) -> Person:
    """Change a person's fields (needs team.manage); move them with PUT .../manager."""
    return services.update_person(actor_of(request), person_id, **payload.dict(exclude_unset=True))


@router.put("/people/{person_id}/manager", response=PersonOut,
            openapi_extra=invalid_when("the manager does not exist, or the move would make a reporting cycle"))
def move_person(request: AuthedRequest, person_id: int, payload: ManagerRequest) -> Person:
    """Change a person's manager (null: the top); a reporting cycle is refused (needs team.manage)."""
    return services.move(actor_of(request), person_id, payload.manager_id)


@router.get("/org", response=list[OrgNode])
def org(request: AuthedRequest) -> list[OrgNode]:
    """The reporting hierarchy as a tree (a list of roots; normally one)."""
    return services.org_tree(actor_of(request))


@router.get("/spans", response=list[services.SpanOfControl])
def spans(request: AuthedRequest) -> list[services.SpanOfControl]:
    """Direct reports per manager, most first, flagged when wider than 8 or only 1."""
    return services.spans_of_control(actor_of(request)).spans


# --- ladder, check-ins, reviews, readiness, job descriptions, privacy -----------------------------------
# Every endpoint calls the same service function as the CLI and the web page; the service checks access.


class LadderEditRequest(Schema):
    op: ladders.EditOp
    args: ladders.LadderEditArgs = ladders.LadderEditArgs()
    note: str = ""


class LadderVersionOut(Schema):
    version: int
    name: str
    change_note: str
    created_by: str | None
    created_at: datetime

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        return obj.created_by.username if obj.created_by else None


@router.get("/ladder", response=dict[str, Any])
def ladder(request: AuthedRequest, version: int | None = None) -> dict[str, Any]:
    """The career ladder (newest version, or ``version``) as the engine's plain data."""
    actor = actor_of(request)
    lad = ladders.ladder_at(actor, version) if version else ladders.current_ladder(actor)
    return ladder_to_dict(lad)


@router.get("/ladder/versions", response=list[LadderVersionOut])
def ladder_versions(request: AuthedRequest) -> list[Any]:
    """Every ladder version, newest first, with its change note."""
    return ladders.list_versions(actor_of(request))


@router.post("/ladder/edits", response={201: dict[str, Any]}, openapi_extra=invalid_when(
    "the arguments do not fit the ladder: a level, competency or area that does not exist, a name taken, or an "
    "argument the edit needs left blank"))
def edit_ladder(request: AuthedRequest, payload: LadderEditRequest) -> Status[dict[str, Any]]:
    """Apply one edit (rename-level, add-level, remove-level, add-competency, ...); returns the new version."""
    new = ladders.edit_ladder(actor_of(request), payload.op, note=payload.note,
                              **payload.args.model_dump(exclude_unset=True))
    return Status(201, ladder_to_dict(new))


class PairRequest(Schema):
    manager_id: int
    report_id: int
    cadence: str = "weekly"
    started: date | None = None


class AgendaRequest(Schema):
    text: str
    private: bool = False


class ActionRequest(Schema):
    text: str
    owner_id: int
    due: date | None = None


class CheckinRequest(Schema):
    on: date | None = None
    pulse: int | None = None
    pulse_comment: str = ""
    notes: str = ""
    done: list[int] = []
    actions_done: list[int] = []


class AgendaItemOut(Schema):
    id: int
    text: str
    private: bool


class ActionItemOut(Schema):
    id: int
    text: str
    owner_id: int
    due: date | None


@router.get("/checkins", response=list[checkins.PairReport])
def list_pairs(request: AuthedRequest) -> list[checkins.PairReport]:
    """The check-in pairs you may see, with when each is due next."""
    return checkins.pair_summaries(actor_of(request))


@router.post("/checkins", response={201: checkins.PairReport})
def create_pair(request: AuthedRequest, payload: PairRequest) -> Status[checkins.PairReport]:
    """Start check-ins between a manager and a report (the manager, or team.manage)."""
    actor = actor_of(request)
    pair = checkins.create_pair(actor, payload.manager_id, payload.report_id, payload.cadence, payload.started)
    # a new series holds no check-ins or agenda yet: its creator (a leader outside the pair too) sees its report
    return Status(201, checkins.pair_data(checkins.pair_view(None, pair.pk)))


@router.get("/checkins/overdue", response=list[checkins.OverdueLine])
def overdue(request: AuthedRequest, manager_id: int | None = None) -> list[checkins.OverdueLine]:
    """Overdue check-ins you may see (of one manager if given), most overdue first."""
    return checkins.overdue_data(checkins.overdue(actor_of(request), manager_id))


@router.get("/checkins/{pair_id}", response=checkins.PairReport)
def get_pair(request: AuthedRequest, pair_id: int) -> checkins.PairReport:
    """A pair's history, upcoming agenda (private items only for their author) and actions."""
    return checkins.pair_data(checkins.pair_view(actor_of(request), pair_id))


@router.post("/checkins/{pair_id}/agenda", response={201: AgendaItemOut})
def add_agenda(request: AuthedRequest, pair_id: int, payload: AgendaRequest) -> Status[Any]:
    """Add an agenda item for the next check-in."""
    return Status(201, checkins.add_agenda_item(actor_of(request), pair_id, payload.text, private=payload.private))


@router.post("/checkins/{pair_id}/actions", response={201: ActionItemOut})
def add_action(request: AuthedRequest, pair_id: int, payload: ActionRequest) -> Status[Any]:
    """Add an action item with an owner and a due date."""
    return Status(201, checkins.add_action_item(actor_of(request), pair_id, payload.text, payload.owner_id, payload.due))


@router.post("/checkins/{pair_id}/checkins", response={201: checkins.PairReport})
def record_checkin(request: AuthedRequest, pair_id: int, payload: CheckinRequest) -> Status[checkins.PairReport]:
    """Record a check-in; open agenda items carry over, ``done`` closes them."""
    actor = actor_of(request)
    checkins.record_checkin(actor, pair_id, on=payload.on, pulse=payload.pulse, pulse_comment=payload.pulse_comment,
                            notes=payload.notes, done=payload.done, actions_done=payload.actions_done)
    return Status(201, checkins.pair_data(checkins.pair_view(actor, pair_id)))


class CadenceRequest(Schema):
    cadence: str


@router.patch("/checkins/{pair_id}", response=checkins.PairReport)
def set_cadence(request: AuthedRequest, pair_id: int, payload: CadenceRequest) -> checkins.PairReport:
    """Change how often a pair meets (one of the pair)."""
    actor = actor_of(request)
    checkins.set_cadence(actor, pair_id, payload.cadence)
    return checkins.pair_data(checkins.pair_view(actor, pair_id))


@router.post("/checkins/{pair_id}/end", response=checkins.PairReport)
def end_pair(request: AuthedRequest, pair_id: int) -> checkins.PairReport:
    """End a check-in series (one of the pair); its history is kept."""
    actor = actor_of(request)
    checkins.end_pair(actor, pair_id)
    return checkins.pair_data(checkins.pair_view(actor, pair_id))


class JobDescriptionRequest(Schema):
    level: str
    specialisation: str = "core"
    team: str
    location: str
    mission: str = ""
    pay: dict[str, Any] | None = None
    about: str = ""


class PayRequest(Schema):
    """A pay range as jd.PayRange checks it (the maximum at least the minimum: ``x-invalid-when``)."""

    minimum: float = stated(exclusiveMinimum=0)
    maximum: float = stated(exclusiveMinimum=0)
    currency: str | None = stated(None, pattern=r"^[A-Za-z]{3}$")
    period: str = one_of(["year", "month", "hour"], "year")


class JobDescriptionPatchRequest(Schema):
    """Each part left out is kept; ``pay: null`` removes the pay range."""

    title: str = omittable()
    location: str = omittable()
    summary: str = omittable()
    responsibilities: list[str] = omittable()
    must_haves: list[str] = omittable()
    nice_to_haves: list[str] = omittable()
    about_company: str = omittable()
    pay: PayRequest | None = None
    note: str = ""


class JobDescriptionOut(Schema):
    id: int
    title: str
    level: str
    specialisation: str
    team: str
    location: str
    version: int


class JobDescriptionVersionOut(Schema):
    version: int
    note: str
    created_at: datetime


@router.get("/jds", response=list[JobDescriptionOut])
def list_jobs(request: AuthedRequest) -> list[Any]:
    """Job descriptions by title."""
    return jobs.list_jobs(actor_of(request))


@router.post("/jds", response={201: jobs.JobDetail})
def generate_job(request: AuthedRequest, payload: JobDescriptionRequest) -> Status[jobs.JobDetail]:
    """Generate a job description from a ladder level, a specialisation and a team (team.manage)."""
    actor = actor_of(request)
    job = jobs.generate(actor, **payload.dict())
    return Status(201, jobs.job_data(actor, job.pk))


@router.get("/jds/{job_id}", response=jobs.JobDetail)
def get_job(request: AuthedRequest, job_id: int) -> jobs.JobDetail:
    """A job description's newest version with its inclusive-language findings."""
    return jobs.job_data(actor_of(request), job_id)


@router.patch("/jds/{job_id}", response=jobs.JobDetail,
              openapi_extra=invalid_when("the pay maximum is below its minimum"))
def edit_job(request: AuthedRequest, job_id: int, payload: JobDescriptionPatchRequest) -> jobs.JobDetail:
    """Save a new version with the changed parts (team.manage)."""
    actor = actor_of(request)
    changes = payload.dict(exclude_unset=True)
    note = changes.pop("note", "")
    jobs.edit(actor, job_id, note=note, **changes)
    return jobs.job_data(actor, job_id)


@router.get("/jds/{job_id}/versions", response=list[JobDescriptionVersionOut])
def job_versions(request: AuthedRequest, job_id: int) -> list[Any]:
    """Saved versions, newest first."""
    return jobs.versions(actor_of(request), job_id)


@router.get("/jds/{job_id}/export", response=None)
def export_job(request: AuthedRequest, job_id: int, format: str = "markdown",
               version: int | None = None) -> HttpResponse:
    """The job description as Markdown (``format=markdown``) or HTML (``format=html``)."""
    out = jobs.export(actor_of(request), job_id, format, version)
    response = HttpResponse(out.text, content_type=f"{out.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{out.filename}"'
    return response
