"""Writing one index version folder: store, vectors, BM25, claim vectors, then the manifest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from backqa.documents import Document, Passage
from backqa.encoders.identity import ModelIdentity
from backqa.index.calibration import NoMatchCalibration
from backqa.index.checkpoints import checkpoint
from backqa.index.claims import save_claims
from backqa.index.layout import VersionFiles
from backqa.index.lexical import LexicalIndex
from backqa.index.manifest import (
    MANIFEST_FORMAT,
    ChunkingInfo,
    Counts,
    LexicalInfo,
    Manifest,
    ModelInfo,
    SourceEntry,
    VectorIndexInfo,
    file_digests,
    write_manifest,
)
from backqa.index.scope_vectors import save_scope_vectors
from backqa.index.sentences import save_sentence_vectors
from backqa.index.store import stream_embed_texts, write_store
from backqa.index.vectors import VectorIndexBuilder, save_vector_index

# Bump when cleaning, structure or chunking rules change, so existing indexes are rebuilt.
# 2: passages carry topics, and claim vectors are stored for agreement across sources.
# 3: photo captions are not headings; each passage's sentences are embedded in context.
# 4: the scope gate is its labelled questions, embedded into the version (scope.npy).
PIPELINE_VERSION = 4


@dataclass
class BuiltVersion:
    """Everything a version folder is written from.

    `passages` and `documents` are read once each, in that order, so they may be generators;
    `vectors` (row i = the i-th passage) may be a memory-mapped `.npy` (`np.load(path,
    mmap_mode="r")`), read a slice at a time. A million passages then build in bounded memory
    (docs/scaling.md)."""

    version_id: str
    identity: ModelIdentity
    documents: Iterable[Document]
    passages: Iterable[Passage]
    vectors: np.ndarray
    ingested_at: dict[str, str]
    chunking: ChunkingInfo
    no_match: NoMatchCalibration | None = None
    claims: np.ndarray | None = None  # passage texts' own vectors, when agreement is on
    # each passage's sentences in context, and where each passage's start (see ingest/views.py)
    sentences: tuple[np.ndarray, np.ndarray] | None = None
    scope: np.ndarray | None = None  # the scope gate's questions, embedded (calibration order)


class VersionWriter:
    """Writes a `BuiltVersion` into an empty build folder; the manifest goes last."""

    def __init__(self, vector_builder: VectorIndexBuilder | None = None) -> None:
        self.vector_builder = vector_builder or VectorIndexBuilder()

    def write(self, build: Path, version: BuiltVersion) -> Manifest:
        files = VersionFiles(build)
        written = write_store(files.store, version.documents, version.passages,
                              version.ingested_at)
        if version.vectors.shape[0] != written.passages:
            raise ValueError(f"{version.vectors.shape[0]} vectors for {written.passages} "
                             f"passages")
        checkpoint("store")
        vector_info = self._write_vectors(version.vectors, files.vectors)
        checkpoint("vectors")
        LexicalIndex.build(stream_embed_texts(files.store)).save(files.lexical)
        if version.claims is not None:
            save_claims(version.claims, build)
        if version.sentences is not None:
            save_sentence_vectors(build, *version.sentences)
        if version.scope is not None:
            save_scope_vectors(build, version.scope)
        checkpoint("lexical")
        identity = version.identity
        manifest = Manifest(
            format=MANIFEST_FORMAT,
            pipeline=PIPELINE_VERSION,
            version=version.version_id,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            model=ModelInfo.model_validate(identity.to_dict()),
            dimensions=identity.dimensions,
            chunking=version.chunking,
            vector_index=VectorIndexInfo.model_validate(vector_info),
            lexical=LexicalInfo(),
            no_match=version.no_match,
            counts=Counts(sources=written.documents, passages=written.passages,
                          groups=written.groups, grouped_passages=written.grouped_passages),
            sources={sid: SourceEntry(hash=digest, path=path,
                                      passages=written.per_source.get(sid, 0))
                     for sid, (digest, path) in written.sources.items()},
            files=file_digests(build),
        )
        write_manifest(build, manifest)
        checkpoint("manifest")
        return manifest

    def _write_vectors(self, vectors: np.ndarray, path: Path) -> dict[str, object]:
        """Build and save the FAISS index; it is freed on return (a full copy of the vectors,
        1.5 GB at a million passages, not to be held while BM25 is built)."""
        faiss_index, vector_info = self.vector_builder.build(vectors)
        try:
            save_vector_index(faiss_index, path)
        except RuntimeError as exc:  # faiss reports write errors (disk full) as RuntimeError
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else str(exc)
            raise OSError(f"{path}: cannot write the FAISS index ({first})") from exc
        return vector_info
