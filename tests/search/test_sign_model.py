"""The notice's semantic layer: its weights file, its thresholds, and when the detector asks it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from backqa.search.no_match import Evidence
from backqa.search.notice import WarningSignDetector
from backqa.search.sign_model import MODEL_FILE, SignModel, SignModelError
from backqa.search.warning_signs import SIGNS
from helpers import FakeEncoder, OtherModel

ON_TOPIC = Evidence(dense=0.9, lexical=0.9)  # the library has plenty on the question
OFF_TOPIC = Evidence(dense=0.1, lexical=0.1)


def model(bias: list[float], thresholds: list[float], key: str = "k") -> SignModel:
    """A model that ignores the vector: each sign's probability comes from its bias."""
    signs = tuple(SIGNS)[:len(bias)]
    return SignModel(key, signs, np.zeros((len(bias), 4), dtype=np.float32),
                     np.asarray(bias, dtype=np.float32), np.asarray(thresholds, dtype=np.float32))


def test_signs_reach_their_own_thresholds_most_probable_first() -> None:
    m = model(bias=[0.0, 3.0, 1.0], thresholds=[0.6, 0.9, 0.7])  # p = 0.5, 0.95, 0.73
    assert m.signs(np.ones(4)) == [m.sign_ids[1], m.sign_ids[2]]
    assert np.allclose(m.probabilities(np.ones(4)), [0.5, 0.9526, 0.7311], atol=1e-3)


def test_weights_file_round_trips_and_errors_name_the_file(tmp_path: Path) -> None:
    m = model(bias=[0.5, -0.5], thresholds=[0.8, 0.9])
    path = tmp_path / "w.json"
    path.write_text(json.dumps(m.to_dict(trained_at="now")))
    back = SignModel.read(path)
    assert back.sign_ids == m.sign_ids and np.allclose(back.bias, m.bias)
    raw = json.loads(path.read_text())
    del raw["thresholds"]
    path.write_text(json.dumps(raw))
    with pytest.raises(SignModelError, match=r"w\.json: missing field 'thresholds'"):
        SignModel.read(path)
    raw["thresholds"] = [0.5]
    path.write_text(json.dumps(raw))
    with pytest.raises(SignModelError, match=r"w\.json: .*one row per sign"):
        SignModel.read(path)
    path.write_text("{not json")
    with pytest.raises(SignModelError, match=r"w\.json: cannot read"):
        SignModel.read(path)


def test_packaged_weights_are_used_only_with_the_model_they_were_trained_with(
        real_encoder) -> None:  # type: ignore[no-untyped-def]
    bundled = SignModel.bundled(real_encoder.identity.key)
    assert bundled is not None, f"retrain {MODEL_FILE}: python -m backqa.tools.notice_train"
    assert bundled.sign_ids == tuple(SIGNS)
    assert bundled.weights.shape == (len(SIGNS), real_encoder.identity.dimensions)
    assert np.all((bundled.thresholds >= 0.5) & (bundled.thresholds < 1.0))
    for other in (FakeEncoder(), OtherModel()):
        assert SignModel.bundled(other.identity.key) is None
        assert WarningSignDetector.for_encoder(other.identity.key).model is None


def test_the_semantic_layer_speaks_only_on_topic_and_where_the_words_are_silent() -> None:
    always = WarningSignDetector(model=model(bias=[5.0], thresholds=[0.9]))
    vector = np.ones(4, dtype=np.float32)
    question = "my back has been feeling odd after my runs lately"
    assert always.detect(question, vector, evidence=ON_TOPIC) is not None
    assert always.detect(question, vector, evidence=OFF_TOPIC) is None  # off topic: never
    assert always.detect(question, None, evidence=ON_TOPIC) is None  # no vector, no layer
    # A question that names and negates a sign is left to the words.
    negated = "no numbness, just a sore back after runs"
    assert always.detect(negated, vector, evidence=ON_TOPIC) is None
    # Where the words found a sign, they name it.
    found = always.detect("my back hurts at night", vector, evidence=ON_TOPIC)
    assert found is not None and found.signs == ["night_rest"]
    semantic = always.detect(question, vector, evidence=ON_TOPIC)
    assert semantic is not None and semantic.signs == [next(iter(SIGNS))]
    assert semantic.triggers == [] and "doctor or physical therapist" in semantic.message
