"""A loaded, read-only index version: manifest, vectors, BM25 and the passage store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import faiss

from backqa.index.errors import IndexLoadError, NoIndexError
from backqa.index.layout import VersionFiles
from backqa.index.lexical import LexicalIndex
from backqa.index.manifest import Manifest, read_manifest, verify_files
from backqa.index.store import StoreReader
from backqa.index.vectors import load_vector_index
from backqa.index.versions import IndexDirectory

__all__ = ["IndexLoadError", "LoadedIndex", "NoIndexError", "load_current"]


@dataclass
class LoadedIndex:
    version: str
    path: Path
    manifest: Manifest
    vectors: faiss.Index
    lexical: LexicalIndex
    store: StoreReader

    @property
    def files(self) -> VersionFiles:
        return VersionFiles(self.path)

    @property
    def passage_count(self) -> int:
        return self.manifest.counts.passages

    @property
    def source_count(self) -> int:
        return self.manifest.counts.sources

    @property
    def model_key(self) -> str:
        return self.manifest.model.key

    @classmethod
    def load(cls, version_dir: Path, verify: bool = True) -> LoadedIndex:
        """Load one version folder, checking every file against the manifest."""
        files = VersionFiles(version_dir)
        manifest = read_manifest(version_dir)
        if verify:
            verify_files(version_dir, manifest.files)
        try:
            vectors = load_vector_index(files.vectors)
        except (ValueError, OSError) as exc:
            named = files.vectors.name in str(exc)
            raise IndexLoadError(str(exc) if named else f"{files.vectors}: "
                                 f"unreadable ({exc})") from exc
        try:  # bm25s raises assorted errors on bad files (even UnicodeDecodeError)
            lexical = LexicalIndex.load(files.lexical)
        except Exception as exc:
            raise IndexLoadError(f"{files.lexical}: unreadable ({exc})") from exc
        try:
            store = StoreReader(files.store)
        except Exception as exc:
            raise IndexLoadError(f"{files.store}: not a readable SQLite store ({exc})") from exc
        expected = manifest.counts.passages
        if vectors.ntotal != expected or store.count() != expected:
            raise IndexLoadError(f"{version_dir}: counts disagree (manifest {expected}, "
                                 f"vectors {vectors.ntotal}, store {store.count()})")
        if vectors.d != manifest.dimensions:
            raise IndexLoadError(f"{files.vectors}: {vectors.d} dimensions, "
                                 f"manifest says {manifest.dimensions}")
        return cls(manifest.version, version_dir, manifest, vectors, lexical, store)


def load_current(index_dir: Path, verify: bool = True) -> LoadedIndex:
    """Load the live version of an index folder."""
    directory = IndexDirectory(index_dir)
    current = directory.current()
    if current is None and directory.current_id() is not None:
        raise IndexLoadError(f"{directory.current_link.resolve() / 'manifest.json'}: missing "
                             f"(the live version is incomplete); run `backqa ingest --rebuild`")
    if current is None:
        raise NoIndexError(f"no index in {index_dir}: run `backqa ingest` first")
    return LoadedIndex.load(current, verify=verify)
