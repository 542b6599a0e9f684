"""What the tests share: paths, the fake encoder family, building and serving a test index,
a generated library, and the real command line in a subprocess with the fake encoder.

Tests import from here (`from helpers import ...`); fixtures live in `conftest.py`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from backqa.encoders.identity import ModelIdentity

if TYPE_CHECKING:
    import httpx
    from fastapi import FastAPI

    from backqa.config import Settings
    from backqa.encoders.identity import Encoder

PROJECT = Path(__file__).resolve().parents[1]
TESTS = PROJECT / "tests"
LIBRARY = PROJECT / "ingest"
SHARED = PROJECT.parent / "shared"
SCIFACT = SHARED / "benchmarks" / "scifact"
FIXTURES = TESTS / "fixtures"
WEB_FIXTURES = TESTS / "web_fixtures"
JUDGED = TESTS / "judged"
ARTIFACTS = TESTS / "artifacts"
FAKE_CLI = TESTS / "fake_backqa.py"
PYTHON = sys.executable


# -- the fake encoder family ------------------------------------------------------------------


class FakeEncoder:
    """Bag-of-words hashing into 384 dimensions: deterministic, fast, and similar texts get
    similar vectors. Counts what it embeds so tests can check incremental ingest; `delay`
    seconds of sleep per call widen the window for a crash or a race."""

    identity = ModelIdentity(name="test/hashing", package="tests", weights_sha256="0" * 64,
                             dimensions=384, max_seq_length=256)

    def __init__(self, delay: float = 0.0) -> None:
        self.calls: list[str] = []
        self.delay = delay

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        if self.delay:
            time.sleep(self.delay)
        self.calls.extend(texts)
        return np.vstack([self._bag([m.group() for m in re.finditer(r"\w+", text)])
                          for text in texts]) if texts else np.zeros((0, 384), np.float32)

    @staticmethod
    def _bag(words: list[str]) -> np.ndarray:
        out = np.zeros(384, dtype=np.float32)
        for word in words:
            digest = hashlib.blake2b(word.lower().encode(), digest_size=4).digest()
            out[int.from_bytes(digest, "little") % 384] += 1.0
        norm = np.linalg.norm(out)
        return out / norm if norm else out


class OtherModel(FakeEncoder):
    """The fake encoder under another model's identity (vectors that must not be mixed)."""

    identity = ModelIdentity(name="test/other-model", package="tests", weights_sha256="1" * 64,
                             dimensions=384, max_seq_length=256)


# -- building and serving a test index --------------------------------------------------------


def pipeline(index_dir: Path, encoder: FakeEncoder, **options: object):  # type: ignore[no-untyped-def]
    """An ingest pipeline over `index_dir` with the fake encoder, quiet."""
    from backqa.ingest.pipeline import IngestPipeline

    return IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: encoder,
                          identity=encoder.identity, progress=False,
                          log=lambda _message: None, **options)  # type: ignore[arg-type]


def publish(index_dir: Path, library: Path, encoder: FakeEncoder) -> str:
    """Ingest `library` into `index_dir` with the test encoder; the published version id."""
    summary = pipeline(index_dir, encoder).ingest([library])
    assert summary.version is not None
    return summary.version


def add_article(library: Path, name: str = "hill-repeats") -> None:
    """A new article arrives in the library."""
    (library / f"{name}.md").write_text(
        "# Hill repeats and the lower back\n\n" + " ".join(
            ["Leaning too far forward on steep hill repeats strains the lumbar muscles, and "
             "shorter strides with an upright trunk take the load off."] * 3) + "\n",
        encoding="utf-8")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_in_thread(app: object, ready_path: str | None = None,
                    **config: object) -> Iterator[str]:
    """Run an ASGI app under uvicorn on a free 127.0.0.1 port in a thread; yields its URL once
    the server listens (and `ready_path`, if given, answers 200); stops it on exit."""
    import httpx
    import uvicorn

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


# -- a generated library, and what an index answers -------------------------------------------

QUESTIONS = [
    "why does my lower back hurt after running",
    "should I stretch my hamstrings for back pain",
    "is it safe to run with sciatica",
    "core strength exercises for runners",
    "back pain after hill running",
    "when should I see a doctor about back pain",
]

WORDS = [
    "runner", "running", "back", "pain", "lower", "spine", "muscle", "hamstring", "glute", "core",
    "strength", "stretch", "posture", "stride", "cadence", "hill", "shoe", "surface", "mileage",
    "rest", "recovery", "physio", "doctor", "disc", "nerve", "sciatica", "hip", "pelvis", "tight",
    "weak", "fatigue", "training", "plan", "week", "easy", "tempo", "long", "warm", "cool", "ice",
    "heat", "massage", "foam", "roller", "yoga", "plank", "bridge", "squat", "deadlift", "form",
    "lean", "forward", "impact", "ground", "trail", "road", "treadmill", "pace", "breath",
    "sleep", "hydration",
]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def article(rng: random.Random, paragraphs: int) -> str:
    parts = []
    for i in range(paragraphs):
        if i % 4 == 0:
            parts.append(f"## {rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)} part {i}")
        parts.append(" ".join(sentence(rng) for _ in range(rng.randint(3, 9))))
    return "\n\n".join(parts) + "\n"


def write_library(folder: Path, docs: int = 24, paragraphs: int = 16, seed: int = 1,
                  shipped: bool = True) -> Path:
    """The shipped library (optionally) plus `docs` generated Markdown articles."""
    folder.mkdir(parents=True, exist_ok=True)
    if shipped:
        for path in LIBRARY.iterdir():
            if path.is_file() and path.name.lower() != "readme.md":
                shutil.copy(path, folder / path.name)
    rng = random.Random(seed)
    for n in range(docs):
        title = f"# Generated article {n}: {rng.choice(WORDS)} and {rng.choice(WORDS)}\n\n"
        (folder / f"generated-{n:03d}.md").write_text(title + article(rng, paragraphs))
    return folder


def change_library(folder: Path, seed: int = 2) -> None:
    """Edit some files, remove one, add one: an ingest of the result has real work to do."""
    rng = random.Random(seed)
    generated = sorted(folder.glob("generated-*.md"))
    for path in generated[:8]:
        path.write_text(path.read_text() + "\n" + article(rng, 4))
    generated[-1].unlink()
    for n in range(5):
        (folder / f"added-article-{n}.md").write_text(f"# Added article {n}\n\n"
                                                      + article(rng, 40))


@dataclass
class Answers:
    """What an index answers to QUESTIONS: passage ids, scores and sources, in order."""

    version: str
    results: list[list[tuple[str, float, str]]]


def answers(index_dir: Path) -> Answers:
    from backqa.index.loaded import load_current
    from backqa.search.searcher import Searcher

    index = load_current(index_dir)
    searcher = Searcher(index, FakeEncoder())
    results = []
    for question in QUESTIONS:
        response = searcher.search(question, k=5)
        results.append([(r.passage_id, r.score, r.source.path) for r in response.results])
    return Answers(index.version, results)


def ingest(index_dir: Path, library: Path, root: Path, rebuild: bool = False):  # type: ignore[no-untyped-def]
    """An in-process ingest with the fake encoder, from `root`."""
    from backqa.ingest.pipeline import IngestPipeline

    return IngestPipeline(index_dir, root, encoder_factory=FakeEncoder,
                          identity=FakeEncoder.identity, progress=False,
                          log=lambda _m: None).ingest([library], rebuild=rebuild)


def leftovers(index_dir: Path) -> list[str]:
    """Anything in the index folder a finished ingest should not leave behind."""
    from backqa.index.layout import BUILD_PREFIX
    from backqa.index.versions import IndexDirectory

    directory = IndexDirectory(index_dir)
    keep = {p.name for p in (directory.current(), directory.previous()) if p is not None}
    found = [p.name for p in directory.versions.iterdir() if p.name not in keep]
    found += [p.name for p in index_dir.glob(".*.tmp")]
    found += [p.name for p in directory.versions.glob(BUILD_PREFIX + "*")]
    return sorted(set(found))


# -- the real command line with the fake encoder, in a subprocess ------------------------------


def cli_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKQA_")}
    env.update({"BACKQA_ROOT": str(root), "PYTHONPATH": str(PROJECT / "src"),
                "HF_HUB_OFFLINE": "1", **extra})
    return env


def fake_cli(args: list[str], root: Path, **extra: str) -> subprocess.Popen[str]:
    """Start `backqa ARGS` (the real CLI, fake encoder) in a subprocess. `extra` environment:
    BACKQA_TEST_KILL=STAGE[:N] kills it at the N-th time a build checkpoint is reached,
    BACKQA_TEST_TRACE=FILE records the checkpoints reached, BACKQA_TEST_ENCODE_DELAY=SECONDS
    slows each embedding batch (see fake_backqa.py). Ctrl-C reaches it as it reaches a
    command typed at a terminal, even when the tests themselves run as a background job (whose
    children inherit SIGINT ignored)."""
    return subprocess.Popen([PYTHON, str(FAKE_CLI), *args], env=cli_env(root, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


# -- serving: the app as `backqa serve` builds it, and what the serve tests share ---------------
# (owned by the serve split, issue 11)

ADMIN_TOKEN = "test-admin-token-5f2c"
SORE_BACK = "what stretches help a sore lower back after running"


def serve_app(settings: Settings,
              encoder_factory: Callable[[], Encoder] = FakeEncoder) -> FastAPI:
    """The app exactly as `backqa serve` builds it (an admin reindex runs the ingest
    pipeline, with the service's shared encoder), with the fake encoder by default."""
    from backqa.cli.serve import serve_app as build

    return build(settings, encoder_factory=encoder_factory)


class GatedFakeEncoder(FakeEncoder):
    """Passage batches (more than one text, i.e. an ingest) wait until `gate` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        if len(texts) > 1:
            assert self.gate.wait(30)
        return super().encode(texts, batch_size, progress)


class ThreadRecorder(FakeEncoder):
    """Records the name of the thread each `encode` call runs in."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        self.threads.append(threading.current_thread().name)
        return super().encode(texts)


def wait_job(client: httpx.Client, job_id: str, token: str = ADMIN_TOKEN) -> dict[str, Any]:
    """Poll `/api/admin/jobs/ID` (through an httpx or test client) until the job finished."""
    deadline = time.monotonic() + 60
    while True:
        job: dict[str, Any] = client.get(
            f"/api/admin/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"}).json()
        if job["state"] not in ("queued", "running"):
            return job
        assert time.monotonic() < deadline, "the reindex never finished"
        time.sleep(0.05)


def without_time(response: dict[str, Any]) -> dict[str, Any]:
    """A search response without `took_ms` (the one field two runs need not share)."""
    return {k: v for k, v in response.items() if k != "took_ms"}
