"""The manifest of an index version: one typed model, written at build time and read at load.

`manifest.json` is written last, so a folder with a readable manifest is a complete version; it
records the model that made the vectors, the pipeline and chunking that made the passages, the
library's no-match calibration, and the size and SHA-256 of every other file, checked at load.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import partial
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from backqa.index.calibration import NoMatchCalibration
from backqa.index.errors import IndexLoadError
from backqa.index.layout import MANIFEST

# Bump when the manifest's shape changes; a version of another format is rebuilt, not reused.
MANIFEST_FORMAT = 1
VERIFY_MAX_BYTES = 256 * 1024 * 1024  # larger files are checked by size only, to load fast


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ModelInfo(_Model):
    """The embedding model that made the vectors (see `encoders.identity.ModelIdentity`)."""

    name: str
    package: str
    weights_sha256: str
    dimensions: int
    max_seq_length: int
    key: str


class ChunkingInfo(_Model):
    min_words: int
    max_words: int


class VectorIndexInfo(_Model):
    """The FAISS index type chosen by size, and for IVF the measured recall of its `nprobe`."""

    type: str
    exact: bool
    rows: int
    nlist: int | None = None
    nprobe: int | None = None
    recall_at_10: float | None = None
    target_recall: float | None = None
    recall_sample: int | None = None
    recall_by_nprobe: dict[str, float] | None = None
    build_seconds: float | None = None


class LexicalInfo(_Model):
    library: str = "bm25s"
    k1: float = 1.2
    b: float = 0.75
    stemmer: str = "english"


class Counts(_Model):
    sources: int
    passages: int
    groups: int
    grouped_passages: int


class SourceEntry(_Model):
    hash: str
    path: str
    passages: int


class FileDigest(_Model):
    bytes: int
    sha256: str


class Manifest(_Model):
    format: int
    pipeline: int
    version: str
    built_at: str
    model: ModelInfo
    dimensions: int
    chunking: ChunkingInfo
    vector_index: VectorIndexInfo
    lexical: LexicalInfo = LexicalInfo()
    no_match: NoMatchCalibration | None = None
    counts: Counts
    sources: dict[str, SourceEntry]
    files: dict[str, FileDigest]


def read_manifest(version_dir: Path) -> Manifest:
    """The manifest of a version folder; IndexLoadError names the file and the field."""
    path = version_dir / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise IndexLoadError(f"{path}: missing") from exc
    except OSError as exc:
        raise IndexLoadError(f"{path}: unreadable ({exc.strerror})") from exc
    try:
        return Manifest.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        if first["type"] in ("json_invalid", "model_type"):
            raise IndexLoadError(f"{path}: unreadable or not a JSON object "
                                 f"({first['msg']})") from exc
        if first["type"] == "missing":
            raise IndexLoadError(f"{path}: missing field {where!r}") from exc
        raise IndexLoadError(f"{path}: field {where!r}: {first['msg']}") from exc


def write_manifest(version_dir: Path, manifest: Manifest) -> None:
    """Write the manifest atomically (it marks the version complete, so it goes last)."""
    write_json_atomic(version_dir / MANIFEST, manifest.model_dump(mode="json"))


def write_json_atomic(path: Path, data: object) -> None:
    """Write JSON through a temporary file and a rename: readers see the old file or the new."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def file_digests(folder: Path) -> dict[str, FileDigest]:
    """Size and SHA-256 of every file in a version folder, for checks at load time."""
    digests: dict[str, FileDigest] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != MANIFEST:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for chunk in iter(partial(handle.read, 1 << 20), b""):
                    digest.update(chunk)
            digests[path.relative_to(folder).as_posix()] = FileDigest(
                bytes=path.stat().st_size, sha256=digest.hexdigest())
    return digests


def verify_files(folder: Path, files: dict[str, FileDigest]) -> None:
    """Check each file's size and SHA-256 against the manifest; IndexLoadError names the file."""
    for name, info in files.items():
        path = folder / name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise IndexLoadError(f"{path}: missing ({exc.strerror})") from exc
        if size != info.bytes:
            raise IndexLoadError(f"{path}: {size} bytes, the manifest says {info.bytes} "
                                 f"(truncated or replaced)")
        if size <= VERIFY_MAX_BYTES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != info.sha256:
                raise IndexLoadError(f"{path}: content does not match the manifest checksum "
                                     f"(corrupted)")
