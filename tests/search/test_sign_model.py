"""The notice's semantic layer: its weights file, its thresholds, and when the detector asks it."""

from __future__ import annotations

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


def model(scores: list[float], thresholds: list[float], key: str = "k") -> SignModel:
    """A model over 4-d vectors whose score for sign i at the vector `ONES` is `scores[i]`:
    its ordinary examples sit at cosine 0.5 to it, and sign i's at 0.5 + `scores[i]`."""
    signs = tuple(SIGNS)[:len(scores)]
    ones = np.ones(4, dtype=np.float32) / 2.0  # unit vector
    ordinary = _at(ones, 0.5)  # three ordinary examples at cosine 0.5 to ONES
    examples, labels, flags = [ordinary] * 3, [[False] * len(signs)] * 3, [True] * 3
    for i, score in enumerate(scores):  # three examples of sign i at cosine 0.5 + score
        examples += [_at(ones, 0.5 + score)] * 3
        labels += [[j == i for j in range(len(signs))]] * 3
        flags += [False] * 3
    return SignModel(key, signs, np.asarray(examples, dtype=np.float32),
                     np.asarray(labels, dtype=bool), np.asarray(flags, dtype=bool),
                     np.asarray(thresholds, dtype=np.float32), k=3)


def _at(unit: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector at `cosine` to `unit` (in the plane of `unit` and a fixed other axis)."""
    other = np.array([1.0, -1.0, 0.0, 0.0], dtype=np.float32) / np.sqrt(2.0)
    return (cosine * unit + np.sqrt(1.0 - cosine ** 2) * other).astype(np.float32)


ONES = np.ones(4, dtype=np.float32) / 2.0  # a unit vector


def test_signs_exceed_their_own_thresholds_highest_first() -> None:
    m = model(scores=[0.1, 0.4, 0.2], thresholds=[0.15, 0.3, 0.1])
    assert np.allclose(m.scores(ONES), [0.1, 0.4, 0.2], atol=1e-5)
    assert m.signs(ONES) == [m.sign_ids[1], m.sign_ids[2]]


def test_scores_are_the_k_nearest_of_a_sign_less_the_k_nearest_ordinary() -> None:
    rng = np.random.default_rng(1)
    examples = rng.normal(size=(40, 8)).astype(np.float32)
    examples /= np.linalg.norm(examples, axis=1, keepdims=True)
    labels = np.zeros((40, 2), dtype=bool)
    labels[:10, 0] = labels[10:20, 1] = labels[5, 1] = True  # example 5 names both signs
    ordinary = ~labels.any(axis=1)
    m = SignModel("k", ("a", "b"), examples, labels, ordinary, np.zeros(2, np.float32), k=3)
    question = rng.normal(size=8).astype(np.float32)
    sims = examples @ question
    top = [float(np.sort(sims[rows])[-3:].mean())
           for rows in (ordinary, labels[:, 0], labels[:, 1])]
    assert np.allclose(m.scores(question), [top[1] - top[0], top[2] - top[0]], atol=1e-5)
    assert np.allclose(m.scores_from(sims[None, :])[0], m.scores(question), atol=1e-5)


def test_model_file_round_trips_and_errors_name_the_file(tmp_path: Path) -> None:
    m = model(scores=[0.1, -0.1], thresholds=[0.05, 0.0])
    path = tmp_path / "m.npz"
    m.save(path)
    back = SignModel.read(path)
    assert back.sign_ids == m.sign_ids and back.k == 3 and back.model_key == "k"
    assert np.allclose(back.examples, m.examples, atol=1e-3)  # stored as float16
    assert np.array_equal(back.labels, m.labels) and np.allclose(back.thresholds, m.thresholds)
    with np.load(path) as raw:
        fields = dict(raw)
    np.savez(path, **{k: v for k, v in fields.items() if k != "thresholds"})
    with pytest.raises(SignModelError, match=r"m\.npz: missing field 'thresholds'"):
        SignModel.read(path)
    np.savez(path, **{**fields, "thresholds": np.zeros(5, np.float32)})
    with pytest.raises(SignModelError, match=r"m\.npz: .*one column per sign"):
        SignModel.read(path)
    np.savez(path, **{**fields, "k": np.array(4)})  # fewer examples of a sign than k
    with pytest.raises(SignModelError, match=r"m\.npz: .*at least k examples"):
        SignModel.read(path)
    path.write_bytes(b"not a model")
    with pytest.raises(SignModelError, match=r"m\.npz: cannot read"):
        SignModel.read(path)


def test_packaged_model_is_used_only_with_the_encoder_it_was_trained_with(
        real_encoder) -> None:  # type: ignore[no-untyped-def]
    bundled = SignModel.bundled(real_encoder.identity.key)
    assert bundled is not None, f"retrain {MODEL_FILE}: python -m backqa.tools.notice_train"
    assert bundled.sign_ids == tuple(SIGNS)
    assert bundled.examples.shape[1] == real_encoder.identity.dimensions
    assert bundled.labels.sum(axis=0).min() >= 50 and bundled.ordinary.sum() >= 500
    assert "questions" in bundled.describe() and len(bundled.describe()["thresholds"]) == 9
    for other in (FakeEncoder(), OtherModel()):
        assert SignModel.bundled(other.identity.key) is None
        assert WarningSignDetector.for_encoder(other.identity.key).model is None


def test_the_semantic_layer_speaks_only_on_topic_and_where_the_words_are_silent() -> None:
    always = WarningSignDetector(model=model(scores=[0.4], thresholds=[0.1]))  # nerve, always
    vector = ONES
    question = "my back has been feeling odd after my runs lately"
    assert always.detect(question, vector, evidence=ON_TOPIC) is not None
    assert always.detect(question, vector, evidence=OFF_TOPIC) is None  # off topic: never
    assert always.detect(question, None, evidence=ON_TOPIC) is None  # no vector, no layer
    # A sign the words found negated is never named by the layer...
    negated = "no numbness, just a sore back after runs"
    assert always.detect(negated, vector, evidence=ON_TOPIC) is None
    # ... but another sign may be ("no pins and needles, but I've dropped 6kg").
    two = WarningSignDetector(model=model(scores=[0.4, 0.3], thresholds=[0.1, 0.1]))
    other = two.detect(negated, vector, evidence=ON_TOPIC)
    assert other is not None and other.signs == [tuple(SIGNS)[1]]
    # Where the words found a sign, they name it.
    found = always.detect("my back hurts at night", vector, evidence=ON_TOPIC)
    assert found is not None and found.signs == ["night_rest"]
    semantic = always.detect(question, vector, evidence=ON_TOPIC)
    assert semantic is not None and semantic.signs == [next(iter(SIGNS))]
    assert semantic.triggers == [] and "doctor or physical therapist" in semantic.message
