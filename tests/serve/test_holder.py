"""The live index (holder.py): not ready until a version is published, one snapshot per
request across a swap, a version that fails to load reported while the old one serves."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from backqa.encoders.identity import ModelIdentity
from backqa.index.layout import STORE
from backqa.serve.holder import IndexHolder, NotReady
from helpers import FakeEncoder, add_article, publish


def test_holder_is_not_ready_until_a_version_is_published(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    holder = IndexHolder(tmp_path / "index", fake_encoder)
    assert holder.check() is False
    with pytest.raises(NotReady, match="backqa ingest"):
        holder.snapshot()
    version = publish(tmp_path / "index", library_copy, fake_encoder)
    assert holder.check() is True
    assert holder.snapshot().version == version
    assert holder.check() is False  # nothing new


def test_a_request_in_flight_keeps_its_version_across_a_swap(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    v1 = publish(index_dir, library_copy, fake_encoder)
    holder = IndexHolder(index_dir, fake_encoder)
    holder.check()
    in_flight = holder.snapshot()
    add_article(library_copy, "new-article")
    v2 = publish(index_dir, library_copy, fake_encoder)
    assert holder.check() is True
    assert holder.snapshot().version == v2
    old = in_flight.searcher.search("hill repeats lower back", k=3)
    assert old.index_version == v1 and old.results
    assert all(r.source.id != "new-article" for r in old.results)
    new = holder.snapshot().searcher.search("hill repeats lower back", k=3)
    assert new.index_version == v2
    assert new.results[0].source.id == "new-article"


def _corrupt(version_dir: Path) -> None:
    store = version_dir / STORE
    data = bytearray(store.read_bytes())
    data[len(data) // 2] ^= 0xFF
    store.write_bytes(bytes(data))


def test_a_version_that_fails_to_load_is_reported_and_the_old_one_keeps_serving(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    v1 = publish(index_dir, library_copy, fake_encoder)
    holder = IndexHolder(index_dir, fake_encoder)
    holder.check()
    add_article(library_copy, "new-article")
    v2 = publish(index_dir, library_copy, fake_encoder)
    _corrupt(index_dir / "versions" / v2)
    assert holder.check() is False
    assert holder.snapshot().version == v1
    assert holder.failures == 1
    assert holder.last_failure is not None and holder.last_failure.version == v2
    assert STORE in holder.last_failure.error
    assert holder.check() is False and holder.failures == 1  # not retried until it moves
    add_article(library_copy, "another-article")
    v3 = publish(index_dir, library_copy, fake_encoder)
    assert holder.check() is True
    assert holder.snapshot().version == v3 and holder.last_failure is None


def test_at_start_a_broken_current_falls_back_to_previous(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    v1 = publish(index_dir, library_copy, fake_encoder)
    add_article(library_copy, "new-article")
    v2 = publish(index_dir, library_copy, fake_encoder)
    _corrupt(index_dir / "versions" / v2)
    holder = IndexHolder(index_dir, fake_encoder)
    assert holder.check() is True
    assert holder.snapshot().version == v1
    assert holder.last_failure is not None and holder.last_failure.version == v2


def test_a_version_built_with_another_model_is_refused(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, library_copy, fake_encoder)
    other = FakeEncoder()
    other.identity = ModelIdentity(name="other/model", package="tests", weights_sha256="1" * 64,
                                   dimensions=384, max_seq_length=256)
    holder = IndexHolder(index_dir, other)
    assert holder.check() is False
    with pytest.raises(NotReady, match="other/model"):
        holder.snapshot()
    assert "test/hashing" in holder.last_failure.error  # type: ignore[union-attr]


def test_the_poller_loads_a_version_published_by_another_writer(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, library_copy, fake_encoder)
    changes: list[str] = []
    holder = IndexHolder(index_dir, fake_encoder, reload_interval=0.05,
                         on_change=lambda: changes.append("changed"))
    holder.start()
    try:
        add_article(library_copy, "new-article")
        v2 = publish(index_dir, library_copy, fake_encoder)
        deadline = time.monotonic() + 10
        while holder.snapshot().version != v2:
            assert time.monotonic() < deadline, "the new version was never loaded"
            time.sleep(0.02)
        assert changes == ["changed", "changed"]
    finally:
        holder.stop()
