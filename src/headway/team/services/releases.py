"""Released 360 reviews are frozen: what each person may see is fixed when the content opens and at release.

* When a cycle moves to calibration (the content opens to the management chain), each review stores the
  logins of the reviewee's management chain and the reviewee's own login. From then on, who may read the
  report and the manager's notes is decided by those stored logins, never by today's org chart: re-parenting
  the reviewee, or linking a person to another login, grants nothing retroactively.
* When a cycle is released, each review stores its anonymous report, computed once with the anonymity
  threshold in force. A later threshold change (up or down), the erasure of a reviewer's data (identity is
  removed, the released aggregates stay), an org move or late data never change a released report: every
  number a reviewee can see is a function of this snapshot only.

A review released before these snapshots existed gets them the first time it is read (with the threshold and
the chain in force then), and keeps them from that moment.
"""

from __future__ import annotations

from django.db.models import QuerySet

from headway.core.models import User
from headway.team.engine import reviews as engine
from headway.team.engine.ladder import ladder_from_dict
from headway.team.models import CycleState, Person, Review, ReviewCycle, TeamSettings
from headway.team.services.access import manager_ids, person_of

RELEASED_STATES = {CycleState.RELEASED, CycleState.CLOSED}


def current_threshold() -> int:
    """The workspace's anonymity threshold in force now (default 3, never below 2)."""
    row = TeamSettings.objects.order_by("pk").first()
    return row.anonymity_threshold if row else engine.DEFAULT_THRESHOLD


def live_report(review: Review, threshold: int | None = None) -> engine.ReviewReport:
    """The engine's anonymous report of the review's responses now (unreleased reviews; the release)."""
    responses = [engine.ReviewResponse(r.group, r.ratings, r.comment) for r in review.responses.all()]
    slugs = [c.slug for c in ladder_from_dict(review.cycle.ladder.data).competencies]
    return engine.aggregate_reviews(responses, cycle=str(review.cycle_id), reviewee=str(review.reviewee_id),
                                    threshold=current_threshold() if threshold is None else threshold,
                                    competencies=slugs)


def freeze_access(review: Review) -> None:
    """Store the logins of the reviewee and of their management chain now (when the content opens)."""
    chain = manager_ids(review.reviewee_id)
    logins = dict(Person.objects.filter(pk__in=[review.reviewee_id, *chain]).values_list("pk", "user_id"))
    review.chain_logins = [logins[pid] for pid in chain if logins.get(pid) is not None]
    review.reviewee_login = logins.get(review.reviewee_id)
    review.save(update_fields=["chain_logins", "reviewee_login"])


def release(review: Review) -> None:
    """Store the review's anonymous report, computed once with the threshold in force (and the access, when
    the cycle skipped calibration's snapshot)."""
    if review.chain_logins is None:
        freeze_access(review)
    review.released_report = engine.report_to_dict(live_report(review))
    review.save(update_fields=["released_report"])


def on_state_change(cycle: ReviewCycle, state: str) -> None:
    """Take the snapshots a cycle's new state needs (called by ``reviews.advance``)."""
    reviews: QuerySet[Review] = cycle.reviews.select_related("cycle__ladder")
    if state == CycleState.CALIBRATING:
        for review in reviews:
            freeze_access(review)
    elif state == CycleState.RELEASED:
        for review in reviews:
            release(review)


def report_of(review: Review) -> engine.ReviewReport:
    """What the review's readers see: the released snapshot once released, else the live aggregation."""
    if review.cycle.state not in RELEASED_STATES:
        return live_report(review)
    if review.released_report is None:  # released before snapshots existed: frozen from now on
        release(review)
    assert review.released_report is not None
    return engine.report_from_dict(review.released_report)


def _frozen(review: Review) -> bool:
    if review.chain_logins is None and review.cycle.state in RELEASED_STATES:
        freeze_access(review)  # released before snapshots existed: frozen from now on
    return review.chain_logins is not None


def is_reviewee(actor: User | None, review: Review) -> bool:
    """Whether ``actor`` is the reviewee: their login stored when the content opened, else the person's."""
    if actor is None or getattr(actor, "pk", None) is None:
        return False
    if _frozen(review):
        return review.reviewee_login == actor.pk
    me = person_of(actor)
    return me is not None and me.pk == review.reviewee_id


def is_manager(actor: User | None, review: Review) -> bool:
    """Whether ``actor`` is in the reviewee's management chain: the logins stored when the content opened,
    else today's chain (before calibration)."""
    if actor is None or getattr(actor, "pk", None) is None:
        return False
    if _frozen(review):
        return actor.pk in (review.chain_logins or [])
    me = person_of(actor)
    return me is not None and me.pk in manager_ids(review.reviewee_id)
