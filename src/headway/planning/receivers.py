"""Planning listens to discovery: the demand for an initiative, from the feedback linked to it, is its
``demand_score``.

Discovery imports nothing of planning. It asks planning whether ``initiative:12`` exists through the resolver
registered here, announces with :data:`headway.discovery.signals.demand_changed` (inside its transaction)
that the demand of ideas changed, and planning writes the derived score through its own services as the system.
When an initiative is deleted, planning asks discovery to remove the links to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete

from headway.discovery import services as discovery
from headway.discovery.signals import demand_changed
from headway.planning import services
from headway.planning.models import Initiative

PREFIX = "initiative:"


def initiative_exists(initiative_id: int) -> bool:
    """Whether there is an initiative with this id (discovery's idea resolver)."""
    return Initiative.objects.filter(pk=initiative_id).exists()


def _initiative_ids(refs: Iterable[str]) -> list[int]:
    numbers = (ref[len(PREFIX):] for ref in refs if ref.startswith(PREFIX))
    return sorted({int(n) for n in numbers if n.isdigit()})


def update_demand_scores(sender: object, *, refs: Iterable[str], **kwargs: Any) -> None:
    """Store the demand score of each initiative among ``refs`` (0 once no feedback is linked to it)."""
    for initiative_id in _initiative_ids(refs):
        if not initiative_exists(initiative_id):
            continue
        demand = discovery.demand_for(f"{PREFIX}{initiative_id}")
        services.update_initiative(None, initiative_id, demand_score=demand.score)


def forget_demand_links(sender: object, *, instance: Initiative, **kwargs: Any) -> None:
    """A deleted initiative takes its demand links with it."""
    discovery.remove_demand_links(f"{PREFIX}{instance.pk}")


def connect() -> None:
    """Listen to discovery (called once from ``PlanningConfig.ready``)."""
    discovery.register_idea_resolver(initiative_exists)
    demand_changed.connect(update_demand_scores, dispatch_uid="planning.update_demand_scores")
    post_delete.connect(forget_demand_links, sender=Initiative, dispatch_uid="planning.forget_demand_links")
