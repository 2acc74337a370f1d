"""Searching feedback: by words (BM25 over the texts) or by meaning (the embeddings of the latest themes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from headway.core.errors import Conflict, ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.discovery.engine import KeywordIndex, semantic_search
from headway.discovery.models import FeedbackItem
from headway.discovery.services._common import theme_model, vector_rows
from headway.discovery.services.theme_runs import latest_run

SEARCH_MODES = ("keyword", "semantic")


@dataclass
class SearchHit:
    """A feedback item that matches a search, with its score."""

    item: FeedbackItem
    score: float


def search(actor: User | None, query: str, *, mode: str = "keyword", limit: int = 20) -> list[SearchHit]:
    """Find feedback by words (``keyword``, BM25) or by meaning (``semantic``, needs computed themes)."""
    check(actor, Perm.VIEW_WORKSPACE)
    query = " ".join(str(query).split())
    if not query:
        raise ValidationError("Give words to search for, e.g. 'late delivery'.")
    if mode not in SEARCH_MODES:
        raise ValidationError(f"Unknown search mode {mode!r}: use keyword or semantic.")
    limit = max(1, min(int(limit), 200))
    # ranked over the one column the mode needs; only the hits are loaded as items (with account and theme)
    ordered = FeedbackItem.objects.order_by("id")
    if mode == "keyword":
        ids, texts = _columns(ordered.values_list("id", "text"))
        hits = KeywordIndex(texts).search(query, limit)
    else:
        model = theme_model(latest_run(done=True))
        if model is None:
            raise Conflict(
                "Semantic search needs computed themes: compute the themes first (or use keyword search)."
            )
        query_vector = model.embedder().embed([query]).vectors[0]
        ids, blobs = _columns(ordered.values_list("id", "vector"))
        hits = semantic_search(query_vector, vector_rows(blobs, len(query_vector)), limit)
    found = FeedbackItem.objects.select_related("account", "theme").in_bulk([ids[h.index] for h in hits])
    return [SearchHit(found[ids[h.index]], h.score) for h in hits]


def _columns(rows: Iterable[tuple[int, Any]]) -> tuple[list[int], list[Any]]:
    """(ids, values) of ``(id, value)`` rows."""
    ids: list[int] = []
    values: list[Any] = []
    for pk, value in rows:
        ids.append(pk)
        values.append(value)
    return ids, values
