"""Finding feedback by words (BM25) and by meaning (cosine of sentence vectors)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from headway.discovery.engine.texts import words

BM25_K1 = 1.5
BM25_B = 0.75


@dataclass(frozen=True)
class Hit:
    """Text ``index`` matches with ``score`` (higher is better)."""

    index: int
    score: float


class KeywordIndex:
    """A BM25 index over texts, built once and searched many times."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.documents = [Counter(words(t)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.documents]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        frequency: Counter[str] = Counter()
        for document in self.documents:
            frequency.update(document.keys())
        n = len(self.documents)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """The best ``limit`` texts for ``query`` by BM25; texts sharing no word with it are left out."""
        terms = [t for t in set(words(query)) if t in self.idf]
        hits = []
        for i, (document, length) in enumerate(zip(self.documents, self.lengths, strict=True)):
            score = 0.0
            for term in terms:
                tf = document.get(term, 0)
                if tf:
                    norm = BM25_K1 * (1 - BM25_B + BM25_B * length / max(self.average, 1e-9))
                    score += self.idf[term] * tf * (BM25_K1 + 1) / (tf + norm)
            if score > 0:
                hits.append(Hit(i, round(score, 4)))
        hits.sort(key=lambda h: (-h.score, h.index))
        return hits[:limit]


def keyword_search(query: str, texts: Sequence[str], limit: int = 10) -> list[Hit]:
    """The best ``limit`` of ``texts`` for ``query`` by BM25 (see ``KeywordIndex`` to search repeatedly)."""
    return KeywordIndex(texts).search(query, limit)


def semantic_search(
    query_vector: npt.NDArray[np.float32], vectors: npt.NDArray[np.float32], limit: int = 10
) -> list[Hit]:
    """The ``limit`` rows of unit ``vectors`` closest in meaning (cosine) to the unit ``query_vector``."""
    if len(vectors) == 0:
        return []
    scores = vectors @ query_vector.reshape(-1)
    top = np.argsort(-scores, kind="stable")[:limit]
    return [Hit(int(i), round(float(scores[i]), 4)) for i in top]
