"""Demand for ideas: feedback (one item or a whole theme) linked to an idea with an importance, and the score.

An idea is a planning initiative (``initiative:12``; the planning app says which exist through a resolver it
registers with :func:`register_idea_resolver`) or a free reference (``"Gift cards"``). Discovery imports nothing
of planning: when the demand of ideas may have changed it sends
:data:`headway.discovery.signals.demand_changed`, inside the transaction, and planning stores its initiatives'
``demand_score``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label
from headway.discovery.models import INITIATIVE_PREFIX, Account, DemandLink, FeedbackItem, Importance
from headway.discovery.services._common import announce_demand
from headway.discovery.services.feedback import get_feedback
from headway.discovery.services.theme_metrics import get_theme

#: (value, label) of every importance of a demand link, for forms.
IMPORTANCE_CHOICES: list[tuple[str, str]] = [(str(v), str(n)) for v, n in Importance.choices]

IMPORTANCE_WEIGHTS = {Importance.NICE_TO_HAVE: 1, Importance.IMPORTANT: 2, Importance.CRITICAL: 3}

#: Says whether the initiative with this id exists.
IdeaResolver = Callable[[int], bool]
_resolvers: list[IdeaResolver] = []


class Demand(BaseModel):
    """Evidence of demand for an idea: who asks (accounts, their ARR), how strongly, and the score.

    ``score`` = Σ over the voices asking (an account, or an item with no account) of the importance weight
    (nice to have 1, important 2, critical 3; an account linked several times counts at its highest) × (1 +
    the account's ARR / the mean ARR of all accounts with revenue).
    """

    idea_ref: str
    initiative_id: int | None
    score: float
    accounts: int
    arr: float
    items: int
    links: int
    by_importance: dict[str, int]
    account_names: list[str] = []  # the accounts asking, largest ARR first


def register_idea_resolver(resolver: IdeaResolver) -> None:
    """Let the app that holds initiatives say whether ``initiative:<id>`` exists (planning does, in ready()).

    A numeric idea is accepted when a registered resolver says its initiative exists; otherwise it is refused
    as unknown. Registering the same resolver twice keeps one.
    """
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def _initiative_exists(initiative_id: int) -> bool:
    return any(resolver(initiative_id) for resolver in _resolvers)


def _idea(idea_ref: object) -> tuple[str, int | None]:
    """``(reference text, initiative id or None)`` from an initiative, an id, ``"initiative:12"`` or free text."""
    if hasattr(idea_ref, "pk") and hasattr(idea_ref, "demand_score"):  # an initiative object
        return f"{INITIATIVE_PREFIX}{idea_ref.pk}", int(idea_ref.pk)
    text = str(idea_ref).strip()
    if not text:
        raise ValidationError(
            "Name the idea: an initiative id such as 12 (or initiative:12), or a short reference."
        )
    number = text.split(":", 1)[1] if text.lower().startswith(INITIATIVE_PREFIX) else text
    if number.isdigit():
        if not _initiative_exists(int(number)):
            raise NotFound(f"There is no initiative {number}: the backlog lists the ideas and their numbers.")
        return f"{INITIATIVE_PREFIX}{int(number)}", int(number)
    return text[:120], None


@transaction.atomic
def link_demand(
    actor: User | None,
    idea_ref: object,
    *,
    importance: str = "important",
    item_id: int | None = None,
    theme_id: int | None = None,
) -> DemandLink:
    """Link one feedback item or a whole theme to an idea with an importance; updates the idea's demand score."""
    check(actor, Perm.EDIT_FEEDBACK)
    ref, _ = _idea(idea_ref)
    if importance not in Importance.values:
        raise ValidationError(f"Importance {importance!r} is not one of {', '.join(Importance.values)}.")
    if (item_id is None) == (theme_id is None):
        raise ValidationError("Link either one feedback item (item_id) or one theme (theme_id).")
    item = get_feedback(actor, item_id) if item_id is not None else None
    theme = get_theme(actor, theme_id) if theme_id is not None else None
    link, _ = DemandLink.objects.update_or_create(
        idea_ref=ref,
        item=item,
        theme=theme,
        defaults={"importance": importance, "created_by": actor_label(actor)},
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        link,
        summary=f"{theme or item} linked to {ref} as {importance}"[:300],
    )
    announce_demand([ref])
    return link


@transaction.atomic
def unlink_demand(actor: User | None, link_id: int) -> None:
    """Remove a demand link."""
    check(actor, Perm.EDIT_FEEDBACK)
    link = DemandLink.objects.filter(pk=link_id).first()
    if link is None:
        raise NotFound(f"There is no demand link {link_id}.")
    ref = link.idea_ref
    link.delete()
    audit.record(
        actor,
        AuditEvent.Action.DELETE,
        object_type="demandlink",
        object_id=link_id,
        summary=f"demand link {link_id} removed from {ref}",
    )
    announce_demand([ref])


def remove_demand_links(idea_ref: str) -> int:
    """Remove every link to an idea that no longer exists (``"initiative:12"`` once it is deleted); returns how
    many. The system acts: planning calls this when it deletes an initiative; nothing is announced."""
    count, _ = DemandLink.objects.filter(idea_ref=idea_ref).delete()
    return count


def demand_links(actor: User | None, idea_ref: object) -> list[DemandLink]:
    """The feedback linked to an idea (each link: one item or one theme, with its importance), oldest first."""
    check(actor, Perm.VIEW_WORKSPACE)
    ref, _ = _idea(idea_ref)
    return list(DemandLink.objects.filter(idea_ref=ref).select_related("item", "theme"))


def demand_for(idea_ref: object, *, actor: User | None = None) -> Demand:
    """The demand evidence for an idea (an Initiative, its id, ``"initiative:12"`` or a free reference)."""
    check(actor, Perm.VIEW_WORKSPACE)
    ref, initiative_id = _idea(idea_ref)
    links = list(DemandLink.objects.filter(idea_ref=ref).select_related("item", "theme"))
    voices: dict[tuple[str, int], int] = {}
    arr_of: dict[int, float] = {}
    name_of: dict[int, str] = {}
    seen_items: set[int] = set()
    counts: Counter[str] = Counter()
    for link in links:
        weight = IMPORTANCE_WEIGHTS[Importance(link.importance)]
        counts[link.importance] += 1
        if link.item_id is not None:
            members = FeedbackItem.objects.filter(pk=link.item_id)
        else:
            members = FeedbackItem.objects.filter(
                Q(theme_id=link.theme_id) | Q(theme__parent_id=link.theme_id)
            )
        for item_pk, account_id, arr, name in members.values_list("pk", "account_id", "account__arr",
                                                                  "account__name"):
            seen_items.add(item_pk)
            key = ("account", account_id) if account_id is not None else ("item", item_pk)
            voices[key] = max(voices.get(key, 0), weight)
            if account_id is not None:
                arr_of[account_id] = float(arr or 0)
                name_of[account_id] = str(name)
    revenue = list(Account.objects.filter(arr__gt=0).values_list("arr", flat=True))
    mean_arr = sum(revenue) / len(revenue) if revenue else 0.0
    score = 0.0
    for (kind, voice), weight in voices.items():
        share = arr_of.get(voice, 0.0) / mean_arr if kind == "account" and mean_arr else 0.0
        score += weight * (1 + share)
    return Demand(
        idea_ref=ref,
        initiative_id=initiative_id,
        score=round(score, 2),
        accounts=len(arr_of),
        arr=round(sum(arr_of.values()), 2),
        items=len(seen_items),
        links=len(links),
        by_importance={i.value: counts.get(i.value, 0) for i in Importance},
        account_names=[name_of[a] for a in sorted(arr_of, key=lambda a: (-arr_of[a], name_of[a]))],
    )


def list_demand(actor: User | None) -> list[Demand]:
    """The demand of every idea that has links, highest score first."""
    check(actor, Perm.VIEW_WORKSPACE)
    refs = DemandLink.objects.values_list("idea_ref", flat=True).distinct()
    return sorted((demand_for(r) for r in refs), key=lambda d: (-d.score, d.idea_ref))
