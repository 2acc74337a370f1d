"""Who is missing in a collecting 360 cycle, and reminders to them.

Which reviewer has submitted is shown only to that reviewer (docs/team.md): the "who is missing" view gives
those who run the cycle (``team.manage``) and the reviewee's management chain the number of reviews still
missing per reviewee and reviewer group — the same counts as the progress table, never names. A reminder goes
to every reviewer whose approved review is still missing, without the sender learning who they are: each
reviewer sees on their own Reviews page that they were reminded and when. The audit log records how many were
reminded, never whom.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm
from headway.team.models import CycleState, Nomination, NominationStatus, Review
from headway.team.services._common import require_state
from headway.team.services.access import can, deny
from headway.team.services.reviews import get_cycle, may_manage


class GroupMissing(BaseModel):
    """How many reviews of one reviewer group are still missing."""

    group: str
    missing: int
    expected: int


class MissingLine(BaseModel):
    """A reviewee with reviews still missing: counts per group, and when the missing reviewers were last
    reminded (never who they are)."""

    reviewee_id: int
    reviewee: str
    missing: int
    groups: list[GroupMissing]
    last_reminded: dt.datetime | None


class Reminded(BaseModel):
    """How many reviewers a reminder went to (never who)."""

    cycle_id: int
    reminded: int


def _reviews(actor: User | None, cycle_id: int, reviewee: int | None) -> list[Review]:
    """The cycle's reviews the actor runs or manages (one reviewee's if given); refuses anyone else."""
    cycle = get_cycle(actor, cycle_id)
    rows = list(cycle.reviews.select_related("reviewee", "cycle"))
    if reviewee is not None:
        rows = [r for r in rows if r.reviewee_id == reviewee]
        if not rows:
            raise NotFound(f"Person {reviewee} is not a reviewee of {cycle.name}: the cycle's page lists them.")
    mine = [r for r in rows if can(actor, Perm.MANAGE_TEAM) or may_manage(actor, r)]
    if rows and not mine:
        raise deny("see who is missing in this cycle", "those who run review cycles and the reviewees' managers "
                                                       "can")
    return mine


def _pending(review: Review) -> list[Nomination]:
    return list(review.nominations.filter(status=NominationStatus.APPROVED, submitted=False))


def missing(actor: User | None, cycle_id: int) -> list[MissingLine]:
    """Reviewees whose reviews are still missing, with the count per reviewer group: counts only."""
    out = []
    for review in _reviews(actor, cycle_id, None):
        approved = list(review.nominations.filter(status=NominationStatus.APPROVED).values_list(
            "group", "submitted", "reminded_at"))
        groups: dict[str, list[int]] = {}
        for group, submitted, _ in approved:
            counts = groups.setdefault(group, [0, 0])
            counts[0] += int(not submitted)
            counts[1] += 1
        lacking = [GroupMissing(group=g, missing=m, expected=e) for g, (m, e) in groups.items() if m]
        if not lacking:
            continue
        reminded = [at for _, submitted, at in approved if not submitted and at is not None]
        out.append(MissingLine(reviewee_id=review.reviewee_id, reviewee=review.reviewee.name,
                               missing=sum(g.missing for g in lacking), groups=lacking,
                               last_reminded=max(reminded) if reminded else None))
    return out


@transaction.atomic
def remind(actor: User | None, cycle_id: int, reviewee: int | None = None) -> Reminded:
    """Remind every reviewer whose approved review is still missing (of one reviewee if given) in a collecting
    cycle; each sees the reminder on their Reviews page. Returns how many were reminded."""
    rows = _reviews(actor, cycle_id, reviewee)
    cycle = get_cycle(actor, cycle_id)
    require_state(cycle, CycleState.COLLECTING, doing="remind reviewers")
    ids = [n.pk for review in rows for n in _pending(review)]
    Nomination.objects.filter(pk__in=ids).update(reminded_at=timezone.now(), reminders=F("reminders") + 1)
    audit.record(actor, AuditEvent.Action.UPDATE, cycle,
                 summary=f"{len(ids)} reviewer(s) reminded of missing reviews in {cycle.name}")
    return Reminded(cycle_id=cycle.pk, reminded=len(ids))
