"""Erasure on request, with a confirmation page: a person's data and a candidate's data (admins: the services
check ``users.manage``). The confirmation asks for the name again, so a slip of the mouse erases nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from headway.core.errors import HeadwayError, PermissionDenied, ValidationError
from headway.core.http import AuthedRequest, actor_of
from headway.core.permissions import Perm, has_perm
from headway.team import services
from headway.team.services import interviews, privacy


def _confirmed(request: AuthedRequest, name: str) -> None:
    typed = request.POST.get("confirm", "").strip()
    if typed != name:
        raise ValidationError(f"Type {name!r} exactly to confirm the erasure; nothing was erased.")


def _admin_only(request: AuthedRequest, what: str) -> None:
    if not has_perm(actor_of(request), Perm.MANAGE_USERS):
        raise PermissionDenied(f"You may not erase {what}: only an admin can, on the person's request.")


@login_required
def erase_person(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A page that asks an admin to confirm, then erases a person's data (their check-ins, their reviews and the
    responses they wrote); the person stays as an inactive placeholder."""
    actor = actor_of(request)
    _admin_only(request, "a person's data")
    person = services.get_person(actor, person_id)
    if request.method == "POST":
        try:
            _confirmed(request, person.name)
            done = privacy.delete_person_data(actor, person_id)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
            return redirect("team-person-erase", person_id)
        messages.success(request, f"Erased {person.name}'s data: {done.checkin_pairs} check-in series, "
                                  f"{done.reviews} review(s), {done.responses_written} response(s) they wrote.")
        return redirect("team-person", person_id)
    return render(request, "team/erase.html", {
        "title": f"Erase {person.name}'s data", "name": person.name, "kind": "person",
        "back": ("team-person", person_id),
    })


@login_required
def erase_candidate(request: AuthedRequest) -> HttpResponse:
    """A page that asks an admin for a candidate's name twice, then erases their scorecards."""
    actor = actor_of(request)
    _admin_only(request, "a candidate's data")
    candidate = request.POST.get("candidate", request.GET.get("candidate", "")).strip()[:150]
    if request.method == "POST":
        try:
            if not candidate:
                raise ValidationError("Give the candidate's name as the scorecards give it.")
            _confirmed(request, candidate)
            count = interviews.delete_candidate_data(actor, candidate)
        except HeadwayError as exc:
            if exc.status == 403:
                raise
            messages.error(request, exc.message)
            return render(request, "team/erase.html", {
                "title": "Erase a candidate's data", "name": candidate, "kind": "candidate"}, status=400)
        messages.success(request, f"Erased {candidate}'s data: {count} scorecard{'s' if count != 1 else ''}.")
        return redirect("team-jobs")
    return render(request, "team/erase.html", {"title": "Erase a candidate's data", "name": candidate,
                                               "kind": "candidate"})
