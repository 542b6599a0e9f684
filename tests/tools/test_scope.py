"""Fitting the scope gate: logistic weights, an out-of-fold threshold, leave-one-file-out."""

from __future__ import annotations

import numpy as np
import pytest

from backqa.index.calibration import CalibrationError
from backqa.search.no_match import EVIDENCE_FEATURES, Evidence, NoMatchRule, ScopeScorer
from backqa.tools.evaluation.scope import (
    ScopeExample,
    features,
    fit_logistic,
    out_of_fold,
    scope_gate,
    threshold,
)


def _examples(seed: int = 0, per_file: int = 30, files: int = 4) -> list[ScopeExample]:
    """On-topic questions lean along the first embedding axis, off-topic ones away from it;
    the evidence is noise the gate should not need."""
    rng = np.random.default_rng(seed)
    found = []
    for f in range(files):
        for i in range(per_file):
            on = i % 3 != 0
            vector = rng.normal(0.0, 0.3, 8)
            vector[0] += 1.0 if on else -1.0
            evidence = Evidence(*rng.uniform(0.0, 1.0, 4))
            found.append(ScopeExample(f"f{f}:{i}", f"f{f}.jsonl", on, evidence, vector))
    return found


def test_logistic_weights_separate_and_fold_in_the_scaling() -> None:
    examples = _examples()
    x, y = features(examples), np.array([e.on_topic for e in examples])
    model = fit_logistic(x * 100.0, y)  # the scale of a feature does not matter
    scores = model.score(x * 100.0)
    assert (scores[y] > 0).mean() > 0.95 and (scores[~y] < 0).mean() > 0.95
    axis = len(EVIDENCE_FEATURES)  # the first embedding dimension carries the label
    assert np.argmax(np.abs(model.weights)) == axis
    with pytest.raises(CalibrationError, match="both"):
        fit_logistic(x, np.ones(len(y), dtype=bool))


def test_threshold_gives_up_only_the_lowest_share() -> None:
    scores = np.array([5.0, -3.0] + [1.0 + i / 100 for i in range(98)])
    assert threshold(scores, 1.0) == pytest.approx(-3.0 - 1e-4)  # every one answered
    assert threshold(scores, 0.99) == pytest.approx(1.0 - 1e-4)  # 1 of 100 may go: -3 does
    assert threshold(scores, 0.98) == pytest.approx(1.01 - 1e-4)  # 2 of 100


def test_out_of_fold_scores_never_see_their_file() -> None:
    examples = _examples()
    x, y = features(examples), np.array([e.on_topic for e in examples])
    groups = np.array([e.group for e in examples])
    oof = out_of_fold(x, y, groups)
    held = groups == "f0.jsonl"
    alone = fit_logistic(x[~held], y[~held]).score(x[held])
    assert np.allclose(oof[held], alone)


def test_scope_gate_cross_validates_and_scores_as_search_does() -> None:
    examples = _examples()
    gate = scope_gate(examples, min_answered=1.0)
    assert gate.training_files == [f"f{i}.jsonl" for i in range(4)]
    assert set(gate.folds) == set(gate.training_files)
    assert all(f.on_topic == 20 and f.off_topic == 10 for f in gate.folds.values())
    assert sum(f.off_topic_refused for f in gate.folds.values()) >= 35
    rule = NoMatchRule(0.0, 0.0, scope=ScopeScorer.of(gate))
    refused = [rule.refuses(e.evidence, e.vector) for e in examples]
    assert not any(r for r, e in zip(refused, examples, strict=True) if e.on_topic)
    assert sum(r for r, e in zip(refused, examples, strict=True) if not e.on_topic) >= 35
    with pytest.raises(CalibrationError, match="two files"):
        scope_gate(_examples(files=1))
