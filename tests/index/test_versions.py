import os
from pathlib import Path

import pytest

from backqa.index.manifest import write_json_atomic
from backqa.index.versions import IndexDirectory, IndexLocked


def finished_build(index: IndexDirectory, marker: str) -> tuple[str, Path]:
    version_id, build = index.new_build()
    (build / "data.txt").write_text(marker)
    write_json_atomic(build / "manifest.json", {"version": version_id})
    return version_id, build


def test_publish_switches_current_and_keeps_previous(tmp_path: Path) -> None:
    index = IndexDirectory(tmp_path / "index")
    assert index.current() is None and index.current_id() is None
    first, build = finished_build(index, "one")
    index.publish(first, build)
    assert index.current() == index.versions / first and not build.exists()
    second, build = finished_build(index, "two")
    index.publish(second, build)
    assert (index.current() / "data.txt").read_text() == "two"
    assert index.previous() == index.versions / first
    assert os.readlink(index.current_link) == f"versions/{second}"


def test_publish_refuses_a_build_without_manifest(tmp_path: Path) -> None:
    index = IndexDirectory(tmp_path)
    version_id, build = index.new_build()
    with pytest.raises(RuntimeError, match="manifest"):
        index.publish(version_id, build)
    assert index.current() is None


def test_clean_removes_crashed_builds_and_old_versions(tmp_path: Path) -> None:
    index = IndexDirectory(tmp_path)
    ids = []
    for marker in "abc":
        version_id, build = finished_build(index, marker)
        index.publish(version_id, build)
        ids.append(version_id)
    _, crashed = index.new_build()  # a build that never finished
    (tmp_path / ".current.999.tmp").symlink_to("versions/x")
    removed = index.clean()
    assert crashed in removed and index.versions / ids[0] in removed
    assert sorted(p.name for p in index.version_dirs()) == sorted(ids[1:])
    assert not (tmp_path / ".current.999.tmp").is_symlink()


def test_lock_is_exclusive_and_names_the_holder(tmp_path: Path) -> None:
    first, second = IndexDirectory(tmp_path), IndexDirectory(tmp_path)
    with first.lock(), pytest.raises(IndexLocked, match=f"pid {os.getpid()}"), second.lock():
        pass
    with second.lock():  # released
        pass


def test_current_ignores_a_dangling_link(tmp_path: Path) -> None:
    index = IndexDirectory(tmp_path)
    tmp_path.joinpath("current").symlink_to("versions/gone")
    assert index.current() is None and index.current_id() == "gone"
