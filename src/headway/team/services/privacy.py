"""Privacy: a person's export of their own data, and an admin's deletion of a person's data on request.

The export holds what is about the person and visible to them: their profile, their check-ins (shared notes,
pulses, their own private agenda items, actions), their released review reports (anonymous aggregates, never
the manager's notes) and which reviews they were asked to write (not what anyone wrote). Deletion removes the
person's check-ins and reviews and the responses they wrote; unreleased reviews they contributed to are
re-aggregated, so a group that falls below the anonymity threshold is merged or hidden and only aggregates that
still meet the threshold remain. A released review keeps the report frozen at its release (see
:mod:`releases`): erasure removes identity, not aggregates already released. The person is kept as an anonymous, inactive placeholder so the reporting lines hold.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import PermissionDenied
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.team.models import ActionItem, AgendaItem, CheckinPair, Nomination, Person, Response, Review
from headway.team.services import checkins, review_reports
from headway.team.services.access import is_person, person_of
from headway.team.services.people import PERSON_FIELDS, get_person
from headway.team.services.review_reports import ReviewResults


class PersonProfile(BaseModel):
    """A person's profile as stored: their fields, with the manager's and the login's ids."""

    name: str
    title: str
    level: str
    track: str
    specialisation: str
    department: str
    team: str
    manager: int | None
    start_date: dt.date | None
    location: str
    email: str
    user: int | None
    active: bool


class CheckinNote(BaseModel):
    """A check-in in an export: day, pulse and shared notes."""

    date: dt.date
    pulse: int | None
    pulse_comment: str
    notes: str


class AgendaNote(BaseModel):
    """An agenda item in an export (shared ones, and the person's own private ones)."""

    text: str
    done: bool
    carried: int
    private: bool


class ActionNote(BaseModel):
    """An action item in an export."""

    text: str
    owner: str
    due: dt.date | None
    done: bool


class PairExport(BaseModel):
    """A person's check-ins with one manager or report."""

    manager: str
    report: str
    cadence: str
    checkins: list[CheckinNote]
    agenda: list[AgendaNote]
    actions: list[ActionNote]


class AskedReview(BaseModel):
    """A review the person was asked to write (never what they wrote)."""

    cycle: str
    reviewee: str
    group: str


class PersonalData(BaseModel):
    """Everything about a person that is theirs to see, as one export."""

    person: PersonProfile
    checkins: list[PairExport]
    review_reports: list[ReviewResults]
    reviews_asked_to_write: list[AskedReview]
    note: str


class ErasedData(BaseModel):
    """What a deletion on request removed."""

    checkin_pairs: int
    reviews: int
    responses_written: int


def export_person_data(actor: User | None, person_id: int | None = None) -> PersonalData:
    """All data about the actor's own person (the system may export anyone)."""
    check(actor, Perm.VIEW_WORKSPACE)
    if person_id is None:
        me = person_of(actor)
        if me is None:
            raise PermissionDenied("Your login is not linked to a person: ask a product leader to link it.")
        person_id = me.pk
    person = get_person(None, person_id)
    if actor is not None and not is_person(actor, person):
        raise PermissionDenied("You may export only your own data: each person exports theirs.")
    profile = PersonProfile.model_validate(
        {k: getattr(person, f"{k}_id" if k in {"manager", "user"} else k) for k in PERSON_FIELDS})
    pairs = []
    for pair in CheckinPair.objects.filter(report=person) | CheckinPair.objects.filter(manager=person):
        view = checkins.pair_view(None, pair.pk)
        mine = list(pair.agenda.filter(author=person, private=True))
        pairs.append(PairExport(
            manager=pair.manager.name, report=pair.report.name, cadence=pair.cadence,
            checkins=[CheckinNote(date=c.checkin.date, pulse=c.checkin.pulse, pulse_comment=c.checkin.pulse_comment,
                                  notes=c.checkin.notes) for c in view.checkins],
            agenda=[AgendaNote(text=i.text, done=i.done, carried=i.carried, private=i.private)
                    for i in [*pair.agenda.filter(private=False), *mine]],
            actions=[ActionNote(text=a.text, owner=a.owner.name, due=a.due, done=a.done) for a in view.actions],
        ))
    released = [r for r in Review.objects.filter(reviewee=person).select_related("cycle__ladder")
                if r.cycle.state in review_reports.RELEASED_STATES]
    report_data = [review_reports.results_data(review_reports.released_results(review)) for review in released]
    asked = [AskedReview(cycle=n.review.cycle.name, reviewee=n.review.reviewee.name, group=n.group)
             for n in Nomination.objects.filter(reviewer=person).exclude(review__reviewee=person)
             .select_related("review__cycle", "review__reviewee")]
    audit.record(actor, AuditEvent.Action.VIEW, person, summary=f"personal data of {person.name} exported")
    return PersonalData(person=profile, checkins=pairs, review_reports=report_data, reviews_asked_to_write=asked,
                        note="Responses you wrote are stored for anonymous aggregation only and are not exported.")


@transaction.atomic
def delete_person_data(actor: User | None, person_id: int) -> ErasedData:
    """Erase a person's data on request (admins): check-ins, their reviews, responses they wrote."""
    check(actor, Perm.MANAGE_USERS)
    person = get_person(None, person_id)
    counts = ErasedData(
        checkin_pairs=CheckinPair.objects.filter(report=person).count()
        + CheckinPair.objects.filter(manager=person).count(),
        reviews=Review.objects.filter(reviewee=person).count(),
        responses_written=Response.objects.filter(nomination__reviewer=person).exclude(
            review__reviewee=person).count(),
    )
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
                 summary=f"personal data of person {person.pk} deleted on request", changes=counts.model_dump())
    return counts
