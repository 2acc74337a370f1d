"""Reminders: one person's own to-dos, gathered from the apps' public services with that person as the actor —
goal check-ins due on the goals they own, 1:1 check-ins past due, 360 reviews to write and reviewer nominations to
decide, and impact read-outs ready on the initiatives they own. A reminder subscription sends them daily or
weekly, and only when there is something to do."""

from __future__ import annotations

import datetime as dt
import html

from django.conf import settings
from django.utils import timezone
from pydantic import BaseModel

from headway.core.errors import HeadwayError
from headway.core.models import User
from headway.core.permissions import Perm, check

#: A goal owner is reminded when the goal's last check-in is older than this.
GOAL_CHECK_IN_DAYS = 7
KIND_TITLES = {"goal": "Goal check-ins due", "checkin": "1:1 check-ins due", "review": "Reviews to write",
               "nomination": "Reviewer nominations to decide", "readout": "Impact read-outs ready"}


class Reminder(BaseModel):
    """One thing to do: its kind, the sentence, and the page that does it."""

    kind: str
    text: str
    url: str


class Reminders(BaseModel):
    """A person's reminders, in the order of ``KIND_TITLES``."""

    user: str
    items: list[Reminder]

    def text(self) -> str:
        """The plain-text message."""
        lines = [f"Hello {self.user}, here is what is waiting for you in Headway:"]
        for kind, title in KIND_TITLES.items():
            mine = [r for r in self.items if r.kind == kind]
            if mine:
                lines += ["", f"{title}:"] + [f"- {r.text}: {r.url}" for r in mine]
        return "\n".join(lines)

    def html(self, unsubscribe: str) -> str:
        """The HTML message (every text escaped)."""
        parts = [f"<p>Hello {html.escape(self.user)}, here is what is waiting for you in Headway:</p>"]
        for kind, title in KIND_TITLES.items():
            mine = [r for r in self.items if r.kind == kind]
            if mine:
                parts.append(f"<h2>{html.escape(title)}</h2><ul>" + "".join(
                    f'<li><a href="{html.escape(r.url)}">{html.escape(r.text)}</a></li>' for r in mine) + "</ul>")
        parts.append(f'<p><a href="{unsubscribe}">Unsubscribe</a></p>')
        return "".join(parts)


def _url(path: str) -> str:
    return f"{settings.HEADWAY_BASE_URL}{path}"


def _goals(actor: User, today: dt.date) -> list[Reminder]:
    from headway.strategy import services as strategy

    try:
        goals = [g for g in strategy.list_goals(actor, "current") if g.owner_id == actor.pk]
    except HeadwayError:  # no current period yet
        return []
    found = []
    for goal in goals:
        last = max((c.at.date() for c in strategy.goal_check_ins(actor, goal.pk)), default=None)
        if last is None or (today - last).days >= GOAL_CHECK_IN_DAYS:
            found.append(Reminder(kind="goal", text=f"Check in on “{goal.title}” (last check-in: "
                                  f"{last.isoformat() if last else 'never'})", url=_url(f"/goals/{goal.pk}/")))
    return found


def _readouts(actor: User, since: dt.datetime) -> list[Reminder]:
    from headway.impact import services as impact
    from headway.planning import services as planning
    from headway.team import services as team

    me = team.person_of(actor)
    if me is None:
        return []
    found = []
    for row in impact.ledger(actor):
        if planning.initiative_detail(actor, row.initiative_id).owner_id != me.pk:
            continue
        measured = dt.datetime.fromisoformat(impact.readout(actor, row.initiative_id).measured_at)
        if measured.tzinfo is None:
            measured = measured.replace(tzinfo=dt.UTC)
        if measured >= since:
            found.append(Reminder(kind="readout", text=f"#{row.initiative_id} {row.title}: {row.verdict} on "
                                  f"{row.kpi}", url=_url(f"/impact/initiatives/{row.initiative_id}/")))
    return found


def reminders_for(actor: User, *, since: dt.datetime | None = None, today: dt.date | None = None) -> Reminders:
    """What ``actor`` should do now; read-outs count when measured after ``since`` (default: a week ago)."""
    from headway.strategy import services as strategy
    from headway.team import services as team

    check(actor, Perm.VIEW_WORKSPACE)
    today = today or strategy.today()
    since = since or timezone.now() - dt.timedelta(days=7)
    items = _goals(actor, today)
    items += [Reminder(kind=d.kind, text=d.text, url=_url(d.path)) for d in team.due_for(actor, today=today)]
    items += _readouts(actor, since)
    order = list(KIND_TITLES)
    items.sort(key=lambda r: order.index(r.kind))
    return Reminders(user=actor.get_full_name() or actor.get_username(), items=items)
