"""The no-match rule: the thresholds refuse what is far from the library, and a library's scope
gate refuses what it learned is off topic."""

from __future__ import annotations

import numpy as np
import pytest

from backqa.index.calibration import LabelledQuestion, NoMatchCalibration, ScopeGate
from backqa.search.no_match import Evidence, NoMatchRule, ScopeScorer


def _gate(**changes: object) -> ScopeGate:
    """Two on-topic questions along the first axis, two off-topic ones along the second."""
    fields: dict[str, object] = dict(
        k=1, threshold=0.0, training_files=["a.jsonl", "b.jsonl"],
        questions=[LabelledQuestion(text=t, on_topic=on) for t, on in
                   (("on 1", True), ("on 2", True), ("off 1", False), ("off 2", False))])
    fields.update(changes)
    return ScopeGate.model_validate(fields)


VECTORS = np.array([[1.0, 0.0, 0.0], [0.9, 0.1, 0.0], [0.0, 1.0, 0.0], [0.1, 0.9, 0.0]],
                   dtype=np.float32)


def _calibration(gate: ScopeGate | None, model_key: str = "m") -> NoMatchCalibration:
    return NoMatchCalibration(dense=0.3, lexical=0.6, model_key=model_key, judged_set="s",
                              on_topic=1, off_topic=1, margin_dense=0.1, calibrated_at="now",
                              scope=gate)


def test_the_gate_scores_nearest_on_topic_against_nearest_off_topic() -> None:
    scorer = ScopeScorer.of(_gate(), VECTORS)
    vector = np.array([0.8, 0.6, 0.0], dtype=np.float32)
    unit = VECTORS / np.linalg.norm(VECTORS, axis=1, keepdims=True)
    # k = 1: the closest on-topic cosine less the closest off-topic one
    expected = max(unit[:2] @ vector) - max(unit[2:] @ vector)
    assert scorer.score(vector) == pytest.approx(float(expected), abs=1e-6)
    assert ScopeScorer.of(_gate(k=2), VECTORS).score(vector) == pytest.approx(
        float((unit[:2] @ vector).mean() - (unit[2:] @ vector).mean()), abs=1e-6)


def test_a_calibrated_gate_refuses_beside_the_thresholds() -> None:
    rule = NoMatchRule.calibrated(_calibration(_gate()), "m", VECTORS)
    assert rule.source == "calibrated" and rule.scope is not None
    toward = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    away = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    # close by the thresholds (cosine 0.4 > 0.3), but the gate says off topic
    assert rule.refuses(Evidence(0.4, 0.0), away)
    assert not rule.refuses(Evidence(0.4, 0.0), toward)
    # far by the thresholds (cosine 0.2 < 0.3, few words): refused whatever the gate says
    assert rule.scope is not None and rule.scope.score(toward) > rule.scope.threshold
    assert rule.refuses(Evidence(0.2, 0.0), toward)
    assert not rule.refuses(Evidence(0.2, 0.7), toward)  # its words are there
    # without the embedding (or one of another size) the thresholds decide
    assert not rule.refuses(Evidence(0.4, 0.0))
    assert rule.refuses(Evidence(0.2, 0.0), np.ones(5, dtype=np.float32))


def test_thresholds_without_a_gate_and_default_for_another_model() -> None:
    rule = NoMatchRule.calibrated(_calibration(None), "m")
    assert rule.scope is None and rule.refuses(Evidence(0.2, 0.5), np.ones(3))
    assert not rule.refuses(Evidence(0.4, 0.0))
    assert NoMatchRule.calibrated(_calibration(_gate()), "other", VECTORS) == \
        NoMatchRule.default()
    # a gate whose questions were not embedded (an index built before the gate): thresholds
    assert NoMatchRule.calibrated(_calibration(_gate()), "m").scope is None


def test_a_gate_that_does_not_fit_its_vectors_is_rejected() -> None:
    with pytest.raises(ValueError, match="3 questions"):
        ScopeScorer.of(_gate(questions=_gate().questions[:3]), VECTORS)
    with pytest.raises(ValueError, match="at least k = 3"):
        ScopeScorer.of(_gate(k=3), VECTORS)
