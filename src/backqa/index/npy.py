"""Matrices written to `.npy` files a block of rows at a time, so a matrix larger than memory
(the vectors of a million passages, or the sentences of them) never has to be resident."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

# How a passage's other views (its sentences, its claim) are stored: search reads them for
# every candidate, and at a million passages they are the largest files (docs/scaling.md).
VIEW_DTYPE = np.float16


def write_npy_blocks(path: Path, blocks: Iterable[np.ndarray], rows: int, dims: int,
                     dtype: type[np.floating] = np.float32) -> None:
    """Write a (rows, dims) `.npy` of `dtype` from consecutive blocks of rows; ValueError
    names the file when the blocks do not add up to `rows` rows of `dims` columns."""
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
              "fortran_order": False, "shape": (rows, dims)}
    written = 0
    with open(path, "wb") as handle:
        np.lib.format.write_array_header_1_0(handle, header)
        for block in blocks:
            if block.ndim != 2 or block.shape[1] != dims:
                raise ValueError(f"{path}: a block of shape {block.shape} for {dims} columns")
            handle.write(np.ascontiguousarray(block, dtype=dtype).tobytes())
            written += block.shape[0]
    if written != rows:
        raise ValueError(f"{path}: {written} rows written for {rows}")
