"""Privacy: a person's export of their own data, and an admin's deletion of a person's data on request.

The export holds what is about the person and visible to them: their profile, their check-ins (shared notes,
pulses, their own private agenda items, actions), their released review reports (anonymous aggregates, never
the manager's notes) and which reviews they were asked to write (not what anyone wrote). Deletion removes the
person's check-ins and reviews and the responses they wrote; reviews they contributed to are re-aggregated, so
a group that falls below the anonymity threshold is merged or hidden and only aggregates that still meet the
threshold remain. The person is kept as an anonymous, inactive placeholder so the reporting lines hold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from headway.core import audit
from headway.core.errors import PermissionDenied
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm
from headway.team import checkins, reviews
from headway.team.access import check, is_person, person_of
from headway.team.models import ActionItem, AgendaItem, CheckinPair, Nomination, Person, Response, Review
from headway.team.services import PERSON_FIELDS, get_person


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def export_person_data(actor: User | None, person_id: int | None = None) -> dict[str, Any]:
    """All data about the actor's own person (the system may export anyone) as JSON-ready data."""
    check(actor, Perm.VIEW_WORKSPACE)
    if person_id is None:
        me = person_of(actor)
        if me is None:
            raise PermissionDenied("Your login is not linked to a person: ask a product leader to link it.")
        person_id = me.pk
    person = get_person(None, person_id)
    if actor is not None and not is_person(actor, person):
        raise PermissionDenied("You may export only your own data: each person exports theirs.")
    profile = {k: _plain(getattr(person, f"{k}_id" if k in {"manager", "user"} else k)) for k in PERSON_FIELDS}
    pairs = []
    for pair in CheckinPair.objects.filter(report=person) | CheckinPair.objects.filter(manager=person):
        view = checkins.pair_view(None, pair.pk)
        mine = list(pair.agenda.filter(author=person, private=True))
        pairs.append({
            "manager": pair.manager.name, "report": pair.report.name, "cadence": pair.cadence,
            "checkins": [{"date": c.checkin.date.isoformat(), "pulse": c.checkin.pulse,
                          "pulse_comment": c.checkin.pulse_comment, "notes": c.checkin.notes} for c in view.checkins],
            "agenda": [{"text": i.text, "done": i.done, "carried": i.carried, "private": i.private}
                       for i in [*pair.agenda.filter(private=False), *mine]],
            "actions": [{"text": a.text, "owner": a.owner.name, "due": _plain(a.due), "done": a.done}
                        for a in view.actions],
        })
    released = [r for r in Review.objects.filter(reviewee=person).select_related("cycle__ladder")
                if r.cycle.state in reviews.RELEASED_STATES]
    report_data = []
    for review in released:
        names = {c.slug: c.name for c in reviews.cycle_ladder(review.cycle).competencies}
        report_data.append(reviews.results_data(reviews.Results(review, reviews.aggregate(review), names, None)))
    asked = [{"cycle": n.review.cycle.name, "reviewee": n.review.reviewee.name, "group": n.group}
             for n in Nomination.objects.filter(reviewer=person).exclude(review__reviewee=person)
             .select_related("review__cycle", "review__reviewee")]
    audit.record(actor, AuditEvent.Action.VIEW, person, summary=f"personal data of {person.name} exported")
    return {"person": profile, "checkins": pairs, "review_reports": report_data, "reviews_asked_to_write": asked,
            "note": "Responses you wrote are stored for anonymous aggregation only and are not exported."}


@transaction.atomic
def delete_person_data(actor: User | None, person_id: int) -> dict[str, int]:
    """Erase a person's data on request (admins): check-ins, their reviews, responses they wrote."""
    check(actor, Perm.MANAGE_USERS)
    person = get_person(None, person_id)
    counts = {
        "checkin_pairs": CheckinPair.objects.filter(report=person).count()
        + CheckinPair.objects.filter(manager=person).count(),
        "reviews": Review.objects.filter(reviewee=person).count(),
        "responses_written": Response.objects.filter(nomination__reviewer=person).exclude(
            review__reviewee=person).count(),
    }
    CheckinPair.objects.filter(report=person).delete()
    CheckinPair.objects.filter(manager=person).delete()
    AgendaItem.objects.filter(author=person).delete()
    ActionItem.objects.filter(owner=person).delete()
    Review.objects.filter(reviewee=person).delete()
    Nomination.objects.filter(reviewer=person).delete()  # cascades to the responses they wrote
    Person.objects.filter(manager=person).update(manager=person.manager)
    Person.objects.filter(pk=person.pk).update(
        name=f"Deleted person {person.pk}", title="Deleted", email="", location="", team="", start_date=None,
        user=None, active=False, level="", specialisation="")
    audit.record(actor, AuditEvent.Action.DELETE, object_type="person", object_id=person.pk,
                 summary=f"personal data of person {person.pk} deleted on request", changes=counts)
    return counts
