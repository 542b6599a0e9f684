"""Fusion of the two rankers' scores over their candidates (convex mix or reciprocal rank)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RRF_K = 60


@dataclass(frozen=True)
class RankingConfig:
    """How the two rankers are fused and the results diversified.

    `fusion="convex"`: each ranker's scores over the candidate set are min-max normalised and
    mixed as `dense_weight * dense + (1 - dense_weight) * lexical`; `"rrf"`: reciprocal rank
    fusion with `rrf_k`. `mmr_lambda` trades relevance (1.0) against novelty among the top k:
    1.0 (MMR off) by default, because MMR measured no gain on the judged tuning split (+0.002
    nDCG@10 at 0.75, within noise) and cost 0.005 on SciFact train (docs/retrieval.md).
    """

    depth: int = 100
    fusion: str = "convex"
    dense_weight: float = 0.6
    rrf_k: int = RRF_K
    mmr_lambda: float = 1.0
    # Added to the fused score: the best sentence's cosine, min-max normalised over the
    # candidates (when the index has sentence vectors). Tuned on the judged tuning split.
    sentence_weight: float = 0.6
    # Taken from a forum question's fused score: the question asks, it does not answer.
    question_penalty: float = 0.2


@dataclass(frozen=True)
class Candidate:
    row: int
    score: float
    dense: float | None
    lexical: float | None
    sentence: float | None = None  # the cosine of its best sentence, where the index has them


def minmax(values: np.ndarray) -> np.ndarray:
    """Scores rescaled to 0..1 over this candidate set (all 1 when they are equal and positive)."""
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


def rrf(scores: np.ndarray, k: int, positive: bool = False) -> np.ndarray:
    """Reciprocal-rank contribution of each score's rank (0 for non-positive when asked)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty_like(order)
    ranks[order] = np.arange(1, len(order) + 1)
    out = 1.0 / (k + ranks)
    if positive:
        out = np.where(scores > 0, out, 0.0)
    return out.astype(np.float32)


def fuse(config: RankingConfig, dense: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """One fused score per candidate from its dense cosine and its BM25 score."""
    if config.fusion == "rrf":
        fused = rrf(dense, config.rrf_k) + rrf(lexical, config.rrf_k, positive=True)
    else:
        fused = config.dense_weight * minmax(dense) + (1 - config.dense_weight) * minmax(lexical)
    return np.asarray(fused, dtype=np.float32)
