"""Fixtures shared by the whole suite; plain helpers are in `helpers.py`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import LIBRARY, PROJECT, FakeEncoder


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def real_encoder():  # type: ignore[no-untyped-def]
    from backqa.encoders.torch_encoder import TorchEncoder

    return TorchEncoder()


@pytest.fixture(scope="session")
def shipped_index_dir(tmp_path_factory: pytest.TempPathFactory, real_encoder) -> Path:  # type: ignore[no-untyped-def]
    """The shipped library (ingest/) indexed with the real model, once per test session."""
    from backqa.ingest.pipeline import IngestPipeline

    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    summary = IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: real_encoder,
                             progress=False).ingest([LIBRARY])
    assert summary.version is not None and not summary.problems
    return index_dir


@pytest.fixture(scope="session")
def shipped_searcher(shipped_index_dir: Path, real_encoder):  # type: ignore[no-untyped-def]
    from backqa.index.loaded import load_current
    from backqa.search.searcher import Searcher

    return Searcher(load_current(shipped_index_dir), real_encoder)


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped library."""
    target = tmp_path / "ingest"
    shutil.copytree(LIBRARY, target)
    return target
