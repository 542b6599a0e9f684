"""Damaged index files, a manifest from another model, and a disk that fills up mid-build:
each fails with a clear message naming the file (never a traceback), the server keeps a good
version, and `backqa ingest --rebuild` (or the next ingest) repairs the index."""

from __future__ import annotations

import errno
import gc
import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from backqa.encoders.identity import ModelIdentity
from backqa.index.embed_cache import EmbeddingCache
from backqa.index.lexical import LexicalIndex
from backqa.index.loaded import IndexLoadError, LoadedIndex, load_current
from backqa.index.versions import IndexDirectory
from backqa.ingest.pipeline import IngestError, IngestPipeline
from helpers import Answers, FakeEncoder, answers, fake_cli, ingest, leftovers, write_library


@dataclass
class Built:
    base: Path
    library: Path
    index: Path
    before: Answers


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("corrupt")
    library = write_library(base / "library", docs=4)
    ingest(base / "index", library, base)
    return Built(base, library, base / "index", answers(base / "index"))


@pytest.fixture
def index(built: Built, tmp_path: Path) -> Path:
    """A private copy of the built index to damage."""
    target = tmp_path / "index"
    shutil.copytree(built.index, target, symlinks=True)
    return target


def live(index: Path) -> Path:
    current = IndexDirectory(index).current()
    assert current is not None
    return current


# -- ways to damage a file -------------------------------------------------------------------


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def flip(path: Path) -> None:
    """Same size, a few bytes changed in the middle (bit rot)."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    for i in range(middle, min(middle + 16, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot what this file should be\n" * 7)


def empty(path: Path) -> None:
    path.write_bytes(b"")


def delete(path: Path) -> None:
    path.unlink()


def drop_field(path: Path) -> None:
    manifest = json.loads(path.read_text())
    del manifest["counts"]
    path.write_text(json.dumps(manifest))


def wrong_types(path: Path) -> None:
    manifest = json.loads(path.read_text())
    manifest["files"] = {"vectors.faiss": {"bytes": "many", "sha256": None}}
    manifest["dimensions"] = "wide"
    path.write_text(json.dumps(manifest))


DAMAGES: list[tuple[str, Callable[[Path], None]]] = [
    ("vectors.faiss", truncate), ("vectors.faiss", flip), ("vectors.faiss", empty),
    ("store.sqlite", truncate), ("store.sqlite", flip), ("store.sqlite", garbage),
    ("manifest.json", truncate), ("manifest.json", garbage), ("manifest.json", delete),
    ("manifest.json", drop_field), ("manifest.json", wrong_types),
    ("bm25/vocab.index.json", truncate), ("bm25/params.index.json", delete),
]
DAMAGE_IDS = [f"{name}-{how.__name__}" for name, how in DAMAGES]


def _named(name: str, message: str) -> bool:
    return Path(name).name in message or (name == "manifest.json" and "manifest" in message)


@pytest.mark.parametrize(("name", "damage"), DAMAGES, ids=DAMAGE_IDS)
def test_damaged_live_file_is_named(built: Built, index: Path, name: str,
                                    damage: Callable[[Path], None],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    damage(live(index) / name)
    with pytest.raises(IndexLoadError) as caught:
        load_current(index)
    assert _named(name, str(caught.value)), caught.value
    from backqa.cli import main

    assert main(["stats", "--index", str(index)]) == 2  # no exception escapes the CLI
    assert _named(name, capsys.readouterr().err)


FAST_CLI = {"vectors.faiss-truncate", "store.sqlite-garbage", "manifest.json-drop_field"}


@pytest.mark.parametrize(("name", "damage"), [
    pytest.param(*d, id=i, marks=() if i in FAST_CLI else pytest.mark.slow)
    for d, i in zip(DAMAGES, DAMAGE_IDS, strict=True)])
def test_cli_names_the_file_and_rebuild_repairs(
        built: Built, index: Path, name: str, damage: Callable[[Path], None]) -> None:
    """The real command line in a subprocess: exit 2, the file named, no traceback; then
    `backqa ingest --rebuild` repairs the index."""
    damage(live(index) / name)
    for command in (["search", "back pain after running"], ["stats"]):
        proc = fake_cli([*command, "--index", str(index)], built.base)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 2, stderr
        assert "Traceback" not in stderr
        assert _named(name, stderr), stderr

    repair = fake_cli(["ingest", str(built.library), "--index", str(index), "--rebuild"],
                      built.base)
    _, stderr = repair.communicate(timeout=120)
    assert repair.returncode == 0, stderr
    assert answers(index).results == built.before.results
    assert leftovers(index) == []


@pytest.mark.parametrize(("name", "damage"), [
    ("vectors.faiss", truncate), ("vectors.faiss", garbage), ("store.sqlite", truncate),
    ("store.sqlite", garbage), ("bm25/vocab.index.json", garbage)], ids=str)
def test_damage_is_caught_without_checksums(index: Path, name: str,
                                            damage: Callable[[Path], None]) -> None:
    """Loading without the checksum pass (fast start on huge indexes) still names the file."""
    damage(live(index) / name)
    with pytest.raises(IndexLoadError, match=Path(name).parent.name or Path(name).name):
        LoadedIndex.load(live(index), verify=False)


@pytest.mark.parametrize(("name", "damage"), [("vectors.faiss", flip),
                                              ("store.sqlite", truncate),
                                              ("manifest.json", garbage)], ids=str)
def test_plain_ingest_also_repairs(built: Built, index: Path, name: str,
                                   damage: Callable[[Path], None]) -> None:
    """Nothing changed in the library, but the live version is damaged: the next ingest
    notices and builds in full instead of saying 'index unchanged'."""
    damaged_version = live(index).name
    damage(live(index) / name)
    summary = ingest(index, built.library, built.base)
    assert summary.version is not None and summary.version != damaged_version
    assert answers(index).results == built.before.results


def test_missing_live_version_folder(built: Built, index: Path) -> None:
    shutil.rmtree(live(index))
    with pytest.raises(IndexLoadError, match=r"manifest\.json"):
        load_current(index)
    ingest(index, built.library, built.base)
    assert answers(index).results == built.before.results


def test_damaged_embedding_cache_is_started_again(built: Built, index: Path) -> None:
    garbage(IndexDirectory(index).layout.embed_cache)
    summary = ingest(index, built.library, built.base, rebuild=True)
    assert summary.embedded == summary.passages > 0
    assert answers(index).results == built.before.results


# -- the server keeps or falls back to a good version ---------------------------------------


def _client(index: Path, base: Path):
    from fastapi.testclient import TestClient

    from backqa.config import Settings
    from backqa.serve.app import create_app

    settings = Settings(root=base, index_dir=index, reload_interval=0.05)
    return TestClient(create_app(settings, encoder_factory=FakeEncoder))


def test_server_falls_back_to_previous_when_current_is_damaged(built: Built,
                                                              index: Path) -> None:
    good = live(index).name
    (built.library / "extra-article.md").write_text("# Extra\n\nA new paragraph about hill "
                                                    "running and lower back pain.\n")
    try:
        ingest(index, built.library, built.base)
    finally:
        (built.library / "extra-article.md").unlink()
    damaged = live(index).name
    assert damaged != good
    truncate(live(index) / "vectors.faiss")
    with _client(index, built.base) as client:
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready" and ready["version"] == good
        assert "vectors.faiss" in ready["load_error"]["error"]
        response = client.get("/api/search", params={"q": "back pain after running"})
        assert response.status_code == 200 and response.json()["index_version"] == good


def test_server_keeps_serving_when_a_damaged_version_is_published(built: Built,
                                                                 index: Path) -> None:
    import time

    good = live(index).name
    with _client(index, built.base) as client:
        assert client.get("/readyz").json()["version"] == good
        # a new version goes live whose store is damaged
        bad = IndexDirectory(index).versions / "20990101T000000-badbad"
        shutil.copytree(live(index), bad)
        garbage(bad / "store.sqlite")
        IndexDirectory(index)._point(IndexDirectory(index).current_link, bad.name)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ready = client.get("/readyz").json()
            if ready.get("load_error"):
                break
            time.sleep(0.05)
        assert ready["version"] == good and "store.sqlite" in ready["load_error"]["error"]
        response = client.get("/api/search", params={"q": "core strength for runners"})
        assert response.status_code == 200 and response.json()["index_version"] == good


# -- a manifest from another model ----------------------------------------------------------


class OtherModel(FakeEncoder):
    identity = ModelIdentity(name="test/other-model", package="tests", weights_sha256="1" * 64,
                             dimensions=384, max_seq_length=256)


class NarrowModel(FakeEncoder):
    """Other dimensions: the first 256 of the fake vectors, normalised again."""

    identity = ModelIdentity(name="test/hashing", package="tests", weights_sha256="0" * 64,
                             dimensions=256, max_seq_length=256)

    def encode(self, texts, batch_size=32, progress=False):  # type: ignore[no-untyped-def]
        vectors = super().encode(texts, batch_size, progress)[:, :256]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


@pytest.mark.parametrize("model", [OtherModel, NarrowModel], ids=["other-model", "other-dims"])
def test_other_model_forces_full_rebuild(built: Built, index: Path, model: type) -> None:
    passages = load_current(index).passage_count
    summary = IngestPipeline(index, built.base, encoder_factory=model,
                             identity=model.identity, progress=False,
                             log=lambda _m: None).ingest([built.library])
    assert summary.unchanged == [] and len(summary.added) == 9
    assert summary.reused == 0 and summary.embedded == summary.passages == passages
    loaded = load_current(index)
    assert loaded.model_key == model.identity.key
    assert loaded.vectors.d == model.identity.dimensions


def test_manifest_of_another_model_is_refused_by_search(built: Built, index: Path) -> None:
    manifest_path = live(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"]["key"] = OtherModel.identity.key
    manifest_path.write_text(json.dumps(manifest))
    proc = fake_cli(["search", "back pain", "--index", str(index)], built.base)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "Traceback" not in stderr
    assert "manifest.json" in stderr and "test/other-model" in stderr
    # and the next ingest (with the fake model) does not build on it: a full rebuild
    summary = ingest(index, built.library, built.base)
    assert summary.unchanged == [] and len(summary.added) == 9 and summary.version is not None
    assert answers(index).results == built.before.results


def test_manifest_dimensions_disagree_with_vectors(index: Path) -> None:
    manifest_path = live(index) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["dimensions"] = 768
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexLoadError, match=r"vectors\.faiss: 384 dimensions"):
        load_current(index)


# -- disk full -------------------------------------------------------------------------------


def _enospc(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _faiss_write_error(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("Error in faiss::FileIOWriter::operator() ... write error: no space")


def _sqlite_full(*_args: object, **_kwargs: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


WRITE_FAILURES = [
    ("backqa.ingest.writer.write_store", _sqlite_full),
    ("backqa.ingest.writer.save_vector_index", _faiss_write_error),
    ("backqa.index.manifest.write_json_atomic", _enospc),
    ("backqa.ingest.writer.file_digests", _enospc),
]


@pytest.mark.parametrize(("target", "failure"), [
    *WRITE_FAILURES,
    (EmbeddingCache.put_many, _sqlite_full),
    (LexicalIndex.save, _enospc),
    (IndexDirectory.publish, _enospc),
], ids=["store", "faiss", "manifest", "digests", "embed-cache", "bm25", "publish"])
def test_write_error_during_build(built: Built, index: Path, monkeypatch: pytest.MonkeyPatch,
                                  target: object, failure: Callable[..., None]) -> None:
    (built.library / "new-article.md").write_text("# New\n\n" + "Hill repeats load the lower "
                                                  "back and the glutes. " * 30)
    try:
        if isinstance(target, str):
            monkeypatch.setattr(target, failure)
        else:
            owner = {EmbeddingCache.put_many: EmbeddingCache, LexicalIndex.save: LexicalIndex,
                     IndexDirectory.publish: IndexDirectory}[target]  # type: ignore[index]
            monkeypatch.setattr(owner, target.__name__, failure)  # type: ignore[attr-defined]
        with pytest.raises(IngestError, match="live index is untouched"):
            ingest(index, built.library, built.base)
        monkeypatch.undo()
        after = answers(index)
        assert after.version == built.before.version
        assert after.results == built.before.results
        assert leftovers(index) == []  # the failed build was removed at once
        assert ingest(index, built.library, built.base).version is not None
    finally:
        (built.library / "new-article.md").unlink()


def _mount_tmpfs(path: Path, size_kb: int) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                           str(path)], capture_output=True)
    return done.returncode == 0


def test_disk_full_on_a_real_small_filesystem(built: Built, tmp_path: Path) -> None:
    """A 1.5 MB tmpfs holds the index; a much larger library cannot be built on it."""
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, 1536):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        index = disk / "index"
        ingest(index, built.library, built.base)
        before = answers(index)
        big = write_library(tmp_path / "big", docs=30, paragraphs=30, seed=9)
        proc = fake_cli(["ingest", str(big), "--index", str(index)], built.base)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 2, stderr
        assert "Traceback" not in stderr
        assert "live index is untouched" in stderr, stderr
        assert "full" in stderr.lower() or "No space left" in stderr, stderr
        after = answers(index)
        assert after.version == before.version and after.results == before.results
        assert leftovers(index) == []
        # space is there again for an ingest of the library that fits
        assert ingest(index, built.library, built.base).version is None  # nothing changed
        assert answers(index).results == before.results
    finally:
        gc.collect()  # close the SQLite handles the checks opened on it
        subprocess.run(["umount", str(disk)], check=False, capture_output=True)
        if disk.is_mount():
            subprocess.run(["umount", "-l", str(disk)], check=False)
