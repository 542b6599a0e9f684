"""`backqa publish`: a copied version is verified, copied in beside the live one and switched
to atomically; a damaged, incomplete or foreign copy is refused and the live version stays."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import backqa.index.manifest
import backqa.index.publish
from backqa.index.manifest import FileDigest, read_manifest, write_json_atomic
from backqa.index.publish import PublishRefused, VersionPublisher
from backqa.index.versions import IndexDirectory
from helpers import (
    FakeEncoder,
    OtherModel,
    add_article,
    answers,
    fake_cli,
    leftovers,
    publish,
    write_library,
)

FAKE_MODEL = FakeEncoder.identity.key


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """An index folder built on 'another machine' with two versions: (folder, old, new)."""
    root = tmp_path_factory.mktemp("builder")
    library = write_library(root / "library", docs=4, paragraphs=6, shipped=False)
    index = root / "index"
    old = publish(index, library, FakeEncoder())
    add_article(library)
    new = publish(index, library, FakeEncoder())
    return index, old, new


def copied(built: tuple[Path, str, str], which: str, to: Path) -> Path:
    """A copy of one built version, as rsync would leave it on a replica."""
    index, old, new = built
    version = old if which == "old" else new
    return Path(shutil.copytree(index / "versions" / version, to / "incoming" / version))


def replica(tmp_path: Path, built: tuple[Path, str, str]) -> tuple[Path, VersionPublisher]:
    """A replica's index folder serving the old version."""
    target = tmp_path / "replica"
    publisher = VersionPublisher(target, installed_model=lambda: FAKE_MODEL)
    publisher.publish(copied(built, "old", tmp_path))
    return target, publisher


def test_publish_switches_to_the_copy_and_it_answers_as_on_the_builder(
        tmp_path: Path, built: tuple[Path, str, str]) -> None:
    target, publisher = replica(tmp_path, built)
    index, old, new = built
    result = publisher.publish(copied(built, "new", tmp_path / "second"))
    directory = IndexDirectory(target)
    assert (result.version, result.replaced) == (new, old)
    assert directory.current_id() == new and directory.previous() == target / "versions" / old
    assert result.copied_bytes == sum(f.bytes for f in read_manifest(index / "versions" / new)
                                      .files.values()) > 0
    assert leftovers(target) == []
    # what the replica answers is what the builder answered from the same version
    builder = answers(index)
    assert builder.version == new and answers(target) == builder


def test_a_flipped_byte_is_refused_naming_the_file(
        tmp_path: Path, built: tuple[Path, str, str]) -> None:
    target, publisher = replica(tmp_path, built)
    incoming = copied(built, "new", tmp_path)
    data = bytearray((incoming / "store.sqlite").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (incoming / "store.sqlite").write_bytes(bytes(data))
    with pytest.raises(PublishRefused, match=r"store\.sqlite: content does not match"):
        publisher.publish(incoming)
    assert IndexDirectory(target).current_id() == built[1]
    assert leftovers(target) == []


def test_large_files_are_checked_by_checksum_too(
        tmp_path: Path, built: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading checks files over VERIFY_MAX_BYTES by size only; publishing checks every byte."""
    target, publisher = replica(tmp_path, built)
    monkeypatch.setattr(backqa.index.manifest, "VERIFY_MAX_BYTES", 0)
    monkeypatch.setattr(backqa.index.publish, "VERIFY_MAX_BYTES", 0)
    incoming = copied(built, "new", tmp_path)
    data = bytearray((incoming / "vectors.faiss").read_bytes())
    data[-5] ^= 0x01
    (incoming / "vectors.faiss").write_bytes(bytes(data))
    with pytest.raises(PublishRefused, match=r"vectors\.faiss: content does not match"):
        publisher.publish(incoming)
    assert IndexDirectory(target).current_id() == built[1]


@pytest.mark.parametrize("damage, message", [
    ("truncate", r"store\.sqlite: \d+ bytes, the manifest says \d+"),
    ("remove", r"vectors\.faiss: missing"),
    ("extra", r"stray\.tmp: not in the manifest"),
    ("no manifest", r"manifest\.json: missing"),
    ("bad manifest", r"manifest\.json: unreadable"),
    ("outside", r"manifest\.json: field 'files': '\.\./escape' is outside"),
    ("version id", r"manifest\.json: field 'version': '\.\./x' is not a version id"),
])
def test_damaged_or_incomplete_copies_are_refused(
        tmp_path: Path, built: tuple[Path, str, str], damage: str, message: str) -> None:
    target, publisher = replica(tmp_path, built)
    incoming = copied(built, "new", tmp_path)
    manifest = incoming / "manifest.json"
    raw = read_manifest(incoming).model_dump(mode="json")
    if damage == "truncate":
        store = incoming / "store.sqlite"
        store.write_bytes(store.read_bytes()[:-100])
    elif damage == "remove":
        (incoming / "vectors.faiss").unlink()
    elif damage == "extra":
        (incoming / "stray.tmp").write_text("half a file")
    elif damage == "no manifest":
        manifest.unlink()
    elif damage == "bad manifest":
        manifest.write_text("{not json")
    elif damage == "outside":
        raw["files"]["../escape"] = {"bytes": 1, "sha256": "0" * 64}
        write_json_atomic(manifest, raw)
    elif damage == "version id":
        raw["version"] = "../x"
        write_json_atomic(manifest, raw)
    with pytest.raises(PublishRefused, match=message):
        publisher.publish(incoming)
    assert IndexDirectory(target).current_id() == built[1]
    assert leftovers(target) == [] and not (tmp_path / "escape").exists()


def test_a_version_of_another_model_is_refused(tmp_path: Path,
                                                built: tuple[Path, str, str]) -> None:
    target, publisher = replica(tmp_path, built)
    library = write_library(tmp_path / "library", docs=2, paragraphs=4, shipped=False)
    foreign = publish(tmp_path / "foreign", library, OtherModel())
    source = tmp_path / "foreign" / "versions" / foreign
    with pytest.raises(PublishRefused, match=r"manifest\.json: built with model "
                       r"test/other-model.* answers with test/hashing.*the live version"):
        publisher.publish(source)
    assert IndexDirectory(target).current_id() == built[1]
    # an empty index folder requires the installed model instead
    empty = VersionPublisher(tmp_path / "empty", installed_model=lambda: FAKE_MODEL)
    with pytest.raises(PublishRefused, match="the installed model"):
        empty.publish(source)
    assert IndexDirectory(tmp_path / "empty").current_id() is None


def test_a_file_rewritten_after_its_check_is_refused(
        tmp_path: Path, built: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy still arriving (rsync replacing a file) between the check and the copy."""
    target, publisher = replica(tmp_path, built)
    incoming = copied(built, "new", tmp_path)
    check = backqa.index.publish.verify_files

    def check_then_rewrite(folder: Path, files: dict[str, FileDigest]) -> None:
        check(folder, files)
        store = folder / "store.sqlite"
        replacement = folder / ".store.sqlite.part"
        replacement.write_bytes(store.read_bytes())
        replacement.replace(store)

    monkeypatch.setattr(backqa.index.publish, "verify_files", check_then_rewrite)
    with pytest.raises(PublishRefused, match=r"store\.sqlite: changed while being published"):
        publisher.publish(incoming)
    assert IndexDirectory(target).current_id() == built[1]
    assert leftovers(target) == []


def test_publishing_again_is_a_no_op_and_an_older_version_rolls_back(
        tmp_path: Path, built: tuple[Path, str, str]) -> None:
    target, publisher = replica(tmp_path, built)
    _, old, new = built
    publisher.publish(copied(built, "new", tmp_path))
    again = publisher.publish(copied(built, "new", tmp_path / "again"))
    assert (again.replaced, again.copied_bytes) == (new, 0)
    assert "already live" in again.line()
    back = publisher.publish(target / "versions" / old)  # roll back to the kept previous one
    directory = IndexDirectory(target)
    assert (back.version, back.replaced) == (old, new) and directory.current_id() == old


def test_a_different_version_under_the_same_id_is_refused(
        tmp_path: Path, built: tuple[Path, str, str]) -> None:
    target, publisher = replica(tmp_path, built)
    _, old, _ = built
    impostor = copied(built, "new", tmp_path)
    raw = read_manifest(impostor).model_dump(mode="json")
    raw["version"] = old
    write_json_atomic(impostor / "manifest.json", raw)
    with pytest.raises(PublishRefused, match=f"version {old} is already in .* with different"):
        publisher.publish(impostor)
    assert IndexDirectory(target).current_id() == old


def test_the_command_publishes_and_refuses_with_the_file_named(
        tmp_path: Path, built: tuple[Path, str, str]) -> None:
    target, _ = replica(tmp_path, built)
    _, old, new = built
    incoming = copied(built, "new", tmp_path)
    (incoming / "bm25").mkdir(exist_ok=True)
    damaged = copied(built, "new", tmp_path / "damaged")
    (damaged / "vectors.faiss").write_bytes(b"not an index")
    proc = fake_cli(["publish", str(damaged), "--index", str(target)], tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and out == ""
    assert "refused, the live index is untouched" in err and "vectors.faiss" in err
    assert IndexDirectory(target).current_id() == old
    proc = fake_cli(["publish", str(incoming), "--index", str(target)], tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert f"published {new}" in out and f"(was {old})" in out
    assert IndexDirectory(target).current_id() == new


def test_rolling_back_to_a_damaged_kept_version_is_refused(
        tmp_path: Path, built: tuple[Path, str, str]) -> None:
    target, publisher = replica(tmp_path, built)
    _, old, new = built
    publisher.publish(copied(built, "new", tmp_path))
    kept = target / "versions" / old
    (kept / "store.sqlite").write_bytes(b"damaged")
    with pytest.raises(PublishRefused, match=rf"{old}/store\.sqlite: 7 bytes.*copy the version"):
        publisher.publish(kept)
    # an intact copy of the same version does not switch to the damaged one already there
    with pytest.raises(PublishRefused, match=rf"replica/versions/{old}/store\.sqlite: 7 bytes"
                       rf".*remove .*{old} and publish again"):
        publisher.publish(copied(built, "old", tmp_path / "intact"))
    assert IndexDirectory(target).current_id() == new


def test_a_broken_live_version_is_replaced_if_the_copy_has_the_installed_model(
        tmp_path: Path, built: tuple[Path, str, str]) -> None:
    target, _ = replica(tmp_path, built)
    _, old, new = built
    (target / "versions" / old / "manifest.json").write_text("{broken")
    foreign = VersionPublisher(target, installed_model=lambda: OtherModel.identity.key)
    with pytest.raises(PublishRefused, match="the installed model"):
        foreign.publish(copied(built, "new", tmp_path))
    fixed = VersionPublisher(target, installed_model=lambda: FAKE_MODEL)
    assert fixed.publish(copied(built, "new", tmp_path / "again")).version == new
    assert IndexDirectory(target).current_id() == new
