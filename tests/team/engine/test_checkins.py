"""Check-in cadences, overdue lists and agenda carry-over."""

from __future__ import annotations

from datetime import date

import pytest

from headway.core.errors import ValidationError
from headway.team.engine.checkins import (
    ActionItem,
    AgendaItem,
    CheckinPair,
    add_months,
    carry_over,
    next_due,
    overdue_actions,
    overdue_checkins,
    visible_agenda,
)

D = date.fromisoformat


def test_next_due_per_cadence():
    assert next_due(D("2025-03-03"), "weekly") == D("2025-03-10")
    assert next_due(D("2025-03-03"), "biweekly") == D("2025-03-17")
    assert next_due(D("2025-03-03"), "monthly") == D("2025-04-03")
    assert next_due(D("2025-01-31"), "monthly") == D("2025-02-28")
    assert next_due(D("2024-01-31"), "monthly") == D("2024-02-29")
    assert next_due(D("2025-12-15"), "monthly") == D("2026-01-15")
    assert next_due(D("2025-12-29"), "weekly") == D("2026-01-05")
    assert next_due(None, "weekly", started=D("2025-02-01")) == D("2025-02-01")
    with pytest.raises(ValidationError, match="needs its start date"):
        next_due(None, "weekly")
    with pytest.raises(ValidationError, match="unknown cadence 'daily': use one of weekly, biweekly, monthly"):
        next_due(D("2025-03-03"), "daily")
    assert add_months(D("2025-03-31"), -1) == D("2025-02-28")
    assert add_months(D("2025-01-15"), 13) == D("2026-02-15")


def test_overdue_list_for_a_manager():
    start = D("2025-01-01")
    pairs = [
        CheckinPair("mia", "ann", "weekly", start, D("2025-03-10")),  # due 03-17: 3 days late
        CheckinPair("mia", "bea", "biweekly", start, D("2025-03-06")),  # due 03-20: today, not late
        CheckinPair("mia", "cy", "monthly", start, D("2025-02-10")),  # due 03-10: 10 days late
        CheckinPair("mia", "dee", "weekly", D("2025-03-25")),  # starts later
        CheckinPair("max", "eve", "weekly", start, D("2025-03-01")),  # another manager: due 03-08
    ]
    today = D("2025-03-20")
    late = overdue_checkins(pairs, today, manager="mia")
    assert [(o.report, o.due, o.days_overdue) for o in late] == [
        ("cy", D("2025-03-10"), 10),
        ("ann", D("2025-03-17"), 3),
    ]
    assert [o.report for o in overdue_checkins(pairs, today)] == ["eve", "cy", "ann"]
    never_met = CheckinPair("max", "fin", "monthly", D("2025-03-01"))
    assert [(o.report, o.days_overdue) for o in overdue_checkins([never_met], today)] == [("fin", 19)]


def test_agenda_items_carry_over_until_done():
    previous = [
        AgendaItem(1, "Roadmap review", "mia", done=True),
        AgendaItem(2, "Hiring plan", "ann"),
        AgendaItem(3, "Promotion case", "mia", private=True, carried=1),
    ]
    new = [AgendaItem(4, "Q3 goals", "ann")]
    agenda = carry_over(previous, new)
    assert [(i.id, i.carried) for i in agenda] == [(2, 1), (3, 2), (4, 0)]
    done_now = [i if i.id != 2 else AgendaItem(2, "Hiring plan", "ann", done=True, carried=1) for i in agenda]
    assert [(i.id, i.carried) for i in carry_over(done_now)] == [(3, 3), (4, 1)]
    # re-adding an item by id replaces the carried copy
    assert [(i.id, i.carried) for i in carry_over(previous, [AgendaItem(2, "Hiring plan v2", "ann")])] == [
        (3, 2), (2, 0),
    ]
    assert [i.id for i in visible_agenda(agenda, "ann")] == [2, 4]
    assert [i.id for i in visible_agenda(agenda, "mia")] == [2, 3, 4]


def test_overdue_action_items():
    actions = [
        ActionItem(1, "Send the spec", "ann", D("2025-03-10")),
        ActionItem(2, "Book the offsite", "mia", D("2025-03-01")),
        ActionItem(3, "Share notes", "ann", D("2025-03-01"), done=True),
        ActionItem(4, "Read the book", "ann"),
        ActionItem(5, "Draft the plan", "ann", D("2025-03-20")),
    ]
    today = D("2025-03-20")
    assert [a.id for a in overdue_actions(actions, today)] == [2, 1]
    assert [a.id for a in overdue_actions(actions, today, owner="ann")] == [1]
