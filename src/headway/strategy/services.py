"""Use cases of strategy: product areas, the vision and strategy document, periods, goals, KPIs, targets,
progress and forecasts, alerts and the dashboard.

Every face (CLI, API, web, Python) calls these functions, so a number on a page equals the API's and the
CLI's. Everyone in the workspace reads; only product leaders and admins (``Perm.EDIT_STRATEGY``) change
goals, KPIs and targets. ``actor=None`` is the system (the CLI operator, the demo builder).

KPI values are cached per day in :class:`KpiValue` and each KPI's progress per period in
:class:`KpiProgress` by :func:`refresh_kpis`, so pages read precomputed numbers.
"""

from __future__ import annotations

import difflib
import math
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone as dj_timezone

from headway.core import audit
from headway.core.errors import Conflict, HeadwayError, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, require
from headway.core.services import get_user, get_workspace
from headway.strategy import importers
from headway.strategy.display import STATUS_LABELS, format_value
from headway.strategy.engine import KpiStatus, detect_anomalies, kpi_status, status_alert
from headway.strategy.models import (
    Alert,
    Goal,
    GoalUpdate,
    KeyResult,
    Kpi,
    KpiProgress,
    KpiTarget,
    KpiValue,
    Period,
    ProductArea,
    StrategyVersion,
)
from headway.strategy.periods import PeriodSpan, parse_period, quarter_of

#: Days of history computed for a metric KPI (26 weeks: the model learns the weekly pattern from it).
HISTORY_DAYS = 182
#: The central interval of projections, and the expected band of alerts.
STATUS_LEVEL = 0.8
ALERT_LEVEL = 0.99
#: Anomalies are judged on whole weeks (days are noisy); an alert needs this many weeks in a row outside
#: the band, and a KPI this many weeks of history.
ALERT_MIN_WEEKS = 2
ALERT_MIN_HISTORY_WEEKS = 8
#: Properties with more values than this are not used to explain a change.
BREAKDOWN_LIMIT = 25
SPARK_DAYS = 56


def _check(actor: User | None, perm: Perm) -> None:
    if actor is not None:
        require(actor, perm)


def _read(actor: User | None) -> None:
    _check(actor, Perm.VIEW_WORKSPACE)


def _edit(actor: User | None) -> None:
    _check(actor, Perm.EDIT_STRATEGY)


def require_edit(actor: User | None) -> None:
    """Refuse (PermissionDenied) unless the actor may change goals, KPIs and areas (edit forms check it)."""
    _edit(actor)


def today() -> date:
    """Today in the workspace's time zone."""
    ws = get_workspace()
    return dj_timezone.now().astimezone(zoneinfo.ZoneInfo(ws.timezone)).date()


def default_as_of() -> date:
    """The day KPIs are computed up to: yesterday in the workspace (today is not complete yet)."""
    return today() - timedelta(days=1)


def current_as_of() -> date:
    """The day of the latest computed progress, or :func:`default_as_of` before the first refresh."""
    latest = KpiProgress.objects.aggregate(day=Max("as_of"))["day"]
    return latest or default_as_of()


def _text(value: str, name: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"Give a {name}: it cannot be empty.", details={name: "required"})
    if len(value) > limit:
        raise ValidationError(f"The {name} is {len(value)} characters long: keep it to {limit}.",
                              details={name: f"at most {limit} characters"})
    return value


def _user(username: str | None) -> User | None:
    if username is None or str(username).strip() == "":
        return None
    return get_user(str(username).strip())


# --- product areas -------------------------------------------------------------------------------------

AREA_PARENT = {"line": None, "product": "line", "area": "product"}


def list_areas(actor: User | None) -> QuerySet[ProductArea]:
    """Product lines, products and areas."""
    _read(actor)
    return ProductArea.objects.select_related("parent")


def get_area(actor: User | None, name: str) -> ProductArea:
    """A product area by name, or a NotFound that says how to list them."""
    _read(actor)
    try:
        return ProductArea.objects.select_related("parent").get(name=name)
    except ProductArea.DoesNotExist:
        raise NotFound(f"There is no product area {name!r}: GET /api/v1/strategy/areas lists them.") from None


@transaction.atomic
def create_area(actor: User | None, name: str, kind: str, parent: str | None = None,
                description: str = "") -> ProductArea:
    """Add a product line, a product (under a line) or an area (under a product)."""
    _edit(actor)
    name = _text(name, "name", 120)
    if kind not in AREA_PARENT:
        raise ValidationError(f"kind {kind!r} is unknown: use line, product or area.", details={"kind": kind})
    parent_area = get_area(actor, parent) if parent else None
    wanted = AREA_PARENT[kind]
    if (parent_area.kind if parent_area else None) != wanted:
        need = f"a {wanted} as its parent" if wanted else "no parent"
        raise ValidationError(f"A {kind} needs {need} (product line → product → area).",
                              details={"parent": parent})
    if ProductArea.objects.filter(name=name).exists():
        raise Conflict(f"A product area called {name!r} exists already: pick another name.")
    area = ProductArea.objects.create(name=name, kind=kind, parent=parent_area, description=description)
    audit.record(actor, AuditEvent.Action.CREATE, area, summary=f"product {kind} {name} created")
    return area


def area_tree(actor: User | None) -> list[dict[str, Any]]:
    """The hierarchy as nested dicts: lines, their products, their areas."""
    areas = list(list_areas(actor))
    children: dict[int | None, list[ProductArea]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)

    def node(area: ProductArea) -> dict[str, Any]:
        return {"name": area.name, "kind": area.kind, "children": [node(c) for c in children.get(area.pk, [])]}

    return [node(a) for a in children.get(None, [])]


# --- the vision and strategy document --------------------------------------------------------------------


def strategy_history(actor: User | None, area: str | None = None) -> QuerySet[StrategyVersion]:
    """Every version of the workspace's (or an area's) document, newest first."""
    _read(actor)
    scope = get_area(actor, area) if area else None
    return StrategyVersion.objects.filter(area=scope).select_related("author")


def current_strategy(actor: User | None, area: str | None = None) -> StrategyVersion | None:
    """The latest version of the document, or None before the first."""
    return strategy_history(actor, area).first()


@transaction.atomic
def save_strategy(actor: User | None, *, vision: str, body: str, area: str | None = None,
                  note: str = "") -> StrategyVersion:
    """Save a new version of the vision and strategy (Markdown); unchanged text adds no version."""
    _edit(actor)
    vision = _text(vision, "vision", 2000, required=False)
    body = _text(body, "strategy", 100_000, required=False)
    if not vision and not body:
        raise ValidationError("Write a vision or a strategy: both are empty.", details={"vision": "required"})
    scope = get_area(actor, area) if area else None
    latest = StrategyVersion.objects.filter(area=scope).first()
    if latest is not None and latest.vision == vision and latest.body == body:
        return latest
    version = StrategyVersion.objects.create(
        area=scope, version=(latest.version + 1) if latest else 1, vision=vision, body=body,
        note=_text(note, "note", 300, required=False), author=actor,
    )
    audit.record(actor, AuditEvent.Action.UPDATE, version,
                 summary=f"strategy of {scope or 'the workspace'} saved as version {version.version}")
    return version


def strategy_diff(old: StrategyVersion | None, new: StrategyVersion) -> list[str]:
    """What a version changed, as unified-diff lines of the vision and the document."""
    before = ((old.vision + "\n\n" + old.body) if old else "").splitlines()
    after = (new.vision + "\n\n" + new.body).splitlines()
    name = f"version {old.version}" if old else "empty"
    return list(difflib.unified_diff(before, after, name, f"version {new.version}", lineterm="", n=1))[2:]


def render_markdown(text: str) -> str:
    """Markdown as safe HTML: raw HTML in the text is escaped, links limited to safe schemes."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(text or ""))


# --- periods -------------------------------------------------------------------------------------------


def list_periods(actor: User | None) -> QuerySet[Period]:
    """The periods goals and targets use, by start date."""
    _read(actor)
    return Period.objects.all()


def period_span(text: str) -> PeriodSpan | None:
    """The span a period text names (see :func:`headway.strategy.periods.parse_period`)."""
    return parse_period(text, current_as_of(), get_workspace().fiscal_year_start_month)


def resolve_period(actor: User | None, text: str | Period, *, create: bool = True) -> Period:
    """A period from ``current``, ``next``, ``FY2027 Q2``, ``2026-05-01..2026-07-31`` or a saved name.

    Fiscal quarters and date ranges are saved on first use (with ``create``).
    """
    _read(actor)
    if isinstance(text, Period):
        return text
    text = str(text or "").strip()
    saved = Period.objects.filter(name=text).first()
    if saved is not None:
        return saved
    span = period_span(text) if text else None
    if span is None:
        raise ValidationError(
            f"{text!r} is not a period: use current, next, previous, a fiscal quarter such as "
            f"{quarter_of(current_as_of(), get_workspace().fiscal_year_start_month).name}, or a date range "
            "START..END such as 2026-05-01..2026-07-31.",
            details={"period": text},
        )
    existing = Period.objects.filter(start=span.start, end=span.end).first()
    if existing is not None:
        return existing
    if not create:
        raise NotFound(f"There is no period {span.name} yet: set a target or a goal for it first.")
    period, _ = Period.objects.get_or_create(name=span.name,
                                             defaults={"start": span.start, "end": span.end, "kind": span.kind})
    return period


def current_period() -> Period:
    """The fiscal quarter holding :func:`current_as_of` (created on first use)."""
    return resolve_period(None, "current")


# --- goals ---------------------------------------------------------------------------------------------

GOAL_STATUSES = [s.value for s in Goal.Status]


def list_goals(actor: User | None, period: str | None = None) -> QuerySet[Goal]:
    """Goals (of ``period`` when given) with their owners, key results and KPIs."""
    _read(actor)
    goals = Goal.objects.select_related("period", "owner", "parent", "area").prefetch_related(
        Prefetch("key_results", queryset=KeyResult.objects.select_related("kpi")))
    if period:
        goals = goals.filter(period=resolve_period(actor, period, create=False))
    return goals


def get_goal(actor: User | None, goal_id: int) -> Goal:
    """One goal, or a NotFound that says how to list them."""
    try:
        return list_goals(actor).get(pk=goal_id)
    except Goal.DoesNotExist:
        raise NotFound(f"There is no goal {goal_id}: `headway goal list` shows them.") from None


def _status(value: str) -> str:
    key = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key not in GOAL_STATUSES:
        raise ValidationError(f"status {value!r} is unknown: use one of {', '.join(GOAL_STATUSES)}.",
                              details={"status": value})
    return key


def _confidence(value: Any) -> int:
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        number = -1
    if 0 < number < 1 and "." in str(value):
        number *= 100
    if not 0 <= number <= 100:
        raise ValidationError(f"confidence {value!r} is not a percentage from 0 to 100.",
                              details={"confidence": value})
    return round(number)


def _set_parent(goal: Goal, parent_id: int | None) -> None:
    if parent_id is None:
        goal.parent = None
        return
    parent = Goal.objects.filter(pk=parent_id).first()
    if parent is None:
        raise ValidationError(f"There is no goal {parent_id} to support: `headway goal list` shows them.",
                              details={"parent": parent_id})
    node: Goal | None = parent
    while node is not None:
        if node.pk == goal.pk:
            raise ValidationError(f"Goal {parent_id} already supports this goal: a goal cannot support itself "
                                  "through others.", details={"parent": parent_id})
        node = node.parent
    goal.parent = parent


def _set_key_results(actor: User | None, goal: Goal, kpis: Sequence[str]) -> None:
    found = {k.name: k for k in Kpi.objects.filter(name__in=kpis)}
    missing = [k for k in kpis if k not in found]
    if missing:
        raise ValidationError(f"No KPI called {', '.join(missing)}: `headway kpi list` shows them.",
                              details={"key_results": missing})
    goal.key_results.all().delete()
    for i, name in enumerate(dict.fromkeys(kpis)):
        KeyResult.objects.create(goal=goal, kpi=found[name], position=i)


@transaction.atomic
def create_goal(actor: User | None, title: str, *, period: str = "current", level: str = "product",
                owner: str | None = None, parent: int | None = None, area: str | None = None,
                description: str = "", key_results: Sequence[str] = ()) -> Goal:
    """Add a company objective or a product goal for a period; key results name KPIs."""
    _edit(actor)
    if level not in Goal.Level.values:
        raise ValidationError(f"level {level!r} is unknown: use company or product.", details={"level": level})
    goal = Goal(title=_text(title, "title", 200), description=description.strip(), level=level,
                period=resolve_period(actor, period), owner=_user(owner),
                area=get_area(actor, area) if area else None)
    _set_parent(goal, parent)
    goal.save()
    _set_key_results(actor, goal, list(key_results))
    audit.record(actor, AuditEvent.Action.CREATE, goal, summary=f"goal {goal.title!r} created")
    return goal


@transaction.atomic
def update_goal(actor: User | None, goal_id: int, *, status: str | None = None, confidence: Any = None,
                comment: str = "", title: str | None = None, owner: str | None = None,
                parent: int | str | None = "keep", period: str | None = None,
                key_results: Sequence[str] | None = None, level: str | None = None,
                description: str | None = None, area: str | None = None) -> Goal:
    """Change a goal; a status or confidence change is a check-in kept in its history with the comment.

    None keeps a field; ``area=""`` takes the goal out of its product area."""
    _edit(actor)
    goal = get_goal(actor, goal_id)
    before = {"title": goal.title, "owner": goal.owner_id, "parent": goal.parent_id, "period": goal.period_id}
    if title is not None:
        goal.title = _text(title, "title", 200)
    if level is not None:
        goal.level = _choice(level, Goal.Level.values, "level")
    if description is not None:
        goal.description = _text(description, "description", 5000, required=False)
    if area is not None:
        goal.area = get_area(actor, area) if area else None
    if owner is not None:
        goal.owner = _user(owner)
    if parent != "keep":
        _set_parent(goal, None if parent in (None, "") else int(parent))
    if period is not None:
        goal.period = resolve_period(actor, period)
    checked_in = status is not None or confidence is not None
    if checked_in:
        goal.status = _status(status) if status is not None else goal.status
        goal.confidence = _confidence(confidence) if confidence is not None else goal.confidence
    elif comment.strip():
        checked_in = True
    goal.save()
    if key_results is not None:
        _set_key_results(actor, goal, list(key_results))
    if checked_in:
        GoalUpdate.objects.create(goal=goal, status=goal.status, confidence=goal.confidence,
                                  comment=comment.strip()[:5000], author=actor)
    after = {"title": goal.title, "owner": goal.owner_id, "parent": goal.parent_id, "period": goal.period_id}
    audit.record(actor, AuditEvent.Action.UPDATE, goal, summary=f"goal {goal.title!r} updated",
                 changes={**audit.diff(before, after),
                          **({"status": goal.status, "confidence": goal.confidence} if checked_in else {})})
    return goal


def goal_updates(actor: User | None, goal_id: int) -> QuerySet[GoalUpdate]:
    """A goal's check-ins, newest first."""
    return get_goal(actor, goal_id).updates.select_related("author")


@dataclass
class KeyResultView:
    kpi: str
    label: str
    status: str
    progress: float | None
    period_to_date: str
    target: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class GoalView:
    """A goal with its key results' progress, for every face."""

    id: int
    title: str
    level: str
    period: str
    owner: str
    status: str
    confidence: int
    parent_id: int | None
    progress: float | None
    key_results: list[KeyResultView]
    children: list[GoalView] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return dict(Goal.Status.choices).get(self.status, self.status)


def key_result_progress(kpi: Kpi, progress: KpiProgress | None) -> float | None:
    """How far a KPI is towards its target, 0 to 1: value so far ÷ target (higher is better) or
    target ÷ value (lower is better); the value so far is the period's total, average or last value."""
    if progress is None or progress.target is None or progress.period_to_date is None:
        return None
    value, target = progress.period_to_date, progress.target
    if kpi.direction == Kpi.Direction.HIGHER:
        share = value / target if target else 1.0
    else:
        share = target / value if value else 1.0
    return max(0.0, min(1.0, share))


def goal_views(actor: User | None, goals: Iterable[Goal]) -> list[GoalView]:
    """Goals with progress (the mean of their key results'), as a forest by alignment (parent → children)."""
    goals = list(goals)
    pairs = {(kr.kpi_id, g.period_id) for g in goals for kr in g.key_results.all()}
    found = {(p.kpi_id, p.period_id): p for p in KpiProgress.objects.filter(
        kpi_id__in={k for k, _ in pairs}, period_id__in={p for _, p in pairs})}
    currency = get_workspace().currency
    views: dict[int, GoalView] = {}
    for goal in goals:
        krs = []
        for kr in goal.key_results.all():
            prog = found.get((kr.kpi_id, goal.period_id))
            krs.append(KeyResultView(
                kpi=kr.kpi.name, label=kr.title or kr.kpi.label,
                status=prog.status if prog else KpiProgress.Status.NO_DATA,
                progress=key_result_progress(kr.kpi, prog),
                period_to_date=format_value(prog.period_to_date if prog else None, kr.kpi.unit, currency),
                target=format_value(prog.target if prog else None, kr.kpi.unit, currency)))
        shares = [k.progress for k in krs if k.progress is not None]
        views[goal.pk] = GoalView(
            id=goal.pk, title=goal.title, level=goal.level, period=goal.period.name,
            owner=goal.owner.name if goal.owner else "", status=goal.status, confidence=goal.confidence,
            parent_id=goal.parent_id, progress=math.fsum(shares) / len(shares) if shares else None, key_results=krs)
    roots = []
    for view in views.values():
        if view.parent_id in views:
            views[view.parent_id].children.append(view)  # type: ignore[index]
        else:
            roots.append(view)
    return roots


# --- KPIs ----------------------------------------------------------------------------------------------


def list_kpis(actor: User | None) -> QuerySet[Kpi]:
    """KPIs, the North Star first."""
    _read(actor)
    return Kpi.objects.select_related("owner", "parent")


def get_kpi(actor: User | None, name: str) -> Kpi:
    """One KPI by name, or a NotFound that says how to list them."""
    _read(actor)
    try:
        return Kpi.objects.select_related("owner", "parent").get(name=name)
    except Kpi.DoesNotExist:
        raise NotFound(f"There is no KPI {name!r}: `headway kpi list` shows them.") from None


def _choice(value: str, choices: Sequence[str], name: str) -> str:
    if value not in choices:
        raise ValidationError(f"{name} {value!r} is unknown: use one of {', '.join(choices)}.",
                              details={name: value})
    return value


RESERVED_KPI_NAMES = frozenset({"refresh"})  # /api/v1/kpis/refresh is an action, not a KPI


@transaction.atomic
def create_kpi(actor: User | None, name: str, label: str, *, metric: str = "", unit: str = "count",
               direction: str = "higher", aggregation: str = "sum", owner: str | None = None,
               parent: str | None = None, north_star: bool = False, description: str = "") -> Kpi:
    """Define a KPI: bound to ``metric`` from the catalogue, or (no metric) imported / entered by hand."""
    _edit(actor)
    from django.utils.text import slugify

    slug = slugify(name).replace("-", "_")
    if not slug or slug != name.strip():
        raise ValidationError(f"KPI name {name!r} must be lower-case letters, digits and _ (e.g. weekly_buyers).",
                              details={"name": name})
    if slug in RESERVED_KPI_NAMES:
        raise ValidationError(f"KPI name {slug!r} is taken by the API (POST /api/v1/kpis/{slug}): pick another "
                              "name, e.g. signups_refresh.", details={"name": name})
    if Kpi.objects.filter(name=slug).exists():
        raise Conflict(f"A KPI called {slug!r} exists already: pick another name or change that one.")
    if metric:
        _check_metric(metric)
    kpi = Kpi(name=slug, label=_text(label, "label", 200), description=description.strip(),
              source=Kpi.Source.METRIC if metric else Kpi.Source.MANUAL, metric=metric,
              unit=_choice(unit, Kpi.Unit.values, "unit"),
              direction=_choice(direction, Kpi.Direction.values, "direction"),
              aggregation=_choice(aggregation, Kpi.Aggregation.values, "aggregation"),
              owner=_user(owner), parent=get_kpi(actor, parent) if parent else None,
              position=Kpi.objects.count())
    if north_star:
        Kpi.objects.filter(is_north_star=True).update(is_north_star=False)
        kpi.is_north_star = True
        kpi.parent = None
    kpi.save()
    audit.record(actor, AuditEvent.Action.CREATE, kpi, summary=f"KPI {kpi.name} created")
    return kpi


def _check_metric(name: str) -> None:
    from headway.analytics import services as analytics

    known = [m.name for m in analytics.list_metrics(None)]
    if name not in known:
        raise ValidationError(
            f"There is no metric {name!r} in the catalogue ({', '.join(known) or 'empty'}): define it in the "
            "metrics file and load it with `headway metrics load FILE`.", details={"metric": name})


@transaction.atomic
def set_parent_kpi(actor: User | None, name: str, parent: str | None) -> Kpi:
    """Put a KPI under another in the KPI tree (as its input), or at the top with None."""
    _edit(actor)
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


KPI_FIELDS = ("label", "description", "metric", "unit", "direction", "aggregation", "owner_id", "parent_id",
              "is_north_star")


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
    _edit(actor)
    kpi = get_kpi(actor, name)
    before = {f: getattr(kpi, f) for f in KPI_FIELDS}
    if label is not None:
        kpi.label = _text(label, "label", 200)
    if description is not None:
        kpi.description = _text(description, "description", 5000, required=False)
    if unit is not None:
        kpi.unit = _choice(unit, Kpi.Unit.values, "unit")
    if direction is not None:
        kpi.direction = _choice(direction, Kpi.Direction.values, "direction")
    if aggregation is not None:
        kpi.aggregation = _choice(aggregation, Kpi.Aggregation.values, "aggregation")
    if owner is not None:
        kpi.owner = _user(owner)
    if parent != "keep":
        kpi.parent = _kpi_parent(actor, kpi, parent)
    rebound = metric is not None and metric.strip() != kpi.metric
    if rebound:
        metric = (metric or "").strip()
        if metric:
            _check_metric(metric)
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
    changes = audit.diff(before, {f: getattr(kpi, f) for f in KPI_FIELDS})
    if changes:
        audit.record(actor, AuditEvent.Action.UPDATE, kpi, summary=f"KPI {kpi.name} changed", changes=changes)
    if rebound and kpi.metric:
        compute_values(kpi, default_as_of())
    refresh_progress(kpi)
    return kpi


def metric_choices(actor: User | None) -> list[tuple[str, str]]:
    """The catalogue's metrics a KPI can be bound to, as (name, description) pairs."""
    _read(actor)
    from headway.analytics import services as analytics

    return [(m.name, m.description) for m in analytics.list_metrics(None)]


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
    _edit(actor)
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
def enter_value(actor: User | None, name: str, day: date, value: Any) -> KpiValue:
    """Enter one day's value of a KPI by hand."""
    _edit(actor)
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


# --- targets -------------------------------------------------------------------------------------------


def _target_value(kpi: Kpi, value: Any) -> float:
    try:
        return importers.parse_number(str(value), kpi.unit)
    except ValueError as exc:
        raise ValidationError(f"The target of {kpi.name} is not valid: {exc}.", details={"target": str(exc)}) from None


@transaction.atomic
def set_target(actor: User | None, name: str, period: str, value: Any) -> KpiTarget:
    """Set what a KPI should reach over a period (a total, an average or a final value, by its aggregation)."""
    _edit(actor)
    kpi = get_kpi(actor, name)
    number = _target_value(kpi, value)
    target = _save_target(actor, kpi, resolve_period(actor, period), number)
    refresh_progress(kpi, periods=[target.period])
    return target


def _save_target(actor: User | None, kpi: Kpi, period: Period, number: float) -> KpiTarget:
    target, created = KpiTarget.objects.update_or_create(kpi=kpi, period=period,
                                                         defaults={"value": number, "set_by": actor})
    audit.record(actor, AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE, target,
                 summary=f"target of KPI {kpi.name} for {period.name}: {number:g}")
    return target


@transaction.atomic
def import_targets(actor: User | None, name: str, text: str) -> list[KpiTarget]:
    """Set a KPI's targets from CSV (``period,target``): every line checked, all or nothing."""
    _edit(actor)
    kpi = get_kpi(actor, name)
    rows = importers.read_targets(text, kpi.unit)
    problems: list[dict[str, object]] = []
    periods: list[Period] = []
    for row in rows:
        try:
            periods.append(resolve_period(actor, row.period))
        except HeadwayError as exc:
            problems.append({"line": row.line, "message": exc.message})
    if problems:
        raise ValidationError(
            f"{len(problems)} of {len(rows)} target rows are not valid, so nothing was imported: "
            + "; ".join(f"line {p['line']}: {p['message']}" for p in problems[:5]), details=problems)
    targets = [_save_target(actor, kpi, p, r.value) for p, r in zip(periods, rows, strict=True)]
    refresh_progress(kpi, periods=periods)
    return targets


def list_targets(actor: User | None, name: str) -> QuerySet[KpiTarget]:
    """A KPI's targets by period."""
    return get_kpi(actor, name).targets.select_related("period").order_by("period__start")


# --- computing: values, progress, alerts ---------------------------------------------------------------


@dataclass
class RefreshReport:
    """What a refresh did, per KPI: values stored, errors, new alerts."""

    as_of: date
    values: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)


def _metric_values(metric: str, date_from: date, date_to: date) -> list[tuple[date, float]]:
    from headway.analytics import services as analytics

    result = analytics.compute_metric(None, metric, date_from=date_from, date_to=date_to, interval="day")
    pairs = [(label.date() if hasattr(label, "date") else label, float(v))
             for label, v in zip(result.labels, result.values, strict=True)]
    first = next((i for i, (_, v) in enumerate(pairs) if v != 0 and math.isfinite(v)), len(pairs))
    return pairs[first:]  # days before the metric's first event are "no data yet", not zeros


def compute_values(kpi: Kpi, as_of: date) -> int:
    """Compute a metric KPI's daily values up to ``as_of`` into the cache; on failure keep the last good
    values and record the error on the KPI (it is shown, never a silent zero)."""
    if kpi.source != Kpi.Source.METRIC:
        return 0
    try:
        pairs = _metric_values(kpi.metric, as_of - timedelta(days=HISTORY_DAYS - 1), as_of)
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


def _history(kpi: Kpi, as_of: date) -> tuple[list[date], list[float]]:
    rows = list(kpi.values.filter(date__lte=as_of).order_by("date").values_list("date", "value"))
    return [d for d, _ in rows], [v for _, v in rows]


def _progress_periods(kpi: Kpi, as_of: date) -> list[Period]:
    periods = {t.period for t in kpi.targets.select_related("period")}
    periods.add(resolve_period(None, quarter_of(as_of, get_workspace().fiscal_year_start_month).name))
    return sorted(periods, key=lambda p: (p.start, p.end))


def refresh_progress(kpi: Kpi, *, periods: Sequence[Period] | None = None, as_of: date | None = None,
                     alerts: list[str] | None = None) -> None:
    """Recompute a KPI's progress for ``periods`` (default: the current quarter and every period with a
    target) from its stored values; a current-quarter status turning off track raises an alert."""
    as_of = as_of or current_as_of()
    dates, values = _history(kpi, as_of)
    targets = {t.period_id: t.value for t in kpi.targets.all()}
    current = quarter_of(as_of, get_workspace().fiscal_year_start_month)
    for period in periods or _progress_periods(kpi, as_of):
        previous = KpiProgress.objects.filter(kpi=kpi, period=period).first()
        row = _progress(kpi, period, targets.get(period.pk), dates, values, as_of)
        if previous is not None:
            row.pk = previous.pk
        row.save()
        if period.start == current.start and period.end == current.end and row.status == "off_track":
            _status_alert(kpi, previous, row, as_of, alerts)


def _progress(kpi: Kpi, period: Period, target: float | None, dates: list[date], values: list[float],
              as_of: date) -> KpiProgress:
    row = KpiProgress(kpi=kpi, period=period, as_of=as_of, target=target, days_total=period.days,
                      level=STATUS_LEVEL)
    kept = [(d, v) for d, v in zip(dates, values, strict=True) if d <= min(as_of, period.end)]
    if not kept:
        row.status = KpiProgress.Status.NO_DATA
        row.rule = (f"no values up to {min(as_of, period.end)}: "
                    + ("refresh the KPIs (`headway kpi refresh`)" if kpi.source == Kpi.Source.METRIC
                       else f"import them with `headway kpi import {kpi.name} FILE`"))
        return row
    try:
        result = kpi_status([v for _, v in kept], [d for d, _ in kept],
                            target if target is not None else 0.0, period.start, period.end,
                            direction=kpi.direction, aggregation=kpi.aggregation,  # type: ignore[arg-type]
                            level=STATUS_LEVEL)
    except HeadwayError as exc:
        row.status, row.rule = KpiProgress.Status.NO_DATA, exc.message
        return row
    row.projection, row.lower, row.upper = result.projection, result.lower, result.upper
    row.period_to_date, row.current, row.current_date = result.period_to_date, result.current, result.current_date
    row.days_elapsed, row.model = result.days_elapsed, result.model[:200]
    if target is None:
        row.status = KpiProgress.Status.NO_TARGET
        row.rule = (f"no target for {period.name}: set one with "
                    f"`headway kpi set-target {kpi.name} \"{period.name}\" VALUE`")
    else:
        row.status, row.rule = result.status, result.rule
    return row


def _status_alert(kpi: Kpi, previous: KpiProgress | None, row: KpiProgress, as_of: date,
                  alerts: list[str] | None) -> None:
    before = previous.status if previous and previous.status in ("on_track", "at_risk", "off_track") else None
    if Alert.objects.filter(kpi=kpi, kind=Alert.Kind.OFF_TRACK, acknowledged_at__isnull=True).exists():
        return
    result = KpiStatus(
        status="off_track", rule=row.rule, target=float(row.target or 0.0), direction=kpi.direction,  # type: ignore[arg-type]
        aggregation=kpi.aggregation, level=row.level, projection=float(row.projection or 0.0),  # type: ignore[arg-type]
        lower=float(row.lower or 0.0), upper=float(row.upper or 0.0), period_to_date=row.period_to_date,
        current=row.current, current_date=row.current_date, days_elapsed=row.days_elapsed,
        days_total=row.days_total, model=row.model)
    found = status_alert(kpi.label, before, result, as_of)  # type: ignore[arg-type]
    if found is not None and not Alert.objects.filter(kpi=kpi, kind=found.kind, since=found.since).exists():
        Alert.objects.create(kpi=kpi, kind=found.kind, direction=found.direction, since=found.since,
                             until=found.until, slots=found.slots, actual=found.actual, expected=found.expected,
                             delta=found.delta, delta_pct=found.delta_pct, message=found.message)
        if alerts is not None:
            alerts.append(found.message)


def _filter_text(flt: Any) -> str:
    value = flt.value
    if isinstance(value, tuple | list):
        value = ",".join(str(v) for v in value)
    return f"{flt.property}:{flt.op}" + ("" if value is None else f":{value}")


def _simple_metric(name: str) -> Any:
    """The catalogue's simple metric behind ``name`` (a ratio's numerator), whose counts can be split."""
    from headway.analytics import services as analytics

    catalog = analytics.metric_catalog()
    metric = catalog.metrics.get(name)
    while metric is not None and metric.type == "ratio":
        metric = catalog.metrics.get(metric.numerator)
    return metric if metric is not None and metric.type == "simple" else None


@dataclass
class SegmentCache:
    """The splits of one refresh, shared by KPIs with the same numerator (see :func:`metric_segments`)."""

    splits: dict[tuple[Any, ...], dict[str, list[float]] | None] = field(default_factory=dict)
    #: (event, filters, first day, last day, property) with too many values: this depends on what is
    #: counted, never on the math, so a property found too varied for one metric is skipped for the others.
    too_varied: set[tuple[Any, ...]] = field(default_factory=set)


def metric_segments(metric_name: str, dates: Sequence[date],
                    cache: SegmentCache | None = None) -> dict[str, dict[str, list[float]]]:
    """The metric (or a ratio's numerator) split by each event property, aligned with ``dates``.

    Properties starting with ``$`` and those with more than BREAKDOWN_LIMIT values are left out.
    """
    from headway.analytics import services as analytics

    metric = _simple_metric(metric_name)
    if metric is None or not dates:
        return {}
    cache = SegmentCache() if cache is None else cache
    where = [_filter_text(f) for f in metric.where]
    segments: dict[str, dict[str, list[float]]] = {}
    for prop in analytics.property_names(None, metric.event):
        if prop.startswith("$"):
            continue
        values_key = (metric.event, tuple(where), dates[0], dates[-1], prop)
        if values_key in cache.too_varied:
            continue
        query_key = (*values_key, metric.math, metric.math_property)
        if query_key not in cache.splits:
            query = {"event": metric.event, "math": metric.math, "math_property": metric.math_property,
                     "interval": "day", "date_from": dates[0], "date_to": dates[-1], "where": where,
                     "breakdown": prop, "breakdown_limit": BREAKDOWN_LIMIT}
            result = analytics.trends(None, query)
            if any(s.is_other for s in result.series):
                cache.too_varied.add(values_key)
                continue
            index = {label.date(): i for i, label in enumerate(result.labels)}
            cache.splits[query_key] = None if len(result.series) < 2 else {
                str(s.breakdown_value): [float(s.data[index[d]]) if d in index else 0.0 for d in dates]
                for s in result.series
            }
        split = cache.splits[query_key]
        if split is not None:
            segments[prop] = split
    return segments


def _weekly(dates: Sequence[date], values: Sequence[float], how: str) -> Any:
    from headway.strategy.engine.series import aggregate, regular

    return aggregate(regular(values, dates, "day"), "week", how)  # type: ignore[arg-type]


def detect_alerts(kpi: Kpi, as_of: date, alerts: list[str] | None = None,
                  segments_cache: SegmentCache | None = None) -> int:
    """Store an alert for each run of ALERT_MIN_WEEKS or more whole weeks outside the KPI's expected band
    (weeks add up the days by the KPI's aggregation), with the property that explains most of the change
    for metric KPIs; returns how many are new. ``segments_cache``: see :func:`metric_segments`."""
    dates, values = _history(kpi, as_of)
    if len(dates) < 7 * ALERT_MIN_HISTORY_WEEKS:
        return 0
    try:
        weeks = _weekly(dates, values, kpi.aggregation)
        found = detect_anomalies(weeks.values, weeks.dates, kpi.label, level=ALERT_LEVEL, freq="week",
                                 min_slots=ALERT_MIN_WEEKS)
    except HeadwayError:
        return 0
    new = [a for a in found if not Alert.objects.filter(kpi=kpi, kind=Alert.Kind.ANOMALY, since=a.since).exists()]
    if not new:
        return 0
    if kpi.source == Kpi.Source.METRIC:
        grid = [dates[0] + timedelta(days=i) for i in range((dates[-1] - dates[0]).days + 1)]
        try:
            daily = metric_segments(kpi.metric, grid, segments_cache)
            base = _simple_metric(kpi.metric)
            how = kpi.aggregation if base is not None and base.name == kpi.metric else "sum"  # a ratio: its numerator
            segments = {prop: {value: _weekly(grid, series, how).values for value, series in split.items()}
                        for prop, split in daily.items()}
        except HeadwayError:
            segments = {}
        if segments:
            explained = detect_anomalies(weeks.values, weeks.dates, kpi.label, level=ALERT_LEVEL, freq="week",
                                         min_slots=ALERT_MIN_WEEKS, segments=segments)
            by_since = {a.since: a for a in explained}
            new = [by_since.get(a.since, a) for a in new]
    for alert in new:
        breakdown = None
        if alert.breakdown is not None:
            breakdown = {"property": alert.breakdown.property, "sentence": alert.breakdown.sentence,
                         "scores": alert.breakdown.scores,
                         "segments": [{"value": s.value, "before": s.before, "after": s.after, "delta": s.delta,
                                       "share": s.share} for s in alert.breakdown.segments]}
        Alert.objects.create(kpi=kpi, kind=Alert.Kind.ANOMALY, direction=alert.direction, since=alert.since,
                             until=alert.until, slots=alert.slots, actual=alert.actual, expected=alert.expected,
                             delta=alert.delta, delta_pct=alert.delta_pct, message=alert.message,
                             breakdown=breakdown)
        if alerts is not None:
            alerts.append(alert.message)
    return len(new)


def refresh_kpis(actor: User | None = None, *, as_of: date | None = None, names: Sequence[str] = ()) -> RefreshReport:
    """Compute every KPI's (or the named ones') values up to ``as_of`` (default yesterday), progress per
    period and alerts; a KPI whose metric fails keeps its last good values and shows the error."""
    _read(actor)
    as_of = as_of or default_as_of()
    report = RefreshReport(as_of=as_of)
    kpis = list(Kpi.objects.filter(name__in=names)) if names else list(Kpi.objects.all())
    segments_cache = SegmentCache()
    for kpi in kpis:
        report.values[kpi.name] = compute_values(kpi, as_of)
        kpi.refresh_from_db(fields=["last_error"])
        if kpi.last_error:
            report.errors[kpi.name] = kpi.last_error
        refresh_progress(kpi, as_of=as_of, alerts=report.alerts)
        detect_alerts(kpi, as_of, report.alerts, segments_cache)
    return report


# --- reading KPIs --------------------------------------------------------------------------------------


@dataclass
class KpiSummary:
    """A KPI's numbers for one period, as every face shows them (raw and as text)."""

    name: str
    label: str
    unit: str
    direction: str
    aggregation: str
    source: str
    metric: str
    owner: str
    parent: str | None
    north_star: bool
    period: str
    period_start: date
    period_end: date
    status: str
    status_label: str
    rule: str
    target: float | None
    projection: float | None
    lower: float | None
    upper: float | None
    period_to_date: float | None
    current: float | None
    current_date: date | None
    days_elapsed: int
    days_total: int
    model: str
    error: str
    as_of: date | None
    display: dict[str, str]
    spark: list[float] = field(default_factory=list)


def summarize(kpi: Kpi, period: Period, progress: KpiProgress | None, currency: str,
              last_value: tuple[date, float] | None = None) -> KpiSummary:
    """The summary of a KPI for a period from its precomputed progress."""
    p = progress
    current = p.current if p and p.current is not None else (last_value[1] if last_value else None)
    current_date = p.current_date if p and p.current_date else (last_value[0] if last_value else None)
    status = p.status if p else KpiProgress.Status.NO_DATA
    fmt = {key: format_value(getattr(p, key, None) if p else None, kpi.unit, currency)
           for key in ("target", "projection", "lower", "upper", "period_to_date")}
    fmt["current"] = format_value(current, kpi.unit, currency)
    return KpiSummary(
        name=kpi.name, label=kpi.label, unit=kpi.unit, direction=kpi.direction, aggregation=kpi.aggregation,
        source=kpi.source, metric=kpi.metric, owner=kpi.owner.name if kpi.owner else "",
        parent=kpi.parent.name if kpi.parent else None, north_star=kpi.is_north_star,
        period=period.name, period_start=period.start, period_end=period.end, status=status,
        status_label=STATUS_LABELS.get(status, status),
        rule=p.rule if p else "not computed yet: run `headway kpi refresh`",
        target=p.target if p else None, projection=p.projection if p else None, lower=p.lower if p else None,
        upper=p.upper if p else None, period_to_date=p.period_to_date if p else None, current=current,
        current_date=current_date, days_elapsed=p.days_elapsed if p else 0,
        days_total=p.days_total if p else period.days, model=p.model if p else "", error=kpi.last_error,
        as_of=p.as_of if p else None, display=fmt,
    )


def kpi_summaries(actor: User | None, period: str | None = None, *, spark_days: int = 0) -> list[KpiSummary]:
    """Every KPI's summary for ``period`` (default: the current quarter), with ``spark_days`` of values."""
    _read(actor)
    chosen = resolve_period(actor, period) if period else current_period()
    kpis = list(Kpi.objects.select_related("owner", "parent"))
    progress = {p.kpi_id: p for p in KpiProgress.objects.filter(period=chosen)}
    currency = get_workspace().currency
    as_of = current_as_of()
    recent: dict[int, list[tuple[date, float]]] = {}
    since = as_of - timedelta(days=max(spark_days, 1) - 1) if spark_days else None
    missing = [k.pk for k in kpis if k.pk not in progress or progress[k.pk].current is None]
    if spark_days or missing:
        rows = KpiValue.objects.filter(date__lte=as_of)
        rows = rows.filter(date__gte=since) if since and not missing else rows
        for kpi_id, day, value in rows.order_by("date").values_list("kpi_id", "date", "value"):
            recent.setdefault(kpi_id, []).append((day, value))
    result = []
    for kpi in kpis:
        history = recent.get(kpi.pk, [])
        summary = summarize(kpi, chosen, progress.get(kpi.pk), currency, history[-1] if history else None)
        if spark_days and since:
            summary.spark = [v for d, v in history if d >= since]
        result.append(summary)
    return result


def kpi_summary(actor: User | None, name: str, period: str | None = None) -> KpiSummary:
    """One KPI's summary for ``period`` (default: the current quarter)."""
    kpi = get_kpi(actor, name)
    chosen = resolve_period(actor, period) if period else current_period()
    progress = KpiProgress.objects.filter(kpi=kpi, period=chosen).first()
    if progress is None and period:
        refresh_progress(kpi, periods=[chosen])
        progress = KpiProgress.objects.filter(kpi=kpi, period=chosen).first()
    last = kpi.values.order_by("-date").values_list("date", "value").first()
    return summarize(kpi, chosen, progress, get_workspace().currency, last)


def kpi_chart_data(actor: User | None, name: str, period: str | None = None) -> dict[str, Any]:
    """The KPI detail chart's rows: daily (or running-total) actuals, the forecast with its interval to the
    period's end, and the target, for ``period`` (default: the current quarter)."""
    from headway.strategy.engine.forecast import model_for
    from headway.strategy.engine.series import regular

    summary = kpi_summary(actor, name, period)
    kpi = get_kpi(actor, name)
    as_of = summary.as_of or current_as_of()
    dates, values = _history(kpi, as_of)
    start, end = summary.period_start, summary.period_end
    cumulative = kpi.aggregation == Kpi.Aggregation.SUM
    shown_from = start if cumulative else max(start - timedelta(days=28), dates[0] if dates else start)
    actual: list[dict[str, Any]] = []
    running = 0.0
    for day, value in zip(dates, values, strict=True):
        if shown_from <= day <= end:
            running += value if day >= start else 0.0
            actual.append({"date": day.isoformat(), "series": "actual", "value": running if cumulative else value})
    band: list[dict[str, Any]] = []
    if dates and end > dates[-1] and len(dates) >= 2:
        series = regular(values, dates, "day")
        model = model_for(series)
        horizon = (end - dates[-1]).days
        done = running if cumulative else 0.0
        first = max(1, (start - dates[-1]).days)
        mean = model.predict(horizon)
        lows, highs = model.interval(horizon, STATUS_LEVEL)
        for h in range(first, horizon + 1):
            day = dates[-1] + timedelta(days=h)
            if cumulative:
                total, low, high = model.total(first, h, STATUS_LEVEL)
                point, low, high = done + total, done + low, done + high
            else:
                point, low, high = mean[h - 1], lows[h - 1], highs[h - 1]
            band.append({"date": day.isoformat(), "series": "forecast", "value": point, "lower": low, "upper": high})
    return {"summary": summary, "cumulative": cumulative, "actual": actual, "forecast": band,
            "target": summary.target}


# --- alerts --------------------------------------------------------------------------------------------


def list_alerts(actor: User | None, *, include_acknowledged: bool = True, kpi: str | None = None) -> QuerySet[Alert]:
    """Alerts, open ones first, newest first."""
    _read(actor)
    alerts = Alert.objects.select_related("kpi", "acknowledged_by").order_by(
        "acknowledged_at", "-since", "-pk")
    if not include_acknowledged:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    if kpi:
        alerts = alerts.filter(kpi__name=kpi)
    return alerts


def get_alert(actor: User | None, alert_id: int) -> Alert:
    """One alert, or a NotFound that says how to list them."""
    try:
        return list_alerts(actor).get(pk=alert_id)
    except Alert.DoesNotExist:
        raise NotFound(f"There is no alert {alert_id}: GET /api/v1/alerts lists them.") from None


@transaction.atomic
def acknowledge_alert(actor: User | None, alert_id: int) -> Alert:
    """Mark an alert as seen (anyone who reads the workspace may); acknowledging twice keeps the first."""
    alert = get_alert(actor, alert_id)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = dj_timezone.now(), actor
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(actor, AuditEvent.Action.UPDATE, alert, summary=f"alert on {alert.kpi.name} acknowledged")
    return alert


# --- the dashboard -------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    as_of: date
    north_star: KpiSummary | None
    kpis: list[KpiSummary]
    goals: list[GoalView]
    alerts: list[Alert]
    open_alerts: int
    insights: list[Any]


def dashboard(actor: User | None) -> Dashboard:
    """What the dashboard shows, read from precomputed values: the North Star, the KPI tree with
    sparklines, the current period's goals with progress, recent alerts and pinned saved insights."""
    _read(actor)
    period = current_period()
    kpis = kpi_summaries(actor, spark_days=SPARK_DAYS)
    goals = goal_views(actor, list_goals(actor).filter(period=period))
    open_alerts = Alert.objects.filter(acknowledged_at__isnull=True)
    return Dashboard(
        period=period, as_of=current_as_of(), north_star=next((k for k in kpis if k.north_star), None), kpis=kpis,
        goals=goals, alerts=list(open_alerts.select_related("kpi").order_by("-since", "-pk")[:5]),
        open_alerts=open_alerts.count(), insights=_pinned_insights(actor),
    )


def _pinned_insights(actor: User | None) -> list[Any]:
    try:
        from headway.analytics import services as analytics
    except ImportError:
        return []
    return [i for i in analytics.list_insights(actor) if getattr(i, "pinned", False)][:6]
