"""Feedback items: adding them (with sentiment, near-duplicates and the nearest theme), listing, the inbox.

``add_feedback`` is all or nothing: a bad row is reported with its line and nothing is written. A new item joins
the nearest theme of the latest finished theme run; an item that nearly repeats earlier feedback is flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import raise_for_rows
from headway.discovery.engine import near_duplicates, sentiments
from headway.discovery.engine.texts import MAX_CHARS, cut
from headway.discovery.models import Account, Contact, FeedbackItem, Source, Theme
from headway.discovery.services._common import (
    announce_demand,
    clean_text,
    find_account,
    parse_number,
    recount_sizes,
    theme_model,
    to_bytes,
    vectors,
    write_columns,
)
from headway.discovery.services.accounts import ImportResult
from headway.discovery.services.theme_metrics import get_theme
from headway.discovery.services.theme_runs import latest_run

#: (value, label) of every feedback source, for forms.
SOURCE_CHOICES: list[tuple[str, str]] = [(str(v), str(n)) for v, n in Source.choices]

MAX_TEXT = 20_000
TAG_LIMIT = 20


class FeedbackImport(ImportResult):
    """An import of feedback: also how many were near-duplicates, cut for embedding, put into themes, and how
    many accounts were created (an unknown account name creates it)."""

    duplicates: int = 0
    truncated: int = 0
    assigned: int = 0
    accounts_created: int = 0


def _source(value: object, default: str) -> str:
    if value in (None, ""):
        return default
    text = str(value).strip().lower()
    for choice in Source:
        if text in (choice.value, choice.label.lower()):
            return str(choice.value)
    raise ValueError(f"source {value!r} is not one of {', '.join(Source.values)}")


def _day(value: object, today: date) -> date:
    if value in (None, ""):
        return today
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    for pattern in ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text.split(" ")[0], pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date {value!r} is not a date such as 2025-03-31")


def _tags(value: object) -> list[str]:
    if value in (None, ""):
        return []
    parts = value if isinstance(value, list) else str(value).replace(";", ",").replace("|", ",").split(",")
    tags = [" ".join(str(p).split()).lower()[:40] for p in parts]
    if not isinstance(value, list) and len(tags) == 1 and " " in tags[0]:  # "a b c": space-separated tags
        tags = tags[0].split()
    return list(dict.fromkeys(t for t in tags if t))[:TAG_LIMIT]


def _clean_feedback(record: Mapping[str, Any], default_source: str, today: date) -> dict[str, Any]:
    raw = record.get("text")
    text = "" if raw is None else str(raw)
    subject = clean_text(record.get("subject"), 300)
    if subject and text.strip() and not text.strip().lower().startswith(subject.lower()):
        text = f"{subject}. {text.strip()}"
    if not text.strip():
        raise ValueError("the feedback text is empty or only whitespace")
    clean: dict[str, Any] = {
        "text": text.strip()[:MAX_TEXT],
        "source": _source(record.get("source"), default_source),
        "received_on": _day(record.get("date") or record.get("received_on"), today),
        "tags": _tags(record.get("tags")),
    }
    try:
        clean["rating"] = parse_number(record.get("rating"), low=1, high=5, integer=True)
    except ValueError as exc:
        raise ValueError(f"rating must be {exc} (1 to 5 stars)") from None
    try:
        clean["nps"] = parse_number(record.get("nps"), low=0, high=10, integer=True)
    except ValueError as exc:
        raise ValueError(f"NPS must be {exc} (0 to 10)") from None
    link = clean_text(record.get("link"), 500)
    if link and not link.startswith(("http://", "https://")):
        raise ValueError(f"link {link!r} must start with http:// or https://")
    clean["link"] = link
    clean["external_id"] = clean_text(record.get("external_id"), 100) or None
    clean["account_ref"] = (
        record.get("account_id"),
        record.get("account_external_id") or record.get("account"),
    )
    clean["person"] = (
        clean_text(record.get("person_name"), 200),
        clean_text(record.get("person_email"), 254).lower(),
    )
    return clean


class _People:
    """Accounts and people met during one import, looked up once each (an unknown account name creates it)."""

    def __init__(self, result: FeedbackImport) -> None:
        self.result = result
        self.by_id: dict[int, Account] = {}
        self.by_ref: dict[str, Account] = {}
        self.contacts: dict[tuple[str, int | None], Contact] = {}

    def preload(self, cleaned: Sequence[tuple[int, dict[str, Any]]]) -> None:
        ids = {int(c["account_ref"][0]) for _, c in cleaned if str(c["account_ref"][0] or "").isdigit()}
        self.by_id = Account.objects.in_bulk(list(ids))
        emails = {c["person"][1] for _, c in cleaned if c["person"][1]}
        for contact in Contact.objects.filter(email__in=emails).order_by("-id"):
            self.contacts[(contact.email, None)] = contact

    def account(self, ref: tuple[object, object]) -> Account | None:
        """The account by id, else by external id or name."""
        account_id, name = ref
        if account_id not in (None, ""):
            found = self.by_id.get(int(str(account_id))) if str(account_id).isdigit() else None
            if found is None:
                raise ValueError(f"there is no account {account_id}")
            return found
        if name in (None, ""):
            return None
        key = str(name).strip().lower()
        if key not in self.by_ref:
            account = find_account(name)
            if account is None:
                account = Account.objects.create(name=clean_text(name, 200))
                self.result.accounts_created += 1
            self.by_ref[key] = account
        return self.by_ref[key]

    def contact(self, person: tuple[str, str], account: Account | None) -> Contact | None:
        """The person by email (else by name at the account); a new one is created."""
        name, email = person
        if not name and not email:
            return None
        key = (email, None) if email else (name, account.pk if account else None)
        if key not in self.contacts:
            found = None if email else Contact.objects.filter(name=name, account=account).first()
            self.contacts[key] = found or Contact.objects.create(name=name, email=email, account=account)
        return self.contacts[key]


@transaction.atomic
def add_feedback(
    actor: User | None,
    records: Sequence[Mapping[str, Any]],
    *,
    default_source: str = "support",
    origin: str = "api",
    today: date | None = None,
) -> FeedbackImport:
    """Add feedback items (or update those whose ``external_id`` exists); all or nothing.

    Fields: text (and subject), source, account (external id or name; a new name creates the account),
    person_name/person_email, date, rating (1-5), nps (0-10), link, tags, external_id. Each item gets its
    sentiment, is flagged when it nearly repeats earlier feedback, and joins the nearest existing theme when
    themes were computed. An empty text is rejected with its line; a very long one is cut for embedding and
    the item says so (``truncated``).
    """
    check(actor, Perm.EDIT_FEEDBACK)
    default_source = _source(default_source, Source.SUPPORT)
    today = today or timezone.localdate()
    problems: list[dict[str, Any]] = []
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for position, record in enumerate(records, start=1):
        line = int(record.get("_line", position))
        try:
            cleaned.append((line, _clean_feedback(record, default_source, today)))
        except (ValueError, TypeError) as exc:
            problems.append({"line": line, "reason": str(exc)})
    if not cleaned and not problems:
        raise ValidationError("There is no feedback to import: give at least one item with a text.")
    raise_for_rows(problems, "feedback")
    result = FeedbackImport(rows=len(cleaned))
    people = _People(result)
    people.preload(cleaned)
    external_ids = [c["external_id"] for _, c in cleaned if c["external_id"]]
    existing = FeedbackItem.objects.defer("vector").in_bulk(external_ids, field_name="external_id")
    items: list[FeedbackItem] = []
    for line, clean in cleaned:
        try:
            account = people.account(clean.pop("account_ref"))
        except (ValueError, TypeError) as exc:
            problems.append({"line": line, "reason": str(exc)})
            continue
        contact = people.contact(clean.pop("person"), account)
        item = existing.get(clean["external_id"]) if clean["external_id"] else None
        if item is None:
            item = FeedbackItem(**clean, account=account, contact=contact)
            result.created += 1
        else:
            for key, value in clean.items():
                setattr(item, key, value)
            item.account, item.contact, item.reviewed = account, contact, False
            result.updated += 1
        items.append(item)
    raise_for_rows(problems, "feedback")
    scores = sentiments([i.text for i in items])
    for item, score in zip(items, scores, strict=True):
        item.sentiment, item.sentiment_label = score.score, score.label
        item.truncated = cut(item.text, MAX_CHARS)[1]
        if item.pk is not None:
            item.save()
    FeedbackItem.objects.bulk_create([i for i in items if i.pk is None], batch_size=500)
    result.ids.extend(i.pk for i in items)
    _place_new_items(items, result)
    result.truncated = sum(1 for i in items if i.truncated)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        object_type="feedback",
        object_id="import",
        summary=f"feedback added from {origin}: {result.created} new, {result.updated} updated",
    )
    announce_demand()
    return result


def _place_new_items(items: list[FeedbackItem], result: FeedbackImport) -> None:
    """Embed new items with the latest themes' model, put them into the nearest theme, flag duplicates."""
    run = latest_run(done=True)
    model = theme_model(run)
    new_ids = {i.pk for i in items}
    others = list(FeedbackItem.objects.exclude(pk__in=new_ids).order_by("id").only("id", "text", "vector"))
    if model is not None and run is not None:
        embedding = model.embedder().embed([i.text for i in items])
        new_vectors = embedding.vectors
        theme_of = {int(k): v for k, v in run.theme_map.items()}
        live = set(Theme.objects.filter(pk__in=theme_of.values()).values_list("pk", flat=True))
        for item, vector, assignment, was_cut in zip(
            items, new_vectors, model.assign_vectors(new_vectors), embedding.truncated, strict=True
        ):
            item.vector = to_bytes(vector)
            item.truncated = item.truncated or was_cut
            pk = theme_of.get(assignment.theme) if assignment.theme is not None else None
            if pk in live and not item.pinned:
                item.theme_id, item.theme_similarity = pk, assignment.similarity
                result.assigned += 1
        old = vectors(others, new_vectors.shape[1])
    else:
        new_vectors = np.zeros((len(items), 1), dtype=np.float32)
        old = np.zeros((len(others), 1), dtype=np.float32)
    texts = [o.text for o in others] + [i.text for i in items]
    for duplicate in near_duplicates(texts, np.vstack([old, new_vectors])):
        if duplicate.index >= len(others):
            original = (
                others[duplicate.original]
                if duplicate.original < len(others)
                else items[duplicate.original - len(others)]
            )
            item = items[duplicate.index - len(others)]
            item.duplicate_of_id, item.duplicate_similarity = original.pk, duplicate.similarity
            result.duplicates += 1
    write_columns(items, ["vector", "truncated", "theme", "theme_similarity", "duplicate_of", "duplicate_similarity"])
    recount_sizes()


def list_feedback(
    actor: User | None,
    *,
    theme_id: int | None = None,
    source: str | None = None,
    account_id: int | None = None,
    inbox: bool = False,
) -> QuerySet[FeedbackItem]:
    """Feedback, newest first; ``inbox`` keeps the items nobody has reviewed yet."""
    check(actor, Perm.VIEW_WORKSPACE)
    qs = FeedbackItem.objects.select_related("account", "contact", "theme").defer("vector")
    if theme_id is not None:
        theme = get_theme(actor, theme_id)
        qs = qs.filter(Q(theme=theme) | Q(theme__parent=theme)) if theme.is_parent else qs.filter(theme=theme)
    if source:
        if source not in Source.values:
            raise ValidationError(f"Unknown source {source!r}: use one of {', '.join(Source.values)}.")
        qs = qs.filter(source=source)
    if account_id is not None:
        qs = qs.filter(account_id=account_id)
    if inbox:
        qs = qs.filter(reviewed=False)
    return qs


def get_feedback(actor: User | None, item_id: int) -> FeedbackItem:
    """One feedback item, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    item = FeedbackItem.objects.select_related("account", "contact", "theme").filter(pk=item_id).first()
    if item is None:
        raise NotFound(f"There is no feedback item {item_id}: list items with GET /api/v1/discovery/feedback.")
    return item


@transaction.atomic
def mark_reviewed(actor: User | None, item_ids: Iterable[int]) -> int:
    """Take items out of the inbox; returns how many changed."""
    check(actor, Perm.EDIT_FEEDBACK)
    return FeedbackItem.objects.filter(pk__in=list(item_ids), reviewed=False).update(reviewed=True)
