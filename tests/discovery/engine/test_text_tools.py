"""Sentiment, near-duplicates and search."""

from __future__ import annotations

import numpy as np

from headway.discovery.engine import (
    Duplicate,
    KeywordIndex,
    embedder_for,
    keyword_search,
    mean_sentiment,
    near_duplicates,
    semantic_search,
    sentiment,
)
from headway.discovery.engine.search import Hit

from .corpus import TEXTS


def test_clear_positive_and_negative_sentences():
    good = sentiment("I love the new dashboard, it is great and so easy to use!")
    bad = sentiment("This is terrible, the app is broken and I hate it.")
    plain = sentiment("The invoice is sent on the first day of the month.")
    assert good.label == "positive" and good.score > 0.5
    assert bad.label == "negative" and bad.score < -0.5
    assert plain.label == "neutral" and plain.score == 0.0
    assert -1.0 <= bad.score <= good.score <= 1.0


def test_theme_sentiment_is_the_mean():
    items = [sentiment("great"), sentiment("terrible")]
    assert mean_sentiment(items).score == round((items[0].score + items[1].score) / 2, 4)
    assert mean_sentiment([]).label == "neutral"


def test_near_duplicates_point_at_the_first_copy():
    texts = [
        "The export to CSV fails with an error",
        "Please add dark mode",
        "the export to csv fails with an error!",
        "Dark mode please",
        "The export to CSV fails with an error",
    ]
    vectors = embedder_for("lexical").embed(texts).vectors
    found = near_duplicates(texts, vectors)
    assert [(d.index, d.original) for d in found] == [(2, 0), (4, 0)]
    assert found[0] == Duplicate(2, 0, 1.0)


def test_distinct_texts_are_not_duplicates():
    vectors = embedder_for("lexical").embed(TEXTS).vectors
    assert near_duplicates(TEXTS, vectors) == []


def test_keyword_search_ranks_by_bm25():
    texts = ["refund refund please", "late parcel", "refund for a parcel", "nothing here"]
    hits = keyword_search("refund", texts)
    assert [h.index for h in hits] == [0, 2]
    # by hand: idf = ln(1 + (4 - 2 + .5) / (2 + .5)) = ln 2; doc 0 has tf 2, length 3; average length 11 / 4
    norm = 1.5 * (1 - 0.75 + 0.75 * 3 / 2.75)
    assert hits[0].score == round(np.log(2) * 2 * 2.5 / (2 + norm), 4)
    assert KeywordIndex(texts).search("unknown words") == []


def test_semantic_search_finds_the_closest_vector():
    vectors = np.eye(3, dtype=np.float32)
    query = np.asarray([0.1, 0.9, 0.0], dtype=np.float32)
    assert semantic_search(query / np.linalg.norm(query), vectors, limit=2)[0] == Hit(1, 0.9939)


def test_semantic_search_over_feedback_texts():
    embedder = embedder_for("auto")
    vectors = embedder.embed(TEXTS).vectors
    if embedder.name == "tfidf-lsa":
        query = embedder.embed(["password login"]).vectors[0]
    else:
        query = embedder.embed(["I can't get into my account"]).vectors[0]
    top = semantic_search(query, vectors, limit=3)
    assert all(20 <= hit.index < 30 for hit in top)
