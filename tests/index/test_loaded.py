import json
from pathlib import Path

import pytest

from backqa.index.loaded import IndexLoadError, LoadedIndex, NoIndexError, load_current
from backqa.ingest.pipeline import IngestPipeline
from helpers import FIXTURES, PROJECT, FakeEncoder


@pytest.fixture
def version_dir(tmp_path: Path, fake_encoder: FakeEncoder) -> Path:
    IngestPipeline(tmp_path / "index", PROJECT, encoder_factory=lambda: fake_encoder,
                   identity=fake_encoder.identity, progress=False).ingest([FIXTURES / "notes.md"])
    current = (tmp_path / "index" / "current").resolve()
    return current


def test_load_current(version_dir: Path) -> None:
    index = load_current(version_dir.parent.parent)
    assert index.version == version_dir.name
    assert index.passage_count == index.vectors.ntotal == index.store.count() == 3
    assert index.model_key == FakeEncoder.identity.key


def test_no_index_yet(tmp_path: Path) -> None:
    with pytest.raises(NoIndexError, match="backqa ingest"):
        load_current(tmp_path)


@pytest.mark.parametrize("name", ["vectors.faiss", "store.sqlite", "bm25/params.index.json"])
def test_truncated_or_corrupted_files_are_named(version_dir: Path, name: str) -> None:
    path = version_dir / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexLoadError, match="truncated") as info:
        LoadedIndex.load(version_dir)
    assert str(path) in str(info.value)
    path.write_bytes(bytes(b ^ 0xFF for b in data[:64]) + data[64:])
    with pytest.raises(IndexLoadError, match="corrupted"):
        LoadedIndex.load(version_dir)


def test_corrupted_file_without_verification_still_fails_cleanly(version_dir: Path) -> None:
    path = version_dir / "vectors.faiss"
    path.write_bytes(b"garbage" * 10)
    with pytest.raises(IndexLoadError, match=r"vectors\.faiss"):
        LoadedIndex.load(version_dir, verify=False)


def test_bad_manifest_is_named(version_dir: Path) -> None:
    manifest = version_dir / "manifest.json"
    manifest.write_text("{")
    with pytest.raises(IndexLoadError, match=r"manifest\.json"):
        LoadedIndex.load(version_dir)
    manifest.write_text(json.dumps({"files": {}}))
    with pytest.raises(IndexLoadError, match="missing field"):
        LoadedIndex.load(version_dir)


def test_missing_file_is_named(version_dir: Path) -> None:
    (version_dir / "store.sqlite").unlink()
    with pytest.raises(IndexLoadError, match=r"store\.sqlite: missing"):
        LoadedIndex.load(version_dir)
