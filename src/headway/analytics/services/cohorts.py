"""Cohorts: saved sets of persons defined by behaviour or by event property.

A cohort is a list of rules, all of which (``match: all``) or any of which (``match: any``) a person meets:
a behaviour rule ``{"event": "purchase", "min_count": 2, "days": 30}`` is "did purchase at least 2 times in the
last 30 days" (``max_count`` bounds it above, ``where`` filters the events); a property rule
``{"property": "plan:eq:plus"}`` is "their latest event carrying plan says plus". Membership is computed by
the engine (``headway.analytics.engine.cohorts``) when an insight uses the cohort, so a cohort follows the data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from django.db import transaction
from django.db.models import QuerySet
from pydantic import BaseModel, Field, field_validator, model_validator

from headway.analytics.models import Cohort
from headway.analytics.services.filters import check_filters, parse_filter
from headway.analytics.services.store import open_store
from headway.core import audit
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check, has_perm
from headway.core.validation import validated

if TYPE_CHECKING:
    from headway.analytics.engine.cohorts import InCohort, PersonCohort


class CohortRule(BaseModel):
    """One rule: behaviour (``event`` with counts and days) or property (``property`` as property:op:value)."""

    event: str | None = Field(None, description="Behaviour: the event name.")
    min_count: int = Field(1, description="Behaviour: at least this many times.", json_schema_extra={"minimum": 0})
    max_count: int | None = Field(None, description="Behaviour: at most this many times.")
    days: int = Field(30, description="Behaviour: in the last this many days.",
                      json_schema_extra={"minimum": 1, "maximum": 3650})
    where: list[str] = Field(default_factory=list, description="Behaviour: filters on the events.")
    property: str | None = Field(None, description="Property: property:op:value on the latest event carrying it.")

    @field_validator("where")
    @classmethod
    def _filters_parse(cls, value: list[str]) -> list[str]:
        return check_filters(value)

    @model_validator(mode="after")
    def _one_kind(self) -> CohortRule:
        if (self.event is None) == (self.property is None):
            raise ValidationError("A cohort rule has either an event (did purchase at least 2 times in the last 30 "
                                  "days) or a property (plan:eq:plus), not both or neither.", details={})
        if self.property is not None:
            parse_filter(self.property)
        if self.min_count < 0 or (self.max_count is not None and self.max_count < self.min_count):
            raise ValidationError(f"min_count ({self.min_count}) must be 0 or more and at most max_count "
                                  f"({self.max_count}).", details={"min_count": self.min_count})
        if not 1 <= self.days <= 3650:
            raise ValidationError(f"days must be from 1 to 3650, not {self.days}: e.g. 30 for the last 30 days.",
                                  details={"days": self.days})
        return self


class CohortDefinition(BaseModel):
    """Who belongs: persons who meet all (or any) of the rules."""

    rules: list[CohortRule] = Field(default_factory=list, description="One or more rules.")
    match: Literal["all", "any"] = "all"

    @model_validator(mode="after")
    def _has_rules(self) -> CohortDefinition:
        if not self.rules:
            raise ValidationError("A cohort needs at least one rule, e.g. {\"event\": \"purchase\", "
                                  "\"min_count\": 2, \"days\": 30} or {\"property\": \"plan:eq:plus\"}.",
                                  details={"rules": []})
        return self


def definition(data: CohortDefinition | dict[str, Any]) -> CohortDefinition:
    """Validate a cohort definition given as plain data, with the fix in the message."""
    if isinstance(data, CohortDefinition):
        return data
    return validated(CohortDefinition, data, "The cohort definition is not valid", whole="definition")


def describe(clean: CohortDefinition) -> str:
    """The definition in words: "did purchase at least 2 times in the last 30 days and plan:eq:plus"."""
    parts = []
    for rule in clean.rules:
        if rule.property:
            parts.append(rule.property)
            continue
        if rule.max_count is not None:
            times = f" {rule.min_count} to {rule.max_count} times"
        else:
            times = f" at least {rule.min_count} times" if rule.min_count != 1 else ""
        where = f" ({', '.join(rule.where)})" if rule.where else ""
        parts.append(f"did {rule.event}{times} in the last {rule.days} days{where}")
    return f" {'and' if clean.match == 'all' else 'or'} ".join(parts)


def engine_cohort(cohort: Cohort) -> PersonCohort:
    """The engine's PersonCohort of a saved cohort."""
    return _engine(definition(cohort.definition), cohort.name)


def _engine(clean: CohortDefinition, name: str) -> PersonCohort:
    from headway.analytics.engine.cohorts import BehaviourRule, PersonCohort, PropertyRule

    rules = [PropertyRule(parse_filter(r.property)) if r.property else
             BehaviourRule(str(r.event), r.min_count, r.max_count, r.days, tuple(parse_filter(w) for w in r.where))
             for r in clean.rules]
    return PersonCohort(tuple(rules), clean.match, name)


# --- CRUD ----------------------------------------------------------------------------------------------


def list_cohorts(actor: User | None) -> QuerySet[Cohort]:
    """Every cohort, by name."""
    check(actor, Perm.VIEW_WORKSPACE)
    return Cohort.objects.select_related("owner").all()


def get_cohort(actor: User | None, cohort_id: int) -> Cohort:
    """One cohort, or NotFound that says how to list them."""
    check(actor, Perm.VIEW_WORKSPACE)
    try:
        if not 0 < cohort_id < 2**63:
            raise Cohort.DoesNotExist
        return Cohort.objects.select_related("owner").get(pk=cohort_id)
    except Cohort.DoesNotExist:
        raise NotFound(f"There is no cohort {cohort_id}: `headway insight cohort list` or GET /api/v1/analytics/cohorts "
                       "lists them.") from None


def _clean_name(name: str, pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("Give the cohort a name of 1 to 200 characters.", details={"name": name})
    others = Cohort.objects.filter(name=name)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.exists():
        raise ValidationError(f"There is already a cohort named {name!r}: pick another name.",
                              details={"name": name})
    return name


def can_change_cohort(actor: User | None, cohort: Cohort) -> bool:
    """Whether ``actor`` may rename, redefine or delete ``cohort``: its owner or an admin."""
    return actor is None or cohort.owner_id == actor.pk or has_perm(actor, Perm.EDIT_WORKSPACE)


def _check_owner(actor: User | None, cohort: Cohort) -> None:
    if can_change_cohort(actor, cohort):
        return
    raise PermissionDenied(f"The cohort {cohort.name!r} belongs to {cohort.owner}: only its owner or an admin can "
                           "change it; create your own instead.")


@transaction.atomic
def create_cohort(actor: User | None, name: str, data: CohortDefinition | dict[str, Any], *,
                  description: str = "") -> Cohort:
    """Save a cohort under a unique name (any user may; they own it)."""
    check(actor, Perm.VIEW_WORKSPACE)
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


def members(actor: User | None, cohort_id: int) -> list[str]:
    """The persons in a cohort now, sorted."""
    cohort = get_cohort(actor, cohort_id)
    with open_store() as store:
        return list(store.cohort_persons(engine_cohort(cohort)))


class CohortPreview(BaseModel):
    """How many persons a definition holds now, a few of them, and the definition in words."""

    size: int
    sample: list[str]
    summary: str


def preview_cohort(actor: User | None, data: CohortDefinition | dict[str, Any], *,
                   sample: int = 10) -> CohortPreview:
    """The persons an (unsaved) definition holds now: its size and the first ``sample`` of them."""
    check(actor, Perm.VIEW_WORKSPACE)
    clean = definition(data)
    with open_store() as store:
        found = list(store.cohort_persons(_engine(clean, "preview")))
    return CohortPreview(size=len(found), sample=found[:sample], summary=describe(clean))


def as_filter(cohort_id: int) -> InCohort:
    """The ``where`` item that keeps only the events of a cohort's persons (every behavioural insight)."""
    from headway.analytics.engine.cohorts import InCohort

    return InCohort(engine_cohort(get_cohort(None, cohort_id)))


def as_breakdown(cohort_ids: list[int]) -> list[PersonCohort]:
    """The engine cohorts of a breakdown by saved cohorts, in the order given (every insight and trends)."""
    if len(set(cohort_ids)) != len(cohort_ids):
        raise ValidationError("A cohort appears twice in the breakdown: list each cohort once.",
                              details={"breakdown_cohorts": cohort_ids})
    return [engine_cohort(get_cohort(None, cohort_id)) for cohort_id in cohort_ids]
