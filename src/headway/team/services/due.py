"""What a person owes the team today: 1:1 check-ins past due, 360 reviews to write, and reviewer nominations
waiting for their decision as a manager — the reminders the reports app delivers, computed for that person only."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from pydantic import BaseModel

from headway.core.models import User
from headway.team.models import CycleState, Nomination, NominationStatus, Person
from headway.team.services import checkins, reviews
from headway.team.services.access import person_of


class DueItem(BaseModel):
    """One thing a person should do: its kind (``checkin``, ``review`` or ``nomination``), what, and where."""

    kind: str
    text: str
    path: str


def _names(ids: set[int | str]) -> dict[int | str, str]:
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))


def _pair_path(pair_id: int | None) -> str:
    return f"/team/checkins/{pair_id}/" if pair_id is not None else "/team/checkins/"


def due_for(actor: User | None, *, today: date | None = None) -> list[DueItem]:
    """The actor's own to-dos: check-ins past due in their pairs, reviews they were asked to write and have not
    submitted, and proposed reviewers waiting for their approval (only for reviewees they manage)."""
    me = person_of(actor)
    if actor is None or me is None:
        return []
    today = today or timezone.localdate()
    items: list[DueItem] = []
    late = [o for o in checkins.overdue(actor, today=today) if me.pk in (o.manager, o.report)]
    names = _names({o.manager for o in late} | {o.report for o in late})
    pair_of: dict[tuple[int | str, int | str], int] = {(p.manager_id, p.report_id): p.pk for p in checkins.pairs_of_person(actor, me.pk)}
    for o in late:
        other = names.get(o.report if o.manager == me.pk else o.manager, "your manager")
        items.append(DueItem(kind="checkin", text=f"1:1 check-in with {other} was due on {o.due.isoformat()} "
                             f"({o.days_overdue} day{'' if o.days_overdue == 1 else 's'} ago)",
                             path=_pair_path(pair_of.get((o.manager, o.report)))))
    for line in reviews.todo(actor):
        if not line.submitted:
            items.append(DueItem(kind="review", text=f"Write your review of {line.reviewee} ({line.cycle})",
                                 path=f"/team/reviews/respond/{line.nomination_id}/"))
    proposed = Nomination.objects.select_related("review__cycle", "review__reviewee", "reviewer").filter(
        status=NominationStatus.PROPOSED, review__cycle__state=CycleState.NOMINATING).exclude(review__reviewee=me)
    for nom in proposed:
        if reviews.may_manage(actor, nom.review):
            items.append(DueItem(kind="nomination", text=f"Approve or decline {nom.reviewer.name} as a reviewer of "
                                 f"{nom.review.reviewee.name} ({nom.review.cycle.name})",
                                 path=f"/team/reviews/{nom.review.cycle_id}/"))
    return items
