"""Near-duplicate feedback: texts whose vectors are almost the same, or whose words are the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from headway.discovery.engine.clustering import nearest_neighbours
from headway.discovery.engine.texts import words

#: Cosine similarity from which two texts count as near-duplicates.
DUPLICATE_SIMILARITY = 0.95


@dataclass(frozen=True)
class Duplicate:
    """Text ``index`` repeats the earlier text ``original`` with this similarity (1.0: same words)."""

    index: int
    original: int
    similarity: float


def near_duplicates(
    texts: Sequence[str],
    vectors: npt.NDArray[np.float32],
    threshold: float = DUPLICATE_SIMILARITY,
    neighbours: int = 5,
) -> list[Duplicate]:
    """Each text that repeats an earlier one, pointing at the earliest text of its group.

    Two texts are duplicates when their lower-case words are equal, or when the cosine of their unit
    ``vectors`` is at least ``threshold``.
    """
    n = len(texts)
    if n < 2:
        return []
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best: dict[int, float] = {}

    def join(a: int, b: int, similarity: float) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        later = max(a, b)
        best[later] = max(best.get(later, 0.0), similarity)

    seen: dict[tuple[str, ...], int] = {}
    for i, text in enumerate(texts):
        key = tuple(words(text))
        if key in seen:
            join(seen[key], i, 1.0)
        else:
            seen[key] = i
    index, sims = nearest_neighbours(vectors, neighbours)
    for i in range(n):
        for j, s in zip(index[i], sims[i], strict=True):
            if s >= threshold:
                join(i, int(j), float(s))
    result = []
    for i in range(n):
        r = root(i)
        if r != i:
            result.append(Duplicate(i, r, round(min(1.0, best.get(i, threshold)), 4)))
    return result
