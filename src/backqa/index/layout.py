"""The names of everything in an index folder, in one place.

    index/
      current  -> versions/<id>     the live version (a symlink, switched by os.replace)
      previous -> versions/<id>     the one before, kept for fallback
      versions/<id>/                a complete version (manifest.json is written last):
        manifest.json               what the version holds, with a checksum of every file
        store.sqlite                sources, sections and passages (row = vector row)
        vectors.faiss               the dense index
        bm25/                       the lexical index
        claims.npy                  claim vectors for agreement across sources (optional)
        sentences.npy               each passage's sentences, embedded in context (optional)
        sentence-offsets.npy        where each passage's sentences start in sentences.npy
        scope.npy                   the scope gate's labelled questions, embedded (optional)
      versions/.build-<id>/         a build in progress (removed if a build dies)
      embed-cache.sqlite            embeddings by content hash and model
      queries.sqlite                the opt-in query log
      .lock                         held by the one ingest allowed at a time
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"
STORE = "store.sqlite"
VECTORS = "vectors.faiss"
LEXICAL = "bm25"
CLAIMS = "claims.npy"
SENTENCES = "sentences.npy"
SENTENCE_OFFSETS = "sentence-offsets.npy"
SCOPE = "scope.npy"
BUILD_PREFIX = ".build-"


@dataclass(frozen=True)
class VersionFiles:
    """The files of one version folder."""

    root: Path

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def store(self) -> Path:
        return self.root / STORE

    @property
    def vectors(self) -> Path:
        return self.root / VECTORS

    @property
    def lexical(self) -> Path:
        return self.root / LEXICAL

    @property
    def claims(self) -> Path:
        return self.root / CLAIMS

    @property
    def sentences(self) -> Path:
        return self.root / SENTENCES

    @property
    def sentence_offsets(self) -> Path:
        return self.root / SENTENCE_OFFSETS

    @property
    def scope(self) -> Path:
        return self.root / SCOPE


@dataclass(frozen=True)
class IndexLayout:
    """The paths of one index folder."""

    root: Path

    @property
    def versions(self) -> Path:
        return self.root / "versions"

    @property
    def current_link(self) -> Path:
        return self.root / "current"

    @property
    def previous_link(self) -> Path:
        return self.root / "previous"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    @property
    def embed_cache(self) -> Path:
        return self.root / "embed-cache.sqlite"

    @property
    def query_log(self) -> Path:
        return self.root / "queries.sqlite"

    def version(self, version_id: str) -> VersionFiles:
        return VersionFiles(self.versions / version_id)

    def build(self, version_id: str) -> Path:
        return self.versions / f"{BUILD_PREFIX}{version_id}"
