"""Saved insights: a named query of any kind, owned by whoever saved it, that anyone may run again."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from pydantic import BaseModel

from headway.analytics.models import SavedInsight
from headway.analytics.services.registry import make_request
from headway.core import audit
from headway.core.errors import NotFound, PermissionDenied, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check, has_perm


def list_insights(actor: User | None) -> QuerySet[SavedInsight]:
    """Saved insights, pinned first, then by name."""
    check(actor, Perm.VIEW_WORKSPACE)
    return SavedInsight.objects.select_related("owner").all()


def get_insight(actor: User | None, insight_id: int) -> SavedInsight:
    """One saved insight, or a NotFound that says how to list them."""
    check(actor, Perm.VIEW_WORKSPACE)
    try:
        if not 0 < insight_id < 2**63:  # beyond a database integer: cannot exist
            raise SavedInsight.DoesNotExist
        return SavedInsight.objects.select_related("owner").get(pk=insight_id)
    except SavedInsight.DoesNotExist:
        raise NotFound(f"There is no saved insight {insight_id}: GET /api/v1/analytics/insights lists them."
                       ) from None


def can_change_insight(actor: User | None, insight: SavedInsight) -> bool:
    """Whether ``actor`` may rename, re-query, (un)pin or delete ``insight``: its owner or an admin."""
    return actor is None or insight.owner_id == actor.pk or has_perm(actor, Perm.EDIT_WORKSPACE)


def _check_owner(actor: User | None, insight: SavedInsight) -> None:
    if can_change_insight(actor, insight):
        return
    raise PermissionDenied(f"The insight {insight.name!r} belongs to {insight.owner}: only its owner or an admin "
                           "can change it; save a copy under your own name instead.")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise ValidationError("Give the insight a name of 1 to 200 characters.", details={"name": name})
    return name


def clean_query(kind: str, query: BaseModel | dict[str, Any]) -> BaseModel:
    """The validated query of an insight of ``kind`` (trends, funnel, retention, stickiness, lifecycle, paths)."""
    return make_request(kind, query)


@transaction.atomic
def create_insight(actor: User | None, name: str, query: BaseModel | dict[str, Any], *,
                   pinned: bool = False, kind: str = "trends") -> SavedInsight:
    """Save an insight's query under a name (any user may save insights; they own them)."""
    check(actor, Perm.VIEW_WORKSPACE)
    clean = clean_query(kind, query)
    insight = SavedInsight.objects.create(name=_clean_name(name), kind=kind,
                                          query=clean.model_dump(mode="json", exclude_defaults=True),
                                          owner=actor, pinned=pinned)
    audit.record(actor, AuditEvent.Action.CREATE, insight, summary=f"insight {insight.name} saved")
    return insight


@transaction.atomic
def update_insight(actor: User | None, insight_id: int, *, name: str | None = None,
                   query: BaseModel | dict[str, Any] | None = None, pinned: bool | None = None) -> SavedInsight:
    """Rename, re-query or (un)pin a saved insight (its owner or an admin)."""
    insight = get_insight(actor, insight_id)
    _check_owner(actor, insight)
    before = {"name": insight.name, "query": insight.query, "pinned": insight.pinned}
    if name is not None:
        insight.name = _clean_name(name)
    if query is not None:
        insight.query = clean_query(insight.kind, query).model_dump(mode="json", exclude_defaults=True)
    if pinned is not None:
        insight.pinned = pinned
    insight.save()
    after = {"name": insight.name, "query": insight.query, "pinned": insight.pinned}
    audit.record(actor, AuditEvent.Action.UPDATE, insight, summary=f"insight {insight.name} changed",
                 changes=audit.diff(before, after))
    return insight


@transaction.atomic
def delete_insight(actor: User | None, insight_id: int) -> None:
    """Delete a saved insight (its owner or an admin)."""
    insight = get_insight(actor, insight_id)
    _check_owner(actor, insight)
    audit.record(actor, AuditEvent.Action.DELETE, insight, summary=f"insight {insight.name} deleted")
    insight.delete()


def insight_query(insight: SavedInsight) -> BaseModel:
    """The saved query of an insight (a TrendsRequest, FunnelRequest, ...), validated again (rules may have
    changed)."""
    return clean_query(insight.kind, insight.query)
