"""Per-query retrieval metrics and their means.

nDCG uses linear gain and a log2 discount, as pytrec_eval and BEIR do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

METRIC_LABELS = {"ndcg10": "nDCG@10", "mrr10": "MRR@10", "recall5": "R@5", "recall10": "R@10",
                 "recall100": "R@100", "success1": "S@1"}


@dataclass(frozen=True)
class QueryScore:
    """One query's figures under one ranking."""

    ndcg10: float
    mrr10: float
    recall5: float
    recall10: float
    recall100: float
    success1: float


METRICS = tuple(f.name for f in fields(QueryScore))


def dcg(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the first k gains (linear gain, log2 discount)."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg(gains: Sequence[float], ideal: Sequence[float], k: int = 10) -> float:
    """DCG of `gains` over the DCG of the best ordering of `ideal` (0 when nothing is
    relevant)."""
    best = dcg(sorted(ideal, reverse=True), k)
    return dcg(gains, k) / best if best > 0 else 0.0


def reciprocal_rank(hits: Sequence[bool], k: int = 10) -> float:
    """1 / the rank of the first hit within the first k, else 0."""
    for i, hit in enumerate(hits[:k]):
        if hit:
            return 1.0 / (i + 1)
    return 0.0


def recall(found: Sequence[int], total: int, k: int) -> float:
    """Share of `total` relevant items found in the first k (`found[i]`: new at rank i)."""
    return sum(found[:k]) / total if total else 0.0


def mean_scores(scores: Sequence[QueryScore]) -> dict[str, float]:
    """Each metric averaged over the queries (0 for none)."""
    if not scores:
        return dict.fromkeys(METRICS, 0.0)
    return {m: sum(getattr(s, m) for s in scores) / len(scores) for m in METRICS}
