"""The scope gate's labelled questions, embedded at ingest with the index's own model.

`ScopeGate.questions` (in the calibration) says what they are; this file holds their vectors,
one row per question in that order, so search needs no model call to compare a question with
them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backqa.index.layout import VersionFiles


def save_scope_vectors(folder: Path, vectors: np.ndarray) -> None:
    np.save(VersionFiles(folder).scope, np.ascontiguousarray(vectors, dtype=np.float32))


def load_scope_vectors(folder: Path, questions: int) -> np.ndarray | None:
    """The version's scope vectors (in memory: they are small), None for a version without
    them; ValueError names the file when it is unreadable or does not fit `questions`."""
    path = VersionFiles(folder).scope
    if not path.is_file():
        return None
    try:
        vectors = np.asarray(np.load(path), dtype=np.float32)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not readable scope vectors ({exc})") from exc
    if vectors.ndim != 2 or vectors.shape[0] != questions:
        raise ValueError(f"{path}: {vectors.shape} does not fit the scope gate's {questions} "
                         f"questions")
    return vectors
