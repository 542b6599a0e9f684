"""The FAISS index: exact while small, IVF tuned to a measured recall beyond."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

from backqa.index import vectors as vector_index
from backqa.index.vectors import (
    VectorIndexBuilder,
    build_vector_index,
    exact_neighbours,
    load_vector_index,
    recall_at_k,
    release_pages,
    row_blocks,
    save_vector_index,
)


def clustered(n: int, dims: int = 64, centres: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.standard_normal((centres, dims)).astype(np.float32)
    x = c[rng.integers(centres, size=n)] + 0.35 * rng.standard_normal((n, dims)).astype(
        np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_small_index_is_exact() -> None:
    vectors = clustered(500)
    index, info = build_vector_index(vectors)
    assert info == {"type": "IndexFlatIP", "exact": True, "rows": 500}
    _, ids = index.search(vectors[:5], 1)
    assert ids[:, 0].tolist() == [0, 1, 2, 3, 4]


def test_large_index_is_ivf_with_measured_recall() -> None:
    vectors = clustered(6000)
    builder = VectorIndexBuilder(exact_max_rows=1000, target_recall=0.9, sample=100)
    index, info = builder.build(vectors)
    assert info["type"] == "IndexIVFFlat" and info["exact"] is False
    assert info["nlist"] == builder.cells(6000) == faiss.extract_index_ivf(index).nlist
    assert info["nprobe"] == faiss.extract_index_ivf(index).nprobe
    assert info["recall_at_10"] >= 0.9
    assert info["recall_by_nprobe"][str(info["nprobe"])] == info["recall_at_10"]
    # recall on fresh queries, checked independently of the tuning sample
    rng = np.random.default_rng(99)
    queries = vectors[rng.choice(6000, 50)] + 0.1 * rng.standard_normal((50, 64)).astype(
        np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    truth = exact_neighbours(vectors, queries, 10)
    _, found = index.search(queries, 10)
    assert recall_at_k(truth, found) >= 0.85


def test_cells_grow_with_size() -> None:
    assert VectorIndexBuilder.cells(1_000_000) == 4096
    assert VectorIndexBuilder.cells(100_000) == 1024
    assert VectorIndexBuilder.cells(10) == 16


def test_recall_at_k() -> None:
    truth = np.array([[1, 2, 3, 4]])
    assert recall_at_k(truth, np.array([[4, 3, 2, 1]]), 4) == 1.0
    assert recall_at_k(truth, np.array([[1, 2, 9, 8]]), 4) == 0.5


@pytest.mark.parametrize("mmap", [False, True])
def test_save_and_load_keep_parameters_and_results(tmp_path: Path, mmap: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if mmap:
        monkeypatch.setattr(vector_index, "MMAP_MIN_BYTES", 0)
    vectors = clustered(3000)
    index, info = VectorIndexBuilder(exact_max_rows=100, sample=50).build(vectors)
    path = tmp_path / "vectors.faiss"
    save_vector_index(index, path)
    loaded = load_vector_index(path)
    assert loaded.ntotal == 3000
    assert faiss.extract_index_ivf(loaded).nprobe == info["nprobe"]
    expected = index.search(vectors[:20], 10)
    got = loaded.search(vectors[:20], 10)
    assert np.array_equal(expected[1], got[1]) and np.allclose(expected[0], got[0])


def test_exact_neighbours_in_chunks_equal_one_scan() -> None:
    vectors = clustered(2000, seed=4)
    queries = clustered(30, seed=5)
    _, whole = faiss.knn(queries, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    for chunk in (1, 7, 333, 5000):
        assert np.array_equal(exact_neighbours(vectors, queries, 10, chunk), whole)


def test_build_from_a_memory_map_in_slices_equals_one_block(tmp_path: Path) -> None:
    vectors = clustered(3000, seed=6)
    np.save(tmp_path / "v.npy", vectors)
    mapped = np.load(tmp_path / "v.npy", mmap_mode="r")
    whole, info = VectorIndexBuilder(exact_max_rows=100, sample=50).build(vectors)
    sliced, sliced_info = VectorIndexBuilder(exact_max_rows=100, sample=50,
                                             chunk_rows=128).build(mapped)
    info.pop("build_seconds")
    sliced_info.pop("build_seconds")
    assert info == sliced_info
    assert np.array_equal(faiss.serialize_index(whole), faiss.serialize_index(sliced))


def test_row_blocks_cover_the_matrix_in_order() -> None:
    vectors = np.arange(20, dtype=np.float64).reshape(10, 2)
    blocks = list(row_blocks(vectors, 4))
    assert [b.shape[0] for b in blocks] == [4, 4, 2]
    assert all(b.dtype == np.float32 and b.flags.c_contiguous for b in blocks)
    assert np.array_equal(np.concatenate(blocks), vectors.astype(np.float32))


def _rss_file_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no RssFile in /proc/self/status")


def test_released_pages_leave_the_process_but_not_the_data(tmp_path: Path) -> None:
    rows = 64 * 2**20 // (4 * 256)  # 64 MB of float32
    np.save(tmp_path / "big.npy", np.ones((rows, 256), dtype=np.float32))
    mapped = np.load(tmp_path / "big.npy", mmap_mode="r")
    assert float(mapped.sum(dtype=np.float64)) == rows * 256  # every page read
    resident = _rss_file_mb()
    release_pages(mapped)
    assert resident - _rss_file_mb() > 48
    assert float(mapped[rows // 2].sum()) == 256  # read back from the file
    in_memory = np.ones(4, dtype=np.float32)
    release_pages(in_memory)  # nothing to release
    assert in_memory.sum() == 4


def test_damaged_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "vectors.faiss"
    path.write_bytes(b"not a faiss index at all")
    with pytest.raises(ValueError, match=r"vectors\.faiss: not a readable FAISS index"):
        load_vector_index(path)
