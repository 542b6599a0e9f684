"""The scope gate's question vectors: saved with a version and read back only if they fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backqa.index.scope_vectors import load_scope_vectors, save_scope_vectors


def test_saved_vectors_load_and_must_fit_the_gates_questions(tmp_path: Path) -> None:
    assert load_scope_vectors(tmp_path, 3) is None  # a version built without a gate
    vectors = np.eye(3, 4, dtype=np.float64)
    save_scope_vectors(tmp_path, vectors)
    loaded = load_scope_vectors(tmp_path, 3)
    assert loaded is not None and loaded.dtype == np.float32 and np.allclose(loaded, vectors)
    with pytest.raises(ValueError, match=r"scope\.npy: \(3, 4\) does not fit .* 5 questions"):
        load_scope_vectors(tmp_path, 5)
    (tmp_path / "scope.npy").write_bytes(b"not numpy")
    with pytest.raises(ValueError, match=r"scope\.npy: not readable"):
        load_scope_vectors(tmp_path, 3)
