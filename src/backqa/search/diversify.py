"""Diversification: no near-duplicates, and no one point restated across the top results.

Near-duplicate groups are found at ingest (`ingest/dedup.py`); here the best passage of each
group stands for it (`similar_count` says how many it folds). Then maximal marginal relevance
(MMR) over the best few picks each next result by relevance minus its closeness to those
already picked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from backqa.index.store import StoredPassage
from backqa.search.fusion import Candidate, minmax


def fold_groups(candidates: Sequence[Candidate],
                passages: dict[int, StoredPassage]) -> list[Candidate]:
    """The candidates in order, keeping only the best of each near-duplicate group."""
    folded: list[Candidate] = []
    seen_groups: set[int] = set()
    for candidate in candidates:
        group = passages[candidate.row].group_id
        if group is not None:
            if group in seen_groups:
                continue
            seen_groups.add(group)
        folded.append(candidate)
    return folded


class Diversifier:
    """Folds near-duplicates, then applies MMR with `mmr_lambda` (1.0: relevance only)."""

    def __init__(self, mmr_lambda: float,
                 vectors: Callable[[list[int]], np.ndarray | None]) -> None:
        self.mmr_lambda = mmr_lambda
        self.vectors = vectors  # stored passage vectors by row (None when not readable)

    def diversify(self, candidates: Sequence[Candidate], passages: dict[int, StoredPassage],
                  k: int) -> list[Candidate]:
        """The `k` results: the best passage of each group, then MMR over the best few."""
        return self.pick(fold_groups(candidates, passages), k)

    def pick(self, folded: Sequence[Candidate], k: int) -> list[Candidate]:
        """The `k` results from candidates already folded (`fold_groups`): MMR over the best
        few."""
        return self.mmr(folded[: max(3 * k, 20)], k)

    def mmr(self, pool: Sequence[Candidate], k: int) -> list[Candidate]:
        """Maximal marginal relevance: each next pick maximises
        `lambda * relevance - (1 - lambda) * (max cosine to the passages already picked)`."""
        lam = self.mmr_lambda
        vectors = self.vectors([c.row for c in pool]) if lam < 1.0 else None
        if vectors is None or len(pool) <= 1:
            return list(pool[:k])
        relevance = minmax(np.array([c.score for c in pool], dtype=np.float32))
        similarity = vectors @ vectors.T
        picked: list[int] = [0]
        novelty = similarity[0].copy()
        while len(picked) < min(k, len(pool)):
            gain = lam * relevance - (1 - lam) * novelty
            gain[picked] = -np.inf
            nxt = int(np.argmax(gain))
            picked.append(nxt)
            novelty = np.maximum(novelty, similarity[nxt])
        return [pool[i] for i in picked]
