"""API for customers, feedback, themes, search and demand (under /api/v1/discovery).

The answers are the services' own types (``ThemeMetrics``, ``Demand``, ``ImportResult``...); the schemas here
only show the models (an account, a feedback item, a run) and join results into one answer.
"""

from __future__ import annotations

import datetime
import re
from typing import Literal

from django.db.models import QuerySet
from ninja import File, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from ninja.params.functions import Query as query_param
from pydantic import BaseModel

from headway.core.http import AuthedRequest, declared, invalid_when
from headway.core.jobs import JobView
from headway.core.models import User
from headway.core.pagination import Pages
from headway.core.request_rules import NONBLANK, one_of, required_text, stated
from headway.discovery import services
from headway.discovery.models import Account, FeedbackItem, Source, ThemeRun

router = Router(tags=["discovery"])


#: a list of ids, each named once (theme_edits refuses an empty list and a repeated id)
IDS = {"minItems": 1, "uniqueItems": True}
EMAIL = r"^\s*$|@"  # blank, or with an @ (upsert_contacts' rule)
LINK = r"^\s*(https?://|$)"  # blank, or an http(s) link (add_feedback's rule)
#: a feedback file's column mapping, FIELD=COLUMN (parse_mapping's rule, with the fields it knows)
MAPPING = rf"^\s*({'|'.join(map(re.escape, services.FEEDBACK_COLUMNS))})\s*=[\s\S]*[^\s\x1c-\x1f]"


class AccountRequest(Schema):
    name: str | None = None
    external_id: str | None = None
    segment: str | None = None
    plan: str | None = None
    arr: float | None = stated(None, minimum=0)
    mrr: float | None = stated(None, minimum=0)
    owner: str | None = None


class ContactRequest(Schema):
    name: str | None = None
    email: str | None = stated(None, pattern=EMAIL)
    phone: str | None = None
    title: str | None = None
    external_id: str | None = None
    account_external_id: str | None = None
    account: str | None = None


class ContactOut(services.ContactDetails):
    """A person at an account (``email`` and ``phone`` are null unless the caller may see contact details)."""


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


class AccountDetailOut(AccountOut):
    people: list[ContactOut]


class FeedbackRequest(Schema):
    text: str = stated(pattern=NONBLANK)
    subject: str | None = None
    source: str | None = one_of([None, *Source.values], None)
    account_id: int | None = None
    account: str | None = None
    account_external_id: str | None = None
    person_name: str | None = None
    person_email: str | None = None
    date: datetime.date | None = None
    rating: int | None = stated(None, minimum=1, maximum=5)
    nps: int | None = stated(None, minimum=0, maximum=10)
    link: str | None = stated(None, pattern=LINK)
    tags: list[str] | None = None
    external_id: str | None = None


class FeedbackBatchRequest(Schema):
    items: list[FeedbackRequest] = stated(minItems=1)


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


class ThemeDetailOut(services.ThemeMetrics):
    """A theme's metrics with the most typical quotes, the accounts asking and its sub-themes."""

    quotes: list[FeedbackOut]
    accounts_asking: list[services.ThemeAccount]
    children: list[services.ThemeMetrics]


class ThemeRunRequest(Schema):
    method: Literal["auto", "minilm", "lexical"] = "auto"


class RunOut(Schema):
    id: int
    status: str
    progress: float
    message: str
    method: str
    items: int
    themes: int


class ThemeLabelRequest(Schema):
    label: str


class ThemeMergeRequest(Schema):
    themes: list[int] = stated(**IDS)


class FeedbackItemsRequest(Schema):
    items: list[int] = stated(**IDS)


class ThemeSplitRequest(Schema):
    items: list[int] = stated(**IDS)
    label: str = required_text(120)


class SearchHitOut(BaseModel):
    score: float
    item: FeedbackOut


class DemandLinkRequest(Schema):
    idea: str
    importance: Literal["nice_to_have", "important", "critical"] = "important"
    item_id: int | None = None
    theme_id: int | None = None


def feedback_out(actor: User, item: FeedbackItem) -> FeedbackOut:
    """A feedback item for the API (the person's contact details only for product leaders and admins)."""
    return FeedbackOut(
        id=item.pk, text=item.text, source=item.source, received_on=item.received_on,
        account_id=item.account_id, account=item.account.name if item.account else None,
        person=services.person_view(actor, item.contact), rating=item.rating, nps=item.nps,
        link=item.link, tags=item.tags, sentiment=item.sentiment, sentiment_label=item.sentiment_label,
        truncated=item.truncated, duplicate_of=item.duplicate_of_id, theme_id=item.theme_id,
        theme=item.theme.label if item.theme else None, reviewed=item.reviewed,
    )


@router.get("/accounts", response=list[AccountOut])
@paginate(Pages, page_size=100)
def list_accounts(request: AuthedRequest, segment: str | None = None) -> QuerySet[Account]:
    """Customer accounts by name, with their number of feedback items (paged)."""
    return services.list_accounts(request.user, segment=segment)


@router.post("/accounts", response={200: services.ImportResult}, openapi_extra=invalid_when(
    "an account has neither a name nor the external id of an account that exists"))
def upsert_accounts(request: AuthedRequest, payload: list[AccountRequest]) -> services.ImportResult:
    """Create accounts or update them by external id (ARR, or MRR × 12); all or nothing."""
    return services.upsert_accounts(request.user, [p.dict(exclude_none=True) for p in payload])


@router.get("/accounts/{int:account_id}", response=AccountDetailOut)
def get_account(request: AuthedRequest, account_id: int) -> AccountDetailOut:
    """One account with its people (email and phone only for product leaders and admins)."""
    account = services.get_account(request.user, account_id)
    shown = AccountOut.model_validate(account).model_dump()
    return AccountDetailOut(**shown, people=services.account_people(request.user, account))


@router.post("/accounts/people", response=services.ImportResult, openapi_extra=invalid_when(
    "a person has neither a name nor an e-mail address, or names an account that does not exist"))
def upsert_people(request: AuthedRequest, payload: list[ContactRequest]) -> services.ImportResult:
    """Create people at accounts or update them by external id (else email); all or nothing."""
    return services.upsert_contacts(request.user, [p.dict(exclude_none=True) for p in payload])


@router.get("/feedback", response=list[FeedbackOut])
@paginate(Pages, page_size=50)
def list_feedback(request: AuthedRequest, theme: int | None = None, source: str | None = None,
                  account: int | None = None, inbox: bool = False) -> list[FeedbackOut]:
    """Feedback, newest first; filter by theme, source, account, or the inbox of unreviewed items (paged)."""
    items = services.list_feedback(request.user, theme_id=theme, source=source, account_id=account, inbox=inbox)
    return [feedback_out(request.user, i) for i in items]


@router.post("/feedback", response={201: services.FeedbackImport},
             openapi_extra=invalid_when("an account_id names no account"))
def add_feedback(request: AuthedRequest,
                 payload: FeedbackBatchRequest | FeedbackRequest) -> Status[services.FeedbackImport]:
    """Add one item (a feedback object) or a batch (``{"items": [...]}``); all or nothing."""
    items = payload.items if isinstance(payload, FeedbackBatchRequest) else [payload]
    records = [i.dict(exclude_none=True) for i in items]
    return Status(201, services.add_feedback(request.user, records, origin="api"))


@router.post("/feedback/import", response={202: JobView},
             openapi_extra=invalid_when("the file is not .csv, .jsonl, .ndjson or .json"))
def import_feedback_file(request: AuthedRequest, file: File[UploadedFile],
                         format: str | None = declared(query_param(None), enum=[None, "", *services.FEEDBACK_FORMATS]),
                         source: str = declared(query_param("support"), enum=Source.values),
                         map: list[str] | None = declared(query_param(None), items={"type": "string", "pattern": MAPPING})
                         ) -> Status[JobView]:
    """Import a feedback file (CSV or JSON Lines, multipart field ``file``; ``map`` as ``text=Description``)
    in the background, all or nothing; follow the job at ``/api/v1/jobs/{id}`` (its result: the import's
    counts; a refused file: every bad row with its line in ``result.error.details``)."""
    return Status(202, services.start_feedback_import(request.user, file.name or "", file, fmt=format or None,
                                                      mapping=services.parse_mapping(map),
                                                      default_source=source))


@router.get("/feedback/items/{item_id}", response=FeedbackOut)
def get_feedback(request: AuthedRequest, item_id: int) -> FeedbackOut:
    """One feedback item."""
    return feedback_out(request.user, services.get_feedback(request.user, item_id))


@router.post("/feedback/reviewed", response=dict[str, int])
def mark_reviewed(request: AuthedRequest, payload: FeedbackItemsRequest) -> dict[str, int]:
    """Take items out of the inbox."""
    return {"reviewed": services.mark_reviewed(request.user, payload.items)}


@router.get("/feedback/themes", response=list[services.ThemeMetrics])
def list_themes(request: AuthedRequest, parents: bool = False,
                as_of: datetime.date | None = None) -> list[services.ThemeMetrics]:
    """Themes with their metrics, largest first (``parents=true``: the parent themes)."""
    return services.theme_metrics(request.user, as_of=as_of, parents=parents)


@router.get("/feedback/themes/{theme_id}", response=ThemeDetailOut)
def get_theme(request: AuthedRequest, theme_id: int, as_of: datetime.date | None = None) -> ThemeDetailOut:
    """One theme: metrics, the most typical quotes, the accounts asking and its sub-themes."""
    detail = services.theme_detail(request.user, theme_id, as_of=as_of)
    return ThemeDetailOut(**detail.metrics.model_dump(), quotes=[feedback_out(request.user, q) for q in detail.quotes],
                          accounts_asking=detail.accounts, children=detail.children)


def _one_theme(request: AuthedRequest, theme_id: int) -> services.ThemeMetrics:
    return services.theme_detail(request.user, theme_id, quotes=0).metrics


@router.patch("/feedback/themes/{theme_id}", response=services.ThemeMetrics)
def rename_theme(request: AuthedRequest, theme_id: int, payload: ThemeLabelRequest) -> services.ThemeMetrics:
    """Rename a theme (later runs keep the name)."""
    theme = services.rename_theme(request.user, theme_id, payload.label)
    return _one_theme(request, theme.pk)


@router.post("/feedback/themes/{theme_id}/merge", response=services.ThemeMetrics, openapi_extra=invalid_when(
    "the theme is among those to merge into it, or one of them is a parent theme"))
def merge_themes(request: AuthedRequest, theme_id: int, payload: ThemeMergeRequest) -> services.ThemeMetrics:
    """Merge other themes into this one."""
    return _one_theme(request, services.merge_themes(request.user, theme_id, payload.themes).pk)


@router.post("/feedback/themes/{theme_id}/split", response={201: services.ThemeMetrics}, openapi_extra=invalid_when(
    "the theme is a parent theme, or an item is not in it"))
def split_theme(request: AuthedRequest, theme_id: int,
                payload: ThemeSplitRequest) -> Status[services.ThemeMetrics]:
    """Split items of this theme into a new theme with a label."""
    theme = services.split_theme(request.user, theme_id, payload.items, payload.label)
    return Status(201, _one_theme(request, theme.pk))


@router.post("/feedback/themes/{theme_id}/items", response=services.ThemeMetrics, openapi_extra=invalid_when(
    "the theme is a parent theme, or every item is in it already"))
def move_items(request: AuthedRequest, theme_id: int, payload: FeedbackItemsRequest) -> services.ThemeMetrics:
    """Move items into this theme (they stay there through later runs)."""
    return _one_theme(request, services.move_items(request.user, payload.items, theme_id).pk)


@router.post("/feedback/runs", response={202: RunOut})
def start_run(request: AuthedRequest, payload: ThemeRunRequest) -> Status[ThemeRun]:
    """Start computing themes in the background; poll the run for its progress."""
    return Status(202, services.start_theme_run(request.user, method=payload.method))


@router.get("/feedback/runs/{run_id}", response=RunOut)
def get_run(request: AuthedRequest, run_id: int) -> ThemeRun:
    """A theme run's status and progress."""
    return services.get_run(request.user, run_id)


@router.get("/feedback/search", response=list[SearchHitOut])
def search(request: AuthedRequest, q: str = declared(query_param(...), pattern=NONBLANK),
           mode: Literal["keyword", "semantic"] = "keyword",
           limit: int = 20) -> list[SearchHitOut]:
    """Find feedback by words (BM25) or by meaning (semantic, after themes were computed)."""
    return [SearchHitOut(score=h.score, item=feedback_out(request.user, h.item))
            for h in services.search(request.user, q, mode=mode, limit=limit)]


@router.post("/feedback/demand", response={201: services.Demand}, openapi_extra=invalid_when(
    "both or neither of item_id and theme_id are given"))
def link_demand(request: AuthedRequest, payload: DemandLinkRequest) -> Status[services.Demand]:
    """Link a feedback item or a theme to an idea (an initiative id or a reference) with an importance."""
    link = services.link_demand(request.user, payload.idea, importance=payload.importance,
                                item_id=payload.item_id, theme_id=payload.theme_id)
    return Status(201, services.demand_for(link.idea_ref))


@router.get("/feedback/demand", response=list[services.Demand])
def list_demand(request: AuthedRequest) -> list[services.Demand]:
    """The demand of every idea with linked feedback, highest score first."""
    return services.list_demand(request.user)


@router.get("/feedback/demand/{idea}", response=services.Demand)
def get_demand(request: AuthedRequest, idea: str) -> services.Demand:
    """The demand evidence of one idea: score, accounts, ARR, items."""
    return services.demand_for(idea, actor=request.user)
