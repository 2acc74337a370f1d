"""Renaming and deleting a product area from the Product areas page (product leaders and admins; the services
check again, so anyone else's POST gets the 403 page and changes nothing)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from headway.core.errors import HeadwayError, ValidationError
from headway.core.http import AuthedRequest
from headway.strategy import services


@login_required
@require_POST
def area_change(request: AuthedRequest) -> HttpResponse:
    """Rename a product area (and change its description), or delete it after the tick that confirms it."""
    actor, post = request.user, request.POST
    name, action = post.get("area", ""), post.get("action", "")
    anchor = ""
    try:
        if action == "rename":
            area = services.rename_area(actor, name, post.get("name", ""), post.get("description", ""))
            messages.success(request, f"{area.get_kind_display()} {name} saved as {area.name}.")
            anchor = f"#area-{area.pk}"
        elif action == "delete":
            if post.get("confirm") != "yes":
                raise ValidationError(f"Tick the box to confirm deleting {name}, then delete.")
            done = services.delete_area(actor, name)
            messages.success(request, f"{name} deleted: {done.goals_unlinked} goal{'s' * (done.goals_unlinked != 1)} "
                                      f"no longer in it, {done.strategy_versions} strategy version"
                                      f"{'s' * (done.strategy_versions != 1)} removed.")
        else:
            raise ValidationError(f"There is no action {action!r} for a product area: rename or delete.")
    except HeadwayError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
    return redirect(reverse("goals-areas") + anchor)
