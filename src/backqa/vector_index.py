"""The dense vector index (FAISS): inner product over normalised vectors, i.e. cosine."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

VECTORS_FILE = "vectors.faiss"


def build_vector_index(vectors: np.ndarray) -> tuple[faiss.Index, dict[str, object]]:
    """An index for these vectors (row i = passage row i) and a description for the manifest."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index, {"type": "IndexFlatIP", "exact": True}


def save_vector_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_vector_index(path: Path) -> faiss.Index:
    """Read a FAISS file; raises ValueError naming the file when it is damaged."""
    try:
        return faiss.read_index(str(path))
    except RuntimeError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise ValueError(f"{path}: not a readable FAISS index ({first_line})") from exc
