"""The typed manifest: written and read in one place, errors naming the file and the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backqa.index.errors import IndexLoadError
from backqa.index.manifest import (
    ChunkingInfo,
    Counts,
    FileDigest,
    Manifest,
    ModelInfo,
    SourceEntry,
    VectorIndexInfo,
    file_digests,
    read_manifest,
    verify_files,
    write_manifest,
)


def manifest(files: dict[str, FileDigest]) -> Manifest:
    return Manifest(
        format=1, pipeline=2, version="v1", built_at="2026-01-01T00:00:00+00:00",
        model=ModelInfo(name="m", package="p==1", weights_sha256="0" * 64, dimensions=4,
                        max_seq_length=8, key="m@0/4/8"),
        dimensions=4, chunking=ChunkingInfo(min_words=40, max_words=180),
        vector_index=VectorIndexInfo(type="IndexFlatIP", exact=True, rows=1),
        counts=Counts(sources=1, passages=1, groups=0, grouped_passages=0),
        sources={"a": SourceEntry(hash="h", path="a.txt", passages=1)}, files=files)


def test_written_manifest_reads_back_the_same(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"abc")
    written = manifest(file_digests(tmp_path))
    write_manifest(tmp_path, written)
    assert read_manifest(tmp_path) == written
    assert written.files["data.bin"].bytes == 3
    verify_files(tmp_path, written.files)


def test_read_errors_name_the_file_and_the_field(tmp_path: Path) -> None:
    with pytest.raises(IndexLoadError, match=r"manifest\.json: missing"):
        read_manifest(tmp_path)
    path = tmp_path / "manifest.json"
    path.write_text("{broken")
    with pytest.raises(IndexLoadError, match=r"manifest\.json: unreadable"):
        read_manifest(tmp_path)
    path.write_text("[1]")
    with pytest.raises(IndexLoadError, match="not a JSON object"):
        read_manifest(tmp_path)
    data = manifest({}).model_dump(mode="json")
    del data["counts"]
    path.write_text(json.dumps(data))
    with pytest.raises(IndexLoadError, match="missing field 'counts'"):
        read_manifest(tmp_path)
    data = manifest({}).model_dump(mode="json")
    data["dimensions"] = "wide"
    path.write_text(json.dumps(data))
    with pytest.raises(IndexLoadError, match="field 'dimensions'"):
        read_manifest(tmp_path)


def test_verify_names_a_changed_or_missing_file(tmp_path: Path) -> None:
    (tmp_path / "data.bin").write_bytes(b"abc")
    files = file_digests(tmp_path)
    (tmp_path / "data.bin").write_bytes(b"abd")
    with pytest.raises(IndexLoadError, match=r"data\.bin: content does not match"):
        verify_files(tmp_path, files)
    (tmp_path / "data.bin").write_bytes(b"ab")
    with pytest.raises(IndexLoadError, match=r"data\.bin: 2 bytes"):
        verify_files(tmp_path, files)
    (tmp_path / "data.bin").unlink()
    with pytest.raises(IndexLoadError, match=r"data\.bin: missing"):
        verify_files(tmp_path, files)
