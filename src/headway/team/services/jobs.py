"""Job descriptions: generated from the ladder by the engine, edited as versions, exported, checked.

Reading needs ``Perm.VIEW_WORKSPACE``; generating and editing need ``Perm.MANAGE_TEAM``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from pydantic import BaseModel

from headway.core import audit
from headway.core import services as core_services
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.team.engine import jd as engine
from headway.team.engine.inclusive import LanguageFinding
from headway.team.models import JobDescription, JobDescriptionVersion
from headway.team.services import ladders

DEFAULT_ABOUT = "{name} builds products its customers rely on every day."
EDITABLE = ("title", "location", "summary", "responsibilities", "must_haves", "nice_to_haves", "about_company",
            "pay")


class JobText(BaseModel):
    """The text of a job description (the engine's :class:`JobDescription` as a typed, JSON-ready result)."""

    title: str
    company: str
    team: str
    location: str
    level: str
    specialisation: str
    summary: str
    responsibilities: list[str]
    must_haves: list[str]
    nice_to_haves: list[str]
    pay: engine.PayRange | None
    about_company: str


class JobDetail(JobText):
    """A job description's newest version with its pay text, the laws that require a pay range where it is,
    and its inclusive-language findings."""

    id: int
    version: int
    pay_text: str | None
    pay_required_by: list[str]
    findings: list[LanguageFinding]


def to_data(jd: engine.JobDescription) -> JobText:
    """A job description as its typed text (``.model_dump()`` is what a version stores)."""
    return JobText.model_validate(dataclasses.asdict(jd))


def from_data(data: dict[str, Any]) -> engine.JobDescription:
    """A job description back from :func:`to_data` (validated by the engine)."""
    pay = data.get("pay")
    fields = {**data, "pay": engine.PayRange(**pay) if pay else None}
    for key in ("responsibilities", "must_haves", "nice_to_haves"):
        fields[key] = tuple(fields.get(key) or ())
    try:
        return engine.validate_job_description(engine.JobDescription(**fields))
    except TypeError as exc:
        raise ValidationError(f"Stored job description data is malformed ({exc}).") from None


def _pay(value: Any) -> engine.PayRange | None:
    if value in (None, "", {}):
        return None
    if isinstance(value, engine.PayRange):
        return value
    try:
        currency = value.get("currency") or core_services.get_workspace().currency
        return engine.PayRange(float(value["minimum"]), float(value["maximum"]), str(currency).upper(),
                               str(value.get("period", "year")))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ValidationError("A pay range needs minimum and maximum numbers (and optionally currency, "
                              "period): e.g. {\"minimum\": 90000, \"maximum\": 120000}.") from None


def _save_version(actor: User | None, job: JobDescription, jd: engine.JobDescription, note: str) -> None:
    JobDescriptionVersion.objects.create(job=job, version=job.version, data=to_data(jd).model_dump(), note=note[:300],
                                         created_by=actor)


@transaction.atomic
def generate(actor: User | None, *, level: str, specialisation: str, team: str, location: str,
             mission: str = "", pay: Any = None, about: str = "") -> JobDescription:
    """A new job description drafted by the engine from the current ladder."""
    check(actor, Perm.MANAGE_TEAM)
    ws = core_services.get_workspace()
    ladder = ladders.current_ladder(None)
    jd = engine.generate_job_description(
        ladder, level, specialisation, engine.Team(team.strip(), mission), engine.Company(
            ws.name, about.strip() or DEFAULT_ABOUT.format(name=ws.name)),
        location=location.strip(), pay=_pay(pay))
    job = JobDescription.objects.create(title=jd.title, level=jd.level, specialisation=jd.specialisation,
                                        team=jd.team, location=jd.location)
    _save_version(actor, job, jd, f"generated from ladder v{ladder.version}")
    audit.record(actor, AuditEvent.Action.CREATE, job, summary=f"job description {jd.title} generated")
    return job


def list_jobs(actor: User | None) -> list[JobDescription]:
    """Every job description by title."""
    check(actor, Perm.VIEW_WORKSPACE)
    return list(JobDescription.objects.all())


def get_job(actor: User | None, job_id: int) -> JobDescription:
    """One job description, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    job = JobDescription.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"There is no job description {job_id}: `headway jd list` shows them.")
    return job


def content(actor: User | None, job_id: int, version: int | None = None) -> engine.JobDescription:
    """The text of a job description at ``version`` (default: the newest)."""
    job = get_job(actor, job_id)
    row = job.versions.filter(version=version or job.version).first()
    if row is None:
        raise NotFound(f"{job.title} has no version {version}: it has versions 1 to {job.version}.")
    return from_data(row.data)


@transaction.atomic
def edit(actor: User | None, job_id: int, note: str = "", **changes: Any) -> JobDescription:
    """Save a new version with ``changes`` (title, location, summary, lists, about_company, pay)."""
    check(actor, Perm.MANAGE_TEAM)
    job = get_job(None, job_id)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationError(f"Cannot edit {', '.join(unknown)}: the editable parts are {', '.join(EDITABLE)}.")
    missing = sorted(key for key, value in changes.items() if value is None and key != "pay")
    if missing:
        raise ValidationError(f"{', '.join(missing)} cannot be null: send the new text (or list), or leave it out "
                              "to keep it; only pay may be null, to remove the pay range.",
                              details={key: "null" for key in missing})
    if "pay" in changes:
        changes["pay"] = _pay(changes["pay"])
    jd = engine.update_job_description(content(None, job_id), **changes)
    job.version += 1
    job.title, job.location = jd.title, jd.location
    job.save()
    _save_version(actor, job, jd, note or f"edited {', '.join(sorted(changes))}")
    audit.record(actor, AuditEvent.Action.UPDATE, job, summary=f"job description {jd.title} v{job.version}")
    return job


def versions(actor: User | None, job_id: int) -> list[JobDescriptionVersion]:
    """The saved versions of a job description, newest first."""
    return list(get_job(actor, job_id).versions.select_related("created_by"))


@dataclass(frozen=True)
class Export:
    """An exported job description: its text and the media type."""

    text: str
    media_type: str
    filename: str


def export(actor: User | None, job_id: int, fmt: str = "markdown", version: int | None = None) -> Export:
    """The job description as Markdown or an HTML fragment."""
    jd = content(actor, job_id, version)
    name = "-".join("".join(c if c.isalnum() else " " for c in jd.title.lower()).split())
    if fmt in ("md", "markdown"):
        return Export(engine.to_markdown(jd), "text/markdown", f"{name}.md")
    if fmt == "html":
        return Export(engine.to_html(jd), "text/html", f"{name}.html")
    raise ValidationError(f"Unknown export format {fmt!r}: use markdown or html.")


def findings(actor: User | None, job_id: int) -> tuple[LanguageFinding, ...]:
    """Inclusive-language findings of the newest version."""
    return engine.check_job_description(content(actor, job_id))


def job_data(actor: User | None, job_id: int) -> JobDetail:
    """A job description's newest version with its inclusive-language findings."""
    job = get_job(actor, job_id)
    jd = content(None, job_id)
    return JobDetail(
        id=job.pk, version=job.version, **dict(to_data(jd)),
        pay_text=jd.pay.text() if jd.pay else None,
        pay_required_by=[r.law for r in engine.pay_rules_for(jd.location)],
        findings=list(engine.check_job_description(jd)),
    )
