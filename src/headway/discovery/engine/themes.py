"""``find_themes``: texts in, themes out (labels, keywords, parent themes), plus the model that assigns new
texts to those themes later without re-clustering."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from headway.core.errors import ValidationError
from headway.discovery.engine.broad import dissolve, facet_themes, merge_shared_words
from headway.discovery.engine.clustering import (
    cluster,
    merge_similar,
    theme_similarity,
    topic_rows,
    unit_rows,
)
from headway.discovery.engine.embeddings import (
    LEXICAL_NAME,
    Embedder,
    LexicalEmbedder,
    LexicalSpace,
    Method,
    embedder_for,
)
from headway.discovery.engine.labels import Naming, Phrases, name_themes, phrases_of
from headway.discovery.engine.texts import MAX_CHARS, clean_texts, cut

FloatArray = npt.NDArray[np.float32]

#: Share of a theme's own texts that must pass the similarity a new text needs to join it.
JOIN_QUANTILE = 0.05
#: The fallback's vectors are its words again, so its themes merge on topic words alone, at this share of
#: ``merge`` (on the demo, 0.1 of topic words alone recovers the topics as well as 0.15 of words and meaning
#: does with the model: benchmarks/demo_themes).
LEXICAL_MERGE_SHARE = 2 / 3
#: Themes whose similarity (topic words and meaning, as in merging; the fallback's scaled as its merging)
#: is at least this share a parent theme.
PARENT_SIMILARITY = 0.08


@dataclass(frozen=True)
class Theme:
    """A theme: ``parent`` is the id of its parent theme in ``ThemeResult.parents`` (None when it has none)."""

    id: int
    label: str
    keywords: list[str]
    size: int
    parent: int | None = None


@dataclass(frozen=True)
class Assignment:
    """The theme a new text joins (None: no theme is close enough) and its similarity to that theme."""

    theme: int | None
    similarity: float


@dataclass
class ThemeModel:
    """What incremental assignment needs: one unit centre per theme, in the space the themes were found in."""

    method: str
    theme_ids: list[int]
    centroids: FloatArray
    threshold: float
    space: LexicalSpace | None = None

    def embedder(self) -> Embedder:
        """The embedder that made the centres (the lexical one keeps the vocabulary it was fitted on)."""
        if self.method == LEXICAL_NAME:
            return LexicalEmbedder(self.space)
        return embedder_for("minilm")

    def assign(self, texts: Sequence[str]) -> list[Assignment]:
        """Put each new text into the nearest existing theme, or None when it is far from all of them."""
        cleaned = clean_texts(texts)
        if not cleaned:
            return []
        vectors = self.embedder().embed(cleaned).vectors
        return self.assign_vectors(vectors)

    def assign_vectors(self, vectors: FloatArray) -> list[Assignment]:
        """``assign`` for texts already embedded with ``embedder()``."""
        sims = vectors @ self.centroids.T
        best = np.argmax(sims, axis=1)
        out = []
        for row, column in enumerate(best):
            similarity = float(sims[row, column])
            theme = self.theme_ids[int(column)] if similarity >= self.threshold else None
            out.append(Assignment(theme, round(similarity, 4)))
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, to store with the themes."""
        return {
            "method": self.method,
            "theme_ids": self.theme_ids,
            "centroids": self.centroids.tolist(),
            "threshold": self.threshold,
            "space": self.space.to_dict() if self.space else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ThemeModel:
        """Rebuild a model saved with ``to_dict``."""
        return cls(
            method=str(data["method"]),
            theme_ids=[int(i) for i in data["theme_ids"]],
            centroids=np.asarray(data["centroids"], dtype=np.float32),
            threshold=float(data["threshold"]),
            space=LexicalSpace.from_dict(data["space"]) if data.get("space") else None,
        )


@dataclass
class ThemeResult:
    """Themes of a corpus: ``assignments[i]`` is the id of the theme of text ``i`` (ids index ``themes``)."""

    assignments: list[int]
    themes: list[Theme]
    parents: list[Theme]
    method: str
    truncated: list[int]
    model: ThemeModel
    vectors: FloatArray = field(repr=False)
    details: dict[str, Any] = field(default_factory=dict)


def _lexical_rows(texts: list[str]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    try:
        matrix = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2)).fit_transform(
            [cut(t)[0] for t in texts]
        )
    except ValueError:  # no word at all (only symbols)
        return None
    return normalize(matrix).astype(np.float32)


def _centroids(vectors: FloatArray, labels: list[int], k: int) -> FloatArray:
    array = np.asarray(labels)
    return unit_rows(np.vstack([vectors[array == i].mean(axis=0) for i in range(k)]))


def _parents(similarity: FloatArray, least: float) -> list[int] | None:
    """Group related themes (average-linkage clustering of their similarity, joined while it is at least
    ``least``): group numbers per theme, -1 for a theme that relates to no other; None when no
    group has two themes. Themes that relate to nothing get no parent rather than one catch-all."""
    k = len(similarity)
    if k < 3:
        return None
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distances = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), "average")
    groups = fcluster(tree, 1.0 - least, "distance")
    counts = np.bincount(groups)
    grouping = [int(g) if counts[g] > 1 else -1 for g in groups]
    return grouping if any(g >= 0 for g in grouping) else None


def _broad(
    texts: list[str], phrases: Phrases, labels: list[int], vectors: FloatArray, lexical: Any, topics: Any,
    meaning: FloatArray | None, scale: float,
) -> tuple[list[int], list[Naming]]:
    """Merged themes tidied as :mod:`~headway.discovery.engine.broad` says: themes named after a facet
    dissolve, related themes whose labels share a word merge; with their names."""
    facets = facet_themes(phrases, labels, name_themes(texts, labels, phrases=phrases, broad=True))
    labels = dissolve(labels, facets, vectors, lexical)
    if topics is None:
        return labels, name_themes(texts, labels, phrases=phrases, broad=True, distinct_words=True)
    similarity = theme_similarity(topics, labels, meaning)
    return merge_shared_words(phrases, labels, texts, similarity, PARENT_SIMILARITY * scale)


def find_themes(
    texts: Sequence[str], *, seed: int = 0, method: Method = "auto", merge: float | None = None
) -> ThemeResult:
    """Find the themes of ``texts`` with no number of themes given.

    Every text gets exactly one theme. ``method`` is ``auto`` (the sentence-embedding model when the ``ai``
    extra is installed, else TF-IDF + LSA), ``minilm`` or ``lexical``. ``merge`` (0-1) merges near-duplicate
    themes, those whose texts share topic words and meaning with at least this average similarity (see
    :func:`~headway.discovery.engine.clustering.merge_similar`; 0.15 gives a retail inbox's dozen broad themes,
    None keeps every fine theme). The same texts and seed give the same result. Raises ``ValidationError``
    naming the index of every empty text.
    """
    cleaned = clean_texts(texts)
    if not cleaned:
        raise ValidationError("No texts were given; pass at least one non-empty text.", details=[])
    embedder = embedder_for(method, seed=seed)
    embedding = embedder.embed(cleaned)
    lexical = _lexical_rows(cleaned)
    clustering = cluster(embedding.vectors, lexical, seed=seed)
    labels = clustering.labels
    topics = topic_rows(cleaned)
    meaning = None if isinstance(embedder, LexicalEmbedder) else embedding.vectors  # the fallback's are words
    scale = LEXICAL_MERGE_SHARE if meaning is None else 1.0
    phrases = phrases_of(cleaned)
    if merge is not None:
        labels = merge_similar(topics, labels, merge * scale, meaning)
        labels, names = _broad(cleaned, phrases, labels, embedding.vectors, lexical, topics, meaning, scale)
    else:
        names = name_themes(cleaned, labels, phrases=phrases)
    k = max(labels) + 1
    sizes = np.bincount(np.asarray(labels), minlength=k)
    centroids = _centroids(embedding.vectors, labels, k)
    grouping = None
    if topics is not None:
        grouping = _parents(theme_similarity(topics, labels, meaning), PARENT_SIMILARITY * scale)
    parent_of: list[int | None] = [None] * k
    parents: list[Theme] = []
    if grouping is not None:
        weight = {g: int(sum(sizes[i] for i in range(k) if grouping[i] == g)) for g in set(grouping) if g >= 0}
        groups = sorted(weight, key=lambda g: (-weight[g], g))
        rank = {g: r for r, g in enumerate(groups)}
        parent_of = [k + rank[g] if g >= 0 else None for g in grouping]
        alone = {theme: len(groups) + n for n, theme in enumerate(i for i in range(k) if grouping[i] < 0)}
        by_text = [rank[grouping[label]] if grouping[label] >= 0 else alone[label] for label in labels]
        parent_names = name_themes(cleaned, by_text, phrases=phrases, taken={n.label.lower() for n in names},
                                   widen=False)
        for r, g in enumerate(groups):
            parents.append(Theme(k + r, parent_names[r].label, parent_names[r].keywords, weight[g]))
    themes = [
        Theme(i, names[i].label, names[i].keywords, int(sizes[i]), parent_of[i]) for i in range(k)
    ]
    own = np.sum(embedding.vectors * centroids[np.asarray(labels)], axis=1)
    space = embedder.space if isinstance(embedder, LexicalEmbedder) else None
    model = ThemeModel(
        embedding.method, list(range(k)), centroids, float(np.quantile(own, JOIN_QUANTILE)), space
    )
    return ThemeResult(
        assignments=labels,
        themes=themes,
        parents=parents,
        method=embedding.method,
        truncated=[i for i, cut_ in enumerate(embedding.truncated) if cut_],
        model=model,
        vectors=embedding.vectors,
        details={
            "resolution": clustering.resolution,
            "silhouette": round(clustering.silhouette, 4),
            "candidates": clustering.candidates,
            "max_chars": MAX_CHARS,
            "merge": merge,
            "themes_before_merge": max(clustering.labels) + 1 if clustering.labels else 0,
        },
    )
