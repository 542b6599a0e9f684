"""The version writer builds the same index from streamed inputs (passage and source
generators, memory-mapped vectors added in slices) as from lists and an array in memory."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest

from backqa.documents import Document, Passage, RawSource, Section
from backqa.encoders.identity import ModelIdentity
from backqa.index.layout import VersionFiles
from backqa.index.lexical import LexicalIndex
from backqa.index.manifest import ChunkingInfo, Manifest
from backqa.index.vectors import VectorIndexBuilder
from backqa.ingest.chunking import Chunker
from backqa.ingest.writer import BuiltVersion, VersionWriter
from helpers import sentence

IDENTITY = ModelIdentity(name="fake", package="test", weights_sha256="0" * 64, dimensions=32,
                         max_seq_length=128)


def corpus(sources: int = 30) -> tuple[list[Document], list[Passage]]:
    rng = random.Random(5)
    documents, passages = [], []
    for n in range(sources):
        source = RawSource(f"s{n}", f"lib/s{n}.txt", f"raw {n}", "text", title=f"Source {n}")
        document = Document(source, f"Source {n}", "article", [
            Section([f"Part {k}"], [" ".join(sentence(rng) for _ in range(rng.randint(2, 9)))
                                    for _ in range(rng.randint(1, 4))])
            for k in range(rng.randint(1, 3))])
        documents.append(document)
        passages.extend(Chunker(min_words=5, max_words=40).split(document))
    for row, passage in enumerate(passages):  # some near-duplicate groups, as ingest sets
        passage.group_id = row // 3 if row % 7 < 3 else None
    return documents, passages


def vectors_for(n: int, dims: int = 32) -> np.ndarray:
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((12, dims)).astype(np.float32)
    x = centres[rng.integers(12, size=n)] + 0.4 * rng.standard_normal((n, dims)).astype(
        np.float32)
    out: np.ndarray = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def write(folder: Path, documents: object, passages: object, vectors: np.ndarray,
          builder: VectorIndexBuilder) -> Manifest:
    folder.mkdir()
    return VersionWriter(builder).write(folder, BuiltVersion(
        version_id="v1", identity=IDENTITY, documents=documents,  # type: ignore[arg-type]
        passages=passages, vectors=vectors,  # type: ignore[arg-type]
        ingested_at={f"s{n}": "2026-01-01" for n in range(100)},
        chunking=ChunkingInfo(min_words=5, max_words=40)))


def table_rows(store: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(store)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("sources", "sections", "passages")}
    finally:
        conn.close()


def comparable(manifest: Manifest) -> dict[str, object]:
    data = manifest.model_dump()
    data.pop("built_at")
    data["vector_index"].pop("build_seconds", None)
    data["files"].pop("store.sqlite")  # same rows, but written in another order
    return data


@pytest.mark.parametrize("exact_max_rows", [100, 10_000], ids=["ivf", "flat"])
def test_streamed_build_equals_the_build_from_lists(tmp_path: Path,
                                                    exact_max_rows: int) -> None:
    documents, passages = corpus()
    vectors = vectors_for(len(passages))
    assert len(passages) > 300  # several IVF chunks below
    np.save(tmp_path / "vectors.npy", vectors)
    mapped = np.load(tmp_path / "vectors.npy", mmap_mode="r")

    def one_by_one(items: list[Passage] | list[Document]) -> Iterator[object]:
        yield from items

    listed = write(tmp_path / "lists", documents, passages, vectors,
                   VectorIndexBuilder(exact_max_rows=exact_max_rows, sample=60))
    streamed = write(tmp_path / "stream", one_by_one(documents), one_by_one(passages), mapped,
                     VectorIndexBuilder(exact_max_rows=exact_max_rows, sample=60,
                                        chunk_rows=37))
    assert comparable(listed) == comparable(streamed)
    assert listed.vector_index.type == ("IndexIVFFlat" if exact_max_rows == 100
                                        else "IndexFlatIP")
    assert listed.counts.passages == len(passages)
    assert listed.counts.grouped_passages == sum(p.group_id is not None for p in passages)
    assert listed.sources["s3"].passages == sum(p.source_id == "s3" for p in passages)
    a, b = VersionFiles(tmp_path / "lists"), VersionFiles(tmp_path / "stream")
    assert table_rows(a.store) == table_rows(b.store)
    lex_a, lex_b = LexicalIndex.load(a.lexical), LexicalIndex.load(b.lexical)
    assert lex_a.vocab == lex_b.vocab
    for key in ("data", "indices", "indptr"):
        assert np.array_equal(lex_a.retriever.scores[key], lex_b.retriever.scores[key])
    index_a, index_b = faiss.read_index(str(a.vectors)), faiss.read_index(str(b.vectors))
    assert np.array_equal(faiss.serialize_index(index_a), faiss.serialize_index(index_b))
    questions = vectors_for(40)[::-1].copy()
    assert all(np.array_equal(x, y) for x, y in zip(index_a.search(questions, 20),
                                                    index_b.search(questions, 20), strict=True))


def test_vectors_must_match_the_passages(tmp_path: Path) -> None:
    documents, passages = corpus(3)
    with pytest.raises(ValueError, match="vectors for"):
        write(tmp_path / "v", documents, passages, vectors_for(len(passages) - 1),
              VectorIndexBuilder())
