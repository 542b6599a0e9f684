"""The scale benchmark's inputs are generated lazily and the same on every call: passages and
their sources agree, and the vectors file holds exactly the in-memory vectors."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from backqa.index.npy import write_npy_blocks
from backqa.tools.scale_corpus import (
    documents_for,
    passages_for,
    sentence_counts,
    synthetic_blocks,
    synthetic_vectors,
    view_blocks,
)

WORDS = ["runner", "back", "pain", "hill", "stride", "core", "hip", "knee", "stretch", "rest"]
DOCS = [(f"d{i}", f"Title {i}", " ".join(f"{WORDS[(i + j) % 10]} {WORDS[j % 10]}." for j in
                                         range(40 + 37 * (i % 5)))) for i in range(23)]


def test_passages_and_sources_agree_and_repeat() -> None:
    passages = list(passages_for(500, docs=DOCS))
    documents = list(documents_for(500, docs=DOCS))
    assert len(passages) == 500
    assert [p.id for p in passages] == [p.id for p in passages_for(500, docs=DOCS)]
    assert len({p.id for p in passages}) == 500
    assert [d.source.id for d in documents] == list(dict.fromkeys(p.source_id
                                                                  for p in passages))
    for document in documents:
        mine = [p for p in passages if p.source_id == document.source.id]
        assert [p.ordinal for p in mine] == list(range(len(mine)))
        assert {p.section_ordinal for p in mine} <= set(range(len(document.sections)))
    assert all(p.embed_text.endswith(p.text) for p in passages)


def test_passages_are_generated_one_source_at_a_time() -> None:
    first = list(itertools.islice(passages_for(10**9, docs=DOCS), 30))  # returns at once
    assert [p.id for p in first] == [p.id for p in passages_for(30, docs=DOCS)]


@pytest.mark.parametrize("n", [1, 250, 1000])
def test_vectors_file_equals_the_vectors_in_memory(tmp_path: Path, n: int) -> None:
    bases = np.random.default_rng(1).standard_normal((50, 16)).astype(np.float32)
    path = tmp_path / "v.npy"
    write_npy_blocks(path, synthetic_blocks(n, bases, block=300), n, 16)
    mapped = np.load(path, mmap_mode="r")
    assert mapped.shape == (n, 16) and mapped.dtype == np.float32
    blocks = np.concatenate(list(synthetic_blocks(n, bases, block=300)))
    assert np.array_equal(mapped, blocks)
    assert np.allclose(np.linalg.norm(mapped, axis=1), 1, atol=1e-5)
    # what the measure step regenerates in memory is what the build read from the file
    assert np.array_equal(synthetic_vectors(n, bases),
                          np.concatenate(list(synthetic_blocks(n, bases))))


def test_a_short_vectors_file_is_refused(tmp_path: Path) -> None:
    bases = np.ones((3, 4), dtype=np.float32)
    with pytest.raises(ValueError, match="3 rows written for 5"):
        write_npy_blocks(tmp_path / "v.npy", synthetic_blocks(3, bases), 5, 4)


def test_views_lie_near_their_passage_one_per_sentence() -> None:
    bases = np.random.default_rng(2).standard_normal((20, 16)).astype(np.float32)
    vectors = synthetic_vectors(40, bases)
    counts = np.arange(40) % 3
    views = np.concatenate(list(view_blocks(vectors, counts, block=7)))
    assert views.shape == (int(counts.sum()), 16)
    owner = np.repeat(np.arange(40), counts)
    assert np.allclose(np.linalg.norm(views, axis=1), 1, atol=1e-5)
    assert np.all(np.argmax(views @ vectors.T, axis=1) == owner)  # each nearest its own
    claims = np.concatenate(list(view_blocks(vectors, block=7)))
    assert claims.shape == vectors.shape


def test_sentence_counts_follow_the_ingest_views() -> None:
    """Sentences of fewer than three words get no vector of their own, as at ingest."""
    docs = [("a", "Title a", "Hills load the back. Short one. Core work helps runners a lot."),
            ("b", "Title b", "Too short. Also short.")]
    assert sentence_counts(passages_for(2, docs=docs)).tolist() == [2, 0]
