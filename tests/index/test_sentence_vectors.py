"""Sentence vectors: saved with a version, read back, and each passage's best sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backqa.index.sentences import (
    SentenceVectors,
    embedded_spans,
    load_sentence_vectors,
    save_sentence_vectors,
)


def unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def test_best_is_each_passages_closest_sentence() -> None:
    vectors = np.vstack([unit(1, 0), unit(0, 1), unit(1, 1), unit(-1, 0)])
    offsets = np.array([0, 2, 2, 4])  # passage 0: sentences 0-1; passage 1: none; 2: 2-3
    sentences = SentenceVectors(vectors, offsets)
    best = sentences.best(np.array([2, 0, 1]), unit(0, 1))
    assert best == pytest.approx([float(unit(1, 1)[1]), 1.0, -1.0])


def test_cosines_are_one_passages_sentences_in_order() -> None:
    sentences = SentenceVectors(np.vstack([unit(1, 0), unit(0, 1), unit(1, 1)]),
                                np.array([0, 2, 2, 3]))
    assert sentences.cosines(0, unit(0, 1)) == pytest.approx([0.0, 1.0])
    assert sentences.cosines(1, unit(0, 1)).shape == (0,)
    assert sentences.cosines(2, unit(1, 0)) == pytest.approx([float(unit(1, 1)[0])])


def test_embedded_spans_skip_sentences_too_short_to_mean_much() -> None:
    text = "Rest for two days. Ok. Then run easy."
    assert [text[a:b] for a, b in embedded_spans(text)] == ["Rest for two days.",
                                                             "Then run easy."]


def test_saved_vectors_load_and_must_fit_the_passages(tmp_path: Path) -> None:
    assert load_sentence_vectors(tmp_path, 2) is None  # a version built without them
    save_sentence_vectors(tmp_path, np.vstack([unit(1, 0), unit(0, 1)]), np.array([0, 1, 2]))
    loaded = load_sentence_vectors(tmp_path, 2)
    assert loaded is not None and loaded.vectors.shape == (2, 2)
    with pytest.raises(ValueError, match=r"sentence-offsets\.npy: does not fit 3 passages"):
        load_sentence_vectors(tmp_path, 3)


def test_vectors_are_stored_as_float16_and_float32_files_still_load(tmp_path: Path) -> None:
    vectors = np.vstack([unit(3, 4), unit(1, 2)])
    save_sentence_vectors(tmp_path, vectors, np.array([0, 2]))
    loaded = load_sentence_vectors(tmp_path, 1)
    assert loaded is not None and loaded.vectors.dtype == np.float16
    assert loaded.best(np.array([0]), unit(3, 4)) == pytest.approx([1.0], abs=1e-3)
    np.save(tmp_path / "sentences.npy", vectors)  # written before float16: still read
    older = load_sentence_vectors(tmp_path, 1)
    assert older is not None and older.vectors.dtype == np.float32
    assert older.best(np.array([0]), unit(3, 4)) == pytest.approx([1.0], abs=1e-6)
