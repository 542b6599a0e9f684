"""Shared fixtures: a fast deterministic encoder for pipeline tests, and the shipped library
indexed once per session with the real model for end-to-end checks."""

from __future__ import annotations

import contextlib
import hashlib
import re
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from backqa.encoder import ModelIdentity

PROJECT = Path(__file__).resolve().parents[1]
LIBRARY = PROJECT / "ingest"
SHARED = PROJECT.parent / "shared"


class FakeEncoder:
    """Bag-of-words hashing into 384 dimensions: deterministic, fast, and similar texts get
    similar vectors. Counts what it embeds so tests can check incremental ingest."""

    identity = ModelIdentity(name="test/hashing", package="tests", weights_sha256="0" * 64,
                             dimensions=384, max_seq_length=256)

    def __init__(self) -> None:
        self.calls: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        self.calls.extend(texts)
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[i, int.from_bytes(digest, "little") % 384] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] = out[i] / norm if norm else out[i]
        return out


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def real_encoder():
    from backqa.encoder import TorchEncoder

    return TorchEncoder()


@pytest.fixture(scope="session")
def shipped_index_dir(tmp_path_factory: pytest.TempPathFactory, real_encoder) -> Path:
    """The shipped library (ingest/) indexed with the real model, once per test session."""
    from backqa.ingest import IngestPipeline

    index_dir = tmp_path_factory.mktemp("shipped") / "index"
    summary = IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: real_encoder,
                             progress=False).run([LIBRARY])
    assert summary.version is not None and not summary.problems
    return index_dir


@pytest.fixture(scope="session")
def shipped_searcher(shipped_index_dir: Path, real_encoder):
    from backqa.index import load_current
    from backqa.search import Searcher

    return Searcher(load_current(shipped_index_dir), real_encoder)


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped library."""
    target = tmp_path / "ingest"
    shutil.copytree(LIBRARY, target)
    return target


def publish(index_dir: Path, library: Path, encoder: FakeEncoder) -> str:
    """Ingest `library` into `index_dir` with the test encoder; the published version id."""
    from backqa.ingest import IngestPipeline

    summary = IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: encoder,
                             identity=encoder.identity, progress=False).run([library])
    assert summary.version is not None
    return summary.version


def add_article(library: Path, name: str = "hill-repeats") -> None:
    """A new article arrives in the library."""
    (library / f"{name}.md").write_text(
        "# Hill repeats and the lower back\n\n" + " ".join(
            ["Leaning too far forward on steep hill repeats strains the lumbar muscles, and "
             "shorter strides with an upright trunk take the load off."] * 3) + "\n",
        encoding="utf-8")


@contextlib.contextmanager
def serve_in_thread(app: object, ready_path: str | None = None,
                    **config: object) -> Iterator[str]:
    """Run an ASGI app under uvicorn on a free 127.0.0.1 port in a thread; yields its URL once
    the server listens (and `ready_path`, if given, answers 200); stops it on exit."""
    import httpx
    import uvicorn

    from backqa.loadtest import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,  # type: ignore[arg-type]
                                           access_log=False, log_level="warning",
                                           **config))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    while ready_path and time.monotonic() < deadline:
        try:
            if httpx.get(url + ready_path, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(15)
