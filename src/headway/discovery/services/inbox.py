"""The feedback inbox as a person works it: the items nobody has reviewed yet, searched, filtered, sorted and paged
(the same use case for the page and any other face)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import QuerySet

from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.discovery.models import FeedbackItem, Source
from headway.discovery.services.feedback import list_feedback

#: Items on one page of the inbox.
INBOX_PAGE_SIZE = 50
#: sort key → (label, ordering)
INBOX_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "newest": ("Newest first", ("-received_on", "-pk")),
    "oldest": ("Oldest first", ("received_on", "pk")),
    "negative": ("Most negative first", ("sentiment", "-received_on", "-pk")),
    "positive": ("Most positive first", ("-sentiment", "-received_on", "-pk")),
    "account": ("Account A–Z", ("account__name", "-received_on", "-pk")),
}
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class InboxQuery:
    """What the person asked for; unknown values read as "any" (a page's query string is never trusted)."""

    search: str = ""
    source: str = ""
    sentiment: str = ""
    theme: str = ""  # "" any, "none" without a theme yet, or a theme id
    sort: str = "newest"
    page: int = 1

    def cleaned(self) -> InboxQuery:
        """The query with unknown values dropped and the search cut to 200 characters."""
        return InboxQuery(
            search=self.search.strip()[:200], source=self.source if self.source in Source.values else "",
            sentiment=self.sentiment if self.sentiment in SENTIMENTS else "",
            theme=self.theme if self.theme == "none" or self.theme.isdigit() else "",
            sort=self.sort if self.sort in INBOX_SORTS else "newest", page=max(1, self.page))


@dataclass
class InboxPage:
    """One page of the inbox: its items, how many match, the page and the pages, and the query it answers."""

    items: list[FeedbackItem]
    total: int
    unreviewed: int
    page: int
    pages: int
    query: InboxQuery
    themes: list[tuple[int, str]] = field(default_factory=list)
    sorts: list[tuple[str, str]] = field(default_factory=lambda: [(k, v[0]) for k, v in INBOX_SORTS.items()])


def inbox_items(actor: User | None, query: InboxQuery) -> QuerySet[FeedbackItem]:
    """The unreviewed items that match ``query``, in its order."""
    check(actor, Perm.VIEW_WORKSPACE)
    q = query.cleaned()
    items = list_feedback(actor, inbox=True, source=q.source or None)
    if q.search:
        items = items.filter(text__icontains=q.search)
    if q.sentiment:
        items = items.filter(sentiment_label=q.sentiment)
    if q.theme == "none":
        items = items.filter(theme__isnull=True)
    elif q.theme:
        items = items.filter(theme_id=int(q.theme))
    return items.order_by(*INBOX_SORTS[q.sort][1])


def inbox_page(actor: User | None, query: InboxQuery) -> InboxPage:
    """One page (``INBOX_PAGE_SIZE`` items) of the inbox; a page past the last shows the last."""
    q = query.cleaned()
    items = inbox_items(actor, q)
    total = items.count()
    pages = max(1, math.ceil(total / INBOX_PAGE_SIZE))
    page = min(q.page, pages)
    start = (page - 1) * INBOX_PAGE_SIZE
    return InboxPage(items=list(items[start:start + INBOX_PAGE_SIZE]), total=total,
                     unreviewed=list_feedback(actor, inbox=True).count(), page=page, pages=pages,
                     query=InboxQuery(q.search, q.source, q.sentiment, q.theme, q.sort, page),
                     themes=inbox_themes(actor))


def inbox_themes(actor: User | None) -> list[tuple[int, str]]:
    """The themes of the unreviewed items (id, label), by label: the inbox's theme filter."""
    rows = list_feedback(actor, inbox=True).filter(theme__isnull=False).order_by()
    found = {tid: label for tid, label in rows.values_list("theme_id", "theme__label").distinct()}
    return sorted(found.items(), key=lambda pair: (pair[1].lower(), pair[0]))
