"""Grouping unit vectors into themes, with the number of themes found by the data.

The method (chosen on BANKING77's train split as a stand-in for another customer's data, never on the test
split): centre the vectors; pull each towards its nearest neighbours a few times (neighbourhood smoothing,
which tightens the groups a person would see); join each text to its nearest neighbours in a graph whose edge
weights mix meaning (cosine of the vectors) with shared words (cosine of TF-IDF); find communities with Leiden
at several resolutions; move each text to its nearest community centre, in meaning and words both; keep the
resolution whose partition has the best silhouette on the centred vectors. No number of themes is given.

Moving texts to centres counts shared words at 0.6 of meaning (``CENTRE_WORDS_WEIGHT``; centres were in meaning
only): on short, templated feedback the sentence model groups partly by the product named ("water filters"
complaints of every kind in one theme), and the words a theme's texts share pull them back to their topic.
BANKING77's train split scores the same either way (NMI 0.829); the demo's topics are recovered far better
(benchmarks/RESULTS.md).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

#: Weight of shared words (TF-IDF cosine) next to meaning (vector cosine) in the neighbour graph.
LEXICAL_WEIGHT = 0.3
#: The same weight when texts move to their nearest theme centre (``refine``).
CENTRE_WORDS_WEIGHT = 0.6
SMOOTHING_NEIGHBOURS = 5
SMOOTHING_ROUNDS = 3
SMOOTHING_STRENGTH = 0.5
GRAPH_NEIGHBOURS = 10
RESOLUTIONS = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0)
SILHOUETTE_SAMPLE = 3000
_BLOCK = 2048
DENSE_LIMIT = 12_000
#: Share of meaning (centred vectors) next to topic words in the similarity of two themes being merged.
MEANING_SHARE = 0.5


@dataclass(frozen=True)
class Clustering:
    """Theme number per text (0..k-1, largest theme first) and how the partition was chosen."""

    labels: list[int]
    resolution: float
    silhouette: float
    candidates: dict[float, tuple[int, float]]


def unit_rows(matrix: npt.NDArray[Any]) -> FloatArray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    out: FloatArray = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def nearest_neighbours(
    vectors: FloatArray, count: int, lexical: Any = None, weight: float = LEXICAL_WEIGHT
) -> tuple[IntArray, FloatArray]:
    """The ``count`` most similar other rows of each row and their similarities, computed block by block.

    Similarity is the dot product of the rows plus ``weight`` times the lexical similarity: ``lexical`` is
    either sparse unit TF-IDF rows or an already computed dense (weighted) similarity matrix.
    """
    n = vectors.shape[0]
    count = max(1, min(count, n - 1))
    index = np.zeros((n, count), dtype=np.int64)
    sims = np.zeros((n, count), dtype=np.float32)
    for start in range(0, n, _BLOCK):
        stop = min(n, start + _BLOCK)
        block = vectors[start:stop] @ vectors.T
        if isinstance(lexical, np.ndarray):
            block += lexical[start:stop]
        elif lexical is not None:
            block += weight * (lexical[start:stop] @ lexical.T).toarray().astype(np.float32)
        block[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        top = np.argpartition(-block, count - 1, axis=1)[:, :count]
        index[start:stop] = top
        sims[start:stop] = np.take_along_axis(block, top, axis=1)
    return index, sims


def lexical_similarity(lexical: Any, weight: float = LEXICAL_WEIGHT) -> Any:
    """The weighted lexical similarity as one dense matrix when it fits (up to ``DENSE_LIMIT`` texts),
    so the repeated neighbour searches compute it once; otherwise the sparse rows themselves."""
    if lexical is None or lexical.shape[0] > DENSE_LIMIT:
        return lexical
    dense: FloatArray = (lexical @ lexical.T).toarray().astype(np.float32)
    dense *= np.float32(weight)
    return dense


def smooth(vectors: FloatArray, lexical: Any = None) -> FloatArray:
    """Move each vector halfway towards the mean of its nearest neighbours, a few rounds."""
    out = vectors
    for _ in range(SMOOTHING_ROUNDS):
        index, _sims = nearest_neighbours(out, SMOOTHING_NEIGHBOURS, lexical)
        mixed = np.concatenate([out[:, None, :], out[index]], axis=1).mean(axis=1)
        out = unit_rows((1 - SMOOTHING_STRENGTH) * out + SMOOTHING_STRENGTH * mixed)
    return out


def _leiden(graph: Any, resolution: float, seed: int) -> IntArray:
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        partition = graph.community_leiden(
            objective_function="modularity", weights="weight", resolution=resolution, n_iterations=-1
        )
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(partition.membership, dtype=np.int64)


def centres(vectors: FloatArray, labels: IntArray) -> tuple[IntArray, FloatArray]:
    """The theme ids present in ``labels`` and the unit mean vector of each."""
    import scipy.sparse as sp

    ids, inverse = np.unique(labels, return_inverse=True)
    members = sp.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (inverse, np.arange(len(labels)))),
        shape=(len(ids), len(labels)),
    )
    return ids, unit_rows(np.asarray(members @ vectors))


def refine(vectors: FloatArray, labels: IntArray, rounds: int = 10, lexical: Any = None) -> IntArray:
    """Move each text to the theme whose centre is nearest (k-means steps on the sphere from ``labels``).

    With sparse unit TF-IDF rows ``lexical``, a text's closeness to a centre is its vector's cosine plus
    ``CENTRE_WORDS_WEIGHT`` times its words' cosine to the theme's mean words."""
    current = labels
    for _ in range(rounds):
        ids, middle = centres(vectors, current)
        sims = vectors @ middle.T
        if lexical is not None:
            _ids, words = centres_sparse(lexical, current)
            sims += np.float32(CENTRE_WORDS_WEIGHT) * np.asarray(lexical @ words.T, dtype=np.float32)
        moved = ids[np.argmax(sims, axis=1)]
        if np.array_equal(moved, current):
            break
        current = moved
    return current


def ordered(labels: IntArray) -> list[int]:
    """Renumber themes 0..k-1 by size, largest first (ties by first appearance)."""
    ids, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))
    rank = {int(ids[i]): r for r, i in enumerate(order)}
    return [rank[int(x)] for x in labels]


def cluster(vectors: FloatArray, lexical: Any = None, seed: int = 0) -> Clustering:
    """Themes for unit ``vectors`` (rows), optionally helped by sparse unit TF-IDF rows ``lexical``."""
    import igraph
    from sklearn.metrics import silhouette_score

    n = vectors.shape[0]
    if n < 3:
        return Clustering([0] * n, 0.0, 0.0, {})
    centred = unit_rows(vectors - vectors.mean(axis=0))
    rows, lexical = lexical, lexical_similarity(lexical)
    smoothed = smooth(centred, lexical)
    index, sims = nearest_neighbours(smoothed, GRAPH_NEIGHBOURS, lexical)
    sources = np.repeat(np.arange(n), index.shape[1])
    graph = igraph.Graph(n=n, edges=np.column_stack([sources, index.ravel()]).tolist(), directed=False)
    graph.es["weight"] = np.maximum(sims.ravel(), 1e-6).astype(float).tolist()
    graph.simplify(combine_edges="max")
    best: tuple[float, float, IntArray] | None = None
    candidates: dict[float, tuple[int, float]] = {}
    sample = np.sort(np.random.default_rng(seed).permutation(n)[:SILHOUETTE_SAMPLE])
    distances = np.clip(1.0 - centred[sample] @ centred[sample].T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    for resolution in RESOLUTIONS:
        labels = refine(smoothed, _leiden(graph, resolution, seed), lexical=rows)
        k = len(np.unique(labels))
        if 2 <= k <= n - 1 and 2 <= len(np.unique(labels[sample])) < len(sample):
            score = float(silhouette_score(distances, labels[sample], metric="precomputed"))
        else:
            score = -1.0
        candidates[resolution] = (k, score)
        if best is None or score > best[1]:
            best = (resolution, score, labels)
    assert best is not None
    if best[1] <= 0.0:
        return Clustering([0] * n, best[0], best[1], candidates)
    return Clustering(ordered(best[2]), best[0], best[1], candidates)


def topic_rows(texts: list[str]) -> Any:
    """Sparse unit TF-IDF rows of the texts' topic words (English stop words and request fillers left out,
    words and word pairs), or None when no text has one: what two themes must share to read as the same."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
    from sklearn.preprocessing import normalize

    from headway.discovery.engine.labels import FILLER_WORDS

    stop = sorted(set(ENGLISH_STOP_WORDS) | FILLER_WORDS)
    try:
        matrix = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), stop_words=stop).fit_transform(texts)
    except ValueError:  # nothing but stop words
        return None
    return normalize(matrix)


def merge_similar(
    rows: Any, labels: list[int], min_similarity: float, vectors: FloatArray | None = None
) -> list[int]:
    """Merge near-duplicate themes: themes whose texts use the same topic words and, with ``vectors``, mean
    the same.

    A pair of themes is as similar as :func:`theme_similarity` says: the cosine of their mean topic words in
    ``rows`` (sparse unit TF-IDF rows from :func:`topic_rows`); with the texts' unit ``vectors``, the average of
    that and the cosine of their centres among the centred vectors (``MEANING_SHARE``): "App crashes" and "App
    keeps crashing" share one topic word but mean the same. Themes are joined by average-linkage clustering while the average similarity of two groups is at least
    ``min_similarity``. Returns the new theme per text, renumbered largest first.
    """
    k = max(labels) + 1 if labels else 0
    if rows is None or k < 2:
        return list(labels)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    array = np.asarray(labels)
    similarity = theme_similarity(rows, labels, vectors)
    distances = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), "average")
    groups = fcluster(tree, 1.0 - min_similarity, "distance") - 1
    return ordered(groups[array])


def theme_similarity(rows: Any, labels: list[int], vectors: FloatArray | None = None) -> FloatArray:
    """How alike each pair of themes is: the cosine of their mean topic words (``rows`` from
    :func:`topic_rows`), averaged (``MEANING_SHARE``) with the cosine of their centres among the centred
    ``vectors`` when given."""
    array = np.asarray(labels)
    _ids, middle = centres_sparse(rows, array)
    similarity: FloatArray = middle @ middle.T
    if vectors is not None:
        _ids, meaning = centres(unit_rows(vectors - vectors.mean(axis=0)), array)
        similarity = (1 - MEANING_SHARE) * similarity + MEANING_SHARE * (meaning @ meaning.T)
    return similarity


def centres_sparse(rows: Any, labels: IntArray) -> tuple[IntArray, FloatArray]:
    """``centres`` for sparse rows: the theme ids and the dense unit mean row of each."""
    import scipy.sparse as sp

    ids, inverse = np.unique(labels, return_inverse=True)
    members = sp.csr_matrix(
        (np.ones(len(labels), dtype=np.float32), (inverse, np.arange(len(labels)))),
        shape=(len(ids), len(labels)),
    )
    return ids, unit_rows(np.asarray((members @ rows).toarray()))
