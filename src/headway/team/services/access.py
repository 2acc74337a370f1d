"""Who may see what in the team area: the relationships that decide access beyond roles.

Roles say what kind of work a user may do (``Perm``); these helpers say whose data they may see. A user is
linked to at most one person; the *management chain* of a person is their manager, that manager's manager and
so on up to the top. ``actor=None`` is the system itself (the CLI operator, the demo builder).
"""

from __future__ import annotations

from headway.core import audit
from headway.core import services as core_services
from headway.core.errors import PermissionDenied
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, has_perm
from headway.team.models import Person


def person_of(actor: User | None) -> Person | None:
    """The person linked to ``actor``'s login, if any."""
    if actor is None or getattr(actor, "pk", None) is None:
        return None
    return Person.objects.filter(user=actor).first()


def manager_ids(person: Person | int) -> list[int]:
    """The ids of a person's management chain, nearest manager first."""
    managers = dict(Person.objects.values_list("id", "manager_id"))
    current = managers.get(person if isinstance(person, int) else person.pk)
    chain: list[int] = []
    while current is not None and current not in chain:
        chain.append(current)
        current = managers.get(current)
    return chain


def in_chain(actor: User | None, person: Person | int) -> bool:
    """Whether ``actor``'s person manages ``person``, directly or further up."""
    me = person_of(actor)
    return me is not None and me.pk in manager_ids(person)


def is_person(actor: User | None, person: Person | int | None) -> bool:
    """Whether ``actor`` is linked to ``person``."""
    me = person_of(actor)
    pid = person if isinstance(person, int) or person is None else person.pk
    return me is not None and me.pk == pid


def is_system(actor: User | None) -> bool:
    """The system (CLI operator, demo) acts with ``actor=None``."""
    return actor is None


def deny(what: str, how: str) -> PermissionDenied:
    """A PermissionDenied that says what is refused and how to get access."""
    return PermissionDenied(f"You may not {what}: {how}.")


def record_view(actor: User | None, obj: object, summary: str) -> None:
    """Write a view of confidential data to the audit log (the system's views too)."""
    if actor is not None:
        core_services.record_view(actor, obj, summary)
    else:
        audit.record(None, AuditEvent.Action.VIEW, obj, summary=summary)


def can(actor: User | None, perm: Perm) -> bool:
    """Whether ``actor`` is the system or has ``perm``."""
    return actor is None or has_perm(actor, perm)
