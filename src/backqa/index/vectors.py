"""The dense vector index (FAISS): inner product over normalised vectors, i.e. cosine.

The index type is chosen by size. Up to `EXACT_MAX_ROWS` vectors an exact `IndexFlatIP` scan
is fast enough (a few ms per question on 2 cores). Beyond it, an inverted-file index
(`IndexIVFFlat`: k-means cells, full vectors kept, so scores stay exact cosines) scans only
`nprobe` cells; `nprobe` is set at build time from recall@10 measured against exact search, and
stored in the FAISS file and the manifest. Large indexes are memory-mapped when loaded, so
loading is near instant and several server processes share one copy in the page cache.

The tuning queries stand in for questions, which sit far from every passage (SciFact questions:
best cosine about 0.6): indexed vectors plus Gaussian noise of `QUERY_NOISE` per dimension
(best cosine about 0.4), which measured harder than "nearby" queries and close to real ones.
"""

from __future__ import annotations

import math
import mmap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

EXACT_MAX_ROWS = 20_000
# At 100k synthetic passages and the same nprobe, SciFact questions measured 0.01-0.03 below
# these tuning queries, so the target keeps that margin above the 0.95 the product needs.
TARGET_RECALL = 0.975
QUERY_NOISE = 0.12
NPROBE_STEPS = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
MMAP_MIN_BYTES = 64 * 2**20
# One OpenMP thread per search: a query is small, and with 2 cores shared by request threads
# and other processes, FAISS's spinning OpenMP workers made one 10k-vector scan 20-35x slower
# (measured: 1.4 ms with 1 thread, 28-49 ms with 2 under load).
SEARCH_THREADS = 1
RECALL_K = 10
# Vectors added, and scanned for the exact neighbours, this many rows at a time (96 MB).
CHUNK_ROWS = 65_536


@dataclass(frozen=True)
class VectorIndexBuilder:
    """Builds the FAISS index for a matrix of normalised vectors (row i = passage row i).

    `build` returns the index and a description for the manifest (type, parameters, measured
    recall). `exact_max_rows` picks the type; `sample` queries measure recall at build time.
    The matrix may be memory-mapped (a `.npy` opened with `mmap_mode="r"`): it is trained on a
    sample, added and scanned `chunk_rows` at a time, so only the index holds all vectors."""

    exact_max_rows: int = EXACT_MAX_ROWS
    target_recall: float = TARGET_RECALL
    sample: int = 300
    train_iterations: int = 12
    seed: int = 1234
    chunk_rows: int = CHUNK_ROWS

    def build(self, vectors: np.ndarray) -> tuple[faiss.Index, dict[str, object]]:
        n, dims = vectors.shape
        if n <= self.exact_max_rows:
            flat = faiss.IndexFlatIP(dims)
            for block in row_blocks(vectors, self.chunk_rows):
                flat.add(block)
            return flat, {"type": "IndexFlatIP", "exact": True, "rows": n}
        started = time.perf_counter()
        nlist = self.cells(n)
        rng = np.random.default_rng(self.seed)
        train_rows = min(n, nlist * 40)  # FAISS wants >= 39 points per cell
        train = _rows(vectors, np.sort(rng.choice(n, size=train_rows, replace=False)))
        quantizer = faiss.IndexFlatIP(dims)
        index = faiss.IndexIVFFlat(quantizer, dims, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.niter = self.train_iterations
        index.cp.seed = self.seed
        index.train(train)
        del train
        for block in row_blocks(vectors, self.chunk_rows):  # ids stay 0..n-1, lists in order
            index.add(block)
        nprobe, recall, curve = self.tune(index, vectors, rng)
        index.nprobe = nprobe
        return index, {"type": "IndexIVFFlat", "exact": False, "rows": n, "nlist": nlist,
                       "nprobe": nprobe, "recall_at_10": round(recall, 4),
                       "target_recall": self.target_recall, "recall_sample": self.sample,
                       "recall_by_nprobe": curve,
                       "build_seconds": round(time.perf_counter() - started, 2)}

    @staticmethod
    def cells(n: int) -> int:
        """Number of IVF cells: about 4 sqrt(n), a power of two (1M -> 4096)."""
        return int(2 ** round(math.log2(max(16.0, 4 * math.sqrt(n)))))

    def tune(self, index: faiss.IndexIVF, vectors: np.ndarray,
             rng: np.random.Generator) -> tuple[int, float, dict[str, float]]:
        """The smallest nprobe whose recall@10 against exact search reaches the target."""
        n = vectors.shape[0]
        rows = rng.choice(n, size=min(self.sample, n), replace=False)
        queries = _rows(vectors, rows) + rng.standard_normal((len(rows), vectors.shape[1]),
                                                             dtype=np.float32) * QUERY_NOISE
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        truth = exact_neighbours(vectors, queries, RECALL_K, self.chunk_rows)
        curve: dict[str, float] = {}
        best = (NPROBE_STEPS[-1], 0.0)
        for nprobe in NPROBE_STEPS:
            if nprobe > index.nlist:
                break
            index.nprobe = nprobe
            _, found = index.search(queries, RECALL_K)
            recall = recall_at_k(truth, found, RECALL_K)
            curve[str(nprobe)] = round(recall, 4)
            best = (nprobe, recall)
            if recall >= self.target_recall:
                break
        return best[0], best[1], curve


def exact_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int,
                     chunk_rows: int = CHUNK_ROWS) -> np.ndarray:
    """Row ids of the exact top-k by inner product, `chunk_rows` vectors at a time (so a
    memory-mapped matrix is never resident whole); the chunks' top-k merged by score."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    scores: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    first = 0
    for block in row_blocks(vectors, chunk_rows):
        block_scores, block_ids = faiss.knn(queries, block, min(k, block.shape[0]),
                                            metric=faiss.METRIC_INNER_PRODUCT)
        scores.append(block_scores)
        ids.append(block_ids + first)
        first += block.shape[0]
    if not ids:
        return np.zeros((queries.shape[0], 0), dtype=np.int64)
    all_scores, all_ids = np.concatenate(scores, axis=1), np.concatenate(ids, axis=1)
    order = np.lexsort((all_ids, -all_scores), axis=1)[:, :k]  # best score, then lowest row
    merged: np.ndarray = np.take_along_axis(all_ids, order, axis=1)
    return merged


def row_blocks(vectors: np.ndarray, rows: int = CHUNK_ROWS) -> Iterator[np.ndarray]:
    """Consecutive blocks of at most `rows` rows as contiguous float32 (a view when they
    already are). After each block of a memory-mapped matrix its pages are dropped from this
    process: read once, they would otherwise all stay resident (1.5 GB at a million rows)."""
    for start in range(0, vectors.shape[0], rows):
        yield np.ascontiguousarray(vectors[start : start + rows], dtype=np.float32)
        release_pages(vectors)


def release_pages(vectors: np.ndarray) -> None:
    """Drop a shared memory map's pages from this process (they stay in the page cache and
    are read back on the next access); nothing for an array in memory or a private map,
    whose changed pages the kernel would discard."""
    if isinstance(vectors, np.memmap) and vectors.mode != "c":
        base = vectors.base
        while base is not None and not isinstance(base, mmap.mmap):
            base = getattr(base, "base", None)
        if isinstance(base, mmap.mmap):
            base.madvise(mmap.MADV_DONTNEED)


def _rows(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A copy of some rows, as float32 (the pages read for it released)."""
    picked = np.ascontiguousarray(vectors[rows], dtype=np.float32)
    release_pages(vectors)
    return picked


def recall_at_k(truth: np.ndarray, found: np.ndarray, k: int = RECALL_K) -> float:
    """Mean share of the exact top-k found in the approximate top-k."""
    hits = [len(set(t[:k].tolist()) & set(f[:k].tolist())) for t, f in zip(truth, found,
                                                                           strict=True)]
    return float(np.mean(hits)) / k if hits else 1.0


class StoredVectors:
    """Reads stored vectors back by row (IVF indexes need their direct map for it)."""

    def __init__(self, index: faiss.Index) -> None:
        self.index = index
        self.readable = _enable_reconstruct(index)

    def get(self, rows: list[int]) -> np.ndarray | None:
        """The vectors of these rows, or None if the index cannot return them."""
        if not self.readable or not rows:
            return None
        try:
            return self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        except RuntimeError:
            return None


def _enable_reconstruct(index: faiss.Index) -> bool:
    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:
        ivf = None
    try:
        if ivf is not None:
            ivf.make_direct_map()
        if index.ntotal:
            index.reconstruct(0)
        return True
    except RuntimeError:
        return False


def build_vector_index(vectors: np.ndarray) -> tuple[faiss.Index, dict[str, object]]:
    """An index for these vectors (row i = passage row i) and a description for the manifest."""
    return VectorIndexBuilder().build(vectors)


def save_vector_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_vector_index(path: Path) -> faiss.Index:
    """Read a FAISS file; raises ValueError naming the file when it is damaged."""
    faiss.omp_set_num_threads(SEARCH_THREADS)
    flags = 0
    if path.is_file() and path.stat().st_size >= MMAP_MIN_BYTES:
        # Read-only map of the vectors: 1M passages load in ms instead of seconds.
        flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY
    try:
        return faiss.read_index(str(path), flags)
    except RuntimeError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreadable"
        raise ValueError(f"{path}: not a readable FAISS index ({first_line})") from exc
