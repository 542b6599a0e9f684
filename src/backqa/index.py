"""A loaded, read-only index version: manifest, vectors, BM25 and the passage store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss

from backqa.ingest import LEXICAL_DIR
from backqa.lexical import LexicalIndex
from backqa.store import STORE_FILE, StoreReader
from backqa.vector_index import VECTORS_FILE, load_vector_index
from backqa.versions import IndexDirectory, read_manifest

VERIFY_MAX_BYTES = 256 * 1024 * 1024  # larger files are checked by size only, to load fast


class IndexLoadError(RuntimeError):
    """An index version cannot be loaded; the message names the file and what is wrong."""


class NoIndexError(IndexLoadError):
    """Nothing has been published in this index folder yet."""


@dataclass
class LoadedIndex:
    version: str
    path: Path
    manifest: dict[str, Any]
    vectors: faiss.Index
    lexical: LexicalIndex
    store: StoreReader

    @property
    def passage_count(self) -> int:
        return int(self.manifest["counts"]["passages"])

    @property
    def model_key(self) -> str:
        return str(self.manifest["model"]["key"])

    @classmethod
    def load(cls, version_dir: Path, verify: bool = True) -> LoadedIndex:
        """Load one version folder, checking every file against the manifest."""
        try:
            manifest = read_manifest(version_dir)
        except ValueError as exc:
            raise IndexLoadError(str(exc)) from exc
        try:
            files = dict(manifest["files"])
            counts = dict(manifest["counts"])
            str(manifest["model"]["key"])
            int(counts["passages"]), int(manifest["dimensions"])
            for name, info in files.items():
                str(name), int(info["bytes"]), str(info["sha256"])
            for key in ("built_at", "vector_index", "chunking"):  # shown by `backqa stats`
                manifest[key]
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexLoadError(f"{version_dir / 'manifest.json'}: missing field {exc}") from exc
        if verify:
            verify_files(version_dir, files)
        try:
            vectors = load_vector_index(version_dir / VECTORS_FILE)
        except (ValueError, OSError) as exc:
            named = VECTORS_FILE in str(exc)
            raise IndexLoadError(str(exc) if named else f"{version_dir / VECTORS_FILE}: "
                                 f"unreadable ({exc})") from exc
        try:  # bm25s raises assorted errors on bad files (even UnicodeDecodeError)
            lexical = LexicalIndex.load(version_dir / LEXICAL_DIR)
        except Exception as exc:
            raise IndexLoadError(f"{version_dir / LEXICAL_DIR}: unreadable ({exc})") from exc
        try:
            store = StoreReader(version_dir / STORE_FILE)
        except Exception as exc:
            raise IndexLoadError(f"{version_dir / STORE_FILE}: not a readable SQLite store "
                                 f"({exc})") from exc
        expected = int(counts["passages"])
        if vectors.ntotal != expected or store.count() != expected:
            raise IndexLoadError(f"{version_dir}: counts disagree (manifest {expected}, "
                                 f"vectors {vectors.ntotal}, store {store.count()})")
        if vectors.d != int(manifest["dimensions"]):
            raise IndexLoadError(f"{version_dir / VECTORS_FILE}: {vectors.d} dimensions, "
                                 f"manifest says {manifest['dimensions']}")
        return cls(str(manifest.get("version", version_dir.name)), version_dir, manifest,
                   vectors, lexical, store)


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


def verify_files(folder: Path, files: dict[str, Any]) -> None:
    """Check each file's size and SHA-256 against the manifest; IndexLoadError names the file."""
    for name, info in files.items():
        path = folder / name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IndexLoadError(f"{path}: missing ({exc.strerror})") from exc
        if size != int(info["bytes"]):
            raise IndexLoadError(f"{path}: {size} bytes, the manifest says {info['bytes']} "
                                 f"(truncated or replaced)")
        if size <= VERIFY_MAX_BYTES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != info["sha256"]:
                raise IndexLoadError(f"{path}: content does not match the manifest checksum "
                                     f"(corrupted)")
