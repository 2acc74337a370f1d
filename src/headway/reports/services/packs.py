"""Report packs: preview one, save it as a draft, edit its free-text sections, render it, keep it once sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label
from headway.reports.engine import Document, document_from_dict, render_html, render_markdown
from headway.reports.models import Pack
from headway.reports.services.builders import KINDS, build_document

FORMATS = ("md", "html")
MAX_NOTE = 20_000


class PackView(BaseModel):
    """A pack as the faces show it: what it is, its document (sections, tables, charts) and its free text."""

    id: int | None
    kind: str
    kind_label: str
    period: str
    audience: str
    title: str
    status: str
    created_by: str
    created_at: dt.datetime | None
    sent_at: dt.datetime | None
    editable: list[str]
    notes: dict[str, str]
    content: dict[str, Any]

    @classmethod
    def of(cls, pack: Pack) -> PackView:
        """The view of a stored pack."""
        doc = document_from_dict(pack.content)
        return cls(id=pack.pk, kind=pack.kind, kind_label=Pack.Kind(pack.kind).label, period=pack.period,
                   audience=pack.audience, title=pack.title, status=pack.status, created_by=pack.created_by,
                   created_at=pack.created_at, sent_at=pack.sent_at,
                   editable=[s.key for s in doc.sections if s.editable], notes=dict(pack.notes),
                   content=pack.content)


def _normalise(kind: str, audience: str) -> tuple[str, str]:
    key = (kind or "").strip().lower()
    if key not in KINDS:
        raise ValidationError(f"There is no report pack {kind!r}: choose one of {', '.join(KINDS)}.",
                              details={"kind": kind})
    return key, ((audience or "leadership").strip().lower() if key == "roadmap" else "")


def preview_pack(actor: User | None, kind: str, *, period: str = "current", audience: str = "") -> PackView:
    """A pack built now and not saved (what ``headway report show`` prints)."""
    check(actor, Perm.VIEW_WORKSPACE)
    kind, audience = _normalise(kind, audience)
    doc = build_document(actor, kind, period=period, audience=audience)
    return PackView(id=None, kind=kind, kind_label=Pack.Kind(kind).label, period=period or "current",
                    audience=audience, title=doc.title, status=Pack.Status.DRAFT, created_by=actor_label(actor),
                    created_at=None, sent_at=None, editable=[s.key for s in doc.sections if s.editable], notes={},
                    content=doc.as_dict())


@transaction.atomic
def create_pack(actor: User | None, kind: str, *, period: str = "current", audience: str = "") -> Pack:
    """Build a pack and keep it as a draft, to edit its free text and send it."""
    check(actor, Perm.EDIT_PLANS)
    view = preview_pack(actor, kind, period=period, audience=audience)
    pack = Pack.objects.create(kind=view.kind, period=view.period, audience=view.audience, title=view.title,
                               content=view.content, created_by=actor_label(actor))
    audit.record(actor, AuditEvent.Action.CREATE, pack, summary=f"report pack {pack.title} ({pack.period})")
    return pack


def get_pack(actor: User | None, pack_id: int) -> Pack:
    """A saved pack, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    pack = Pack.objects.filter(pk=pack_id).first()
    if pack is None:
        raise NotFound(f"There is no report pack {pack_id}: the saved packs are listed under Reports.")
    return pack


def list_packs(actor: User | None, *, status: str | None = None, limit: int = 100) -> list[Pack]:
    """Saved packs, newest first (``status``: draft or sent)."""
    check(actor, Perm.VIEW_WORKSPACE)
    packs = Pack.objects.all()
    if status:
        if status not in Pack.Status.values:
            raise ValidationError(f"Status {status!r} is not one of {', '.join(Pack.Status.values)}.")
        packs = packs.filter(status=status)
    return list(packs[: max(1, min(limit, 500))])


@transaction.atomic
def edit_notes(actor: User | None, pack_id: int, notes: dict[str, str]) -> Pack:
    """Write the pack's free-text sections (such as *Decisions needed*); a sent pack is kept as it was sent."""
    check(actor, Perm.EDIT_PLANS)
    pack = get_pack(actor, pack_id)
    if pack.status == Pack.Status.SENT:
        raise ValidationError(f"Pack {pack.pk} was sent on {pack.sent_at:%Y-%m-%d} and is kept as sent: build a "
                              "new one to change it.")
    editable = {s.key for s in document_from_dict(pack.content).sections if s.editable}
    unknown = sorted(set(notes) - editable)
    if unknown:
        raise ValidationError(f"Pack {pack.pk} has no free-text section {', '.join(unknown)}: the sections you "
                              f"can write are {', '.join(sorted(editable)) or 'none'}.")
    for key, text in notes.items():
        if len(text) > MAX_NOTE:
            raise ValidationError(f"The {key} section is {len(text)} characters: keep it under {MAX_NOTE}.")
    pack.notes = {**pack.notes, **{k: v.strip() for k, v in notes.items()}}
    pack.save(update_fields=["notes"])
    audit.record(actor, AuditEvent.Action.UPDATE, pack, summary=f"free text of {', '.join(sorted(notes))}")
    return pack


def document_of(view: PackView) -> Document:
    """The document of a pack view."""
    return document_from_dict(view.content)


def render(view: PackView, fmt: str = "md", *, unsubscribe_url: str = "") -> str:
    """A pack as Markdown (``md``) or as a standalone HTML page with its print stylesheet (``html``)."""
    if fmt not in FORMATS:
        raise ValidationError(f"Format {fmt!r} is not one of {', '.join(FORMATS)}.")
    doc = document_of(view)
    if fmt == "md":
        return render_markdown(doc, view.notes)
    return render_html(doc, view.notes, footer=f"Headway · {view.kind_label}", unsubscribe_url=unsubscribe_url)


def mark_sent(pack: Pack) -> None:
    """Keep the pack as sent (its first send time stays)."""
    if pack.status != Pack.Status.SENT:
        Pack.objects.filter(pk=pack.pk).update(status=Pack.Status.SENT, sent_at=dt.datetime.now(dt.UTC))
