"""Searching feedback: by words (BM25 over the texts) or by meaning (the embeddings of the latest themes)."""

from __future__ import annotations

from dataclasses import dataclass

from headway.core.errors import ValidationError
from headway.core.models import User
from headway.core.permissions import Perm, check
from headway.discovery.engine import KeywordIndex, semantic_search
from headway.discovery.models import FeedbackItem
from headway.discovery.services._common import theme_model, vectors
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
    items = list(FeedbackItem.objects.select_related("account", "theme").order_by("id"))
    if mode == "keyword":
        hits = KeywordIndex([i.text for i in items]).search(query, limit)
    else:
        model = theme_model(latest_run(done=True))
        if model is None:
            raise ValidationError(
                "Semantic search needs computed themes: compute the themes first (or use keyword search)."
            )
        query_vector = model.embedder().embed([query]).vectors[0]
        hits = semantic_search(query_vector, vectors(items, len(query_vector)), limit)
    return [SearchHit(items[h.index], h.score) for h in hits]
