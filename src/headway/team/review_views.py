"""The 360 review controls beside the cycle pages: the anonymity threshold (admins), adding reviewees to a cycle
(``team.manage``) and reminding the reviewers whose reviews are missing (those who run the cycle and the
reviewees' managers). Each is a POST that calls one service and goes back to the page it came from."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from headway.core.errors import HeadwayError, ValidationError
from headway.core.http import AuthedRequest, actor_of
from headway.core.validation import form_id, form_ids
from headway.team.services import reminders, reviews


def act(request: HttpRequest, action: Callable[[], str], back: HttpResponseRedirect) -> HttpResponseRedirect:
    """Run ``action`` (which returns the success message); show it, or the error's message, on ``back``."""
    try:
        messages.success(request, action())
    except HeadwayError as exc:
        if exc.status in (403, 404):  # refused, or not the role's to see: the error page, as in the API
            raise
        messages.error(request, exc.message)
    return back


@login_required
@require_POST
def threshold(request: AuthedRequest) -> HttpResponseRedirect:
    """Change the anonymity threshold of review results (admins: the service checks)."""
    actor = actor_of(request)

    def change() -> str:
        text = request.POST.get("threshold", "").strip()
        if not text.isdigit() or len(text) > 6:
            raise ValidationError(f"The anonymity threshold {text[:20]!r} is not a whole number: use 2 to "
                                  f"{reviews.MAX_THRESHOLD}, e.g. 3.")
        return f"Anonymity threshold set to {reviews.set_threshold(actor, int(text))}."

    return act(request, change, redirect("team-reviews"))


@login_required
@require_POST
def add_reviewees(request: AuthedRequest, cycle_id: int) -> HttpResponseRedirect:
    """Add reviewees to a draft or nominating cycle (``team.manage``)."""
    actor = actor_of(request)

    def add() -> str:
        ids = form_ids(request.POST.getlist("reviewee"), "reviewee", what="a person")
        if not ids:
            return "Pick at least one person to add."
        names = [reviews.add_reviewee(actor, cycle_id, pid).reviewee.name for pid in ids]
        return f"Added {', '.join(names)}."

    return act(request, add, redirect("team-cycle", cycle_id))


@login_required
@require_POST
def remind(request: AuthedRequest, cycle_id: int) -> HttpResponseRedirect:
    """Remind the reviewers whose reviews are missing (of one reviewee if the form names one)."""
    actor = actor_of(request)
    reviewee = request.POST.get("reviewee", "")

    def send() -> str:
        who = form_id(reviewee, "reviewee", what="a person") if reviewee else None
        done = reminders.remind(actor, cycle_id, who)
        if not done.reminded:
            return "Nobody to remind: every approved review is in."
        return f"Reminded {done.reminded} reviewer{'s' if done.reminded != 1 else ''}."

    return act(request, send, redirect("team-cycle", cycle_id))
