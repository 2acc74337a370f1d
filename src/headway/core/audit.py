"""The audit log: one call records who did what to which object."""

from __future__ import annotations

from typing import Any

from headway.core.models import AuditEvent, User


def record(
    actor: User | None,
    action: str,
    obj: object | None = None,
    *,
    object_type: str | None = None,
    object_id: object = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event; ``obj`` gives the type and id unless they are passed explicitly."""
    if obj is not None:
        object_type = object_type or type(obj).__name__.lower()
        object_id = object_id or getattr(obj, "pk", "")
    label = actor.username if actor is not None and getattr(actor, "pk", None) else "system"
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_label=label,
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        summary=(summary or f"{label} {action} {object_type} {object_id}".strip())[:300],
        changes=changes or {},
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields that changed, as ``{field: [old, new]}``."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
