"""Theme metrics: each theme's volume week by week, growth, the emerging flag, sentiment, accounts and ARR.

``theme_metrics`` lists every theme with its numbers; ``theme_detail`` is one theme with a page of its quotes,
the accounts asking and its sub-themes. Every face shows these same numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from pydantic import BaseModel

from headway.core.errors import NotFound
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.discovery.engine import mean_sentiment
from headway.discovery.engine.sentiment import Sentiment
from headway.discovery.models import Account, FeedbackItem, Theme

RECENT_DAYS = 28
BASELINE_WEEKS = 12
SPARK_WEEKS = 12
#: A theme is emerging when its last RECENT_DAYS hold at least EMERGING_MIN_ITEMS items, at least
#: EMERGING_RATIO times what its own baseline rate predicts, and EMERGING_Z standard deviations above it.
EMERGING_RATIO = 2.0
EMERGING_MIN_ITEMS = 10
EMERGING_Z = 3.0


class ThemeMetrics(BaseModel):
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
        """The metrics as plain values (what the API and ``--json`` print)."""
        return self.model_dump()


class ThemeAccount(BaseModel):
    """An account asking within a theme: its revenue and how many of the theme's items it gave."""

    id: int
    name: str
    segment: str
    plan: str
    arr: float
    items: int


class WeekCount(BaseModel):
    """How many items of a theme arrived in the week ending ``week`` (ISO date)."""

    week: str
    items: int


@dataclass
class ThemeDetail:
    """A theme's metrics, one page of its quotes (most typical first), its accounts by ARR and its sub-themes.

    ``quote_count`` is the number of quotes that match (all of the theme's items without a search);
    ``page`` (1-based, within ``1..pages``) is the page ``quotes`` come from.
    """

    metrics: ThemeMetrics
    quotes: list[FeedbackItem]
    accounts: list[ThemeAccount]
    children: list[ThemeMetrics]
    weekly_series: list[WeekCount] = field(default_factory=list)
    quote_count: int = 0
    page: int = 1
    pages: int = 1


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


def get_theme(actor: User | None, theme_id: int) -> Theme:
    """One theme, or NotFound."""
    check(actor, Perm.VIEW_WORKSPACE)
    theme = Theme.objects.select_related("parent").filter(pk=theme_id).first()
    if theme is None:
        raise NotFound(f"There is no theme {theme_id}: list themes with `headway feedback themes`.")
    return theme


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
    check(actor, Perm.VIEW_WORKSPACE)
    as_of = as_of or timezone.localdate()
    rows, accounts = _rows_by_theme()
    start = _history_start(rows)
    themes = list(Theme.objects.select_related("parent").filter(is_parent=parents))
    children: dict[int, list[_Row]] = defaultdict(list)
    if parents:
        for child in Theme.objects.filter(is_parent=False, parent__isnull=False):
            if child.parent_id is not None:
                children[child.parent_id].extend(rows.get(child.pk, []))
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
    check(actor, Perm.VIEW_WORKSPACE)
    return FeedbackItem.objects.filter(theme__isnull=True).count()


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
            ThemeAccount(
                id=a,
                name=accounts[a].name,
                segment=accounts[a].segment,
                plan=accounts[a].plan,
                arr=accounts[a].arr,
                items=n,
            )
            for a, n in asking.items()
        ),
        key=lambda r: (-r.arr, r.name),
    )
    children = []
    if theme.is_parent:
        for child in Theme.objects.filter(parent=theme):
            children.append(_metrics_for(child, rows.get(child.pk, []), accounts, as_of, theme.label, start))
        children.sort(key=lambda m: (-m.size, m.id))
    per_week = Counter(as_of - timedelta(days=((as_of - r.day).days // 7) * 7) for r in mine)
    series = [WeekCount(week=d.isoformat(), items=per_week[d]) for d in sorted(per_week)]
    return ThemeDetail(metrics, quote_list, account_rows, children, series, quote_count, page, pages)
