"""Near-duplicate detection: passages that say the same thing in nearly the same words.

Two passages are near-duplicates when their embeddings are very close *and* they share much of
their wording (word-shingle overlap), so two different points on one topic stay apart.
Groups are the connected components of that relation.
"""

from __future__ import annotations

import re

import faiss
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 2) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def overlap(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    """Share of the smaller passage's shingles found in the other (containment)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class NearDuplicateGrouper:
    """Assigns a group id to passages with near-duplicates; unique passages get None."""

    def __init__(self, min_cosine: float = 0.88, min_overlap: float = 0.25,
                 neighbours: int = 16) -> None:
        self.min_cosine = min_cosine
        self.min_overlap = min_overlap
        self.neighbours = neighbours

    def group(self, texts: list[str], vectors: np.ndarray) -> list[int | None]:
        """Per passage, its group id (the smallest row in its group), or None when unique."""
        n = len(texts)
        pairs = self.pairs(texts, vectors) if n >= 2 else []
        if not pairs:
            return [None] * n
        rows, cols = np.array(pairs, dtype=np.int64).T
        graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (rows, cols)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        sizes = np.bincount(labels)
        first_row = np.full(sizes.shape[0], n, dtype=np.int64)
        np.minimum.at(first_row, labels, np.arange(n))
        return [int(first_row[label]) if sizes[label] > 1 else None for label in labels]

    def related(self, text_a: str, text_b: str, cosine: float) -> bool:
        """Whether two passages are near-duplicates (the test `group` groups by)."""
        if cosine < self.min_cosine:
            return False
        return text_a.strip() == text_b.strip() or \
            overlap(shingles(text_a), shingles(text_b)) >= self.min_overlap

    def count_pairs(self, texts: list[str], vectors: np.ndarray) -> int:
        """How many of all the pairs among these passages are near-duplicates."""
        sims = np.asarray(vectors, dtype=np.float32) @ np.asarray(vectors, dtype=np.float32).T
        return sum(1 for i in range(len(texts)) for j in range(i + 1, len(texts))
                   if self.related(texts[i], texts[j], float(sims[i, j])))

    def pairs(self, texts: list[str], vectors: np.ndarray) -> list[tuple[int, int]]:
        """Index pairs (i < j) judged near-duplicates."""
        n = len(texts)
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        k = min(self.neighbours, n)
        sims, ids = index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)
        cache: dict[int, set[tuple[str, ...]]] = {}

        def shingled(i: int) -> set[tuple[str, ...]]:
            if i not in cache:
                cache[i] = shingles(texts[i])
            return cache[i]

        found: set[tuple[int, int]] = set()
        for i in range(n):
            for sim, j in zip(sims[i], ids[i], strict=True):
                if j < 0 or j == i or sim < self.min_cosine:
                    continue
                pair = (min(i, int(j)), max(i, int(j)))
                if pair in found:
                    continue
                exact = texts[i].strip() == texts[int(j)].strip()
                if exact or overlap(shingled(i), shingled(int(j))) >= self.min_overlap:
                    found.add(pair)
        return sorted(found)
