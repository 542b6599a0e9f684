"""The no-match rule: the thresholds refuse what is far from the library, and a library's scope
gate refuses what it learned is off topic."""

from __future__ import annotations

import numpy as np
import pytest

from backqa.index.calibration import NoMatchCalibration, ScopeGate
from backqa.search.no_match import Evidence, NoMatchRule, ScopeScorer


def _gate(**changes: object) -> ScopeGate:
    fields: dict[str, object] = dict(
        features=["dense", "nearest"], feature_weights=[2.0, 1.0],
        vector_weights=[1.0, -1.0, 0.0], bias=-1.0, threshold=0.0, regularization=0.03,
        training_files=["a.jsonl", "b.jsonl"])
    fields.update(changes)
    return ScopeGate.model_validate(fields)


def _calibration(gate: ScopeGate | None, model_key: str = "m") -> NoMatchCalibration:
    return NoMatchCalibration(dense=0.3, lexical=0.6, model_key=model_key, judged_set="s",
                              on_topic=1, off_topic=1, margin_dense=0.1, calibrated_at="now",
                              scope=gate)


def test_the_gate_scores_embedding_and_evidence() -> None:
    scorer = ScopeScorer.of(_gate())
    vector = np.array([0.5, 0.25, 9.0], dtype=np.float32)
    # 0.5 - 0.25 + 2 * 0.4 + 1 * 0.2 - 1
    assert scorer.score(Evidence(0.4, 0.0, nearest=0.2), vector) == pytest.approx(0.25)


def test_a_calibrated_gate_refuses_beside_the_thresholds() -> None:
    rule = NoMatchRule.calibrated(_calibration(_gate()), "m")
    assert rule.source == "calibrated" and rule.scope is not None
    toward = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    away = np.array([0.0, 1.0, 0.0], dtype=np.float32)
    # close by the thresholds (cosine 0.4 > 0.3), but the gate says off topic
    assert rule.refuses(Evidence(0.4, 0.0, nearest=0.1), away)
    assert not rule.refuses(Evidence(0.4, 0.0, nearest=0.1), toward)
    # far by the thresholds (cosine 0.2 < 0.3, few words): refused whatever the gate says
    assert ScopeScorer.of(_gate()).score(Evidence(0.2, 0.0, nearest=0.1), toward) > 0
    assert rule.refuses(Evidence(0.2, 0.0, nearest=0.1), toward)
    assert not rule.refuses(Evidence(0.2, 0.7, nearest=0.1), toward)  # its words are there
    # without the embedding (or one of another size) the thresholds decide
    assert not rule.refuses(Evidence(0.4, 0.0))
    assert rule.refuses(Evidence(0.2, 0.0), np.ones(5, dtype=np.float32))


def test_thresholds_without_a_gate_and_default_for_another_model() -> None:
    rule = NoMatchRule.calibrated(_calibration(None), "m")
    assert rule.scope is None and rule.refuses(Evidence(0.2, 0.5), np.ones(3))
    assert not rule.refuses(Evidence(0.4, 0.0))
    assert NoMatchRule.calibrated(_calibration(_gate()), "other") == NoMatchRule.default()


def test_a_gate_over_unknown_evidence_is_rejected() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        ScopeScorer.of(_gate(features=["dense", "colour"]))
    with pytest.raises(ValueError, match="do not fit"):
        ScopeScorer.of(_gate(feature_weights=[1.0]))
