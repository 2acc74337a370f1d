"""People's edits to themes: rename, merge, split and move items. Later theme runs keep every edit.

A renamed label is kept; merged themes map back to the theme they were merged into; moved and split items are
pinned where a person put them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.db import transaction

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.discovery.models import DemandLink, FeedbackItem, Theme, ThemeRun
from headway.discovery.services._common import recount_sizes
from headway.discovery.services.theme_metrics import get_theme


def _clean_label(label: str) -> str:
    label = " ".join(str(label).split())
    if not label or len(label) > 120:
        raise ValidationError("A theme label is 1 to 120 characters, e.g. 'Late deliveries'.")
    return label


def _distinct_ids(ids: Sequence[int], what: str, how: str) -> list[int]:
    """``ids`` as a list, or a ValidationError when there is none or one is given twice."""
    ids = list(ids)
    if not ids:
        raise ValidationError(f"Name at least one {what}: {how}.", details=[])
    repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ValidationError(
            f"{what.capitalize()} {', '.join(map(str, repeated))} is given more than once: name each once.",
            details=[{"id": i, "reason": "given more than once"} for i in repeated],
        )
    return ids


@transaction.atomic
def rename_theme(actor: User | None, theme_id: int, label: str) -> Theme:
    """Give a theme a label of your own; later runs keep it."""
    check(actor, Perm.EDIT_FEEDBACK)
    theme = get_theme(actor, theme_id)
    old, theme.label, theme.label_edited = theme.label, _clean_label(label), True
    theme.save(update_fields=["label", "label_edited"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        theme,
        summary=f"theme renamed {old!r} → {theme.label!r}",
        changes={"label": [old, theme.label]},
    )
    return theme


@transaction.atomic
def merge_themes(actor: User | None, target_id: int, other_ids: Sequence[int]) -> Theme:
    """Move every item of ``other_ids`` into ``target_id`` and delete the others; later runs keep the merge
    (a cluster whose items are mostly in the merged theme maps back to it)."""
    check(actor, Perm.EDIT_FEEDBACK)
    ids = _distinct_ids(other_ids, "other theme", "give the ids of the themes to merge into this one")
    if target_id in ids:
        raise ValidationError(
            f"Theme {target_id} cannot be merged into itself: name the other themes to merge into it."
        )
    target = get_theme(actor, target_id)
    others = [get_theme(actor, i) for i in ids]
    if target.is_parent or any(o.is_parent for o in others):
        raise ValidationError("Parent themes group themes and cannot be merged: merge the themes under them.")
    ids = [o.pk for o in others]
    FeedbackItem.objects.filter(theme_id__in=ids).update(theme=target)
    DemandLink.objects.filter(theme_id__in=ids).update(theme=target)
    for run in ThemeRun.objects.filter(status=ThemeRun.Status.DONE).exclude(theme_map={}):
        run.theme_map = {k: (target.pk if v in ids else v) for k, v in run.theme_map.items()}
        run.save(update_fields=["theme_map"])
    keywords = list(dict.fromkeys([*target.keywords, *(k for o in others for k in o.keywords)]))[:8]
    labels = [o.label for o in others]
    Theme.objects.filter(pk__in=ids).delete()
    target.keywords = keywords
    target.save(update_fields=["keywords"])
    recount_sizes()
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        target,
        summary=f"themes {', '.join(labels)} merged into {target.label}"[:300],
    )
    return get_theme(actor, target.pk)


@transaction.atomic
def move_items(actor: User | None, item_ids: Sequence[int], theme_id: int) -> Theme:
    """Put items into a theme by hand; they are pinned there and later runs leave them in it."""
    check(actor, Perm.EDIT_FEEDBACK)
    item_ids = _distinct_ids(item_ids, "feedback item", "give the ids of the items to move")
    theme = get_theme(actor, theme_id)
    if theme.is_parent:
        raise ValidationError(
            f"{theme.label!r} is a parent theme: move items into one of the themes under it."
        )
    found = set(FeedbackItem.objects.filter(pk__in=item_ids).values_list("pk", flat=True))
    missing = sorted(set(item_ids) - found)
    if missing:
        raise NotFound(f"There is no feedback item {', '.join(map(str, missing))}: check the ids.")
    if not FeedbackItem.objects.filter(pk__in=found).exclude(theme=theme).exists():
        raise ValidationError(
            f"The item(s) are already in theme {theme.pk} ({theme.label}): choose another theme to move them to."
        )
    FeedbackItem.objects.filter(pk__in=found).update(theme=theme, pinned=True)
    recount_sizes()
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        theme,
        summary=f"{len(found)} item(s) moved into {theme.label}",
        changes={"items": sorted(found)},
    )
    return get_theme(actor, theme.pk)


@transaction.atomic
def split_theme(actor: User | None, theme_id: int, item_ids: Sequence[int], label: str) -> Theme:
    """Take some items out of a theme into a new theme with ``label`` (a sibling under the same parent)."""
    check(actor, Perm.EDIT_FEEDBACK)
    item_ids = _distinct_ids(item_ids, "feedback item", "give the ids of the items to split off into the new theme")
    source = get_theme(actor, theme_id)
    if source.is_parent:
        raise ValidationError(
            f"{source.label!r} is a parent theme: split one of the themes under it."
        )
    label = _clean_label(label)
    inside = set(FeedbackItem.objects.filter(pk__in=item_ids, theme=source).values_list("pk", flat=True))
    outside = sorted(set(item_ids) - inside)
    if outside:
        raise ValidationError(
            f"Split takes items of theme {source.pk}: item(s) {', '.join(map(str, outside))} are not in it."
        )
    theme = Theme.objects.create(
        label=label, label_edited=True, created_by_user=True, parent=source.parent, keywords=[]
    )
    FeedbackItem.objects.filter(pk__in=inside).update(theme=theme, pinned=True)
    recount_sizes()
    audit.record(actor, AuditEvent.Action.CREATE, theme, summary=f"theme {label} split from {source.label}")
    return get_theme(actor, theme.pk)
