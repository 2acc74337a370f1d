"""Broad themes, as a team reads an inbox: after near-duplicate themes merge on their similarity
(:func:`~headway.discovery.engine.clustering.merge_similar`), two rules tidy what is left.

- **A theme named after what the texts are about, not their problem, dissolves.** Its label is a *facet*:
  a phrase written all over the inbox, in at least ``FACET_SPREAD`` of the other themes at no less than
  ``FACET_RATE`` of its rate in all texts (a product: "hand soap" complaints of every kind, late, refused at
  checkout, out of stock). A problem's phrase ("late delivery") stays in its themes but for a few strays.
  Each of the facet theme's texts moves to the nearest other theme, in meaning and words as the clustering's
  centres do.
- **Related themes whose labels share a word merge** (related: their similarity is at least what makes
  themes share a parent): "Customer support" and "Support", "One-click checkout" and "One-click buy button".
  (A related theme most of whose texts merely *write* a word of a larger one's label does not merge: payment
  complaints say "declined at checkout" and would swamp "One-click checkout", the theme the launch made.)
  Related or not, no two labels then share a word: an unrelated smaller theme takes its next phrase.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import numpy.typing as npt

from headway.discovery.engine.clustering import CENTRE_WORDS_WEIGHT, centres, centres_sparse, ordered
from headway.discovery.engine.labels import Naming, Phrases, name_themes

FloatArray = npt.NDArray[np.float32]

#: A theme's best phrase is a facet when it is written in at least this share of the other themes.
FACET_SPREAD = 0.5
#: ... at a rate of at least this share of its rate in all texts (a few strays are no spread).
FACET_RATE = 0.25


def facet_themes(phrases: Phrases, labels: list[int], names: list[Naming]) -> list[int]:
    """The themes whose label (``names``, from :func:`name_themes` on the same themes) is a facet (see the
    module's docstring)."""
    k = len(names)
    if k < 3:
        return []
    array = np.asarray(labels)
    sizes = np.bincount(array, minlength=k)
    out = []
    for theme, name in enumerate(names):
        key = name.key
        if not key:
            continue
        holds = Counter(int(array[i]) for i, found in enumerate(phrases.per_text) if key in found)
        rate = sum(holds.values()) / len(labels)
        spread = sum(1 for other in range(k) if other != theme and holds[other] >= FACET_RATE * rate * sizes[other])
        if spread >= FACET_SPREAD * (k - 1):
            out.append(theme)
    return out


def dissolve(labels: list[int], themes: list[int], vectors: FloatArray, lexical: Any = None) -> list[int]:
    """Move every text of ``themes`` to its nearest other theme (vector cosine to the theme's centre, plus
    ``CENTRE_WORDS_WEIGHT`` times its words' cosine with sparse unit rows ``lexical``); renumbered largest
    first."""
    array = np.asarray(labels)
    gone = np.isin(array, themes)
    if not gone.any() or gone.all():
        return list(labels)
    ids, middle = centres(vectors, array)
    sims = vectors[gone] @ middle.T
    if lexical is not None:
        _ids, words = centres_sparse(lexical, array)
        sims += np.float32(CENTRE_WORDS_WEIGHT) * np.asarray(lexical[gone] @ words.T, dtype=np.float32)
    sims[:, np.isin(ids, themes)] = -np.inf
    moved = array.copy()
    moved[gone] = ids[np.argmax(sims, axis=1)]
    return ordered(moved)


def merge_shared_words(
    phrases: Phrases, labels: list[int], texts: list[str], similarity: FloatArray, least: float
) -> tuple[list[int], list[Naming]]:
    """Merge related themes whose labels share a word (``similarity``: theme by theme, for the themes of
    ``labels``; related: at least ``least``) into the most similar such larger one, then name the themes so that
    no two labels share a word. Returns the theme per text (renumbered largest first) and the names."""
    array = np.asarray(labels)
    k = int(array.max()) + 1
    names = name_themes(texts, labels, phrases=phrases, broad=True)
    group = list(range(k))
    for theme in range(1, k):  # larger themes come first in ``labels``' numbering
        sharing = [t for t in range(theme) if similarity[theme, t] >= least
                   and set(names[t].key) & set(names[theme].key)]
        if sharing:
            group[theme] = group[max(sharing, key=lambda t: similarity[theme, t])]
    if group == list(range(k)):
        return list(labels), name_themes(texts, labels, phrases=phrases, broad=True, distinct_words=True)
    # similarity of merged themes: the size-weighted mean of their parts' (close to the average linkage)
    sizes = np.bincount(array, minlength=k).astype(np.float32)
    merged = ordered(np.asarray(group)[array])
    new = np.zeros(k, dtype=np.int64)
    new[array] = merged  # old theme -> its new one
    join = np.zeros((k, int(new.max()) + 1), dtype=np.float32)
    join[np.arange(k), new] = sizes
    join /= join.sum(axis=0, keepdims=True)
    joined: FloatArray = (join.T @ similarity @ join).astype(np.float32)
    return merge_shared_words(phrases, merged, texts, joined, least)

