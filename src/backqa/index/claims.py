"""Claim vectors: what each passage says, apart from what the whole library is about.

The embedding of a passage's text alone, centred on the library's mean and re-normalised;
written at ingest, read by search to tell which sources agree (`search.agreement`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backqa.index.layout import CLAIMS


def claim_vectors(text_vectors: np.ndarray) -> np.ndarray:
    """Centre L2-normalised text embeddings on their mean and re-normalise (float32)."""
    vectors = np.asarray(text_vectors, dtype=np.float32)
    if len(vectors) == 0:
        return vectors.reshape(0, vectors.shape[-1] if vectors.ndim == 2 else 0)
    centred = vectors - vectors.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return np.ascontiguousarray(centred / np.where(norms > 0, norms, 1.0), dtype=np.float32)


def save_claims(vectors: np.ndarray, folder: Path) -> Path:
    path = folder / CLAIMS
    np.save(path, np.ascontiguousarray(vectors, dtype=np.float32))
    return path


def load_claims(folder: Path) -> np.ndarray | None:
    """The version's claim vectors (memory-mapped), or None for an index built without them."""
    path = folder / CLAIMS
    if not path.is_file():
        return None
    try:
        claims: np.ndarray = np.load(path, mmap_mode="r")
        return claims
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not a readable claim-vector file ({exc})") from exc
