"""Claim vectors: what each passage says, apart from what the whole library is about.

The embedding of a passage's text alone, centred on the library's mean and re-normalised;
written at ingest (as float16, like the sentence vectors: search reads the claims of every
candidate), read by search to tell which sources agree (`search.agreement`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backqa.index.layout import CLAIMS
from backqa.index.npy import VIEW_DTYPE, write_npy_blocks
from backqa.index.vectors import row_blocks


def claim_vectors(text_vectors: np.ndarray) -> np.ndarray:
    """Centre L2-normalised text embeddings on their mean and re-normalise (float32)."""
    vectors = np.asarray(text_vectors, dtype=np.float32)
    if len(vectors) == 0:
        return vectors.reshape(0, vectors.shape[-1] if vectors.ndim == 2 else 0)
    return _centred(vectors, _mean(vectors))


def save_claims(text_vectors: np.ndarray, folder: Path) -> Path:
    """Write the claim vectors of `text_vectors` (`claim_vectors`), a block of rows at a
    time: the text vectors may be memory-mapped and larger than memory."""
    path = folder / CLAIMS
    rows, dims = text_vectors.shape
    if rows == 0:
        np.save(path, np.zeros((0, dims), dtype=VIEW_DTYPE))
        return path
    mean = _mean(text_vectors)
    write_npy_blocks(path, (_centred(block, mean) for block in row_blocks(text_vectors)),
                     rows, dims, dtype=VIEW_DTYPE)
    return path


def _mean(vectors: np.ndarray) -> np.ndarray:
    total = np.zeros(vectors.shape[1], dtype=np.float64)
    for block in row_blocks(vectors):
        total += block.sum(axis=0, dtype=np.float64)
    mean: np.ndarray = (total / vectors.shape[0]).astype(np.float32)
    return mean[None, :]


def _centred(block: np.ndarray, mean: np.ndarray) -> np.ndarray:
    centred = block - mean
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    return np.ascontiguousarray(centred / np.where(norms > 0, norms, 1.0), dtype=np.float32)


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
