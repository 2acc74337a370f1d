"""Helpers shared by the planning use cases (private to the package: faces never import this module)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from headway.core.errors import NotFound
from headway.core.validation import Problems
from headway.planning.models import Dependency, Effort, Initiative, Stage

MAX_ID = 2**63 - 1
"""The largest id a database row can have; a larger number is no row."""
OPEN_STAGES = (Stage.IDEA, Stage.DISCOVERY, Stage.PLANNED, Stage.IN_PROGRESS)
MAX_QUARTERS = 8
"""The longest plan, and so the longest an initiative may run, in quarters."""


def with_relations(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Initiatives with their team, owner, roadmap place, goal, KPI, effort and dependencies loaded."""
    return qs.select_related("team", "owner", "roadmap_item", "goal", "kpi").prefetch_related(
        Prefetch("efforts", queryset=Effort.objects.select_related("team")),
        Prefetch("dependencies", queryset=Dependency.objects.select_related("target")),
    )


def one(qs: QuerySet[Initiative], initiative_id: int) -> Initiative:
    """The initiative ``initiative_id`` of ``qs``, or a NotFound that says how to find ids."""
    try:
        if not 0 < int(initiative_id) <= MAX_ID:
            raise Initiative.DoesNotExist
        return qs.get(pk=initiative_id)
    except Initiative.DoesNotExist:
        raise NotFound(f"There is no initiative {initiative_id}: `headway idea list` shows them.") from None


def ids_into(values: str | Iterable[object] | None, name: str, problems: Problems) -> tuple[int, ...]:
    """Initiative ids from ``"1,2,#3"`` or a list; a problem under ``name`` when one is not a number."""
    items = values.split(",") if isinstance(values, str) else list(values or [])
    try:
        return tuple(int(str(v).strip().lstrip("#")) for v in items if str(v).strip())
    except ValueError:
        problems[name] = f"{values!r} is not a list of initiative ids"
        return ()
