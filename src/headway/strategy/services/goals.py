"""Goals: company objectives and product goals for a period, their key results (KPIs) and check-ins, and
their progress as every face shows it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.formatting import percent
from headway.core.models import AuditEvent, User
from headway.core.services import get_workspace
from headway.core.validation import actor_label, choice_key
from headway.strategy.display import STATUS_LABELS, format_value
from headway.strategy.models import Goal, GoalUpdate, KeyResult, Kpi, KpiProgress
from headway.strategy.services._common import choice, edit, read, text, user_named
from headway.strategy.services.areas import get_area
from headway.strategy.services.periods import resolve_period

GOAL_STATUSES = [s.value for s in Goal.Status]
#: ``update_goal(parent=KEEP)`` leaves the goal's parent as it is.
KEEP = "keep"


@dataclass
class KeyResultView:
    """A key result: its KPI's progress towards the target in the goal's period."""

    kpi: str
    label: str
    status: str
    progress: float | None
    period_to_date: str
    target: str
    #: The projection to the period's end as text, its share of the target (the basis of the status rule,
    #: capped at 1) and the KPI's rule that decided the status.
    projected: str = "–"
    projected_share: float | None = None
    rule: str = ""

    @property
    def status_label(self) -> str:
        """The status as people read it."""
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class GoalTrack:
    """Whether a goal is on track and how far, from ONE rule (:func:`goal_track`): ``progress`` is the deciding
    key result's projection as a share of its target for the goal's period, ``status`` its status, ``rule``
    the sentence that says why (shown on hover)."""

    status: str
    progress: float | None
    rule: str
    deciding: str | None = None

    @property
    def status_label(self) -> str:
        """The status as people read it."""
        return dict(Goal.Status.choices).get(self.status, STATUS_LABELS.get(self.status, self.status))


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
    #: Status and progress by the one rule (``status`` and ``progress`` above: the latest check-in and the
    #: key results' mean share done so far).
    track: GoalTrack = field(default_factory=lambda: GoalTrack(status="not_started", progress=None, rule=""))

    @property
    def status_label(self) -> str:
        """The status as people read it."""
        return dict(Goal.Status.choices).get(self.status, self.status)


@dataclass
class GoalCheckIn:
    """One check-in on a goal: the status and confidence it set, why, by whom and when."""

    status: str
    confidence: int
    comment: str
    author: str
    at: dt.datetime

    @classmethod
    def from_model(cls, update: GoalUpdate) -> GoalCheckIn:
        """The view of a stored check-in."""
        return cls(status=update.status, confidence=update.confidence, comment=update.comment,
                   author=actor_label(update.author), at=update.created_at)


def list_goals(actor: User | None, period: str | None = None) -> QuerySet[Goal]:
    """Goals (of ``period`` when given) with their owners, key results and KPIs."""
    read(actor)
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
    key = choice_key(value)
    if key not in GOAL_STATUSES:
        raise ValidationError(f"status {value!r} is unknown: use one of {', '.join(GOAL_STATUSES)}.",
                              details={"status": value})
    return key


def _confidence(value: object) -> int:
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


def _set_key_results(goal: Goal, kpis: Sequence[str]) -> None:
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
    edit(actor)
    if level not in Goal.Level.values:
        raise ValidationError(f"level {level!r} is unknown: use company or product.", details={"level": level})
    goal = Goal(title=text(title, "title", 200), description=description.strip(), level=level,
                period=resolve_period(actor, period), owner=user_named(owner),
                area=get_area(actor, area) if area else None)
    _set_parent(goal, parent)
    goal.save()
    _set_key_results(goal, list(key_results))
    audit.record(actor, AuditEvent.Action.CREATE, goal, summary=f"goal {goal.title!r} created")
    return goal


@transaction.atomic
def update_goal(actor: User | None, goal_id: int, *, status: str | None = None, confidence: object = None,
                comment: str = "", title: str | None = None, owner: str | None = None,
                parent: int | str | None = KEEP, period: str | None = None,
                key_results: Sequence[str] | None = None, level: str | None = None,
                description: str | None = None, area: str | None = None) -> Goal:
    """Change a goal; a status or confidence change is a check-in kept in its history with the comment.

    None keeps a field; ``area=""`` takes the goal out of its product area."""
    edit(actor)
    goal = get_goal(actor, goal_id)
    before = {"title": goal.title, "owner": goal.owner_id, "parent": goal.parent_id, "period": goal.period_id}
    if title is not None:
        goal.title = text(title, "title", 200)
    if level is not None:
        goal.level = choice(level, Goal.Level.values, "level")
    if description is not None:
        goal.description = text(description, "description", 5000, required=False)
    if area is not None:
        goal.area = get_area(actor, area) if area else None
    if owner is not None:
        goal.owner = user_named(owner)
    if parent != KEEP:
        _set_parent(goal, None if parent is None or parent == "" else int(parent))
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
        _set_key_results(goal, list(key_results))
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


def goal_check_ins(actor: User | None, goal_id: int) -> list[GoalCheckIn]:
    """A goal's check-ins, newest first, as the API and the CLI show them."""
    return [GoalCheckIn.from_model(u) for u in goal_updates(actor, goal_id)]


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


#: Worst first: the key result whose status is worst decides the goal's.
_SEVERITY = {"off_track": 0, "at_risk": 1, "on_track": 2}


def projected_share(direction: str, projection: float | None, target: float | None) -> float | None:
    """A projection as a share of the target on the basis of the status rule, 0 to 1: projection ÷ target
    (higher is better) or target ÷ projection (lower is better); 1 exactly when the rule says on track."""
    if projection is None or target is None:
        return None
    if direction == Kpi.Direction.HIGHER:
        share = projection / target if target else 1.0
    else:
        share = target / projection if projection else 1.0
    return max(0.0, min(1.0, share))


def goal_track(checkin_status: str, key_results: Sequence[KeyResultView]) -> GoalTrack:
    """THE rule of a goal's status and progress, on every face.

    A goal closed at a check-in (done or dropped) keeps that status. Otherwise the key result with the worst
    status (off track, then at risk, then on track; the lowest share breaks ties) decides: the goal's status is
    its status and the goal's progress its projected share of the target for the goal's period (the KPI's
    projection to the period's end against the period's target, the same numbers as its status rule). Without a
    key result that has a target and values, the status is the latest check-in's and the progress unknown.
    """
    if checkin_status in (Goal.Status.DONE, Goal.Status.DROPPED):
        label = dict(Goal.Status.choices)[checkin_status]
        return GoalTrack(status=checkin_status, progress=None,
                         rule=f"{label}: marked {label.lower()} at the latest check-in.")
    judged = [k for k in key_results if k.status in _SEVERITY and k.projected_share is not None]
    if not judged:
        label = dict(Goal.Status.choices).get(checkin_status, checkin_status)
        return GoalTrack(status=checkin_status, progress=None,
                         rule=f"{label}, from the latest check-in: no key result has a target and values yet.")
    worst = min(judged, key=lambda k: (_SEVERITY[k.status], k.projected_share or 0.0))
    share = worst.projected_share or 0.0
    of = f"the worst of {len(judged)} key results" if len(judged) > 1 else "its key result"
    rule = (f"{STATUS_LABELS[worst.status]}, {percent(share)}: {worst.label} ({of}) is projected at "
            f"{worst.projected} against a target of {worst.target} — {worst.rule}")
    return GoalTrack(status=worst.status, progress=share, rule=rule, deciding=worst.kpi)


def goal_views(actor: User | None, goals: Iterable[Goal]) -> list[GoalView]:
    """Goals with progress (the mean of their key results'), as a forest by alignment (parent → children)."""
    read(actor)
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
                target=format_value(prog.target if prog else None, kr.kpi.unit, currency),
                projected=format_value(prog.projection if prog else None, kr.kpi.unit, currency),
                projected_share=projected_share(kr.kpi.direction, prog.projection, prog.target) if prog else None,
                rule=prog.rule if prog else "not computed yet: refresh the KPIs"))
        shares = [k.progress for k in krs if k.progress is not None]
        views[goal.pk] = GoalView(
            id=goal.pk, title=goal.title, level=goal.level, period=goal.period.name,
            owner=goal.owner.name if goal.owner else "", status=goal.status, confidence=goal.confidence,
            parent_id=goal.parent_id, progress=math.fsum(shares) / len(shares) if shares else None, key_results=krs,
            track=goal_track(goal.status, krs))
    roots = []
    for view in views.values():
        parent = views.get(view.parent_id) if view.parent_id is not None else None
        if parent is not None:
            parent.children.append(view)
        else:
            roots.append(view)
    return roots


def goal_view(actor: User | None, goal_id: int) -> GoalView:
    """One goal with its key results' progress (its children are left out)."""
    return goal_views(actor, [get_goal(actor, goal_id)])[0]
