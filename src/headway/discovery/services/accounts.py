"""Customers: accounts (companies, their ARR and segment) and the people at them.

Accounts and people are created or updated by their external id (people: else by email), all or nothing.
A person's email and phone are contact details: only those with ``contacts.view`` see them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from headway.core import audit
from headway.core.errors import NotFound
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check, has_perm
from headway.core.validation import raise_for_rows
from headway.discovery.models import Account, Contact
from headway.discovery.services._common import clean_text, find_account, parse_number


class ImportResult(BaseModel):
    """What an import did: rows read, objects created and updated (matched by external id), their ids."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    ids: list[int] = Field(default_factory=list)


class ContactDetails(TypedDict):
    """A person at an account; ``email`` and ``phone`` are None for those who may not see contact details."""

    id: int
    name: str
    title: str
    email: str | None
    phone: str | None


def can_see_contacts(actor: User | None) -> bool:
    """Whether ``actor`` may see people's email and phone (product leaders, admins, the system)."""
    return actor is None or has_perm(actor, Perm.VIEW_CONTACTS)


def _clean_account(record: Mapping[str, Any]) -> dict[str, Any]:
    problems = []
    name = clean_text(record.get("name"), 200)
    external_id = clean_text(record.get("external_id"), 100) or None
    if not name and not external_id:
        problems.append("give the account a name (or the external id of an account that exists)")
    clean: dict[str, Any] = {"external_id": external_id}
    if name:
        clean["name"] = name
    for key, limit in (("segment", 60), ("plan", 60), ("owner", 150)):
        if record.get(key) not in (None, ""):
            clean[key] = clean_text(record[key], limit)
    try:
        arr = parse_number(record.get("arr"), low=0)
        mrr = parse_number(record.get("mrr"), low=0)
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
    check(actor, Perm.EDIT_FEEDBACK)
    problems: list[dict[str, Any]] = []
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for position, record in enumerate(records, start=1):
        line = int(record.get("_line", position))
        try:
            cleaned.append((line, _clean_account(record)))
        except ValueError as exc:
            problems.append({"line": line, "reason": str(exc)})
    raise_for_rows(problems, "account")
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
    raise_for_rows(problems, "account")
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        object_type="account",
        object_id="import",
        summary=f"accounts imported from {origin}: {result.created} created, {result.updated} updated",
    )
    return result


@transaction.atomic
def upsert_contacts(
    actor: User | None, records: Sequence[Mapping[str, Any]], *, origin: str = "api"
) -> ImportResult:
    """Create people at accounts, or update those whose ``external_id`` (else email) exists; all or nothing.

    Fields: name, email, phone, title, external_id, and the account as ``account_external_id`` or ``account``
    (its external id or name). Only those who may read contact details (``contacts.view``) may upsert them:
    the counts of created and updated people would otherwise tell whether an e-mail address is on file.
    """
    check(actor, Perm.EDIT_FEEDBACK)
    check(actor, Perm.VIEW_CONTACTS)
    problems: list[dict[str, Any]] = []
    result = ImportResult(rows=len(records))
    accounts: dict[str, Account | None] = {}
    by_external = {c.external_id: c for c in Contact.objects.filter(external_id__isnull=False)}
    by_email = {c.email: c for c in Contact.objects.exclude(email="").order_by("-id")}
    for position, record in enumerate(records, start=1):
        line = int(record.get("_line", position))
        name, email = clean_text(record.get("name"), 200), clean_text(record.get("email"), 254).lower()
        if not name and not email:
            problems.append({"line": line, "reason": "give the person a name or an email"})
            continue
        if email and "@" not in email:
            problems.append({"line": line, "reason": f"{email!r} is not an email address"})
            continue
        account_ref = record.get("account_external_id") or record.get("account")
        key = str(account_ref or "")
        if key not in accounts:
            accounts[key] = find_account(account_ref)
        account = accounts[key]
        if account_ref and account is None:
            problems.append(
                {"line": line, "reason": f"no account {account_ref!r}: import the accounts first"}
            )
            continue
        external_id = clean_text(record.get("external_id"), 100) or None
        contact = by_external.get(external_id) if external_id else by_email.get(email) if email else None
        values: dict[str, Any] = {
            "name": name,
            "email": email,
            "phone": clean_text(record.get("phone"), 40),
            "title": clean_text(record.get("title"), 150),
            "account": account,
            "external_id": external_id,
        }
        if contact is None:
            contact = Contact.objects.create(**values)
            by_email[email] = by_external[external_id] = contact
            result.created += 1
        else:
            for field, value in values.items():
                if value not in (None, ""):
                    setattr(contact, field, value)
            contact.save()
            result.updated += 1
        result.ids.append(contact.pk)
    raise_for_rows(problems, "person")
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        object_type="contact",
        object_id="import",
        summary=f"people imported from {origin}: {result.created} created, {result.updated} updated",
    )
    return result


def person_view(actor: User | None, contact: Contact | None) -> ContactDetails | None:
    """A person as shown to ``actor``: email and phone only for those who may see contact details."""
    if contact is None:
        return None
    allowed = can_see_contacts(actor)
    return ContactDetails(
        id=contact.pk,
        name=contact.name,
        title=contact.title,
        email=contact.email if allowed else None,
        phone=contact.phone if allowed else None,
    )


def list_accounts(actor: User | None, *, segment: str | None = None) -> QuerySet[Account]:
    """Accounts by name, each with ``feedback_count``."""
    check(actor, Perm.VIEW_WORKSPACE)
    qs = Account.objects.annotate(feedback_count=Count("feedback")).order_by("name", "pk")
    return qs.filter(segment__iexact=segment) if segment else qs


def get_account(actor: User | None, account_id: int) -> Account:
    """One account, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    try:
        return Account.objects.get(pk=account_id)
    except Account.DoesNotExist:
        raise NotFound(
            f"There is no account {account_id}: list accounts with GET /api/v1/discovery/accounts."
        ) from None


def account_people(actor: User | None, account: Account) -> list[ContactDetails]:
    """The account's people (contact details only for product leaders and admins)."""
    return [p for p in (person_view(actor, c) for c in account.people.all()) if p is not None]
