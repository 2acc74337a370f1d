"""Use cases of customer-feedback discovery: customers, feedback, themes, search and demand for ideas.

Every face (CLI, API, web, demo) calls these functions. ``actor=None`` is the system (the CLI operator, the
demo builder). Reading needs ``workspace.view``; adding feedback, customers, theme edits and demand links need
``feedback.edit``; contact details (a person's email and phone) need ``contacts.view``.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import connections, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from headway.core import audit
from headway.core.errors import Conflict, HeadwayError, NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, has_perm, require
from headway.discovery import importers
from headway.discovery.engine import (
    KeywordIndex,
    ThemeModel,
    find_themes,
    mean_sentiment,
    near_duplicates,
    semantic_search,
    sentiments,
)
from headway.discovery.engine.sentiment import Sentiment
from headway.discovery.engine.texts import MAX_CHARS, cut
from headway.discovery.models import (
    Account,
    Contact,
    DemandLink,
    FeedbackItem,
    Importance,
    Source,
    Theme,
    ThemeRun,
)

log = logging.getLogger(__name__)
ProgressFn = Callable[[str, float], None]

IMPORTANCE_WEIGHTS = {Importance.NICE_TO_HAVE: 1, Importance.IMPORTANT: 2, Importance.CRITICAL: 3}
RECENT_DAYS = 28
BASELINE_WEEKS = 12
SPARK_WEEKS = 12
#: A theme is emerging when its last RECENT_DAYS hold at least EMERGING_MIN_ITEMS items, at least
#: EMERGING_RATIO times what its own baseline rate predicts, and EMERGING_Z standard deviations above it.
EMERGING_RATIO = 2.0
EMERGING_MIN_ITEMS = 10
EMERGING_Z = 3.0
STALE_RUN = timedelta(hours=2)
MAX_TEXT = 20_000
TAG_LIMIT = 20


def _write_columns(items: Sequence[FeedbackItem], fields: Sequence[str]) -> None:
    """Save ``fields`` of many items with one prepared UPDATE run per row (much faster than bulk_update)."""
    connection = connections[FeedbackItem.objects.db]
    model_fields = [FeedbackItem._meta.get_field(f) for f in fields]
    columns = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in model_fields)  # type: ignore[union-attr]
    table = connection.ops.quote_name(FeedbackItem._meta.db_table)
    rows = [[f.get_db_prep_save(getattr(item, f.attname), connection) for f in model_fields] + [item.pk]  # type: ignore[union-attr]
            for item in items]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)  # table and column names come from the model


def _check(actor: User | None, perm: Perm) -> None:
    if actor is not None:
        require(actor, perm)


def _who(actor: User | None) -> str:
    return actor.username if actor is not None else "system"


def can_see_contacts(actor: User | None) -> bool:
    """Whether ``actor`` may see people's email and phone (product leaders, admins, the system)."""
    return actor is None or has_perm(actor, Perm.VIEW_CONTACTS)


def _raise_rows(problems: list[dict[str, Any]], what: str) -> None:
    if problems:
        first = "; ".join(f"line {p['line']}: {p['reason']}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ValidationError(
            f"{len(problems)} {what} row(s) are not valid, so nothing was imported — {first}{more}. "
            "Fix those rows and import the file again.",
            details=problems,
        )


def _number(value: Any, *, low: float | None = None, high: float | None = None, integer: bool = False) -> Any:
    """A number parsed from text like ``"12,000"`` or ``"$1.5k"``; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = (
            value.strip().replace(",", "").replace("$", "").replace("€", "").replace("£", "").replace(" ", "")
        )
        factor = 1.0
        if text[-1:].lower() in {"k", "m"}:
            factor = 1_000.0 if text[-1].lower() == "k" else 1_000_000.0
            text = text[:-1]
        try:
            number = float(text) * factor
        except ValueError:
            raise ValueError("a number") from None
    elif isinstance(value, bool):
        raise ValueError("a number, not true/false")
    else:
        number = float(value)
    if number != number:  # NaN
        raise ValueError("a number")
    if low is not None and number < low:
        raise ValueError(f"at least {low:g}")
    if high is not None and number > high:
        raise ValueError(f"at most {high:g}")
    if integer:
        if number != int(number):
            raise ValueError("a whole number")
        return int(number)
    return number


def _text(value: Any, limit: int) -> str:
    return "" if value is None else " ".join(str(value).split())[:limit]


# --- accounts and people -------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: rows read, objects created and updated (matched by external id)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    ids: list[int] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "ids": self.ids,
            **self.notes,
        }


def _clean_account(record: Mapping[str, Any]) -> dict[str, Any]:
    problems = []
    name = _text(record.get("name"), 200)
    external_id = _text(record.get("external_id"), 100) or None
    if not name and not external_id:
        problems.append("give the account a name (or the external id of an account that exists)")
    clean: dict[str, Any] = {"external_id": external_id}
    if name:
        clean["name"] = name
    for key, limit in (("segment", 60), ("plan", 60), ("owner", 150)):
        if record.get(key) not in (None, ""):
            clean[key] = _text(record[key], limit)
    try:
        arr = _number(record.get("arr"), low=0)
        mrr = _number(record.get("mrr"), low=0)
        if arr is not None:
            clean["arr"] = round(arr, 2)
        elif mrr is not None:
            clean["arr"] = round(mrr * 12, 2)
    except ValueError as exc:
        problems.append(f"ARR/MRR must be {exc}, e.g. 12000")
    if problems:
        raise ValueError("; ".join(problems))
    return clean


@transaction.atomic
def upsert_accounts(
    actor: User | None, records: Sequence[Mapping[str, Any]], *, origin: str = "api"
) -> ImportResult:
    """Create accounts, or update the ones whose ``external_id`` exists; all or nothing.

    Fields: name, external_id, segment, plan, arr (or mrr: ARR = 12 × MRR), owner. Each record may carry
    ``_line`` (its line in a file) for the error messages; otherwise its position (1-based) is used.
    """
    _check(actor, Perm.EDIT_FEEDBACK)
    problems: list[dict[str, Any]] = []
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for position, record in enumerate(records, start=1):
        line = int(record.get("_line", position))
        try:
            cleaned.append((line, _clean_account(record)))
        except ValueError as exc:
            problems.append({"line": line, "reason": str(exc)})
    _raise_rows(problems, "account")
    result = ImportResult(rows=len(cleaned))
    existing = {
        a.external_id: a
        for a in Account.objects.filter(
            external_id__in=[c["external_id"] for _, c in cleaned if c["external_id"]]
        )
    }
    for line, clean in cleaned:
        account = existing.get(clean["external_id"]) if clean["external_id"] else None
        if account is None:
            if "name" not in clean:
                problems.append(
                    {
                        "line": line,
                        "reason": f"no account has external id {clean['external_id']!r}; "
                        "give a name to create it",
                    }
                )
                continue
            account = Account.objects.create(**clean)
            if account.external_id:
                existing[account.external_id] = account
            result.created += 1
        else:
            for key, value in clean.items():
                setattr(account, key, value)
            account.save()
            result.updated += 1
        result.ids.append(account.pk)
    _raise_rows(problems, "account")
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        object_type="account",
        object_id="import",
        summary=f"accounts imported from {origin}: {result.created} created, {result.updated} updated",
    )
    return result


def import_accounts_file(
    actor: User | None,
    data: bytes,
    *,
    filename: str = "the file",
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import accounts from CSV or JSON Lines (columns as in :data:`importers.ACCOUNT_COLUMNS`)."""
    _check(actor, Perm.EDIT_FEEDBACK)
    parsed = importers.parse(data, filename=filename, fmt=fmt)
    rows = importers.mapped_rows(parsed, importers.ACCOUNT_COLUMNS, mapping)
    return upsert_accounts(actor, [{**r, "_line": line} for line, r in rows], origin=filename)


def _find_account(ref: Any) -> Account | None:
    if ref in (None, ""):
        return None
    text = str(ref).strip()
    return (
        Account.objects.filter(external_id=text).first()
        or Account.objects.filter(name__iexact=text).order_by("id").first()
    )


@transaction.atomic
def upsert_contacts(
    actor: User | None, records: Sequence[Mapping[str, Any]], *, origin: str = "api"
) -> ImportResult:
    """Create people at accounts, or update those whose ``external_id`` (else email) exists; all or nothing.

    Fields: name, email, phone, title, external_id, and the account as ``account_external_id`` or ``account``
    (its external id or name).
    """
    _check(actor, Perm.EDIT_FEEDBACK)
    problems: list[dict[str, Any]] = []
    result = ImportResult(rows=len(records))
    accounts: dict[str, Account | None] = {}
    by_external = {c.external_id: c for c in Contact.objects.filter(external_id__isnull=False)}
    by_email = {c.email: c for c in Contact.objects.exclude(email="").order_by("-id")}
    for position, record in enumerate(records, start=1):
        line = int(record.get("_line", position))
        name, email = _text(record.get("name"), 200), _text(record.get("email"), 254).lower()
        if not name and not email:
            problems.append({"line": line, "reason": "give the person a name or an email"})
            continue
        if email and "@" not in email:
            problems.append({"line": line, "reason": f"{email!r} is not an email address"})
            continue
        account_ref = record.get("account_external_id") or record.get("account")
        key = str(account_ref or "")
        if key not in accounts:
            accounts[key] = _find_account(account_ref)
        account = accounts[key]
        if account_ref and account is None:
            problems.append(
                {"line": line, "reason": f"no account {account_ref!r}: import the accounts first"}
            )
            continue
        external_id = _text(record.get("external_id"), 100) or None
        contact = by_external.get(external_id) if external_id else by_email.get(email) if email else None
        values = {
            "name": name,
            "email": email,
            "phone": _text(record.get("phone"), 40),
            "title": _text(record.get("title"), 150),
            "account": account,
            "external_id": external_id,
        }
        if contact is None:
            contact = Contact.objects.create(**values)
            by_email[email] = by_external[external_id] = contact
            result.created += 1
        else:
            for key, value in values.items():
                if value not in (None, ""):
                    setattr(contact, key, value)
            contact.save()
            result.updated += 1
        result.ids.append(contact.pk)
    _raise_rows(problems, "person")
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        object_type="contact",
        object_id="import",
        summary=f"people imported from {origin}: {result.created} created, {result.updated} updated",
    )
    return result


def import_contacts_file(
    actor: User | None,
    data: bytes,
    *,
    filename: str = "the file",
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportResult:
    """Import people from CSV or JSON Lines (columns as in :data:`importers.CONTACT_COLUMNS`)."""
    _check(actor, Perm.EDIT_FEEDBACK)
    parsed = importers.parse(data, filename=filename, fmt=fmt)
    rows = importers.mapped_rows(parsed, importers.CONTACT_COLUMNS, mapping)
    return upsert_contacts(actor, [{**r, "_line": line} for line, r in rows], origin=filename)


def person_view(actor: User | None, contact: Contact | None) -> dict[str, Any] | None:
    """A person as a dict; email and phone only for those who may see contact details."""
    if contact is None:
        return None
    allowed = can_see_contacts(actor)
    return {
        "id": contact.pk,
        "name": contact.name,
        "title": contact.title,
        "email": contact.email if allowed else None,
        "phone": contact.phone if allowed else None,
    }


def list_accounts(actor: User | None, *, segment: str | None = None) -> QuerySet[Account]:
    """Accounts by name, each with ``feedback_count``."""
    _check(actor, Perm.VIEW_WORKSPACE)
    qs = Account.objects.annotate(feedback_count=Count("feedback")).order_by("name", "pk")
    return qs.filter(segment__iexact=segment) if segment else qs


def get_account(actor: User | None, account_id: int) -> Account:
    """One account, or NotFound."""
    _check(actor, Perm.VIEW_WORKSPACE)
    try:
        return Account.objects.get(pk=account_id)
    except Account.DoesNotExist:
        raise NotFound(
            f"There is no account {account_id}: list accounts with GET /api/v1/accounts."
        ) from None


def account_people(actor: User | None, account: Account) -> list[dict[str, Any]]:
    """The account's people (contact details only for product leaders and admins)."""
    return [p for p in (person_view(actor, c) for c in account.people.all()) if p is not None]


# --- feedback ------------------------------------------------------------------------------------------


def _source(value: Any, default: str) -> str:
    if value in (None, ""):
        return default
    text = str(value).strip().lower()
    for choice in Source:
        if text in (choice.value, choice.label.lower()):
            return choice.value
    raise ValueError(f"source {value!r} is not one of {', '.join(Source.values)}")


def _day(value: Any, today: date) -> date:
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
            from datetime import datetime

            return datetime.strptime(text.split(" ")[0], pattern).date()
        except ValueError:
            continue
    raise ValueError(f"date {value!r} is not a date such as 2025-03-31")


def _tags(value: Any) -> list[str]:
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
    subject = _text(record.get("subject"), 300)
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
        clean["rating"] = _number(record.get("rating"), low=1, high=5, integer=True)
    except ValueError as exc:
        raise ValueError(f"rating must be {exc} (1 to 5 stars)") from None
    try:
        clean["nps"] = _number(record.get("nps"), low=0, high=10, integer=True)
    except ValueError as exc:
        raise ValueError(f"NPS must be {exc} (0 to 10)") from None
    link = _text(record.get("link"), 500)
    if link and not link.startswith(("http://", "https://")):
        raise ValueError(f"link {link!r} must start with http:// or https://")
    clean["link"] = link
    clean["external_id"] = _text(record.get("external_id"), 100) or None
    clean["account_ref"] = (
        record.get("account_id"),
        record.get("account_external_id") or record.get("account"),
    )
    clean["person"] = (_text(record.get("person_name"), 200), _text(record.get("person_email"), 254).lower())
    return clean


@dataclass
class FeedbackImport(ImportResult):
    """An import of feedback: also how many were near-duplicates, cut for embedding, put into themes."""

    duplicates: int = 0
    truncated: int = 0
    assigned: int = 0
    accounts_created: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            **super().as_dict(),
            "duplicates": self.duplicates,
            "truncated": self.truncated,
            "assigned": self.assigned,
            "accounts_created": self.accounts_created,
        }


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

    def account(self, ref: tuple[Any, Any]) -> Account | None:
        """The account by id, else by external id or name."""
        account_id, name = ref
        if account_id not in (None, ""):
            found = self.by_id.get(int(account_id)) if str(account_id).isdigit() else None
            if found is None:
                raise ValueError(f"there is no account {account_id}")
            return found
        if name in (None, ""):
            return None
        key = str(name).strip().lower()
        if key not in self.by_ref:
            account = _find_account(name)
            if account is None:
                account = Account.objects.create(name=_text(name, 200))
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


def latest_run(*, done: bool = False) -> ThemeRun | None:
    """The newest theme run (the newest finished one with ``done``)."""
    qs = ThemeRun.objects.all()
    if done:
        qs = qs.filter(status=ThemeRun.Status.DONE)
    return qs.order_by("-id").first()


def _theme_model(run: ThemeRun | None) -> ThemeModel | None:
    if run is None or not run.model:
        return None
    return ThemeModel.from_dict(json.loads(zlib.decompress(bytes(run.model))))


def _to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _vectors(items: Sequence[FeedbackItem], dimensions: int) -> np.ndarray:
    rows = np.zeros((len(items), dimensions), dtype=np.float32)
    for i, item in enumerate(items):
        if item.vector:
            row = np.frombuffer(bytes(item.vector), dtype=np.float32)
            if len(row) == dimensions:
                rows[i] = row
    return rows


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
    _check(actor, Perm.EDIT_FEEDBACK)
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
    _raise_rows(problems, "feedback")
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
    _raise_rows(problems, "feedback")
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
    refresh_demand_scores()
    return result


def _place_new_items(items: list[FeedbackItem], result: FeedbackImport) -> None:
    """Embed new items with the latest themes' model, put them into the nearest theme, flag duplicates."""
    run = latest_run(done=True)
    model = _theme_model(run)
    new_ids = {i.pk for i in items}
    others = list(FeedbackItem.objects.exclude(pk__in=new_ids).order_by("id").only("id", "text", "vector"))
    if model is not None and run is not None:
        embedding = model.embedder().embed([i.text for i in items])
        vectors = embedding.vectors
        theme_of = {int(k): v for k, v in run.theme_map.items()}
        live = set(Theme.objects.filter(pk__in=theme_of.values()).values_list("pk", flat=True))
        for item, vector, assignment, was_cut in zip(
            items, vectors, model.assign_vectors(vectors), embedding.truncated, strict=True
        ):
            item.vector = _to_bytes(vector)
            item.truncated = item.truncated or was_cut
            pk = theme_of.get(assignment.theme) if assignment.theme is not None else None
            if pk in live and not item.pinned:
                item.theme_id, item.theme_similarity = pk, assignment.similarity
                result.assigned += 1
        old = _vectors(others, vectors.shape[1])
    else:
        vectors = np.zeros((len(items), 1), dtype=np.float32)
        old = np.zeros((len(others), 1), dtype=np.float32)
    texts = [o.text for o in others] + [i.text for i in items]
    for duplicate in near_duplicates(texts, np.vstack([old, vectors])):
        if duplicate.index >= len(others):
            original = (
                others[duplicate.original]
                if duplicate.original < len(others)
                else items[duplicate.original - len(others)]
            )
            item = items[duplicate.index - len(others)]
            item.duplicate_of_id, item.duplicate_similarity = original.pk, duplicate.similarity
            result.duplicates += 1
    _write_columns(items, ["vector", "truncated", "theme", "theme_similarity", "duplicate_of", "duplicate_similarity"])
    _recount_sizes()


def import_feedback_file(
    actor: User | None,
    data: bytes,
    *,
    filename: str = "the file",
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    default_source: str = "support",
    today: date | None = None,
) -> FeedbackImport:
    """Import feedback from CSV or JSON Lines, mapping columns to fields (see :mod:`importers`); all or nothing."""
    _check(actor, Perm.EDIT_FEEDBACK)
    parsed = importers.parse(data, filename=filename, fmt=fmt)
    rows = importers.mapped_rows(parsed, importers.FEEDBACK_COLUMNS, mapping)
    if "text" not in importers.resolve_columns(parsed.columns, importers.FEEDBACK_COLUMNS, mapping):
        raise ValidationError(
            f"{filename} has no feedback text column: name it with --map text=COLUMN; the "
            f"columns are {', '.join(parsed.columns)}."
        )
    return add_feedback(
        actor,
        [{**r, "_line": line} for line, r in rows],
        default_source=default_source,
        origin=filename,
        today=today,
    )


def list_feedback(
    actor: User | None,
    *,
    theme_id: int | None = None,
    source: str | None = None,
    account_id: int | None = None,
    inbox: bool = False,
) -> QuerySet[FeedbackItem]:
    """Feedback, newest first; ``inbox`` keeps the items nobody has reviewed yet."""
    _check(actor, Perm.VIEW_WORKSPACE)
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
    _check(actor, Perm.VIEW_WORKSPACE)
    item = FeedbackItem.objects.select_related("account", "contact", "theme").filter(pk=item_id).first()
    if item is None:
        raise NotFound(f"There is no feedback item {item_id}: list items with GET /api/v1/feedback.")
    return item


@transaction.atomic
def mark_reviewed(actor: User | None, item_ids: Iterable[int]) -> int:
    """Take items out of the inbox; returns how many changed."""
    _check(actor, Perm.EDIT_FEEDBACK)
    return FeedbackItem.objects.filter(pk__in=list(item_ids), reviewed=False).update(reviewed=True)


# --- theme runs ----------------------------------------------------------------------------------------


def get_run(actor: User | None, run_id: int) -> ThemeRun:
    """A theme run (its status and progress), or NotFound."""
    _check(actor, Perm.VIEW_WORKSPACE)
    run = ThemeRun.objects.defer("model").filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"There is no theme run {run_id}: start one with `headway feedback themes --compute`.")
    return run


def start_theme_run(
    actor: User | None,
    *,
    method: str = "auto",
    background: bool = True,
    progress: ProgressFn | None = None,
    seed: int = 0,
) -> ThemeRun:
    """Compute themes over all feedback: in a background thread (the run row holds the progress), or here.

    Only one run at a time: a Conflict names the run in progress. ``method``: auto, minilm or lexical.
    """
    _check(actor, Perm.EDIT_FEEDBACK)
    if method not in ("auto", "minilm", "lexical"):
        raise ValidationError(f"Unknown method {method!r}: use auto, minilm or lexical.")
    with transaction.atomic():
        busy = ThemeRun.objects.filter(status__in=[ThemeRun.Status.QUEUED, ThemeRun.Status.RUNNING]).first()
        if busy is not None and timezone.now() - busy.created_at < STALE_RUN:
            raise Conflict(
                f"Themes are already being computed (run {busy.pk}, {busy.percent}%): wait for it to "
                "finish, then start another."
            )
        if busy is not None:
            ThemeRun.objects.filter(pk=busy.pk).update(status=ThemeRun.Status.FAILED, message="abandoned")
        if not FeedbackItem.objects.exists():
            raise ValidationError(
                "There is no feedback yet: import some with `headway feedback import FILE`."
            )
        run = ThemeRun.objects.create(requested=method, started_by=_who(actor), message="queued")
        audit.record(actor, AuditEvent.Action.CREATE, run, summary=f"theme computation {run.pk} started")
    if background:
        threading.Thread(
            target=_run_in_thread, args=(run.pk, seed), name=f"theme-run-{run.pk}", daemon=True
        ).start()
        return run
    execute_run(run.pk, progress=progress, seed=seed)
    return ThemeRun.objects.get(pk=run.pk)


def _run_in_thread(run_id: int, seed: int) -> None:
    try:
        execute_run(run_id, seed=seed)
    finally:
        connections.close_all()


def _report(run_id: int, label: str, fraction: float, progress: ProgressFn | None) -> None:
    ThemeRun.objects.filter(pk=run_id).update(
        status=ThemeRun.Status.RUNNING, progress=fraction, message=label[:300]
    )
    if progress is not None:
        progress(label, fraction)


def execute_run(run_id: int, *, progress: ProgressFn | None = None, seed: int = 0) -> None:
    """Carry out a queued run; a failure marks the run failed with its message (nothing half-written)."""
    try:
        run = ThemeRun.objects.get(pk=run_id)
        _compute(run, progress, seed)
    except Exception as exc:
        message = exc.message if isinstance(exc, HeadwayError) else f"unexpected {type(exc).__name__}: {exc}"
        if not isinstance(exc, HeadwayError):
            log.exception("theme run %s failed", run_id)
        ThemeRun.objects.filter(pk=run_id).update(
            status=ThemeRun.Status.FAILED, message=message[:300], finished_at=timezone.now()
        )
        if progress is not None:
            raise


def _majority(groups: Mapping[int, list[int]], old_of: Mapping[int, int | None]) -> dict[int, int | None]:
    """For each group of items, the old theme holding at least half of them (else None)."""
    matched: dict[int, int | None] = {}
    for key, members in groups.items():
        counts = Counter(old_of.get(m) for m in members if old_of.get(m) is not None)
        best = min(counts.items(), key=lambda kv: (-kv[1], kv[0])) if counts else None
        matched[key] = best[0] if best is not None and best[1] * 2 >= len(members) else None
    return matched


def _compute(run: ThemeRun, progress: ProgressFn | None, seed: int) -> None:
    items = list(FeedbackItem.objects.select_related("theme").order_by("id").defer("vector"))
    if not items:
        raise ValidationError("There is no feedback yet: import some with `headway feedback import FILE`.")
    _report(run.pk, f"finding themes in {len(items)} feedback items", 0.05, progress)
    result = find_themes([i.text for i in items], seed=seed, method=run.requested)  # type: ignore[arg-type]
    _report(run.pk, "matching with the themes you have", 0.75, progress)
    duplicates = {d.index: d for d in near_duplicates([i.text for i in items], result.vectors)}
    with transaction.atomic():
        theme_map = _store_themes(run, items, result)
        truncated = set(result.truncated)
        sims = np.sum(result.vectors * result.model.centroids[np.asarray(result.assignments)], axis=1)
        for index, item in enumerate(items):
            cluster = result.assignments[index]
            if not item.pinned:
                item.theme_id = theme_map[cluster]
            item.theme_similarity = round(float(sims[index]), 4)
            item.vector = _to_bytes(result.vectors[index])
            item.truncated = index in truncated or cut(item.text, MAX_CHARS)[1]
            duplicate = duplicates.get(index)
            item.duplicate_of_id = items[duplicate.original].pk if duplicate else None
            item.duplicate_similarity = duplicate.similarity if duplicate else None
        _report(run.pk, "saving themes", 0.9, progress)
        _write_columns(items, ["theme", "theme_similarity", "vector", "truncated", "duplicate_of", "duplicate_similarity"])
        _drop_orphans()
        _recount_sizes()
        run.model = zlib.compress(json.dumps(result.model.to_dict()).encode())
        run.theme_map = {str(k): v for k, v in theme_map.items()}
        run.method, run.items = result.method, len(items)
        run.themes = Theme.objects.filter(is_parent=False).count()
        run.details = {k: v for k, v in result.details.items() if k != "candidates"}
        run.status, run.progress, run.message = ThemeRun.Status.DONE, 1.0, f"{run.themes} themes found"
        run.finished_at = timezone.now()
        run.save()
        refresh_demand_scores()
    if progress is not None:
        progress(run.message, 1.0)


def _store_themes(run: ThemeRun, items: list[FeedbackItem], result: Any) -> dict[int, int]:
    """Map each new cluster to the existing theme holding most of its items (keeping ids, renames, merges)."""
    old_of = {i.pk: i.theme_id for i in items}
    old_parent_of = {i.pk: (i.theme.parent_id if i.theme else None) for i in items}
    clusters: dict[int, list[int]] = defaultdict(list)
    for item, cluster in zip(items, result.assignments, strict=True):
        clusters[cluster].append(item.pk)
    matched = _majority(clusters, old_of)
    by_id = {t.id: t for t in result.themes}
    parents_by_id = {p.id: p for p in result.parents}
    parent_groups: dict[int, list[int]] = defaultdict(list)
    for cluster, members in clusters.items():
        if by_id[cluster].parent is not None:
            parent_groups[int(by_id[cluster].parent)].extend(members)
    parent_match = _majority(parent_groups, old_parent_of)
    parent_rows: dict[int, Theme] = {}
    for pid, engine_parent in parents_by_id.items():
        parent_rows[pid] = _upsert_theme(parent_match.get(pid), engine_parent, run, is_parent=True)
    theme_map: dict[int, int] = {}
    largest: dict[int, int] = {}
    for cluster in sorted(clusters, key=lambda c: -len(clusters[c])):
        engine_theme = by_id[cluster]
        target = matched.get(cluster)
        if target is not None and target in largest.values():  # a second cluster of a theme: merge into it
            theme_map[cluster] = target
            continue
        row = _upsert_theme(target, engine_theme, run, is_parent=False)
        row.parent = parent_rows.get(engine_theme.parent) if engine_theme.parent is not None else None
        row.save(update_fields=["parent"])
        theme_map[cluster] = row.pk
        largest[cluster] = row.pk
    return theme_map


def _upsert_theme(theme_id: int | None, engine_theme: Any, run: ThemeRun, *, is_parent: bool) -> Theme:
    row = Theme.objects.filter(pk=theme_id, is_parent=is_parent).first() if theme_id else None
    if row is None:
        row = Theme(is_parent=is_parent)
    if not row.label_edited:
        row.label = engine_theme.label[:120]
    row.keywords = list(engine_theme.keywords)
    row.run = run
    row.save()
    return row


def _drop_orphans() -> None:
    """Delete themes left with no items and no demand link (parents with no children)."""
    Theme.objects.filter(is_parent=False, items__isnull=True, links__isnull=True).delete()
    Theme.objects.filter(is_parent=True, children__isnull=True, links__isnull=True).delete()


def _recount_sizes() -> None:
    counts = dict(
        FeedbackItem.objects.filter(theme__isnull=False).values_list("theme").annotate(n=Count("id"))
    )
    themes = list(Theme.objects.all())
    for theme in themes:
        theme.size = counts.get(theme.pk, 0)
    children: dict[int, int] = defaultdict(int)
    for theme in themes:
        if theme.parent_id:
            children[theme.parent_id] += theme.size
    for theme in themes:
        if theme.is_parent:
            theme.size = children.get(theme.pk, 0)
    Theme.objects.bulk_update(themes, ["size"], batch_size=500)


# --- theme edits ---------------------------------------------------------------------------------------


def get_theme(actor: User | None, theme_id: int) -> Theme:
    """One theme, or NotFound."""
    _check(actor, Perm.VIEW_WORKSPACE)
    theme = Theme.objects.select_related("parent").filter(pk=theme_id).first()
    if theme is None:
        raise NotFound(f"There is no theme {theme_id}: list themes with `headway feedback themes`.")
    return theme


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
    _check(actor, Perm.EDIT_FEEDBACK)
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
    _check(actor, Perm.EDIT_FEEDBACK)
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
    _recount_sizes()
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
    _check(actor, Perm.EDIT_FEEDBACK)
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
    _recount_sizes()
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
    _check(actor, Perm.EDIT_FEEDBACK)
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
    _recount_sizes()
    audit.record(actor, AuditEvent.Action.CREATE, theme, summary=f"theme {label} split from {source.label}")
    return get_theme(actor, theme.pk)


# --- theme metrics -------------------------------------------------------------------------------------


@dataclass
class ThemeMetrics:
    """A theme's numbers: volume (weekly, recent vs previous 28 days), sentiment, accounts and revenue."""

    id: int
    label: str
    keywords: list[str]
    parent_id: int | None
    parent_label: str
    is_parent: bool
    size: int
    recent: int
    previous: int
    growth: float | None
    emerging: bool
    weekly: list[int]
    sentiment: float
    sentiment_label: str
    negative_share: float
    accounts: int
    arr: float
    segments: dict[str, int]
    label_edited: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Row:
    theme_id: int | None
    day: date
    sentiment: float
    account_id: int | None


@dataclass(frozen=True)
class _Windows:
    recent: int
    previous: int
    baseline: int
    baseline_days: int
    weekly: list[int]


def _window_counts(days: list[date], as_of: date, history_start: date | None) -> _Windows:
    """Counts of ``days`` in the last RECENT_DAYS, the RECENT_DAYS before, and the baseline: up to
    BASELINE_WEEKS before the recent window, but never before the workspace's first feedback."""
    recent_start = as_of - timedelta(days=RECENT_DAYS - 1)
    previous_start = recent_start - timedelta(days=RECENT_DAYS)
    baseline_start = recent_start - timedelta(weeks=BASELINE_WEEKS)
    if history_start is not None:
        baseline_start = max(baseline_start, history_start)
    weekly = [0] * SPARK_WEEKS
    for d in days:
        back = (as_of - d).days // 7
        if 0 <= back < SPARK_WEEKS:
            weekly[SPARK_WEEKS - 1 - back] += 1
    return _Windows(
        recent=sum(1 for d in days if recent_start <= d <= as_of),
        previous=sum(1 for d in days if previous_start <= d < recent_start),
        baseline=sum(1 for d in days if baseline_start <= d < recent_start),
        baseline_days=max((recent_start - baseline_start).days, 0),
        weekly=weekly,
    )


def is_emerging(recent: int, baseline: int, baseline_days: int) -> bool:
    """Whether a theme with ``recent`` items in the last RECENT_DAYS clearly rises above its own baseline
    (``baseline`` items over the ``baseline_days`` before them).

    Expected = the baseline rate × RECENT_DAYS. Emerging needs all of: at least EMERGING_MIN_ITEMS recent items;
    recent ≥ EMERGING_RATIO × expected; and recent − expected ≥ EMERGING_Z × √expected (a rise that Poisson
    noise of a steady theme would reach less than once in 700 times; √1 when nothing was expected). With less
    than RECENT_DAYS of baseline (a young workspace) nothing is emerging: there is no baseline to rise above.
    """
    if recent < EMERGING_MIN_ITEMS or baseline_days < RECENT_DAYS:
        return False
    expected = baseline * RECENT_DAYS / baseline_days
    return recent >= EMERGING_RATIO * expected and recent - expected >= EMERGING_Z * max(expected, 1.0) ** 0.5


def _metrics_for(
    theme: Theme,
    rows: list[_Row],
    accounts: Mapping[int, Account],
    as_of: date,
    parent_label: str = "",
    history_start: date | None = None,
) -> ThemeMetrics:
    counts = _window_counts([r.day for r in rows], as_of, history_start)
    recent, previous = counts.recent, counts.previous
    growth = round((recent - previous) / previous, 4) if previous else None
    emerging = is_emerging(recent, counts.baseline, counts.baseline_days)
    mood = mean_sentiment([Sentiment(r.sentiment, "neutral") for r in rows])
    account_ids = {r.account_id for r in rows if r.account_id is not None}
    segments = Counter(accounts[a].segment or "unknown" for a in account_ids if a in accounts)
    return ThemeMetrics(
        id=theme.pk,
        label=theme.label,
        keywords=list(theme.keywords),
        parent_id=theme.parent_id,
        parent_label=parent_label,
        is_parent=theme.is_parent,
        size=len(rows),
        recent=recent,
        previous=previous,
        growth=growth,
        emerging=emerging,
        weekly=counts.weekly,
        sentiment=round(mood.score, 3),
        sentiment_label=mood.label,
        negative_share=round(sum(1 for r in rows if r.sentiment <= -0.05) / len(rows), 3) if rows else 0.0,
        accounts=len(account_ids),
        arr=round(sum(accounts[a].arr for a in account_ids if a in accounts), 2),
        segments=dict(sorted(segments.items(), key=lambda kv: (-kv[1], kv[0]))),
        label_edited=theme.label_edited,
    )


def _history_start(rows: Mapping[int | None, list[_Row]]) -> date | None:
    """The day of the workspace's first feedback item."""
    return min((r.day for group in rows.values() for r in group), default=None)


def _rows_by_theme() -> tuple[dict[int | None, list[_Row]], dict[int, Account]]:
    rows: dict[int | None, list[_Row]] = defaultdict(list)
    for theme_id, day, score, account_id in FeedbackItem.objects.values_list(
        "theme_id", "received_on", "sentiment", "account_id"
    ):
        rows[theme_id].append(_Row(theme_id, day, score, account_id))
    return rows, {a.pk: a for a in Account.objects.all()}


def theme_metrics(
    actor: User | None, *, as_of: date | None = None, parents: bool = False
) -> list[ThemeMetrics]:
    """Every theme with its metrics, largest first (with ``parents``, the parent themes instead)."""
    _check(actor, Perm.VIEW_WORKSPACE)
    as_of = as_of or timezone.localdate()
    rows, accounts = _rows_by_theme()
    start = _history_start(rows)
    themes = list(Theme.objects.select_related("parent").filter(is_parent=parents))
    children: dict[int, list[_Row]] = defaultdict(list)
    if parents:
        for child in Theme.objects.filter(is_parent=False, parent__isnull=False):
            children[child.parent_id].extend(rows.get(child.pk, []))  # type: ignore[index]
    out = [
        _metrics_for(
            t,
            children[t.pk] if parents else rows.get(t.pk, []),
            accounts,
            as_of,
            t.parent.label if t.parent else "",
            start,
        )
        for t in themes
    ]
    out.sort(key=lambda m: (-m.size, m.id))
    return out


def unthemed_count(actor: User | None) -> int:
    """How many feedback items have no theme yet."""
    _check(actor, Perm.VIEW_WORKSPACE)
    return FeedbackItem.objects.filter(theme__isnull=True).count()


@dataclass
class ThemeDetail:
    """A theme's metrics, one page of its quotes (most typical first), its accounts by ARR and its sub-themes.

    ``quote_count`` is the number of quotes that match (all of the theme's items without a search);
    ``page`` (1-based, within ``1..pages``) is the page ``quotes`` come from.
    """

    metrics: ThemeMetrics
    quotes: list[FeedbackItem]
    accounts: list[dict[str, Any]]
    children: list[ThemeMetrics]
    weekly_series: list[dict[str, Any]]
    quote_count: int = 0
    page: int = 1
    pages: int = 1


def theme_detail(
    actor: User | None,
    theme_id: int,
    *,
    as_of: date | None = None,
    quotes: int = 20,
    page: int = 1,
    search: str = "",
) -> ThemeDetail:
    """One theme with its numbers, a page of ``quotes`` quotes and the accounts asking (with ARR and segment).

    Every item of the theme is on some page: ``page`` runs from 1 to ``pages`` (a page past the end gives the
    last one). ``search`` keeps the quotes holding every one of its words (any case).
    """
    theme = get_theme(actor, theme_id)
    as_of = as_of or timezone.localdate()
    rows, accounts = _rows_by_theme()
    member_ids = [theme.pk]
    if theme.is_parent:
        member_ids = list(Theme.objects.filter(parent=theme).values_list("pk", flat=True))
    mine = [r for tid in member_ids for r in rows.get(tid, [])]
    start = _history_start(rows)
    metrics = _metrics_for(theme, mine, accounts, as_of, theme.parent.label if theme.parent else "", start)
    items = (
        FeedbackItem.objects.filter(theme_id__in=member_ids)
        .select_related("account", "contact")
        .defer("vector")
    )
    for word in str(search).split():
        items = items.filter(text__icontains=word)
    quote_count = items.count()
    pages = max(1, -(-quote_count // quotes)) if quotes > 0 else 1
    page = max(1, min(int(page), pages))
    offset = (page - 1) * quotes
    quote_list = list(items.order_by("-theme_similarity", "-received_on", "id")[offset : offset + max(quotes, 0)])
    asking: Counter[int] = Counter(r.account_id for r in mine if r.account_id is not None)
    account_rows = sorted(
        (
            {
                "id": a,
                "name": accounts[a].name,
                "segment": accounts[a].segment,
                "plan": accounts[a].plan,
                "arr": accounts[a].arr,
                "items": n,
            }
            for a, n in asking.items()
        ),
        key=lambda r: (-r["arr"], r["name"]),
    )
    children = []
    if theme.is_parent:
        for child in Theme.objects.filter(parent=theme):
            children.append(_metrics_for(child, rows.get(child.pk, []), accounts, as_of, theme.label, start))
        children.sort(key=lambda m: (-m.size, m.id))
    per_week = Counter(as_of - timedelta(days=((as_of - r.day).days // 7) * 7) for r in mine)
    series = [{"week": d.isoformat(), "items": per_week[d]} for d in sorted(per_week)]
    return ThemeDetail(metrics, quote_list, account_rows, children, series, quote_count, page, pages)


# --- search --------------------------------------------------------------------------------------------


@dataclass
class SearchHit:
    """A feedback item that matches a search, with its score."""

    item: FeedbackItem
    score: float


def search(actor: User | None, query: str, *, mode: str = "keyword", limit: int = 20) -> list[SearchHit]:
    """Find feedback by words (``keyword``, BM25) or by meaning (``semantic``, needs computed themes)."""
    _check(actor, Perm.VIEW_WORKSPACE)
    query = " ".join(str(query).split())
    if not query:
        raise ValidationError("Give words to search for, e.g. 'late delivery'.")
    if mode not in ("keyword", "semantic"):
        raise ValidationError(f"Unknown search mode {mode!r}: use keyword or semantic.")
    limit = max(1, min(int(limit), 200))
    items = list(FeedbackItem.objects.select_related("account", "theme").order_by("id"))
    if mode == "keyword":
        hits = KeywordIndex([i.text for i in items]).search(query, limit)
    else:
        model = _theme_model(latest_run(done=True))
        if model is None:
            raise ValidationError(
                "Semantic search needs computed themes: run `headway feedback themes --compute` "
                "(or use keyword search)."
            )
        query_vector = model.embedder().embed([query]).vectors[0]
        hits = semantic_search(query_vector, _vectors(items, len(query_vector)), limit)
    return [SearchHit(items[h.index], h.score) for h in hits]


# --- demand for ideas ----------------------------------------------------------------------------------


@dataclass
class Demand:
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


def _idea(idea_ref: Any) -> tuple[str, int | None]:
    """``(reference text, initiative id or None)`` from an Initiative, an id, ``"initiative:12"`` or free text."""
    if hasattr(idea_ref, "pk") and hasattr(idea_ref, "demand_score"):
        return f"initiative:{idea_ref.pk}", int(idea_ref.pk)
    text = str(idea_ref).strip()
    if not text:
        raise ValidationError(
            "Name the idea: an initiative id such as 12 (or initiative:12), or a short reference."
        )
    number = text.split(":", 1)[1] if text.lower().startswith("initiative:") else text
    if number.isdigit():
        from headway.planning.models import Initiative

        if not Initiative.objects.filter(pk=int(number)).exists():
            raise NotFound(f"There is no initiative {number}: list them with `headway idea list`.")
        return f"initiative:{int(number)}", int(number)
    return text[:120], None


@transaction.atomic
def link_demand(
    actor: User | None,
    idea_ref: Any,
    *,
    importance: str = "important",
    item_id: int | None = None,
    theme_id: int | None = None,
) -> DemandLink:
    """Link one feedback item or a whole theme to an idea with an importance; updates the idea's demand score."""
    _check(actor, Perm.EDIT_FEEDBACK)
    ref, initiative_id = _idea(idea_ref)
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
        defaults={"importance": importance, "initiative_id": initiative_id, "created_by": _who(actor)},
    )
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        link,
        summary=f"{theme or item} linked to {ref} as {importance}"[:300],
    )
    refresh_demand_scores([ref])
    return link


@transaction.atomic
def unlink_demand(actor: User | None, link_id: int) -> None:
    """Remove a demand link."""
    _check(actor, Perm.EDIT_FEEDBACK)
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
    refresh_demand_scores([ref])


def demand_for(idea_ref: Any, *, actor: User | None = None) -> Demand:
    """The demand evidence for an idea (an Initiative, its id, ``"initiative:12"`` or a free reference)."""
    _check(actor, Perm.VIEW_WORKSPACE)
    ref, initiative_id = _idea(idea_ref)
    links = list(DemandLink.objects.filter(idea_ref=ref).select_related("item", "theme"))
    voices: dict[tuple[str, int], int] = {}
    arr_of: dict[int, float] = {}
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
        for item_pk, account_id, arr in members.values_list("pk", "account_id", "account__arr"):
            seen_items.add(item_pk)
            key = ("account", account_id) if account_id is not None else ("item", item_pk)
            voices[key] = max(voices.get(key, 0), weight)
            if account_id is not None:
                arr_of[account_id] = float(arr or 0)
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
    )


def list_demand(actor: User | None) -> list[Demand]:
    """The demand of every idea that has links, highest score first."""
    _check(actor, Perm.VIEW_WORKSPACE)
    refs = DemandLink.objects.values_list("idea_ref", flat=True).distinct()
    return sorted((demand_for(r) for r in refs), key=lambda d: (-d.score, d.idea_ref))


def refresh_demand_scores(refs: Iterable[str] | None = None) -> None:
    """Write the current demand score into each linked planning initiative's ``demand_score``."""
    qs = DemandLink.objects.filter(initiative__isnull=False)
    if refs is not None:
        qs = qs.filter(idea_ref__in=list(refs))
    from headway.planning import services as planning

    for ref in sorted(set(qs.values_list("idea_ref", flat=True))):
        demand = demand_for(ref)
        if demand.initiative_id is not None:
            planning.update_initiative(None, demand.initiative_id, demand_score=demand.score)
    for ref in refs or []:  # an initiative with no links left goes back to 0
        if ref.startswith("initiative:") and not DemandLink.objects.filter(idea_ref=ref).exists():
            planning.update_initiative(None, int(ref.split(":", 1)[1]), demand_score=0.0)
