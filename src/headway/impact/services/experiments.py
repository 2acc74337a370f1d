"""Experiments read from events, with no feature flags of our own: create, list, show.

An experiment names the exposure event and the property holding the variant (PostHog's ``$feature_flag_called``
with ``$feature_flag_response``, Mixpanel's ``$experiment_started`` with ``Variant name``, Headway's ``$exposure``
with ``variant``), optionally the flag it is about, a control variant, a primary metric (an event and its math)
and secondary metrics, and dates. The read-out is in :mod:`experiment_readouts`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from pydantic import BaseModel, Field

from headway.core import audit
from headway.core.errors import HeadwayError, NotFound
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.request_rules import NONBLANK, one_of
from headway.core.validation import Problems, actor_label
from headway.impact.models import Experiment

MATHS = ("conversion", "total", "sum")
#: the rules create_experiment checks, declared in the schema (json_schema_extra: the service gives the messages)
EXPERIMENT_NAME = r"^\s*[\w-]{1,100}\s*$"  # 1 to 100 letters, digits, - and _
#: exposure event → the property that holds the variant, for the tools whose events Headway reads
EXPOSURE_DEFAULTS = {
    "$exposure": "variant",
    "$feature_flag_called": "$feature_flag_response",
    "$experiment_started": "Variant name",
}


class MetricSpec(BaseModel):
    """A metric of an experiment: an event and its math (``sum`` adds up ``property``)."""

    event: str
    math: str = one_of(MATHS, "conversion")
    property: str = ""


class ExperimentSpec(BaseModel):
    """What :func:`create_experiment` takes (the API's request body)."""

    name: str = Field(json_schema_extra={"pattern": EXPERIMENT_NAME})
    title: str = ""
    exposure_event: str = "$exposure"
    variant_property: str = ""
    flag_property: str = ""
    flag_value: str = ""
    control: str = Field("control", json_schema_extra={"pattern": NONBLANK})
    metric: MetricSpec
    secondary: list[MetricSpec] = []
    date_from: date
    date_to: date
    sequential: bool = False
    initiative_id: int | None = None


class ExperimentView(BaseModel):
    """An experiment as every face shows it."""

    name: str
    title: str
    exposure_event: str
    variant_property: str
    flag_property: str
    flag_value: str
    control: str
    metric: MetricSpec
    secondary: list[MetricSpec]
    date_from: date
    date_to: date
    sequential: bool
    initiative_id: int | None
    created_by: str

    @classmethod
    def of(cls, e: Experiment) -> ExperimentView:
        """The view of a stored experiment."""
        return cls(
            name=e.name, title=e.title, exposure_event=e.exposure_event, variant_property=e.variant_property,
            flag_property=e.flag_property, flag_value=e.flag_value, control=e.control,
            metric=MetricSpec(event=e.metric_event, math=e.math, property=e.metric_property),
            secondary=[MetricSpec.model_validate(m) for m in e.secondary], date_from=e.date_from,
            date_to=e.date_to, sequential=e.sequential, initiative_id=e.initiative_id, created_by=e.created_by,
        )


def _check_metric(problems: Problems, spec: MetricSpec, field: str, events: set[str] | None) -> None:
    if spec.math not in MATHS:
        problems[field] = f"math {spec.math!r} is not one of {', '.join(MATHS)}"
    elif spec.math == "sum" and not spec.property:
        problems[field] = "math sum needs the numeric property to add up"
    elif events is not None and spec.event not in events:
        problems[field] = f"no event named {spec.event!r} in the events store; see `headway events stats`"


@transaction.atomic
def create_experiment(actor: User | None, spec: ExperimentSpec | dict[str, Any]) -> Experiment:
    """Create an experiment (needs ideas.edit); metrics must name events the store holds."""
    check(actor, Perm.EDIT_IDEAS)
    from headway.analytics import services as analytics

    data = spec if isinstance(spec, ExperimentSpec) else ExperimentSpec.model_validate(spec)
    problems = Problems()
    name = problems.text(data.name, "name", 100)
    if name and not name.replace("-", "").replace("_", "").isalnum():
        problems["name"] = "use letters, digits, - and _ only (e.g. checkout-button)"
    elif Experiment.objects.filter(name=name).exists():
        problems["name"] = f"an experiment named {name!r} exists; pick another name"
    if data.date_to < data.date_from:
        problems["date_to"] = f"{data.date_to} is before date_from {data.date_from}: swap them"
    if not data.control.strip():
        problems["control"] = "name the control variant (e.g. control)"
    try:
        events: set[str] | None = set(analytics.event_names(actor))
    except HeadwayError:  # no store reachable: the metric is checked at read-out time
        events = None
    _check_metric(problems, data.metric, "metric", events)
    for k, extra in enumerate(data.secondary):
        _check_metric(problems, extra, f"secondary[{k}]", events)
    if data.initiative_id is not None:
        from headway.planning import services as planning

        planning.get_initiative(actor, data.initiative_id)
    problems.raise_if_any("The experiment is not valid")
    variant_property = data.variant_property or EXPOSURE_DEFAULTS.get(data.exposure_event, "variant")
    experiment = Experiment.objects.create(
        name=name, title=data.title or name, exposure_event=data.exposure_event, variant_property=variant_property,
        flag_property=data.flag_property, flag_value=data.flag_value, control=data.control.strip(),
        metric_event=data.metric.event, math=data.metric.math, metric_property=data.metric.property,
        secondary=[m.model_dump() for m in data.secondary], date_from=data.date_from, date_to=data.date_to,
        sequential=data.sequential, initiative_id=data.initiative_id, created_by=actor_label(actor),
    )
    audit.record(actor, AuditEvent.Action.CREATE, experiment, summary=f"experiment {name} created")
    return experiment


def list_experiments(actor: User | None) -> list[Experiment]:
    """Every experiment, the latest first."""
    check(actor, Perm.VIEW_WORKSPACE)
    return list(Experiment.objects.all())


def get_experiment(actor: User | None, name: str) -> Experiment:
    """One experiment by name, or a NotFound that says how to list them."""
    check(actor, Perm.VIEW_WORKSPACE)
    found = Experiment.objects.filter(name=name).first()
    if found is None:
        raise NotFound(f"No experiment named {name!r}; list them with `headway experiment list`.")
    return found
