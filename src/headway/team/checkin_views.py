"""Check-in series controls on a pair's page: change the cadence and end the series (one of the pair: the
services check). Starting a series is on the check-ins page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from headway.core.errors import ValidationError
from headway.core.http import AuthedRequest, actor_of
from headway.team.review_views import act
from headway.team.services import checkins


@login_required
@require_POST
def cadence(request: AuthedRequest, pair_id: int) -> HttpResponseRedirect:
    """Change how often the pair meets."""
    actor = actor_of(request)

    def change() -> str:
        pair = checkins.set_cadence(actor, pair_id, request.POST.get("cadence", ""))
        return f"Check-ins are now {pair.get_cadence_display().lower()}."

    return act(request, change, redirect("team-pair", pair_id))


@login_required
@require_POST
def end(request: AuthedRequest, pair_id: int) -> HttpResponseRedirect:
    """End the series once the box saying so is ticked; its history stays readable on this page."""
    actor = actor_of(request)

    def stop() -> str:
        if request.POST.get("confirm") != "yes":
            raise ValidationError("Tick the box to confirm that these check-ins end; nothing was changed.")
        pair = checkins.end_pair(actor, pair_id)
        return f"The check-ins of {pair.manager.name} and {pair.report.name} have ended; their history is kept."

    return act(request, stop, redirect("team-pair", pair_id))
