"""Fitting a library's scope gate (`index.calibration.ScopeGate`) at calibration time.

The gate is the labelled questions themselves (`search.no_match.scope_scores`: the mean
cosine of a question's `k` nearest on-topic questions less that of its `k` nearest off-topic
ones). The threshold is set on out-of-fold scores, leaving one file out at a time (each
question scored against the other files' questions only), so it reflects questions the gate
has not seen: it answers all but at most `1 - min_answered` of the on-topic questions.
`folds` repeats the whole procedure (questions and threshold) without each file and reports
what it refuses of that file: a cross-validated estimate.

Chosen over a logistic regression on the same embeddings plus the match evidence, each file
left out in turn on the shipped library's 494 questions: 228 of 274 off-topic questions
refused against 168, with 2 of 220 on-topic questions refused either way (docs/retrieval.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backqa.index.calibration import CalibrationError, FoldFigures, LabelledQuestion, ScopeGate
from backqa.search.no_match import scope_scores

NEIGHBOURS = 3  # k: chosen by leave-one-file-out on the tuning data (2, 3, 5, 10 tried)
MIN_ANSWERED = 0.99  # share of the on-topic questions the threshold answers (out of fold)


@dataclass(frozen=True)
class ScopeExample:
    """One labelled question: the file it came from (the unit of cross-validation), its text
    as search embeds it, its label and its embedding."""

    id: str
    group: str
    text: str
    on_topic: bool
    vector: np.ndarray


def out_of_fold(vectors: np.ndarray, on_topic: np.ndarray, groups: np.ndarray,
                k: int = NEIGHBOURS) -> np.ndarray:
    """Each question's score against the questions of the other files only."""
    scores = np.zeros(len(on_topic))
    for group in np.unique(groups):
        held = groups == group
        bank, labels = vectors[~held], on_topic[~held]
        if labels.sum() < k or (~labels).sum() < k:
            raise CalibrationError(f"without {group} fewer than {k} on-topic or off-topic "
                                   f"questions remain")
        scores[held] = scope_scores(vectors[held] @ bank.T, labels, k)
    return scores


def threshold(on_topic_scores: np.ndarray, min_answered: float = MIN_ANSWERED) -> float:
    """Just below the lowest on-topic score kept: the lowest `1 - min_answered` are given up."""
    ordered = np.sort(on_topic_scores)
    return float(ordered[int((1.0 - min_answered) * len(ordered))]) - 1e-4


def fit_threshold(vectors: np.ndarray, on_topic: np.ndarray, groups: np.ndarray,
                  k: int = NEIGHBOURS, min_answered: float = MIN_ANSWERED) -> float:
    """The threshold for a gate made of these questions, set on out-of-fold scores."""
    if on_topic.all() or not on_topic.any():
        raise CalibrationError("the scope gate needs both on-topic and off-topic questions")
    if len(np.unique(groups)) < 2:
        raise CalibrationError("the scope gate needs questions from at least two files")
    return threshold(out_of_fold(vectors, on_topic, groups, k)[on_topic], min_answered)


def cross_validate(vectors: np.ndarray, on_topic: np.ndarray, groups: np.ndarray,
                   k: int = NEIGHBOURS,
                   min_answered: float = MIN_ANSWERED) -> dict[str, FoldFigures]:
    """Per file: what a gate made without it (questions and threshold) refuses of it."""
    folds = {}
    for group in np.unique(groups):
        held, rest = groups == group, groups != group
        labels = on_topic[rest]
        if labels.all() or not labels.any() or len(np.unique(groups[rest])) < 2:
            continue
        cut = fit_threshold(vectors[rest], labels, groups[rest], k, min_answered)
        refused = scope_scores(vectors[held] @ vectors[rest].T, labels, k) < cut
        on = on_topic[held]
        folds[str(group)] = FoldFigures(
            off_topic=int((~on).sum()), off_topic_refused=int((refused & ~on).sum()),
            on_topic=int(on.sum()), on_topic_refused=int((refused & on).sum()))
    return folds


def unit_rows(examples: Sequence[ScopeExample]) -> np.ndarray:
    """The examples' embeddings, L2-normalised, one row each."""
    vectors = np.array([e.vector for e in examples], dtype=np.float32)
    return np.asarray(vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True),
                                           1e-12), dtype=np.float32)


def scope_gate(examples: Sequence[ScopeExample], k: int = NEIGHBOURS,
               min_answered: float = MIN_ANSWERED) -> ScopeGate:
    """The gate for these labelled questions, with its leave-one-file-out figures."""
    vectors = unit_rows(examples)
    on_topic = np.array([e.on_topic for e in examples])
    groups = np.array([e.group for e in examples])
    cut = fit_threshold(vectors, on_topic, groups, k, min_answered)
    return ScopeGate(
        k=k, threshold=round(cut, 6),
        questions=[LabelledQuestion(text=e.text, on_topic=e.on_topic) for e in examples],
        training_files=sorted(set(groups.tolist())),
        folds=cross_validate(vectors, on_topic, groups, k, min_answered))
