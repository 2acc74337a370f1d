"""API for reports, under /api/v1/reports: /packs (preview, save, edit the free text, render, send),
/channels, /deliveries, /subscriptions and /shares.

Every answer is a service type (``services.PackView``, ``services.ChannelView``, ``services.DeliveryView``, ...).
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Router, Schema, Status

from headway.core.http import AuthedRequest, actor_of
from headway.reports import services

router = Router(tags=["reports"])


class PackRequest(Schema):
    kind: str
    period: str = "current"
    audience: str = ""


class NotesRequest(Schema):
    notes: dict[str, str]


@router.get("/preview", response=services.PackView)
def preview(request: AuthedRequest, kind: str, period: str = "current", audience: str = "") -> services.PackView:
    """A pack built now and not saved: its sections, tables and chart data."""
    return services.preview_pack(actor_of(request), kind, period=period, audience=audience)


@router.get("/packs", response=list[services.PackView])
def packs(request: AuthedRequest, status: str | None = None) -> list[services.PackView]:
    """Saved packs (drafts and the sent ones kept), newest first."""
    return [services.PackView.of(p) for p in services.list_packs(actor_of(request), status=status)]


@router.post("/packs", response={201: services.PackView})
def create_pack(request: AuthedRequest, body: PackRequest) -> Status[services.PackView]:
    """Build a pack and keep it as a draft (product leaders and admins)."""
    pack = services.create_pack(actor_of(request), body.kind, period=body.period, audience=body.audience)
    return Status(201, services.PackView.of(pack))


@router.get("/packs/{pack_id}", response=services.PackView)
def pack(request: AuthedRequest, pack_id: int) -> services.PackView:
    """One saved pack."""
    return services.PackView.of(services.get_pack(actor_of(request), pack_id))


@router.patch("/packs/{pack_id}", response=services.PackView)
def edit_pack(request: AuthedRequest, pack_id: int, body: NotesRequest) -> services.PackView:
    """Write a draft's free-text sections (``{"notes": {"decisions": "..."}}``)."""
    return services.PackView.of(services.edit_notes(actor_of(request), pack_id, body.notes))


@router.get("/packs/{pack_id}/render")
def render_pack(request: AuthedRequest, pack_id: int, format: str = "html") -> HttpResponse:
    """A saved pack as Markdown (``format=md``) or as a printable HTML page (``format=html``)."""
    view = services.PackView.of(services.get_pack(actor_of(request), pack_id))
    text = services.render(view, format)
    return HttpResponse(text, content_type="text/markdown; charset=utf-8" if format == "md" else "text/html")
