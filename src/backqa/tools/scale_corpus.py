"""The scale benchmark's library (`tools/scale_bench.py`): real SciFact text repeated with
variations into sources and passages, and synthetic vectors clustered like real embeddings.
Both are generated lazily, one source or one block at a time, the same on every call."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from backqa.config import project_root

if TYPE_CHECKING:
    from backqa.documents import Document, Passage

SCIFACT = project_root().parent / "shared" / "benchmarks" / "scifact"
NOISE = 0.02  # per-dimension sigma: noise norm ~0.4 against unit-length mixtures
PASSAGE_WORDS = 120


def scifact_docs() -> list[tuple[str, str, str]]:
    docs = []
    with open(SCIFACT / "corpus.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("text"):
                docs.append((str(row["_id"]), row.get("title") or "", row["text"]))
    return docs


def scifact_queries(limit: int) -> list[str]:
    with open(SCIFACT / "queries.jsonl", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line, _ in zip(handle, range(limit), strict=False)]


def synthetic_blocks(n: int, bases: np.ndarray, seed: int = 7,
                     block: int = 100_000) -> Iterator[np.ndarray]:
    """n unit vectors, `block` rows at a time, each a random mix of two bases plus noise
    (deterministic per seed)."""
    rng = np.random.default_rng(seed)
    for start in range(0, n, block):
        m = min(block, n - start)
        i = rng.integers(len(bases), size=m)
        j = rng.integers(len(bases), size=m)
        a = rng.uniform(0.5, 1.0, size=(m, 1)).astype(np.float32)
        mixed = a * bases[i] + (1 - a) * bases[j]
        mixed += rng.standard_normal(mixed.shape, dtype=np.float32) * NOISE
        mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
        yield mixed


def synthetic_vectors(n: int, bases: np.ndarray, seed: int = 7) -> np.ndarray:
    """The synthetic vectors in memory (for measuring recall against exact search)."""
    out = np.empty((n, bases.shape[1]), dtype=np.float32)
    start = 0
    for block in synthetic_blocks(n, bases, seed):
        out[start : start + block.shape[0]] = block
        start += block.shape[0]
    return out


def sentence_counts(passages: Iterable[Passage]) -> np.ndarray:
    """How many sentence vectors ingest embeds for each passage (`ingest/views.py`)."""
    from backqa.ingest.views import passage_views

    return np.fromiter((len(passage_views(p).sentences) for p in passages), dtype=np.int64)


def view_blocks(vectors: np.ndarray, counts: np.ndarray | None = None, seed: int = 8,
                noise: float = 2 * NOISE, block: int = 8_192) -> Iterator[np.ndarray]:
    """Unit vectors near each passage's own, as ingest's other views of a passage are:
    `counts[i]` of them for passage i (its sentences), or one each (its text alone); a block
    of passages at a time, deterministic per seed."""
    from backqa.index.vectors import row_blocks

    rng = np.random.default_rng(seed)
    for start, rows in zip(range(0, vectors.shape[0], block), row_blocks(vectors, block),
                           strict=True):
        own = rows.copy() if counts is None else np.repeat(rows, counts[start : start + block],
                                                           axis=0)
        own += rng.standard_normal(own.shape, dtype=np.float32) * noise
        own /= np.linalg.norm(own, axis=1, keepdims=True)
        yield own


def collections_for(n: int, docs_per_source: int = 10,
                    docs: list[tuple[str, str, str]] | None = None
                    ) -> Iterator[tuple[Document, list[Passage]]]:
    """Sources of real SciFact text, repeated with variations, with their passages, until n
    passages (generated one source at a time, the same on every call). Each source gathers
    `docs_per_source` abstracts as sections (about 20 passages a source, like a long article
    or forum thread), so a 1M library has ~50k sources. `docs` (id, title, text) default to
    SciFact's abstracts."""
    from backqa.documents import Document, Passage, RawSource, Section

    docs = docs if docs is not None else scifact_docs()
    rng = np.random.default_rng(11)
    count = 0
    copy = 0
    while True:
        for first in range(0, len(docs), docs_per_source):
            sid = f"scifact-{docs[first][0]}-v{copy}"
            sections: list[Section] = []
            bodies: list[str] = []
            passages: list[Passage] = []
            for doc_id, title, text in docs[first : first + docs_per_source]:
                sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
                if copy and len(sentences) > 2:
                    del sentences[int(rng.integers(len(sentences)))]
                    shift = copy % len(sentences)
                    sentences = sentences[shift:] + sentences[:shift]
                words = " ".join(sentences).split()
                chunks = [" ".join(words[i : i + PASSAGE_WORDS])
                          for i in range(0, len(words), PASSAGE_WORDS)]
                section_ordinal = len(sections)
                sections.append(Section(heading_path=[title or doc_id], blocks=chunks))
                bodies.append("\n\n".join(chunks))
                for chunk in chunks:
                    ordinal = len(passages)
                    passages.append(Passage(
                        id=f"{sid}-p{ordinal}", source_id=sid, ordinal=ordinal,
                        section_ordinal=section_ordinal, text=chunk,
                        embed_text=f"{title}\n{chunk}", kind="article",
                        heading_path=[title or doc_id]))
                    if count + len(passages) == n:
                        break
                if count + len(passages) == n:
                    break
            source = RawSource(id=sid, path=f"scale/{sid}.txt", text="\n\n".join(bodies),
                               format="text", title=f"SciFact collection {sid}", kind="article")
            yield (Document(source=source, title=source.title or sid, kind="article",
                            sections=sections), passages)
            count += len(passages)
            if count == n:
                return
        copy += 1


def passages_for(n: int, docs: list[tuple[str, str, str]] | None = None) -> Iterator[Passage]:
    """The n passages, one after the other, never all in memory."""
    for _, passages in collections_for(n, docs=docs):
        yield from passages


def documents_for(n: int, docs: list[tuple[str, str, str]] | None = None
                  ) -> Iterator[Document]:
    """The sources of `passages_for(n)`, generated again one at a time."""
    for document, _ in collections_for(n, docs=docs):
        yield document
