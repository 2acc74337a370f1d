"""Check-ins between a manager and a report: cadence, pulse, agenda carried over until done, action items.

Who may see a pair's check-ins: its manager and report, the people above the manager in the management chain,
and the system. Private agenda items are seen only by their author. Writing a check-in is for the two people of
the pair; setting up a pair is for the report's manager or anyone with ``Perm.MANAGE_TEAM``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import Conflict, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.team.engine import checkins as engine
from headway.team.models import ActionItem, AgendaItem, Checkin, CheckinPair, Person
from headway.team.services.access import can, deny, in_chain, is_person, person_of
from headway.team.services.people import PersonName, get_person


def _date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{field} {value!r} is not a date like 2025-03-18.", details={field: str(value)}) from None


def may_see_pair(actor: User | None, pair: CheckinPair) -> bool:
    """The system, the pair's two people and the manager's management chain."""
    if actor is None:
        return True
    return (is_person(actor, pair.manager_id) or is_person(actor, pair.report_id)
            or in_chain(actor, pair.manager_id))


def get_pair(actor: User | None, pair_id: int) -> CheckinPair:
    """A check-in pair the actor may see, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    pair = CheckinPair.objects.select_related("manager", "report").filter(pk=pair_id).first()
    if pair is None or not may_see_pair(actor, pair):
        raise NotFound(f"There is no check-in pair {pair_id} you may see: `headway team checkin list` shows yours.")
    return pair


def list_pairs(actor: User | None) -> list[CheckinPair]:
    """The pairs the actor may see, with the date of their last check-in as ``last``."""
    check(actor, Perm.VIEW_WORKSPACE)
    pairs = CheckinPair.objects.select_related("manager", "report").annotate(last=Max("checkins__date"))
    return [p for p in pairs.filter(active=True) if may_see_pair(actor, p)]


@transaction.atomic
def create_pair(actor: User | None, manager: int, report: int, cadence: str = "weekly",
                started: Any = None) -> CheckinPair:
    """Start check-ins between ``manager`` and ``report`` at ``cadence`` (weekly, biweekly, monthly)."""
    check(actor, Perm.VIEW_WORKSPACE)
    boss, person = get_person(None, manager), get_person(None, report)
    if not can(actor, Perm.MANAGE_TEAM) and not is_person(actor, boss):
        raise deny("set up check-ins for others", "ask a product leader, or set up your own as the manager")
    engine.check_cadence(cadence)
    if boss.pk == person.pk:
        raise ValidationError("A person cannot check in with themselves: pick the report's manager.")
    ended = CheckinPair.objects.filter(manager=boss, report=person, active=False).first()
    if ended is not None:  # a series that was ended starts again, its history kept
        ended.active, ended.cadence = True, cadence
        ended.save(update_fields=["active", "cadence"])
        audit.record(actor, AuditEvent.Action.UPDATE, ended,
                     summary=f"check-ins {boss.name} ↔ {person.name} restarted ({cadence})")
        return ended
    if CheckinPair.objects.filter(manager=boss, report=person).exists():
        raise Conflict(f"{boss.name} and {person.name} already have check-ins: change the cadence instead.")
    pair = CheckinPair.objects.create(manager=boss, report=person, cadence=cadence,
                                      started=_date(started or date.today(), "started"))
    audit.record(actor, AuditEvent.Action.CREATE, pair,
                 summary=f"check-ins {boss.name} ↔ {person.name} ({cadence})")
    return pair


def _participant(actor: User | None, pair: CheckinPair) -> Person | None:
    """The actor's person when they are one of the pair (None for the system); refuses anyone else."""
    if actor is None:
        return None
    me = person_of(actor)
    if me is None or me.pk not in (pair.manager_id, pair.report_id):
        raise deny("write in this check-in", f"only {pair.manager.name} and {pair.report.name} can")
    return me


@transaction.atomic
def set_cadence(actor: User | None, pair_id: int, cadence: str) -> CheckinPair:
    """Change how often a pair meets."""
    pair = get_pair(actor, pair_id)
    _participant(actor, pair)
    old, pair.cadence = pair.cadence, engine.check_cadence(cadence)
    pair.save(update_fields=["cadence"])
    audit.record(actor, AuditEvent.Action.UPDATE, pair, changes={"cadence": [old, pair.cadence]},
                 summary=f"check-ins {pair.manager.name} ↔ {pair.report.name}: {old} → {pair.cadence}")
    return pair


@transaction.atomic
def end_pair(actor: User | None, pair_id: int) -> CheckinPair:
    """End a series (one of the pair): it leaves the lists and is never overdue; its history is kept, and
    starting check-ins between the same two people again picks it up."""
    pair = get_pair(actor, pair_id)
    _participant(actor, pair)
    if not pair.active:
        raise Conflict(f"The check-ins of {pair.manager.name} and {pair.report.name} have ended already.")
    pair.active = False
    pair.save(update_fields=["active"])
    audit.record(actor, AuditEvent.Action.UPDATE, pair, changes={"active": [True, False]},
                 summary=f"check-ins {pair.manager.name} ↔ {pair.report.name} ended")
    return pair


@transaction.atomic
def add_agenda_item(actor: User | None, pair_id: int, text: str, *, private: bool = False,
                    author: int | None = None) -> AgendaItem:
    """Add a topic for the next check-in; a private one is seen only by its author."""
    pair = get_pair(actor, pair_id)
    me = _participant(actor, pair)
    text = text.strip()
    if not text or len(text) > 500:
        raise ValidationError("An agenda item is 1 to 500 characters.")
    writer = me.pk if me else (author or pair.manager_id)
    return AgendaItem.objects.create(pair=pair, text=text, author_id=writer, private=private)


@transaction.atomic
def add_action_item(actor: User | None, pair_id: int, text: str, owner: int, due: Any = None) -> ActionItem:
    """Record something to do, by ``owner`` (one of the pair) by ``due``."""
    pair = get_pair(actor, pair_id)
    _participant(actor, pair)
    if owner not in (pair.manager_id, pair.report_id):
        raise ValidationError(f"The owner must be {pair.manager.name} (id {pair.manager_id}) or "
                              f"{pair.report.name} (id {pair.report_id}).")
    text = text.strip()
    if not text:
        raise ValidationError("Say what the action is.")
    return ActionItem.objects.create(pair=pair, text=text[:500], owner_id=owner,
                                     due=_date(due, "due") if due else None)


def _engine_item(item: AgendaItem) -> engine.AgendaItem:
    return engine.AgendaItem(item.pk, item.text, item.author_id, item.private, item.done, item.carried)


@transaction.atomic
def record_checkin(actor: User | None, pair_id: int, *, on: Any = None, pulse: int | None = None,
                   pulse_comment: str = "", notes: str = "", done: list[int] | tuple[int, ...] = (),
                   actions_done: list[int] | tuple[int, ...] = ()) -> Checkin:
    """Record a check-in: the open agenda (carried over from the last one) is attached; ``done`` closes items."""
    pair = get_pair(actor, pair_id)
    _participant(actor, pair)
    if pulse is not None and (isinstance(pulse, bool) or pulse not in (1, 2, 3, 4, 5)):
        raise ValidationError(f"A pulse is a whole number 1 to 5, not {pulse!r}.", details={"pulse": pulse})
    day = _date(on or date.today(), "date")
    checkin = Checkin.objects.create(pair=pair, date=day, pulse=pulse, pulse_comment=pulse_comment.strip(),
                                     notes=notes.strip())
    open_items = list(pair.agenda.filter(done=False))
    previous = [_engine_item(i) for i in open_items if i.checkin_id is not None]
    new = [_engine_item(i) for i in open_items if i.checkin_id is None]
    carried = {item.id: item.carried for item in engine.carry_over(previous, new)}
    closing = set(done)
    for item in open_items:
        item.carried, item.checkin, item.done = carried[item.pk], checkin, item.pk in closing
        item.save(update_fields=["carried", "checkin", "done"])
    pair.actions.filter(pk__in=list(actions_done)).update(done=True)
    audit.record(actor, AuditEvent.Action.CREATE, checkin,
                 summary=f"check-in {pair.manager.name} ↔ {pair.report.name} on {day.isoformat()}")
    return checkin


def complete_action(actor: User | None, action_id: int) -> ActionItem:
    """Mark an action item done."""
    action = ActionItem.objects.select_related("pair__manager", "pair__report").filter(pk=action_id).first()
    if action is None or not may_see_pair(actor, action.pair):
        raise NotFound(f"There is no action item {action_id} you may see.")
    _participant(actor, action.pair)
    action.done = True
    action.save(update_fields=["done"])
    return action


@dataclass(frozen=True)
class CheckinView:
    """A check-in as the viewer may see it: the pulse, shared notes and the agenda items they may see."""

    checkin: Checkin
    agenda: list[AgendaItem]


@dataclass(frozen=True)
class PairView:
    """A pair's history, the upcoming agenda and the open actions, filtered for the viewer."""

    pair: CheckinPair
    due: date
    checkins: list[CheckinView]
    upcoming: list[AgendaItem]
    actions: list[ActionItem]


def _visible(items: list[AgendaItem], viewer: int | None) -> list[AgendaItem]:
    if viewer is None:
        return [i for i in items if not i.private]
    keep = {i.id for i in engine.visible_agenda([_engine_item(i) for i in items], viewer)}
    return [i for i in items if i.pk in keep]


def pair_view(actor: User | None, pair_id: int) -> PairView:
    """A pair's check-ins, newest first, with only the agenda items the viewer may see."""
    pair = get_pair(actor, pair_id)
    me = person_of(actor)
    viewer = me.pk if me else None
    items = list(pair.agenda.select_related("author"))
    history = [
        CheckinView(c, _visible([i for i in items if i.checkin_id == c.pk], viewer))
        for c in pair.checkins.all()
    ]
    last = history[0].checkin.date if history else None
    upcoming = _visible([i for i in items if not i.done], viewer)
    return PairView(pair, engine.next_due(last, pair.cadence, started=pair.started), history, upcoming,
                    list(pair.actions.select_related("owner")))


def overdue(actor: User | None, manager: int | None = None, *, today: date | None = None
            ) -> list[engine.OverdueCheckin]:
    """Overdue check-ins of the pairs the actor may see (of ``manager`` if given), most overdue first."""
    pairs = [engine.CheckinPair(p.manager_id, p.report_id, p.cadence, p.started, getattr(p, "last", None))
             for p in list_pairs(actor)]
    return engine.overdue_checkins(pairs, today or date.today(), manager=manager)


def pairs_of_person(actor: User | None, person: int) -> QuerySet[CheckinPair]:
    """The pairs a person belongs to, as manager or report, that the actor may see (ids only query)."""
    ids = [p.pk for p in list_pairs(actor) if person in (p.manager_id, p.report_id)]
    return CheckinPair.objects.filter(pk__in=ids).select_related("manager", "report")


class AgendaLine(BaseModel):
    """An agenda item as the viewer may see it."""

    id: int
    text: str
    author: str
    private: bool
    done: bool
    carried: int


class ActionLine(BaseModel):
    """An action item: what, whose, by when, whether done."""

    id: int
    text: str
    owner: str
    due: dt.date | None
    done: bool


class CheckinRecord(BaseModel):
    """A check-in: its pulse, shared notes and the agenda items the viewer may see."""

    id: int
    date: dt.date
    pulse: int | None
    pulse_comment: str
    notes: str
    agenda: list[AgendaLine]


class PairReport(BaseModel):
    """A pair's history, upcoming agenda and actions, for the viewer (``checkins`` None in lists)."""

    id: int
    manager: PersonName
    report: PersonName
    cadence: str
    started: dt.date
    due: dt.date
    active: bool = True
    upcoming: list[AgendaLine]
    actions: list[ActionLine]
    checkins: list[CheckinRecord] | None


def pair_data(view: PairView) -> PairReport:
    """A pair view as a typed report."""
    def item(i: AgendaItem) -> AgendaLine:
        return AgendaLine(id=i.pk, text=i.text, author=i.author.name, private=i.private, done=i.done,
                          carried=i.carried)

    p = view.pair
    return PairReport(
        id=p.pk, manager=PersonName(id=p.manager_id, name=p.manager.name),
        report=PersonName(id=p.report_id, name=p.report.name), cadence=p.cadence,
        started=p.started, due=view.due, active=p.active,
        upcoming=[item(i) for i in view.upcoming],
        actions=[ActionLine(id=a.pk, text=a.text, owner=a.owner.name, due=a.due, done=a.done)
                 for a in view.actions],
        checkins=[CheckinRecord(id=c.checkin.pk, date=c.checkin.date, pulse=c.checkin.pulse,
                                pulse_comment=c.checkin.pulse_comment, notes=c.checkin.notes,
                                agenda=[item(i) for i in c.agenda]) for c in view.checkins],
    )


def pair_summaries(actor: User | None) -> list[PairReport]:
    """The pairs the actor may see, each without its check-in history (``checkins`` None)."""
    return [pair_data(pair_view(actor, p.pk)).model_copy(update={"checkins": None}) for p in list_pairs(actor)]


class OverdueLine(BaseModel):
    """An overdue check-in with the names of the two people."""

    manager_id: int
    manager: str | None
    report_id: int
    report: str | None
    cadence: str
    due: dt.date
    days_overdue: int


def overdue_data(rows: list[engine.OverdueCheckin]) -> list[OverdueLine]:
    """Overdue check-ins with names, as typed lines."""
    ids = {int(r.manager) for r in rows} | {int(r.report) for r in rows}
    names: dict[int, str] = {pk: name for pk, name in Person.objects.filter(pk__in=ids).values_list("id", "name")}
    return [OverdueLine(manager_id=int(r.manager), manager=names.get(int(r.manager)), report_id=int(r.report),
                        report=names.get(int(r.report)), cadence=r.cadence, due=r.due, days_overdue=r.days_overdue)
            for r in rows]
