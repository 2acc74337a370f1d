"""API for customers, feedback, themes, search and demand (under /api/v1)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from headway.core.pagination import Pages
from headway.discovery import services
from headway.discovery.models import Account, FeedbackItem, ThemeRun

router = Router(tags=["discovery"])


def _actor(request: HttpRequest) -> Any:
    return request.user


class AccountIn(Schema):
    name: str | None = None
    external_id: str | None = None
    segment: str | None = None
    plan: str | None = None
    arr: float | None = None
    mrr: float | None = None
    owner: str | None = None


class ContactIn(Schema):
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    external_id: str | None = None
    account_external_id: str | None = None
    account: str | None = None


class AccountOut(Schema):
    id: int
    name: str
    external_id: str | None
    segment: str
    plan: str
    arr: float
    mrr: float
    owner: str
    feedback_count: int = 0


class ContactOut(Schema):
    id: int
    name: str
    title: str
    email: str | None
    phone: str | None


class AccountDetailOut(AccountOut):
    people: list[ContactOut]


class ImportOut(Schema):
    rows: int
    created: int
    updated: int
    ids: list[int]


class FeedbackIn(Schema):
    text: str
    subject: str | None = None
    source: str | None = None
    account_id: int | None = None
    account: str | None = None
    account_external_id: str | None = None
    person_name: str | None = None
    person_email: str | None = None
    date: datetime.date | None = None
    rating: int | None = None
    nps: int | None = None
    link: str | None = None
    tags: list[str] | None = None
    external_id: str | None = None


class FeedbackBatchIn(Schema):
    items: list[FeedbackIn]


class FeedbackImportOut(ImportOut):
    duplicates: int
    truncated: int
    assigned: int
    accounts_created: int


class FeedbackOut(Schema):
    id: int
    text: str
    source: str
    received_on: datetime.date
    account_id: int | None
    account: str | None
    person: ContactOut | None
    rating: int | None
    nps: int | None
    link: str
    tags: list[str]
    sentiment: float
    sentiment_label: str
    truncated: bool
    duplicate_of: int | None
    theme_id: int | None
    theme: str | None
    reviewed: bool


class ThemeOut(Schema):
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


class ThemeAccountOut(Schema):
    id: int
    name: str
    segment: str
    plan: str
    arr: float
    items: int


class ThemeDetailOut(ThemeOut):
    quotes: list[FeedbackOut]
    accounts_asking: list[ThemeAccountOut]
    children: list[ThemeOut]


class RunIn(Schema):
    method: Literal["auto", "minilm", "lexical"] = "auto"


class RunOut(Schema):
    id: int
    status: str
    progress: float
    message: str
    method: str
    items: int
    themes: int


class LabelIn(Schema):
    label: str


class MergeIn(Schema):
    themes: list[int]


class ItemsIn(Schema):
    items: list[int]


class SplitIn(Schema):
    items: list[int]
    label: str


class SearchHitOut(Schema):
    score: float
    item: FeedbackOut


class DemandLinkIn(Schema):
    idea: str
    importance: Literal["nice_to_have", "important", "critical"] = "important"
    item_id: int | None = None
    theme_id: int | None = None


class DemandOut(Schema):
    idea_ref: str
    initiative_id: int | None
    score: float
    accounts: int
    arr: float
    items: int
    links: int
    by_importance: dict[str, int]


def feedback_out(actor: Any, item: FeedbackItem) -> dict[str, Any]:
    """A feedback item for the API (the person's contact details only for product leaders and admins)."""
    return {
        "id": item.pk, "text": item.text, "source": item.source, "received_on": item.received_on,
        "account_id": item.account_id, "account": item.account.name if item.account else None,
        "person": services.person_view(actor, item.contact), "rating": item.rating, "nps": item.nps,
        "link": item.link, "tags": item.tags, "sentiment": item.sentiment, "sentiment_label": item.sentiment_label,
        "truncated": item.truncated, "duplicate_of": item.duplicate_of_id, "theme_id": item.theme_id,
        "theme": item.theme.label if item.theme else None, "reviewed": item.reviewed,
    }


def _account_out(account: Account) -> dict[str, Any]:
    return {"id": account.pk, "name": account.name, "external_id": account.external_id,
            "segment": account.segment, "plan": account.plan, "arr": account.arr, "mrr": account.mrr,
            "owner": account.owner, "feedback_count": getattr(account, "feedback_count", 0)}


@router.get("/accounts", response=list[AccountOut])
@paginate(Pages, page_size=100)
def list_accounts(request: HttpRequest, segment: str | None = None) -> Any:
    """Customer accounts by name, with their number of feedback items (paged)."""
    return [_account_out(a) for a in services.list_accounts(_actor(request), segment=segment)]


@router.post("/accounts", response={200: ImportOut})
def upsert_accounts(request: HttpRequest, payload: list[AccountIn]) -> Any:
    """Create accounts or update them by external id (ARR, or MRR × 12); all or nothing."""
    records = [p.dict(exclude_none=True) for p in payload]
    return services.upsert_accounts(_actor(request), records).as_dict()


@router.get("/accounts/{int:account_id}", response=AccountDetailOut)
def get_account(request: HttpRequest, account_id: int) -> Any:
    """One account with its people (email and phone only for product leaders and admins)."""
    account = services.get_account(_actor(request), account_id)
    return {**_account_out(account), "people": services.account_people(_actor(request), account)}


@router.post("/accounts/people", response=ImportOut)
def upsert_people(request: HttpRequest, payload: list[ContactIn]) -> Any:
    """Create people at accounts or update them by external id (else email); all or nothing."""
    return services.upsert_contacts(_actor(request), [p.dict(exclude_none=True) for p in payload]).as_dict()


@router.get("/feedback", response=list[FeedbackOut])
@paginate(Pages, page_size=50)
def list_feedback(request: HttpRequest, theme: int | None = None, source: str | None = None,
                  account: int | None = None, inbox: bool = False) -> Any:
    """Feedback, newest first; filter by theme, source, account, or the inbox of unreviewed items (paged)."""
    actor = _actor(request)
    items = services.list_feedback(actor, theme_id=theme, source=source, account_id=account, inbox=inbox)
    return [feedback_out(actor, i) for i in items]


@router.post("/feedback", response={201: FeedbackImportOut})
def add_feedback(request: HttpRequest, payload: FeedbackBatchIn | FeedbackIn) -> Status:
    """Add one item (a feedback object) or a batch (``{"items": [...]}``); all or nothing."""
    items = payload.items if isinstance(payload, FeedbackBatchIn) else [payload]
    records = [i.dict(exclude_none=True) for i in items]
    result = services.add_feedback(_actor(request), records, origin="api")
    return Status(201, result.as_dict())


@router.get("/feedback/items/{item_id}", response=FeedbackOut)
def get_feedback(request: HttpRequest, item_id: int) -> Any:
    """One feedback item."""
    return feedback_out(_actor(request), services.get_feedback(_actor(request), item_id))


@router.post("/feedback/reviewed", response=dict[str, int])
def mark_reviewed(request: HttpRequest, payload: ItemsIn) -> Any:
    """Take items out of the inbox."""
    return {"reviewed": services.mark_reviewed(_actor(request), payload.items)}


@router.get("/feedback/themes", response=list[ThemeOut])
def list_themes(request: HttpRequest, parents: bool = False, as_of: datetime.date | None = None) -> Any:
    """Themes with their metrics, largest first (``parents=true``: the parent themes)."""
    return [m.as_dict() for m in services.theme_metrics(_actor(request), as_of=as_of, parents=parents)]


@router.get("/feedback/themes/{theme_id}", response=ThemeDetailOut)
def get_theme(request: HttpRequest, theme_id: int, as_of: datetime.date | None = None) -> Any:
    """One theme: metrics, the most typical quotes, the accounts asking and its sub-themes."""
    actor = _actor(request)
    detail = services.theme_detail(actor, theme_id, as_of=as_of)
    return {**detail.metrics.as_dict(), "quotes": [feedback_out(actor, q) for q in detail.quotes],
            "accounts_asking": detail.accounts, "children": [c.as_dict() for c in detail.children]}


@router.patch("/feedback/themes/{theme_id}", response=ThemeOut)
def rename_theme(request: HttpRequest, theme_id: int, payload: LabelIn) -> Any:
    """Rename a theme (later runs keep the name)."""
    theme = services.rename_theme(_actor(request), theme_id, payload.label)
    return _one_theme(request, theme.pk)


def _one_theme(request: HttpRequest, theme_id: int) -> dict[str, Any]:
    return services.theme_detail(_actor(request), theme_id, quotes=0).metrics.as_dict()


@router.post("/feedback/themes/{theme_id}/merge", response=ThemeOut)
def merge_themes(request: HttpRequest, theme_id: int, payload: MergeIn) -> Any:
    """Merge other themes into this one."""
    return _one_theme(request, services.merge_themes(_actor(request), theme_id, payload.themes).pk)


@router.post("/feedback/themes/{theme_id}/split", response={201: ThemeOut})
def split_theme(request: HttpRequest, theme_id: int, payload: SplitIn) -> Status:
    """Split items of this theme into a new theme with a label."""
    theme = services.split_theme(_actor(request), theme_id, payload.items, payload.label)
    return Status(201, _one_theme(request, theme.pk))


@router.post("/feedback/themes/{theme_id}/items", response=ThemeOut)
def move_items(request: HttpRequest, theme_id: int, payload: ItemsIn) -> Any:
    """Move items into this theme (they stay there through later runs)."""
    return _one_theme(request, services.move_items(_actor(request), payload.items, theme_id).pk)


def _run_out(run: ThemeRun) -> dict[str, Any]:
    return {"id": run.pk, "status": run.status, "progress": run.progress, "message": run.message,
            "method": run.method, "items": run.items, "themes": run.themes}


@router.post("/feedback/runs", response={202: RunOut})
def start_run(request: HttpRequest, payload: RunIn) -> Status:
    """Start computing themes in the background; poll the run for its progress."""
    return Status(202, _run_out(services.start_theme_run(_actor(request), method=payload.method)))


@router.get("/feedback/runs/{run_id}", response=RunOut)
def get_run(request: HttpRequest, run_id: int) -> Any:
    """A theme run's status and progress."""
    return _run_out(services.get_run(_actor(request), run_id))


@router.get("/feedback/search", response=list[SearchHitOut])
def search(request: HttpRequest, q: str, mode: Literal["keyword", "semantic"] = "keyword",
           limit: int = 20) -> Any:
    """Find feedback by words (BM25) or by meaning (semantic, after themes were computed)."""
    actor = _actor(request)
    return [{"score": h.score, "item": feedback_out(actor, h.item)}
            for h in services.search(actor, q, mode=mode, limit=limit)]


@router.post("/feedback/demand", response={201: DemandOut})
def link_demand(request: HttpRequest, payload: DemandLinkIn) -> Status:
    """Link a feedback item or a theme to an idea (an initiative id or a reference) with an importance."""
    actor = _actor(request)
    link = services.link_demand(actor, payload.idea, importance=payload.importance, item_id=payload.item_id,
                                theme_id=payload.theme_id)
    return Status(201, services.demand_for(link.idea_ref).__dict__)


@router.get("/feedback/demand", response=list[DemandOut])
def list_demand(request: HttpRequest) -> Any:
    """The demand of every idea with linked feedback, highest score first."""
    return [d.__dict__ for d in services.list_demand(_actor(request))]


@router.get("/feedback/demand/{idea}", response=DemandOut)
def get_demand(request: HttpRequest, idea: str) -> Any:
    """The demand evidence of one idea: score, accounts, ARR, items."""
    return services.demand_for(idea, actor=_actor(request)).__dict__
