"""Roles and the explicit permissions each grants; services check these, not only views."""

from __future__ import annotations

from enum import StrEnum

from headway.core.errors import PermissionDenied, ValidationError


class Role(StrEnum):
    ADMIN = "admin"
    PRODUCT_LEADER = "product_leader"
    PRODUCT_MANAGER = "product_manager"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Perm(StrEnum):
    VIEW_WORKSPACE = "workspace.view"
    EDIT_WORKSPACE = "workspace.edit"
    MANAGE_USERS = "users.manage"
    VIEW_USERS = "users.view"
    VIEW_AUDIT = "audit.view"
    USE_API_TOKENS = "tokens.use"
    EDIT_STRATEGY = "strategy.edit"
    EDIT_PLANS = "plans.edit"
    EDIT_IDEAS = "ideas.edit"
    COMMENT = "comments.create"
    INGEST_EVENTS = "events.ingest"
    EDIT_FEEDBACK = "feedback.edit"
    VIEW_CONTACTS = "contacts.view"
    MANAGE_TEAM = "team.manage"


_VIEWER = {Perm.VIEW_WORKSPACE, Perm.VIEW_USERS, Perm.USE_API_TOKENS}
_CONTRIBUTOR = _VIEWER | {Perm.COMMENT, Perm.EDIT_FEEDBACK, Perm.EDIT_IDEAS}
_PRODUCT_MANAGER = _CONTRIBUTOR | {Perm.INGEST_EVENTS}
_PRODUCT_LEADER = _PRODUCT_MANAGER | {Perm.EDIT_STRATEGY, Perm.EDIT_PLANS, Perm.VIEW_CONTACTS, Perm.MANAGE_TEAM}
_ADMIN = set(Perm)

ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.VIEWER: frozenset(_VIEWER),
    Role.CONTRIBUTOR: frozenset(_CONTRIBUTOR),
    Role.PRODUCT_MANAGER: frozenset(_PRODUCT_MANAGER),
    Role.PRODUCT_LEADER: frozenset(_PRODUCT_LEADER),
    Role.ADMIN: frozenset(_ADMIN),
}


def parse_role(value: str) -> Role:
    """A role from its name (``product-leader`` and ``Product leader`` work too), or a clear error."""
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Role(key)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationError(f"There is no role {value!r}: choose one of {names}.") from None


def has_perm(user: object, perm: Perm) -> bool:
    """Whether an active user's role grants ``perm``."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return perm in ROLE_PERMISSIONS[Role(getattr(user, "role", Role.VIEWER))]


def check(actor: object | None, perm: Perm) -> None:
    """The one permission check of every service: ``actor`` None is the system operator (the CLI without
    ``--as``, the demo builder, a background task) and may do anything; anyone else needs ``perm``."""
    if actor is not None:
        require(actor, perm)


def require(user: object, perm: Perm) -> None:
    """Raise :class:`PermissionDenied` unless the user's role grants ``perm``."""
    if not has_perm(user, perm):
        role = getattr(user, "role", "anonymous")
        raise PermissionDenied(
            f"Your role ({role}) does not allow {perm.value}: ask a workspace admin for a role that does."
        )
