"""KPIs: their definitions and place in the KPI tree, the catalogue metric each is bound to (or imported and
hand-entered values), and computing them: daily values cached in ``KpiValue``, progress per period in
``KpiProgress``, and the alerts a refresh raises."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone as dj_timezone

from headway.core import audit
from headway.core.errors import Conflict, HeadwayError, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.strategy import importers
from headway.strategy.models import Kpi, KpiProgress, KpiValue
from headway.strategy.services._common import can_edit, choice, edit, read, text, user_named
from headway.strategy.services.alerts import SegmentCache, detect_alerts
from headway.strategy.services.periods import default_as_of, today
from headway.strategy.services.progress import refresh_progress

#: Days of history computed for a metric KPI (26 weeks: the model learns the weekly pattern from it).
HISTORY_DAYS = 182
MAX_KPI_NAME = 100  # Kpi.name's column
RESERVED_KPI_NAMES = frozenset({"refresh"})  # /api/v1/strategy/kpis/refresh is an action, not a KPI
_AUDITED_FIELDS = ("label", "description", "metric", "unit", "direction", "aggregation", "owner_id", "parent_id",
              "is_north_star")


@dataclass
class KpiValueView:
    """One day's value of a KPI and where it came from (computed, imported or entered by hand)."""

    date: dt.date
    value: float
    origin: str

    @classmethod
    def from_model(cls, row: KpiValue) -> KpiValueView:
        """The view of a stored value."""
        return cls(date=row.date, value=row.value, origin=row.origin)


@dataclass
class ImportedValues:
    """How many values an import saved."""

    imported: int


@dataclass
class RefreshReport:
    """What a refresh did, per KPI: values stored, errors, new alerts."""

    as_of: date
    #: True for a preview: what a refresh as of ``as_of`` would compute, with nothing written
    preview: bool = False
    values: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)


def list_kpis(actor: User | None) -> QuerySet[Kpi]:
    """KPIs, the North Star first."""
    read(actor)
    return Kpi.objects.select_related("owner", "parent")


def get_kpi(actor: User | None, name: str) -> Kpi:
    """One KPI by name, or a NotFound that says how to list them."""
    read(actor)
    try:
        return Kpi.objects.select_related("owner", "parent").get(name=name)
    except Kpi.DoesNotExist:
        raise NotFound(f"There is no KPI {name!r}: `headway kpi list` shows them.") from None


@transaction.atomic
def create_kpi(actor: User | None, name: str, label: str, *, metric: str = "", unit: str = "count",
               direction: str = "higher", aggregation: str = "sum", owner: str | None = None,
               parent: str | None = None, north_star: bool = False, description: str = "") -> Kpi:
    """Define a KPI: bound to ``metric`` from the catalogue, or (no metric) imported / entered by hand."""
    edit(actor)
    from django.utils.text import slugify

    slug = slugify(name).replace("-", "_")
    if not slug or slug != name.strip():
        raise ValidationError(f"KPI name {name!r} must be lower-case letters, digits and _ (e.g. weekly_buyers).",
                              details={"name": name})
    if len(slug) > MAX_KPI_NAME:
        raise ValidationError(f"KPI name {slug[:20]}... is {len(slug)} characters long: keep it to {MAX_KPI_NAME}.",
                              details={"name": name})
    if slug in RESERVED_KPI_NAMES:
        raise ValidationError(f"KPI name {slug!r} is taken by the API (POST /api/v1/strategy/kpis/{slug}): pick "
                              "another name, e.g. signups_refresh.", details={"name": name})
    if Kpi.objects.filter(name=slug).exists():
        raise Conflict(f"A KPI called {slug!r} exists already: pick another name or change that one.")
    if metric:
        _check_metric(actor, metric)
    kpi = Kpi(name=slug, label=text(label, "label", 200), description=description.strip(),
              source=Kpi.Source.METRIC if metric else Kpi.Source.MANUAL, metric=metric,
              unit=choice(unit, Kpi.Unit.values, "unit"),
              direction=choice(direction, Kpi.Direction.values, "direction"),
              aggregation=choice(aggregation, Kpi.Aggregation.values, "aggregation"),
              owner=user_named(owner), parent=get_kpi(actor, parent) if parent else None,
              position=Kpi.objects.count())
    if north_star:
        Kpi.objects.filter(is_north_star=True).update(is_north_star=False)
        kpi.is_north_star = True
        kpi.parent = None
    kpi.save()
    audit.record(actor, AuditEvent.Action.CREATE, kpi, summary=f"KPI {kpi.name} created")
    return kpi


def metric_choices(actor: User | None) -> list[tuple[str, str]]:
    """The catalogue's metrics a KPI can be bound to, as (name, description) pairs."""
    read(actor)
    from headway.analytics import services as analytics

    return [(m.name, m.description) for m in analytics.list_metrics(actor)]


def _check_metric(actor: User | None, name: str) -> None:
    known = [m for m, _ in metric_choices(actor)]
    if name not in known:
        raise ValidationError(
            f"There is no metric {name!r} in the catalogue ({', '.join(known) or 'empty'}): define it in the "
            "metrics file and load it with `headway metrics load FILE`.", details={"metric": name})


@transaction.atomic
def set_parent_kpi(actor: User | None, name: str, parent: str | None) -> Kpi:
    """Put a KPI under another in the KPI tree (as its input), or at the top with None."""
    edit(actor)
    kpi = get_kpi(actor, name)
    kpi.parent = _kpi_parent(actor, kpi, parent)
    kpi.save(update_fields=["parent"])
    return kpi


def _kpi_parent(actor: User | None, kpi: Kpi, parent: str | None) -> Kpi | None:
    """The KPI ``parent`` names, refused when it would make the KPI tree loop."""
    chosen = get_kpi(actor, parent) if parent else None
    node = chosen
    while node is not None:
        if node.pk == kpi.pk:
            raise ValidationError(f"{parent} is an input of {kpi.name}: the KPI tree cannot loop. Choose a KPI "
                                  f"that is not under {kpi.name}.", details={"parent": parent})
        node = node.parent
    return chosen


@transaction.atomic
def update_kpi(actor: User | None, name: str, *, label: str | None = None, description: str | None = None,
               metric: str | None = None, unit: str | None = None, direction: str | None = None,
               aggregation: str | None = None, owner: str | None = None, parent: str | None = "keep",
               north_star: bool | None = None) -> Kpi:
    """Change a KPI's definition (None keeps a field; ``owner=""`` clears it, ``parent=None`` puts the KPI at
    the top of the tree) and recompute its progress.

    A new metric replaces the values computed from the old one; ``metric=""`` turns the KPI into one that takes
    imported values. A KPI holding imported or hand-entered values cannot be bound to a metric.
    """
    edit(actor)
    kpi = get_kpi(actor, name)
    before = {f: getattr(kpi, f) for f in _AUDITED_FIELDS}
    if label is not None:
        kpi.label = text(label, "label", 200)
    if description is not None:
        kpi.description = text(description, "description", 5000, required=False)
    if unit is not None:
        kpi.unit = choice(unit, Kpi.Unit.values, "unit")
    if direction is not None:
        kpi.direction = choice(direction, Kpi.Direction.values, "direction")
    if aggregation is not None:
        kpi.aggregation = choice(aggregation, Kpi.Aggregation.values, "aggregation")
    if owner is not None:
        kpi.owner = user_named(owner)
    if parent != "keep":
        kpi.parent = _kpi_parent(actor, kpi, parent)
    rebound = metric is not None and metric.strip() != kpi.metric
    if rebound:
        metric = (metric or "").strip()
        if metric:
            _check_metric(actor, metric)
            kept = kpi.values.exclude(origin=KpiValue.Origin.COMPUTED).count()
            if kept:
                raise Conflict(f"KPI {name} holds {kept} imported or hand-entered values, which a KPI computed "
                               f"from the metric {metric} cannot keep: define a new KPI bound to {metric} instead.",
                               details={"metric": metric})
        kpi.values.filter(origin=KpiValue.Origin.COMPUTED).delete()
        KpiProgress.objects.filter(kpi=kpi).delete()
        kpi.metric, kpi.source = metric, Kpi.Source.METRIC if metric else Kpi.Source.MANUAL
        kpi.last_error, kpi.last_error_at = "", None
    if north_star is not None:
        if north_star and not kpi.is_north_star:
            Kpi.objects.filter(is_north_star=True).update(is_north_star=False)
        kpi.is_north_star = north_star
    if kpi.is_north_star:
        kpi.parent = None
    kpi.save()
    changes = audit.diff(before, {f: getattr(kpi, f) for f in _AUDITED_FIELDS})
    if changes:
        audit.record(actor, AuditEvent.Action.UPDATE, kpi, summary=f"KPI {kpi.name} changed", changes=changes)
    if rebound and kpi.metric:
        compute_values(kpi, default_as_of(), actor=actor)
    refresh_progress(kpi)
    return kpi


# --- values: imported, entered by hand, computed ------------------------------------------------------------


def kpi_values(actor: User | None, name: str, date_from: date | None = None,
               date_to: date | None = None) -> QuerySet[KpiValue]:
    """A KPI's stored daily values, oldest first."""
    kpi = get_kpi(actor, name)
    values = kpi.values.all()
    if date_from:
        values = values.filter(date__gte=date_from)
    if date_to:
        values = values.filter(date__lte=date_to)
    return values.order_by("date")


@transaction.atomic
def import_values(actor: User | None, name: str, text: str) -> int:
    """Import a KPI's values from CSV (``date,value``): every line checked, all or nothing; returns the count.

    A value for a day that has one replaces it. Only KPIs not computed from a metric take imported values.
    """
    edit(actor)
    kpi = get_kpi(actor, name)
    if kpi.source == Kpi.Source.METRIC:
        raise Conflict(f"KPI {name} is computed from the metric {kpi.metric}: its values come from events. "
                       "Import into a KPI defined without a metric (e.g. NPS or revenue from billing).")
    rows = importers.read_values(text, kpi.unit, today=today())
    days = [r.date for r in rows]
    KpiValue.objects.filter(kpi=kpi, date__in=days).delete()
    KpiValue.objects.bulk_create([KpiValue(kpi=kpi, date=r.date, value=r.value, origin=KpiValue.Origin.IMPORTED)
                                  for r in rows])
    audit.record(actor, AuditEvent.Action.UPDATE, kpi, summary=f"{len(rows)} values imported into KPI {name}")
    return len(rows)


@transaction.atomic
def enter_value(actor: User | None, name: str, day: date, value: object) -> KpiValue:
    """Enter one day's value of a KPI by hand."""
    edit(actor)
    kpi = get_kpi(actor, name)
    if kpi.source == Kpi.Source.METRIC:
        raise Conflict(f"KPI {name} is computed from the metric {kpi.metric}: enter values only into KPIs "
                       "defined without a metric.")
    if day > today():
        raise ValidationError(f"{day} is in the future: enter values for days that have happened.",
                              details={"date": str(day)})
    try:
        number = importers.parse_number(str(value), kpi.unit)
    except ValueError as exc:
        raise ValidationError(f"The value is not valid: {exc}.", details={"value": str(exc)}) from None
    row, _ = KpiValue.objects.update_or_create(kpi=kpi, date=day,
                                               defaults={"value": number, "origin": KpiValue.Origin.MANUAL})
    audit.record(actor, AuditEvent.Action.UPDATE, kpi, summary=f"KPI {name}: {day} = {number}")
    return row


def _metric_values(actor: User | None, metric: str, date_from: date, date_to: date) -> list[tuple[date, float]]:
    from headway.analytics import services as analytics

    result = analytics.compute_metric(actor, metric, date_from=date_from, date_to=date_to, interval="day")
    pairs = [(label.date() if isinstance(label, dt.datetime) else label, float(v))
             for label, v in zip(result.labels, result.values, strict=True)]
    first = next((i for i, (_, v) in enumerate(pairs) if v != 0 and math.isfinite(v)), len(pairs))
    return pairs[first:]  # days before the metric's first event are "no data yet", not zeros


def compute_values(kpi: Kpi, as_of: date, *, actor: User | None = None) -> int:
    """Compute a metric KPI's daily values up to ``as_of`` into the cache; on failure keep the last good
    values and record the error on the KPI (it is shown, never a silent zero)."""
    if kpi.source != Kpi.Source.METRIC:
        return 0
    try:
        pairs = _metric_values(actor, kpi.metric, as_of - timedelta(days=HISTORY_DAYS - 1), as_of)
    except Exception as exc:  # any failure of the metric: shown with the last good value
        message = exc.message if isinstance(exc, HeadwayError) else f"{type(exc).__name__}: {exc}"
        kpi.last_error, kpi.last_error_at = message[:2000], dj_timezone.now()
        kpi.save(update_fields=["last_error", "last_error_at"])
        return 0
    with transaction.atomic():
        KpiValue.objects.filter(kpi=kpi, origin=KpiValue.Origin.COMPUTED,
                                date__gte=as_of - timedelta(days=HISTORY_DAYS - 1), date__lte=as_of).delete()
        KpiValue.objects.bulk_create([KpiValue(kpi=kpi, date=d, value=v) for d, v in pairs if math.isfinite(v)])
        kpi.last_error, kpi.last_error_at, kpi.last_computed_at = "", None, dj_timezone.now()
        kpi.save(update_fields=["last_error", "last_error_at", "last_computed_at"])
    return len(pairs)


def refresh_kpis(actor: User | None = None, *, as_of: date | None = None, names: Sequence[str] = (),
                 progress: Callable[[float, str], None] | None = None) -> RefreshReport:
    """Compute every KPI's (or the named ones') values up to ``as_of`` (default yesterday), progress per
    period and alerts; a KPI whose metric fails keeps its last good values and shows the error.

    It changes what everyone sees (values, progress, alerts), so it needs ``strategy.edit``; a reader asks
    for :func:`preview_refresh` instead."""
    edit(actor)
    return _refresh(actor, as_of, names, progress)


def preview_refresh(actor: User | None, *, as_of: date | None = None, names: Sequence[str] = ()) -> RefreshReport:
    """What :func:`refresh_kpis` as of ``as_of`` would compute, for any reader: run in a transaction that is
    rolled back, so nothing anyone else sees changes."""
    read(actor)
    with transaction.atomic():
        report = _refresh(actor, as_of, names)
        transaction.set_rollback(True)
    report.preview = True
    return report


def refresh_or_preview(actor: User | None, *, as_of: date | None = None,
                       names: Sequence[str] = ()) -> RefreshReport:
    """A refresh for those who may edit KPIs; for a reader who names a day, a preview that writes nothing;
    a reader who names no day is refused (a refresh as of today is the scheduler's and the editors' job)."""
    if as_of is not None and not can_edit(actor):
        return preview_refresh(actor, as_of=as_of, names=names)
    return refresh_kpis(actor, as_of=as_of, names=names)


def _refresh(actor: User | None, as_of: date | None, names: Sequence[str],
             progress: Callable[[float, str], None] | None = None) -> RefreshReport:
    as_of = as_of or default_as_of()
    report = RefreshReport(as_of=as_of)
    kpis = list(Kpi.objects.filter(name__in=names)) if names else list(Kpi.objects.all())
    segments_cache = SegmentCache()
    for done, kpi in enumerate(kpis):
        if progress is not None:
            progress(done / len(kpis), f"computing {kpi.label or kpi.name} ({done + 1} of {len(kpis)})")
        report.values[kpi.name] = compute_values(kpi, as_of, actor=actor)
        kpi.refresh_from_db(fields=["last_error"])
        if kpi.last_error:
            report.errors[kpi.name] = kpi.last_error
        refresh_progress(kpi, as_of=as_of, alerts=report.alerts)
        detect_alerts(kpi, as_of, report.alerts, segments_cache, actor=actor)
    return report
