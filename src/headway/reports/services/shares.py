"""Share links: signed, expiring, revocable read-only links to a saved pack, a live pack (rebuilt from today's
numbers at each opening) or a roadmap audience view, for people without an account. Each opening is audited; a tampered, expired or revoked link is NotFound with nothing else
said. People data (reviews, check-ins, readiness) can never be shared."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from pydantic import BaseModel

from headway.core import audit
from headway.core.errors import NotFound, ValidationError
from headway.core.models import AuditEvent, User
from headway.core.permissions import Perm, check
from headway.core.validation import actor_label
from headway.reports.engine import render_html
from headway.reports.models import Pack, ShareLink
from headway.reports.services.builders import build_document

SHARE_SALT = "headway.reports.share"
MAX_DAYS = 90
PEOPLE_DATA = frozenset({"people", "person", "team", "review", "reviews", "checkin", "checkins", "check-ins",
                         "readiness", "nine-box", "calibration"})
GONE = "This link does not exist, has expired or was revoked."
#: Packs that can be shared live (the roadmap is shared as an audience view).
LIVE_KINDS = {"weekly": "weekly digest", "monthly": "monthly product review", "okr": "OKR scorecard",
              "board": "board pack", "release-notes": "release notes"}


class ShareView(BaseModel):
    """A share link as the faces show it (the URL only to its creator's faces, right after creation and in the
    list for leaders)."""

    id: int
    what: str
    url: str
    expires_at: dt.datetime
    revoked: bool
    active: bool
    openings: int
    created_by: str
    created_at: dt.datetime

    @classmethod
    def of(cls, link: ShareLink) -> ShareView:
        """The view of a stored link."""
        if link.pack_id and link.pack:
            what = f"pack {link.pack_id} ({link.pack.title})"
        elif link.kind:
            what = f"live {LIVE_KINDS.get(link.kind, link.kind)}"
        else:
            what = f"roadmap: {link.audience}"
        return cls(id=link.pk, what=what, url=share_url(link), expires_at=link.expires_at,
                   revoked=link.revoked_at is not None,
                   active=link.revoked_at is None and link.expires_at > timezone.now(), openings=link.openings,
                   created_by=actor_label(link.created_by), created_at=link.created_at)


def share_url(link: ShareLink) -> str:
    """The link's address: its nonce, signed."""
    return f"{settings.HEADWAY_BASE_URL}/share/{signing.dumps(link.nonce, salt=SHARE_SALT)}/"


@transaction.atomic
def create_share(actor: User | None, what: str, *, pack_id: int | None = None, audience: str = "",
                 days: int = 14, kind: str = "") -> ShareLink:
    """Share a saved pack (``what="pack"`` with ``pack_id``), a live pack (``what="pack"`` with ``kind``: built
    from the numbers of the day it is opened, for the current period) or a roadmap audience view
    (``what="roadmap"``) for ``days`` days."""
    from headway.planning import services as planning

    check(actor, Perm.EDIT_PLANS)
    what = (what or "").strip().lower()
    if what in PEOPLE_DATA:
        raise ValidationError("People data (reviews, check-ins, readiness) can never be shared by link: share a "
                              "report pack or a roadmap view instead.")
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValidationError(f"A share link lasts 1 to {MAX_DAYS} days, not {days}.")
    pack = None
    kind = (kind or "").strip().lower()
    if what == "pack" and pack_id is None and kind:
        if kind not in LIVE_KINDS:
            raise ValidationError(f"A live pack is one of {', '.join(LIVE_KINDS)}, not {kind!r} (share the roadmap "
                                  "as a roadmap view).")
        audience = ""
    elif what == "pack":
        pack = Pack.objects.filter(pk=pack_id).first() if pack_id is not None else None
        if pack is None:
            raise NotFound(f"There is no report pack {pack_id}: save one under Reports first (or share a live "
                           "pack by its kind).")
        audience, kind = "", ""
    elif what == "roadmap":
        audience = planning.roadmap(actor, audience or "leadership").audience  # checks the audience exists
        kind = ""
    else:
        raise ValidationError(f"Share a pack or a roadmap view, not {what!r}.")
    link = ShareLink.objects.create(pack=pack, audience=audience, kind=kind, nonce=secrets.token_hex(16),
                                    expires_at=timezone.now() + dt.timedelta(days=int(days)), created_by=actor)
    audit.record(actor, AuditEvent.Action.CREATE, link, summary=f"share link to {ShareView.of(link).what}, "
                 f"{days} days")
    return link


def list_shares(actor: User | None) -> list[ShareLink]:
    """Every share link, newest first."""
    check(actor, Perm.EDIT_PLANS)
    return list(ShareLink.objects.select_related("pack", "created_by"))


@transaction.atomic
def revoke_share(actor: User | None, share_id: int) -> ShareLink:
    """Revoke a share link: it answers 404 from now on."""
    check(actor, Perm.EDIT_PLANS)
    link = ShareLink.objects.filter(pk=share_id).first()
    if link is None:
        raise NotFound(f"There is no share link {share_id}: `headway share list` shows them.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit.record(actor, AuditEvent.Action.UPDATE, link, summary="share link revoked")
    return link


def open_share(token: str, *, visitor: str = "") -> str:
    """The read-only page a share link shows (a standalone HTML page, no navigation), audited; NotFound when the
    link is tampered, expired or revoked."""
    from headway.reports.services.packs import PackView, render

    try:
        nonce = signing.loads(token, salt=SHARE_SALT)
    except signing.BadSignature:
        raise NotFound(GONE) from None
    link = ShareLink.objects.select_related("pack").filter(nonce=str(nonce)).first()
    if link is None or link.revoked_at is not None or link.expires_at <= timezone.now():
        raise NotFound(GONE)
    ShareLink.objects.filter(pk=link.pk).update(openings=F("openings") + 1)
    audit.record(None, AuditEvent.Action.VIEW, link, summary=f"share link opened{' by ' + visitor if visitor else ''}")
    if link.pack is not None:
        return render(PackView.of(link.pack), "html")
    if link.kind:
        live = build_document(None, link.kind, period="current")
        return render_html(live, footer=f"Live numbers as of today · shared read-only until "
                                        f"{link.expires_at:%Y-%m-%d}")
    doc = build_document(None, "roadmap", audience=link.audience)
    return render_html(doc, footer=f"Shared read-only until {link.expires_at:%Y-%m-%d}")
