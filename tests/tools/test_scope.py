"""Fitting the scope gate: the nearest labelled questions, an out-of-fold threshold,
leave-one-file-out."""

from __future__ import annotations

import numpy as np
import pytest

from backqa.index.calibration import CalibrationError
from backqa.search.no_match import Evidence, NoMatchRule, ScopeScorer, scope_scores
from backqa.tools.evaluation.scope import (
    ScopeExample,
    out_of_fold,
    scope_gate,
    threshold,
    unit_rows,
)


def _examples(seed: int = 0, per_file: int = 30, files: int = 4) -> list[ScopeExample]:
    """On-topic questions lean along the first embedding axis, off-topic ones away from it."""
    rng = np.random.default_rng(seed)
    found = []
    for f in range(files):
        for i in range(per_file):
            on = i % 3 != 0
            vector = rng.normal(0.0, 0.3, 8)
            vector[0] += 1.0 if on else -1.0
            found.append(ScopeExample(f"f{f}:{i}", f"f{f}.jsonl", f"question {f}-{i}", on,
                                      vector))
    return found


def test_scores_are_nearest_on_topic_less_nearest_off_topic() -> None:
    sims = np.array([[0.9, 0.8, 0.1, 0.7, 0.2, 0.3],
                     [0.1, 0.2, 0.3, 0.9, 0.8, 0.7]])
    on_topic = np.array([True, True, True, False, False, False])
    # k = 2: (0.9 + 0.8) / 2 - (0.7 + 0.3) / 2, and (0.3 + 0.2) / 2 - (0.9 + 0.8) / 2
    assert np.allclose(scope_scores(sims, on_topic, 2), [0.35, -0.6])
    assert scope_scores(sims[0], on_topic, 2) == pytest.approx(0.35)


def test_threshold_gives_up_only_the_lowest_share() -> None:
    scores = np.array([5.0, -3.0] + [1.0 + i / 100 for i in range(98)])
    assert threshold(scores, 1.0) == pytest.approx(-3.0 - 1e-4)  # every one answered
    assert threshold(scores, 0.99) == pytest.approx(1.0 - 1e-4)  # 1 of 100 may go: -3 does
    assert threshold(scores, 0.98) == pytest.approx(1.01 - 1e-4)  # 2 of 100


def test_out_of_fold_scores_never_see_their_file() -> None:
    examples = _examples()
    vectors, y = unit_rows(examples), np.array([e.on_topic for e in examples])
    groups = np.array([e.group for e in examples])
    oof = out_of_fold(vectors, y, groups, k=3)
    held = groups == "f0.jsonl"
    alone = scope_scores(vectors[held] @ vectors[~held].T, y[~held], 3)
    assert np.allclose(oof[held], alone)
    with pytest.raises(CalibrationError, match="fewer than 3"):
        out_of_fold(vectors, y, groups, k=3 * len(examples))


def test_scope_gate_cross_validates_and_scores_as_search_does() -> None:
    examples = _examples()
    gate = scope_gate(examples, min_answered=1.0)
    assert gate.training_files == [f"f{i}.jsonl" for i in range(4)]
    assert [q.text for q in gate.questions] == [e.text for e in examples]
    assert set(gate.folds) == set(gate.training_files)
    assert all(f.on_topic == 20 and f.off_topic == 10 for f in gate.folds.values())
    assert sum(f.off_topic_refused for f in gate.folds.values()) >= 35
    # What ingest stores (the questions' vectors) and search applies.
    rule = NoMatchRule(0.0, 0.0, scope=ScopeScorer.of(gate, unit_rows(examples)))
    fresh = _examples(seed=1)  # new questions drawn the same way
    refused = [rule.refuses(Evidence(0.5, 0.5), e.vector) for e in fresh]
    assert sum(r for r, e in zip(refused, fresh, strict=True) if e.on_topic) <= 2
    assert sum(r for r, e in zip(refused, fresh, strict=True) if not e.on_topic) >= 35
    with pytest.raises(CalibrationError, match="two files"):
        scope_gate(_examples(files=1))
    with pytest.raises(CalibrationError, match="both"):
        scope_gate([e for e in examples if e.on_topic])
