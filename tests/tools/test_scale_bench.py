"""The scale benchmark builds a version as ingest writes it (sentence and claim vectors
included) and times the ranking with and without the sentence signal; run here on a few
hundred passages with stand-in title and question vectors, so it takes seconds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from backqa.index.layout import VersionFiles
from backqa.index.loaded import LoadedIndex
from backqa.tools import scale_bench
from backqa.tools.scale_corpus import passages_for, sentence_counts

N = 300


def _bases(out: Path) -> None:
    rng = np.random.default_rng(3)
    titles = rng.standard_normal((400, 384)).astype(np.float32)
    queries = rng.standard_normal((scale_bench.QUERIES, 384)).astype(np.float32)
    for matrix in (titles, queries):
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / "bases.npz", titles=titles, queries=queries)


def test_the_built_version_has_every_view_ingest_writes(tmp_path: Path) -> None:
    _bases(tmp_path)
    built = scale_bench.build(N, tmp_path)
    assert built["passages"] == N
    version = tmp_path / f"n{N}" / "version"
    index = LoadedIndex.load(version, verify=True)
    assert index.passage_count == N
    files = VersionFiles(version)
    offsets = np.load(files.sentence_offsets)
    counts = sentence_counts(passages_for(N))
    assert np.array_equal(np.diff(offsets), counts)
    assert np.load(files.sentences, mmap_mode="r").shape == (int(counts.sum()), 384)
    assert np.load(files.claims, mmap_mode="r").shape == (N, 384)
    assert not list((tmp_path / f"n{N}").glob("*.npy"))  # the inputs are removed

    measured = scale_bench.measure(N, tmp_path)
    assert measured["queries"] == scale_bench.QUERIES
    assert measured["query_median_ms"] > 0 and measured["query_median_ms_before_issue_12"] > 0
