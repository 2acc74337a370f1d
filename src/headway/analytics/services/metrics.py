"""The metric catalogue: metrics as code (a YAML file), validated, stored, and computed on the events store."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import QuerySet
from pydantic import BaseModel

from headway.analytics.models import MetricDefinition
from headway.analytics.services._common import check_range
from headway.analytics.services.formatting import trends_label
from headway.analytics.services.store import open_store
from headway.analytics.services.trend import INTERVALS
from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check

if TYPE_CHECKING:
    from headway.analytics.engine.metrics import MetricCatalog, MetricIssue, MetricResult, TrendsSource


def read_metrics_file(path: str | Path) -> str:
    """The text of a metrics YAML file, or an error that says which file could not be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise NotFound(f"Cannot read the metrics file {path} ({exc.strerror}): give the path of a YAML file."
                       ) from None


def validate_metrics(text: str) -> list[MetricIssue]:
    """Every problem in a metrics YAML document, each with its line (empty when it is valid)."""
    from headway.analytics.engine import metrics

    return list(metrics.validate_text(text))


@transaction.atomic
def load_metrics(actor: User | None, text: str, *, source: str = "") -> list[MetricDefinition]:
    """Replace the metric catalogue with the metrics of a YAML document (all or nothing)."""
    import yaml

    from headway.analytics.engine import metrics

    check(actor, Perm.EDIT_STRATEGY)
    catalog = metrics.load_text(text)
    raw = {str(item.get("name")): item for item in (yaml.safe_load(text) or {}).get("metrics", [])}
    MetricDefinition.objects.all().delete()
    rows = [
        MetricDefinition.objects.create(name=m.name, kind=m.type, description=m.description,
                                        definition=raw[m.name], position=i, source=source[:300])
        for i, m in enumerate(catalog.metrics.values())
    ]
    audit.record(actor, AuditEvent.Action.UPDATE, object_type="metrics",
                 summary=f"metric catalogue loaded: {len(rows)} metrics" + (f" from {source}" if source else ""))
    return rows


def list_metrics(actor: User | None) -> QuerySet[MetricDefinition]:
    """The metric catalogue, in the order of its file."""
    check(actor, Perm.VIEW_WORKSPACE)
    return MetricDefinition.objects.all()


def metrics_yaml(actor: User | None, name: str | None = None) -> str:
    """The stored catalogue as a metrics-as-code YAML document (``load_metrics`` takes it back unchanged), or
    one metric's entry of it when ``name`` is given."""
    import yaml

    class Indented(yaml.SafeDumper):  # list items indented under their key, as metrics files are written
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)

    check(actor, Perm.VIEW_WORKSPACE)
    rows = MetricDefinition.objects.all()
    if name is not None:
        row = rows.filter(name=name).first()
        if row is None:
            known = ", ".join(rows.values_list("name", flat=True)) or "none yet"
            raise NotFound(f"There is no metric {name!r} in the catalogue; defined: {known}.")
        return yaml.dump([_name_first(row.definition)], Dumper=Indented, sort_keys=False, allow_unicode=True)
    return yaml.dump({"metrics": [_name_first(row.definition) for row in rows]}, Dumper=Indented, sort_keys=False,
                     allow_unicode=True)


def _name_first(definition: dict[str, Any]) -> dict[str, Any]:
    """A metric's entry with its name and type first, as people write them (PostgreSQL's JSON reorders keys)."""
    first: dict[str, Any] = {key: definition[key] for key in ("name", "type") if key in definition}
    return {**first, **{key: value for key, value in definition.items() if key not in first}}


def metric_catalog(text: str | None = None) -> MetricCatalog:
    """The engine catalogue of a YAML document, or of the stored catalogue when ``text`` is None."""
    from headway.analytics.engine import metrics

    if text is not None:
        return metrics.load_text(text)
    return metrics.from_dicts([m.definition for m in MetricDefinition.objects.all()])


def compute_metric(actor: User | None, name: str, *, date_from: date, date_to: date, interval: str = "day",
                   text: str | None = None) -> MetricResult:
    """A metric's values per interval over an inclusive range (from ``text`` or the stored catalogue)."""
    from headway.analytics.engine import metrics

    check(actor, Perm.VIEW_WORKSPACE)
    if interval not in INTERVALS:
        raise ValidationError(f"interval {interval!r} is not one of {', '.join(INTERVALS)}.",
                              details={"interval": interval})
    check_range(date_from, date_to, interval)
    catalog = metric_catalog(text)
    if name not in catalog.metrics:
        known = ", ".join(catalog.metrics) or "none yet: load a file with `headway metrics load FILE`"
        raise NotFound(f"There is no metric {name!r}; defined: {known}.")
    with open_store() as store:
        source = cast("TrendsSource", store)  # an EventStore: its trends() takes what the protocol passes
        return metrics.compute(source, catalog, name, date_from=date_from, date_to=date_to, interval=interval)


class MetricValues(BaseModel):
    """A metric's value per interval, with the interval starts as text (API and CLI --json)."""

    name: str
    interval: str
    labels: list[str]
    values: list[float]


def metric_values(actor: User | None, name: str, *, date_from: date, date_to: date, interval: str = "day",
                  text: str | None = None) -> MetricValues:
    """:func:`compute_metric` with the interval starts as text, as the API and the CLI's --json show it."""
    result = compute_metric(actor, name, date_from=date_from, date_to=date_to, interval=interval, text=text)
    return MetricValues(name=result.name, interval=interval, values=result.values,
                        labels=[trends_label(label, interval) for label in result.labels])
