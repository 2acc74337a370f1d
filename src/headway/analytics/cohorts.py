"""Use cases of cohorts: saved sets of persons defined by behaviour or by event property.

A cohort is "the persons who did ``event`` (any event when left out) at least ``min_count`` times in the
last ``days`` days, on events matching ``where``": "did purchase at least 2 times in the last 30 days" is
``{"event": "purchase", "min_count": 2, "days": 30}``; "used the plus plan" is ``{"where": ["plan:eq:plus"]}``.
Membership is computed when an insight uses the cohort (the last ``days`` end today in the workspace's time
zone), so a cohort follows the data.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone as dj_timezone
from pydantic import BaseModel, Field, field_validator

from headway.analytics.models import Cohort
from headway.core import audit
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, has_perm


class CohortDefinition(BaseModel):
    """Who belongs: persons with at least ``min_count`` matching events in the last ``days`` days."""

    event: str | None = Field(None, description="Event name; leave out for any event.")
    where: list[str] = Field(default_factory=list, description="Filters as property:op:value.")
    min_count: int = Field(1, description="At least this many matching events.")
    days: int = Field(30, description="In the last this many days (today included).")

    @field_validator("where")
    @classmethod
    def _filters_parse(cls, value: list[str]) -> list[str]:
        from headway.analytics.services import parse_filter

        for text in value:
            parse_filter(text)
        return value

    @field_validator("event")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return (value.strip() or None) if value is not None else None


def definition(data: CohortDefinition | dict[str, Any]) -> CohortDefinition:
    """Validate a cohort definition given as plain data, with the fix in the message."""
    from pydantic import ValidationError as PydanticError

    if isinstance(data, CohortDefinition):
        clean = data
    else:
        try:
            clean = CohortDefinition.model_validate(data)
        except PydanticError as exc:
            problems = {".".join(str(p) for p in e["loc"]) or "definition": e["msg"] for e in exc.errors()}
            raise ValidationError("The cohort definition is not valid: "
                                  + "; ".join(f"{k}: {v}" for k, v in problems.items()) + ".",
                                  details=problems) from None
    if clean.min_count < 1:
        raise ValidationError(f"min_count must be at least 1, not {clean.min_count}.",
                              details={"min_count": clean.min_count})
    if not 1 <= clean.days <= 3650:
        raise ValidationError(f"days must be from 1 to 3650, not {clean.days}: e.g. 30 for the last 30 days.",
                              details={"days": clean.days})
    if clean.event is None and not clean.where:
        raise ValidationError("A cohort needs an event, a filter or both: e.g. event purchase with min_count 2, "
                              "or where plan:eq:plus.", details={})
    return clean


def describe(clean: CohortDefinition) -> str:
    """The definition in words: "did purchase at least 2 times in the last 30 days (device:eq:mobile)"."""
    what = f"did {clean.event}" if clean.event else "did any event"
    times = f" at least {clean.min_count} times" if clean.min_count > 1 else ""
    where = f" ({', '.join(clean.where)})" if clean.where else ""
    return f"{what}{times} in the last {clean.days} days{where}"


# --- CRUD ----------------------------------------------------------------------------------------------


def list_cohorts(actor: User | None) -> QuerySet[Cohort]:
    """Every cohort, by name."""
    from headway.analytics.services import _check

    _check(actor, Perm.VIEW_WORKSPACE)
    return Cohort.objects.select_related("owner").all()


def get_cohort(actor: User | None, cohort_id: int) -> Cohort:
    """One cohort, or NotFound that says how to list them."""
    from headway.analytics.services import _check

    _check(actor, Perm.VIEW_WORKSPACE)
    try:
        if not 0 < cohort_id < 2**63:
            raise Cohort.DoesNotExist
        return Cohort.objects.select_related("owner").get(pk=cohort_id)
    except Cohort.DoesNotExist:
        raise NotFound(f"There is no cohort {cohort_id}: `headway insight cohorts` or GET /api/v1/cohorts "
                       "lists them.") from None


def _clean_name(name: str, pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("Give the cohort a name of 1 to 200 characters.", details={"name": name})
    if Cohort.objects.filter(name=name).exclude(pk=pk).exists():
        raise ValidationError(f"There is already a cohort named {name!r}: pick another name.",
                              details={"name": name})
    return name


def _check_owner(actor: User | None, cohort: Cohort) -> None:
    if actor is None or cohort.owner_id == actor.pk or has_perm(actor, Perm.EDIT_WORKSPACE):
        return
    raise PermissionDenied(f"The cohort {cohort.name!r} belongs to {cohort.owner}: only its owner or an admin can "
                           "change it; create your own instead.")


@transaction.atomic
def create_cohort(actor: User | None, name: str, data: CohortDefinition | dict[str, Any], *,
                  description: str = "") -> Cohort:
    """Save a cohort under a unique name (any user may; they own it)."""
    from headway.analytics.services import _check

    _check(actor, Perm.VIEW_WORKSPACE)
    clean = definition(data)
    cohort = Cohort.objects.create(name=_clean_name(name), description=description.strip(),
                                   definition=clean.model_dump(mode="json", exclude_defaults=True), owner=actor)
    audit.record(actor, AuditEvent.Action.CREATE, cohort, summary=f"cohort {cohort.name} saved")
    return cohort


@transaction.atomic
def update_cohort(actor: User | None, cohort_id: int, *, name: str | None = None,
                  data: CohortDefinition | dict[str, Any] | None = None, description: str | None = None) -> Cohort:
    """Rename, redefine or describe a cohort (its owner or an admin)."""
    cohort = get_cohort(actor, cohort_id)
    _check_owner(actor, cohort)
    before = {"name": cohort.name, "definition": cohort.definition, "description": cohort.description}
    if name is not None:
        cohort.name = _clean_name(name, cohort.pk)
    if data is not None:
        cohort.definition = definition(data).model_dump(mode="json", exclude_defaults=True)
    if description is not None:
        cohort.description = description.strip()
    cohort.save()
    after = {"name": cohort.name, "definition": cohort.definition, "description": cohort.description}
    audit.record(actor, AuditEvent.Action.UPDATE, cohort, summary=f"cohort {cohort.name} changed",
                 changes=audit.diff(before, after))
    return cohort


@transaction.atomic
def delete_cohort(actor: User | None, cohort_id: int) -> None:
    """Delete a cohort (its owner or an admin)."""
    cohort = get_cohort(actor, cohort_id)
    _check_owner(actor, cohort)
    audit.record(actor, AuditEvent.Action.DELETE, cohort, summary=f"cohort {cohort.name} deleted")
    cohort.delete()


# --- membership ----------------------------------------------------------------------------------------


def _window(clean: CohortDefinition) -> tuple[Any, Any]:
    from headway.analytics.services import _zone, workspace_timezone

    tz, _ = workspace_timezone()
    today = dj_timezone.now().astimezone(_zone(tz)).date()
    return today - timedelta(days=clean.days - 1), today


def members(actor: User | None, cohort_id: int) -> list[str]:
    """The persons in a cohort now, sorted."""
    from headway.analytics.services import open_store

    cohort = get_cohort(actor, cohort_id)
    with open_store() as store:
        return _members(store, definition(cohort.definition))


def _members(store: Any, clean: CohortDefinition) -> list[str]:
    from headway.analytics.services import parse_filter

    date_from, date_to = _window(clean)
    return list(store.cohort_persons(
        event=clean.event, where=[parse_filter(w) for w in clean.where], min_count=clean.min_count,
        date_from=date_from, date_to=date_to,
    ))


def as_filter(store: Any, cohort_id: int) -> Any:
    """The engine filter that keeps only the events of a cohort's persons (for every insight's ``where``)."""
    cohort = get_cohort(None, cohort_id)
    persons = _members(store, definition(cohort.definition))
    return store.in_persons(persons)
