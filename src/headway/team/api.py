"""API for people and the org chart: /api/v1/team/..."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from headway.core.pagination import Pages
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
@paginate(Pages, page_size=50)
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


# --- ladder, check-ins, reviews, readiness, job descriptions, privacy -----------------------------------
# Every endpoint calls the same service function as the CLI and the web page; the service checks access.

from typing import Any  # noqa: E402

from django.http import HttpResponse  # noqa: E402

from headway.team import checkins, jobs, ladders, privacy, readiness, reviews  # noqa: E402
from headway.team.engine.ladder import ladder_to_dict  # noqa: E402


def _actor(request: HttpRequest) -> Any:
    return request.user


class LadderEditIn(Schema):
    op: ladders.EditOp
    args: ladders.LadderEditArgs = ladders.LadderEditArgs()
    note: str = ""


@router.get("/ladder", response=dict)
def ladder(request: HttpRequest, version: int | None = None) -> dict[str, Any]:
    """The career ladder (newest version, or ``version``) as the engine's plain data."""
    lad = ladders.ladder_at(_actor(request), version) if version else ladders.current_ladder(_actor(request))
    return ladder_to_dict(lad)


@router.get("/ladder/versions", response=list[dict])
def ladder_versions(request: HttpRequest) -> list[dict[str, Any]]:
    """Every ladder version, newest first, with its change note."""
    return [{"version": v.version, "name": v.name, "change_note": v.change_note,
             "created_by": v.created_by.username if v.created_by else None, "created_at": v.created_at}
            for v in ladders.list_versions(_actor(request))]


@router.post("/ladder/edits", response={201: dict})
def edit_ladder(request: HttpRequest, payload: LadderEditIn) -> tuple[int, dict[str, Any]]:
    """Apply one edit (rename-level, add-level, remove-level, add-competency, ...); returns the new version."""
    new = ladders.edit_ladder(_actor(request), payload.op, note=payload.note,
                              **payload.args.model_dump(exclude_unset=True))
    return 201, ladder_to_dict(new)


class PairIn(Schema):
    manager_id: int
    report_id: int
    cadence: str = "weekly"
    started: date | None = None


class AgendaIn(Schema):
    text: str
    private: bool = False


class ActionIn(Schema):
    text: str
    owner_id: int
    due: date | None = None


class CheckinIn(Schema):
    on: date | None = None
    pulse: int | None = None
    pulse_comment: str = ""
    notes: str = ""
    done: list[int] = []
    actions_done: list[int] = []


@router.get("/checkins", response=list[dict])
def list_pairs(request: HttpRequest) -> list[dict[str, Any]]:
    """The check-in pairs you may see, with when each is due next."""
    return [checkins.pair_data(checkins.pair_view(_actor(request), p.pk)) | {"checkins": None}
            for p in checkins.list_pairs(_actor(request))]


@router.post("/checkins", response={201: dict})
def create_pair(request: HttpRequest, payload: PairIn) -> tuple[int, dict[str, Any]]:
    """Start check-ins between a manager and a report (the manager, or team.manage)."""
    pair = checkins.create_pair(_actor(request), payload.manager_id, payload.report_id, payload.cadence,
                                payload.started)
    return 201, checkins.pair_data(checkins.pair_view(_actor(request), pair.pk))


@router.get("/checkins/overdue", response=list[dict])
def overdue(request: HttpRequest, manager_id: int | None = None) -> list[dict[str, Any]]:
    """Overdue check-ins you may see (of one manager if given), most overdue first."""
    return checkins.overdue_data(checkins.overdue(_actor(request), manager_id))


@router.get("/checkins/{pair_id}", response=dict)
def get_pair(request: HttpRequest, pair_id: int) -> dict[str, Any]:
    """A pair's history, upcoming agenda (private items only for their author) and actions."""
    return checkins.pair_data(checkins.pair_view(_actor(request), pair_id))


@router.post("/checkins/{pair_id}/agenda", response={201: dict})
def add_agenda(request: HttpRequest, pair_id: int, payload: AgendaIn) -> tuple[int, dict[str, Any]]:
    """Add an agenda item for the next check-in."""
    item = checkins.add_agenda_item(_actor(request), pair_id, payload.text, private=payload.private)
    return 201, {"id": item.pk, "text": item.text, "private": item.private}


@router.post("/checkins/{pair_id}/actions", response={201: dict})
def add_action(request: HttpRequest, pair_id: int, payload: ActionIn) -> tuple[int, dict[str, Any]]:
    """Add an action item with an owner and a due date."""
    action = checkins.add_action_item(_actor(request), pair_id, payload.text, payload.owner_id, payload.due)
    return 201, {"id": action.pk, "text": action.text, "owner_id": action.owner_id, "due": action.due}


@router.post("/checkins/{pair_id}/checkins", response={201: dict})
def record_checkin(request: HttpRequest, pair_id: int, payload: CheckinIn) -> tuple[int, dict[str, Any]]:
    """Record a check-in; open agenda items carry over, ``done`` closes them."""
    checkins.record_checkin(_actor(request), pair_id, on=payload.on, pulse=payload.pulse,
                            pulse_comment=payload.pulse_comment, notes=payload.notes, done=payload.done,
                            actions_done=payload.actions_done)
    return 201, checkins.pair_data(checkins.pair_view(_actor(request), pair_id))


class CycleIn(Schema):
    name: str
    reviewee_ids: list[int] = []


class StateIn(Schema):
    to: str | None = None


class IdsIn(Schema):
    ids: list[int]


class DecisionIn(Schema):
    approve: bool = True


class ResponseIn(Schema):
    ratings: dict[str, int]
    comment: str = ""


class CalibrationIn(Schema):
    performance: int | None = None
    potential: int | None = None
    notes: str | None = None


class ThresholdIn(Schema):
    threshold: int


@router.get("/reviews/threshold", response=dict)
def get_threshold(request: HttpRequest) -> dict[str, int]:
    """The anonymity threshold of review results."""
    return {"threshold": reviews.threshold()}


@router.put("/reviews/threshold", response=dict)
def put_threshold(request: HttpRequest, payload: ThresholdIn) -> dict[str, int]:
    """Change the anonymity threshold (admins; never below 2)."""
    return {"threshold": reviews.set_threshold(_actor(request), payload.threshold)}


@router.get("/reviews/todo", response=list[dict])
def todo(request: HttpRequest) -> list[dict[str, Any]]:
    """The reviews you are asked to write in collecting cycles."""
    return [{"nomination_id": a.nomination.pk, "cycle_id": a.review.cycle_id, "cycle": a.review.cycle.name,
             "reviewee": a.review.reviewee.name, "group": a.nomination.group, "submitted": a.submitted}
            for a in reviews.my_assignments(_actor(request))]


@router.get("/reviews/cycles", response=list[dict])
def cycles(request: HttpRequest) -> list[dict[str, Any]]:
    """Review cycles, newest first."""
    return [reviews.cycle_data(c) for c in reviews.list_cycles(_actor(request))]


@router.post("/reviews/cycles", response={201: dict})
def create_cycle(request: HttpRequest, payload: CycleIn) -> tuple[int, dict[str, Any]]:
    """A draft cycle on the current ladder (team.manage)."""
    return 201, reviews.cycle_data(reviews.create_cycle(_actor(request), payload.name, payload.reviewee_ids))


@router.get("/reviews/cycles/{cycle_id}", response=dict)
def cycle(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """A cycle with its questions (competencies and their anchors)."""
    c = reviews.get_cycle(_actor(request), cycle_id)
    return {**reviews.cycle_data(c), "questions": [q.__dict__ for q in reviews.questions(c)]}


@router.post("/reviews/cycles/{cycle_id}/advance", response=dict)
def advance(request: HttpRequest, cycle_id: int, payload: StateIn) -> dict[str, Any]:
    """Move the cycle to its next state (team.manage)."""
    return reviews.cycle_data(reviews.advance(_actor(request), cycle_id, payload.to))


@router.post("/reviews/cycles/{cycle_id}/reviewees", response={201: dict})
def add_reviewees(request: HttpRequest, cycle_id: int, payload: IdsIn) -> tuple[int, dict[str, Any]]:
    """Add reviewees to a draft or nominating cycle (team.manage)."""
    for pid in payload.ids:
        reviews.add_reviewee(_actor(request), cycle_id, pid)
    return 201, reviews.cycle_data(reviews.get_cycle(_actor(request), cycle_id))


@router.get("/reviews/cycles/{cycle_id}/progress", response=list[dict])
def progress(request: HttpRequest, cycle_id: int) -> list[dict[str, Any]]:
    """Responses received against expected per reviewee and group: counts, never content."""
    return reviews.progress_data(reviews.progress(_actor(request), cycle_id))


@router.get("/reviews/cycles/{cycle_id}/ninebox", response=dict)
def ninebox(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    """The nine-box of the reviewees you manage, from the manager's ratings."""
    return reviews.nine_box_data(reviews.nine_box(_actor(request), cycle_id))


@router.get("/reviews/cycles/{cycle_id}/reviewees/{person_id}/nominations", response=list[dict])
def nominations(request: HttpRequest, cycle_id: int, person_id: int) -> list[dict[str, Any]]:
    """Who is asked to review (reviewee and managers); not who has submitted."""
    return [{"id": n.pk, "reviewer_id": n.reviewer_id, "reviewer": n.reviewer.name, "group": n.group,
             "status": n.status} for n in reviews.list_nominations(_actor(request), cycle_id, person_id)]


@router.post("/reviews/cycles/{cycle_id}/reviewees/{person_id}/nominations", response={201: list[dict]})
def nominate(request: HttpRequest, cycle_id: int, person_id: int, payload: IdsIn) -> tuple[int, list[dict[str, Any]]]:
    """The reviewee proposes reviewers."""
    made = reviews.nominate(_actor(request), cycle_id, person_id, payload.ids)
    return 201, [{"id": n.pk, "reviewer": n.reviewer.name, "group": n.group, "status": n.status} for n in made]


@router.post("/reviews/nominations/{nomination_id}/decision", response=dict)
def decide(request: HttpRequest, nomination_id: int, payload: DecisionIn) -> dict[str, Any]:
    """The reviewee's manager approves or declines a nomination."""
    n = reviews.decide(_actor(request), nomination_id, payload.approve)
    return {"id": n.pk, "status": n.status}


@router.post("/reviews/nominations/{nomination_id}/response", response={201: dict})
def respond(request: HttpRequest, nomination_id: int, payload: ResponseIn) -> tuple[int, dict[str, str]]:
    """Submit your review once; nothing of it is returned."""
    reviews.respond(_actor(request), nomination_id, payload.ratings, payload.comment)
    return 201, {"status": "submitted"}


@router.get("/reviews/cycles/{cycle_id}/reviewees/{person_id}/results", response=dict)
def results(request: HttpRequest, cycle_id: int, person_id: int) -> dict[str, Any]:
    """Anonymous results (reviewee once released; management chain from calibration); audited."""
    return reviews.results_data(reviews.results(_actor(request), cycle_id, person_id))


@router.put("/reviews/cycles/{cycle_id}/reviewees/{person_id}/calibration", response=dict)
def calibrate(request: HttpRequest, cycle_id: int, person_id: int, payload: CalibrationIn) -> dict[str, Any]:
    """The manager's performance and potential (1–5) and private notes."""
    r = reviews.calibrate(_actor(request), cycle_id, person_id, **payload.dict(exclude_unset=True))
    return {"reviewee_id": r.reviewee_id, "performance": r.performance, "potential": r.potential}


@router.get("/people/{person_id}/readiness", response=dict)
def person_readiness(request: HttpRequest, person_id: int, target: str | None = None) -> dict[str, Any]:
    """Promotion readiness against the next level, with gaps and evidence you may see."""
    return readiness.readiness_data(readiness.promotion_readiness(_actor(request), person_id, target=target))


@router.get("/me/export", response=dict)
def export_my_data(request: HttpRequest) -> dict[str, Any]:
    """All data about you (your linked person), as JSON."""
    return privacy.export_person_data(_actor(request))


@router.delete("/people/{person_id}/data", response=dict)
def delete_person_data(request: HttpRequest, person_id: int) -> dict[str, int]:
    """Erase a person's data on request (admins); returns what was removed."""
    return privacy.delete_person_data(_actor(request), person_id)


class JobIn(Schema):
    level: str
    specialisation: str = "core"
    team: str
    location: str
    mission: str = ""
    pay: dict[str, Any] | None = None
    about: str = ""


class JobPatch(Schema):
    title: str | None = None
    location: str | None = None
    summary: str | None = None
    responsibilities: list[str] | None = None
    must_haves: list[str] | None = None
    nice_to_haves: list[str] | None = None
    about_company: str | None = None
    pay: dict[str, Any] | None = None
    note: str = ""


@router.get("/jds", response=list[dict])
def list_jobs(request: HttpRequest) -> list[dict[str, Any]]:
    """Job descriptions by title."""
    return [{"id": j.pk, "title": j.title, "level": j.level, "specialisation": j.specialisation, "team": j.team,
             "location": j.location, "version": j.version} for j in jobs.list_jobs(_actor(request))]


@router.post("/jds", response={201: dict})
def generate_job(request: HttpRequest, payload: JobIn) -> tuple[int, dict[str, Any]]:
    """Generate a job description from a ladder level, a specialisation and a team (team.manage)."""
    job = jobs.generate(_actor(request), **payload.dict())
    return 201, jobs.job_data(_actor(request), job.pk)


@router.get("/jds/{job_id}", response=dict)
def get_job(request: HttpRequest, job_id: int) -> dict[str, Any]:
    """A job description's newest version with its inclusive-language findings."""
    return jobs.job_data(_actor(request), job_id)


@router.patch("/jds/{job_id}", response=dict)
def edit_job(request: HttpRequest, job_id: int, payload: JobPatch) -> dict[str, Any]:
    """Save a new version with the changed parts (team.manage)."""
    changes = payload.dict(exclude_unset=True)
    note = changes.pop("note", "")
    jobs.edit(_actor(request), job_id, note=note, **changes)
    return jobs.job_data(_actor(request), job_id)


@router.get("/jds/{job_id}/versions", response=list[dict])
def job_versions(request: HttpRequest, job_id: int) -> list[dict[str, Any]]:
    """Saved versions, newest first."""
    return [{"version": v.version, "note": v.note, "created_at": v.created_at}
            for v in jobs.versions(_actor(request), job_id)]


@router.get("/jds/{job_id}/export", response=None)
def export_job(request: HttpRequest, job_id: int, format: str = "markdown",
               version: int | None = None) -> HttpResponse:
    """The job description as Markdown (``format=markdown``) or HTML (``format=html``)."""
    out = jobs.export(_actor(request), job_id, format, version)
    response = HttpResponse(out.text, content_type=f"{out.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{out.filename}"'
    return response
