"""Keywords and a short readable label for each theme, from class-based TF-IDF (c-TF-IDF).

All texts of a theme are read as one document; a word or word pair scores high when it is frequent in the
theme and rare across themes. The label joins the best terms into 2-4 distinct words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from headway.discovery.engine.texts import cut

KEYWORDS = 8
_WORD_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z]+\b"
LABEL_WORDS = (2, 4)
#: Words of requests and chat that say nothing about a topic, on top of scikit-learn's English stop words.
_FILLER = """able does did doing don ve ll just like want wanted need needs needed help please hi hello hey
thanks thank know let got get getting going really trying tried yes ok okay way today yesterday im id"""
FILLER_WORDS = frozenset(_FILLER.split())


def _count_matrix(texts: Sequence[str]) -> tuple[Any, list[str]]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        stop_words=sorted(ENGLISH_STOP_WORDS | FILLER_WORDS),
        token_pattern=_WORD_PATTERN,
    )
    try:
        matrix = vectorizer.fit_transform([cut(t)[0] for t in texts])
    except ValueError:  # only stop words
        return None, []
    return matrix, [str(t) for t in vectorizer.get_feature_names_out()]


def theme_keywords(texts: Sequence[str], labels: Sequence[int], count: int = KEYWORDS) -> list[list[str]]:
    """The ``count`` most distinctive words and word pairs of each theme (index = theme id)."""
    import scipy.sparse as sp

    k = max(labels) + 1 if labels else 0
    matrix, terms = _count_matrix(texts)
    if matrix is None or k == 0:
        return [[] for _ in range(k)]
    membership = sp.csr_matrix(
        (np.ones(len(labels)), (np.asarray(labels), np.arange(len(labels)))), shape=(k, len(labels))
    )
    per_theme = np.asarray((membership @ matrix).todense(), dtype=np.float64)
    term_totals = per_theme.sum(axis=0)
    average_words = per_theme.sum() / k
    idf = np.log1p(average_words / np.maximum(term_totals, 1.0))
    tf = per_theme / np.maximum(per_theme.sum(axis=1, keepdims=True), 1.0)
    scores = tf * idf
    result: list[list[str]] = []
    for row in scores:
        top = [int(i) for i in np.argsort(-row, kind="stable")[: count * 3] if row[i] > 0]
        result.append(_drop_overlaps([terms[i] for i in top])[:count])
    return result


def _drop_overlaps(terms: list[str]) -> list[str]:
    """Keep a word pair and drop its single words that rank below it, so keywords do not repeat."""
    kept: list[str] = []
    for term in terms:
        words = term.split()
        if len(words) == 1 and any(term in k.split() for k in kept if " " in k):
            continue
        kept.append(term)
    return kept


def label_from_keywords(keywords: Sequence[str]) -> str:
    """A 2-4 word label from ranked keywords: the best terms, no word twice ("card arrive", ...)."""
    words: list[str] = []
    for term in keywords:
        fresh = [w for w in term.split() if w not in words]
        if not fresh or len(words) + len(fresh) > LABEL_WORDS[1]:
            continue
        words.extend(fresh)
        if len(words) >= LABEL_WORDS[0]:
            break
    return " ".join(words) if words else "miscellaneous"
