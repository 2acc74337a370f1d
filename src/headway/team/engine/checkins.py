"""Check-in cadence arithmetic, overdue lists and agenda carry-over, as pure functions on dates.

A manager–report pair meets weekly, every two weeks or monthly. The next check-in is due one cadence after
the last one (a monthly check-in on 31 January is due on the last day of February); a pair that has never met
is due on the day it started. A check-in is overdue the day after it was due. Open agenda and action items
carry over to the next check-in until they are done.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from headway.core.errors import ValidationError

PersonId = int | str

CADENCES = {"weekly": "Weekly", "biweekly": "Every two weeks", "monthly": "Monthly"}
"""Cadence keys and their labels."""


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def check_cadence(cadence: str) -> str:
    """``cadence`` if known, else a ValidationError listing the cadences."""
    if cadence not in CADENCES:
        raise ValidationError(f"unknown cadence {cadence!r}: use one of {', '.join(CADENCES)}")
    return cadence


def next_due(last: date | None, cadence: str, *, started: date | None = None) -> date:
    """When the next check-in is due: one cadence after ``last``, or ``started`` if there was none yet."""
    check_cadence(cadence)
    if last is None:
        if started is None:
            raise ValidationError("a pair with no check-in yet needs its start date to know when one is due")
        return started
    if cadence == "weekly":
        return last + timedelta(days=7)
    if cadence == "biweekly":
        return last + timedelta(days=14)
    return add_months(last, 1)


@dataclass(frozen=True)
class CheckinPair:
    """A manager and a report who meet on a cadence; ``last`` is the date of their latest check-in."""

    manager: PersonId
    report: PersonId
    cadence: str
    started: date
    last: date | None = None

    @property
    def due(self) -> date:
        """The date the next check-in is due."""
        return next_due(self.last, self.cadence, started=self.started)


@dataclass(frozen=True)
class OverdueCheckin:
    """A pair whose check-in is past due, and by how many days."""

    manager: PersonId
    report: PersonId
    cadence: str
    due: date
    days_overdue: int


def overdue_checkins(
    pairs: Iterable[CheckinPair], today: date, *, manager: PersonId | None = None
) -> list[OverdueCheckin]:
    """The pairs (of ``manager``, if given) whose check-in was due before ``today``, most overdue first."""
    out = [
        OverdueCheckin(p.manager, p.report, p.cadence, p.due, (today - p.due).days)
        for p in pairs
        if (manager is None or p.manager == manager) and p.due < today
    ]
    out.sort(key=lambda o: (-o.days_overdue, str(o.report)))
    return out


@dataclass(frozen=True)
class AgendaItem:
    """A topic for a check-in; a private item is seen only by its author. ``carried`` counts carry-overs."""

    id: PersonId
    text: str
    author: PersonId
    private: bool = False
    done: bool = False
    carried: int = 0


@dataclass(frozen=True)
class ActionItem:
    """Something someone agreed to do by a date."""

    id: PersonId
    text: str
    owner: PersonId
    due: date | None = None
    done: bool = False


def carry_over(previous: Sequence[AgendaItem], new: Sequence[AgendaItem] = ()) -> tuple[AgendaItem, ...]:
    """The agenda of the next check-in: the open items of the previous one (carried once more), then ``new``.

    An item in ``new`` with the id of a carried item replaces it (no duplicates).
    """
    new_ids = {item.id for item in new}
    carried = tuple(
        dataclasses.replace(item, carried=item.carried + 1)
        for item in previous
        if not item.done and item.id not in new_ids
    )
    return (*carried, *new)


def visible_agenda(items: Iterable[AgendaItem], viewer: PersonId) -> tuple[AgendaItem, ...]:
    """The items ``viewer`` may see: shared ones and their own private ones."""
    return tuple(item for item in items if not item.private or item.author == viewer)


def overdue_actions(
    actions: Iterable[ActionItem], today: date, *, owner: PersonId | None = None
) -> list[ActionItem]:
    """Open action items (of ``owner``, if given) whose due date is before ``today``, oldest first."""
    out = [
        a
        for a in actions
        if not a.done and a.due is not None and a.due < today and (owner is None or a.owner == owner)
    ]
    out.sort(key=lambda a: (a.due or today, str(a.id)))
    return out
