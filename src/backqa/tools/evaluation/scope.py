"""Fitting a library's scope gate (`index.calibration.ScopeGate`) at calibration time.

One L2-regularised logistic regression (classes weighted to balance) over the question's
embedding and its evidence (`search.no_match.EVIDENCE_FEATURES`), fit with scipy's L-BFGS. The
threshold is set on out-of-fold scores, leaving one file out at a time, so it reflects
questions the weights were not fit on: it answers all but at most `1 - min_answered` of the
on-topic questions. `folds` repeats the whole procedure (weights and threshold) without each
file and reports what it refuses of that file: a cross-validated estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from backqa.index.calibration import CalibrationError, FoldFigures, ScopeGate
from backqa.search.no_match import EVIDENCE_FEATURES, Evidence

REGULARIZATION = 0.03  # inverse L2 strength, chosen by leave-one-file-out on the tuning data
MIN_ANSWERED = 0.99  # share of the on-topic questions the threshold answers (out of fold)


@dataclass(frozen=True)
class ScopeExample:
    """One labelled question: the file it came from (the unit of cross-validation), its
    label, the library's evidence on it and its embedding."""

    id: str
    group: str
    on_topic: bool
    evidence: Evidence
    vector: np.ndarray


@dataclass(frozen=True)
class Linear:
    """Weights over the raw features (standardisation folded in) and a bias."""

    weights: np.ndarray
    bias: float

    def score(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x @ self.weights + self.bias)


def features(examples: Sequence[ScopeExample]) -> np.ndarray:
    """One row per example: the evidence features, then the embedding."""
    return np.array([[getattr(e.evidence, n) for n in EVIDENCE_FEATURES] + list(e.vector)
                     for e in examples], dtype=np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = REGULARIZATION) -> Linear:
    """Minimise `|w|^2 / 2 + c * sum(balanced weight * log loss)` on standardised features."""
    if y.all() or not y.any():
        raise CalibrationError("the scope gate needs both on-topic and off-topic questions")
    mean, scale = x.mean(0), x.std(0) + 1e-9
    z = (x - mean) / scale
    sign = np.where(y, 1.0, -1.0)
    balance = np.where(y, len(y) / (2 * y.sum()), len(y) / (2 * (~y).sum())) * c

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        margin = sign * (z @ w + b)
        value = 0.5 * w @ w + float(balance @ np.logaddexp(0.0, -margin))
        slope = -balance * sign * _sigmoid(-margin)
        return value, np.append(w + z.T @ slope, slope.sum())

    found = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B",
                     options={"maxiter": 1000})
    w, b = found.x[:-1], float(found.x[-1])
    return Linear(w / scale, b - float((w / scale) @ mean))


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * v)))


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray,
                c: float = REGULARIZATION) -> np.ndarray:
    """Each example's score from weights fit without its file."""
    scores = np.zeros(len(y))
    for group in np.unique(groups):
        held = groups == group
        scores[held] = fit_logistic(x[~held], y[~held], c).score(x[held])
    return scores


def threshold(on_topic_scores: np.ndarray, min_answered: float = MIN_ANSWERED) -> float:
    """Just below the lowest on-topic score kept: the lowest `1 - min_answered` are given up."""
    ordered = np.sort(on_topic_scores)
    return float(ordered[int((1.0 - min_answered) * len(ordered))]) - 1e-4


def fit_gate(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float = REGULARIZATION,
             min_answered: float = MIN_ANSWERED) -> tuple[Linear, float]:
    """Weights fit on everything and a threshold set on out-of-fold scores."""
    if len(np.unique(groups)) < 2:
        raise CalibrationError("the scope gate needs questions from at least two files")
    oof = out_of_fold(x, y, groups, c)
    return fit_logistic(x, y, c), threshold(oof[y], min_answered)


def cross_validate(x: np.ndarray, y: np.ndarray, groups: np.ndarray,
                   c: float = REGULARIZATION,
                   min_answered: float = MIN_ANSWERED) -> dict[str, FoldFigures]:
    """Per file: what a gate fit (weights and threshold) without it refuses of it."""
    folds = {}
    for group in np.unique(groups):
        held = groups == group
        rest = ~held
        if y[rest].all() or not y[rest].any() or len(np.unique(groups[rest])) < 2:
            continue
        model, cut = fit_gate(x[rest], y[rest], groups[rest], c, min_answered)
        refused = model.score(x[held]) < cut
        on = y[held]
        folds[str(group)] = FoldFigures(
            off_topic=int((~on).sum()), off_topic_refused=int((refused & ~on).sum()),
            on_topic=int(on.sum()), on_topic_refused=int((refused & on).sum()))
    return folds


def scope_gate(examples: Sequence[ScopeExample], c: float = REGULARIZATION,
               min_answered: float = MIN_ANSWERED) -> ScopeGate:
    """The gate for these labelled questions, with its leave-one-file-out figures."""
    x, y = features(examples), np.array([e.on_topic for e in examples])
    groups = np.array([e.group for e in examples])
    model, cut = fit_gate(x, y, groups, c, min_answered)
    n = len(EVIDENCE_FEATURES)
    return ScopeGate(
        features=list(EVIDENCE_FEATURES),
        feature_weights=[round(float(v), 6) for v in model.weights[:n]],
        vector_weights=[round(float(v), 6) for v in model.weights[n:]],
        bias=round(model.bias, 6), threshold=round(cut, 6), regularization=c,
        training_files=sorted(set(groups.tolist())),
        folds=cross_validate(x, y, groups, c, min_answered))
