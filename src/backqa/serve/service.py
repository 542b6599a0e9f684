"""The query service's engine room: one shared encoder, the live index version, reindex jobs.

- `BatchingEncoder` runs the model for one caller at a time; the questions of concurrent
  requests that wait meanwhile are embedded together in one batch.
- `IndexHolder` loads the live version, polls `IndexDirectory.current_id()` and loads a newly
  published version off the request path, then swaps one reference: each request takes one
  snapshot (`LiveIndex`) and is answered wholly from it. A version that fails to load is
  reported and the last good one keeps serving.
- `ReindexJobs` runs the incremental ingest in the background, one job at a time.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from backqa.encoders.identity import Encoder
from backqa.index.loaded import IndexLoadError, LoadedIndex
from backqa.index.versions import IndexDirectory, IndexLocked
from backqa.search.searcher import Searcher

log = logging.getLogger("backqa.service")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- batching encoder ------------------------------------------------------------------------


@dataclass
class _EncodeJob:
    texts: list[str]
    future: Future[np.ndarray] = field(default_factory=Future)


class BatchingEncoder:
    """An `Encoder` that embeds the texts of concurrent `encode` calls together.

    Calls of at most `max_batch` texts (questions) are interactive: whatever is waiting when
    the model becomes free goes into the next batch. Larger calls (an ingest) are bulk: cut
    into chunks of `bulk_chunk` texts that take turns with the questions' batches, so a
    reindex delays a question by at most one chunk and questions cannot starve it.
    `on_batch(size, seconds)` is told of every batch.
    The model never runs twice at once; when it is idle, a question's `encode` runs it in the
    calling thread (no hand-off to the encoder thread and back).
    """

    def __init__(self, encoder: Encoder, max_batch: int = 32, bulk_chunk: int = 16,
                 on_batch: Callable[[int, float], None] | None = None) -> None:
        self.inner = encoder
        self.identity = encoder.identity
        self.max_batch = max(1, max_batch)
        self.bulk_chunk = max(1, bulk_chunk)
        self.on_batch = on_batch
        self._interactive: deque[_EncodeJob] = deque()
        self._bulk: deque[_EncodeJob] = deque()
        self._wake = threading.Condition()
        self._model = threading.Lock()  # held while the model runs
        self._bulk_passed = False  # the last batch went to questions while bulk work waited
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="backqa-encoder", daemon=True)
        self._thread.start()

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        """Embed `texts` (blocks the calling thread until done)."""
        items = list(texts)
        if not items:
            return self.inner.encode([], batch_size=batch_size)
        if len(items) <= self.max_batch:
            now = self._encode_now(items)
            if now is not None:
                return now
            return self._submit(_EncodeJob(items), self._interactive).result()
        parts = [self._submit(_EncodeJob(items[i : i + self.bulk_chunk]), self._bulk).result()
                 for i in range(0, len(items), self.bulk_chunk)]
        return np.vstack(parts)

    @property
    def idle(self) -> bool:
        """Nothing is being embedded, nor waiting to be."""
        return not (self._interactive or self._bulk or self._model.locked())

    def _encode_now(self, texts: list[str]) -> np.ndarray | None:
        """Run the model in this thread if it is idle and nothing waits; else None."""
        if self._interactive or self._bulk or not self._model.acquire(blocking=False):
            return None
        try:
            return self._run(texts)
        finally:
            self._model.release()

    def _run(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.inner.encode(texts, batch_size=len(texts))
        if self.on_batch is not None:
            self.on_batch(len(texts), time.perf_counter() - started)
        return vectors

    async def encode_async(self, texts: Sequence[str]) -> np.ndarray:
        """Embed a few texts (questions) without blocking the event loop or a thread."""
        items = list(texts)
        if not items or len(items) > self.max_batch:
            return await asyncio.to_thread(self.encode, items)
        return await asyncio.wrap_future(self._submit(_EncodeJob(items), self._interactive))

    def _submit(self, job: _EncodeJob, queue: deque[_EncodeJob]) -> Future[np.ndarray]:
        with self._wake:
            if self._closed:
                raise RuntimeError("the encoder has been closed")
            queue.append(job)
            self._wake.notify()
        return job.future

    def _take(self) -> list[_EncodeJob]:
        """The next batch: waiting questions (up to `max_batch` texts), else one bulk chunk.
        When both wait, they take turns, so steady questions cannot starve a reindex."""
        with self._wake:
            jobs: list[_EncodeJob] = []
            size = 0
            queue = self._interactive
            bulk_turn = bool(self._bulk) and self._bulk_passed
            while queue and not bulk_turn and (
                    not jobs or size + len(queue[0].texts) <= self.max_batch):
                job = queue.popleft()
                if job.future.set_running_or_notify_cancel():  # else: the caller left
                    jobs.append(job)
                    size += len(job.texts)
            self._bulk_passed = bool(jobs) and bool(self._bulk)
            while not jobs and self._bulk:
                job = self._bulk.popleft()
                if job.future.set_running_or_notify_cancel():
                    jobs.append(job)
            return jobs

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not (self._interactive or self._bulk or self._closed):
                    self._wake.wait()
                if self._closed and not (self._interactive or self._bulk):
                    return
            with self._model:  # taken first, so what arrives meanwhile joins this batch
                jobs = self._take()
                if not jobs:
                    continue
                try:
                    vectors = self._run([t for job in jobs for t in job.texts])
                except BaseException as exc:  # handed to every waiting caller
                    for job in jobs:
                        job.future.set_exception(exc)
                    continue
            offset = 0
            for job in jobs:
                job.future.set_result(vectors[offset : offset + len(job.texts)])
                offset += len(job.texts)

    def close(self) -> None:
        """Finish what is queued, then stop the encoder thread."""
        with self._wake:
            self._closed = True
            self._wake.notify_all()
        self._thread.join(timeout=30)


# -- the live index --------------------------------------------------------------------------


class NotReady(RuntimeError):
    """No index version is loaded yet; the message says why."""


@dataclass(frozen=True)
class LiveIndex:
    """One loaded version and its searcher: everything a request reads comes from here."""

    index: LoadedIndex
    searcher: Searcher
    loaded_at: str

    @property
    def version(self) -> str:
        return self.index.version


@dataclass(frozen=True)
class LoadFailure:
    version: str
    error: str
    at: str


class IndexHolder:
    """Keeps the newest loadable version of an index folder live, reloading when it changes."""

    def __init__(self, index_dir: Path, encoder: Encoder, reload_interval: float = 1.0,
                 on_change: Callable[[], None] | None = None) -> None:
        self.directory = IndexDirectory(index_dir)
        self.encoder = encoder
        self.reload_interval = reload_interval
        self.on_change = on_change
        self.reloads = 0
        self.failures = 0
        self._live: LiveIndex | None = None
        self.last_failure: LoadFailure | None = None
        self._seen: str | None = None  # the last `current` id acted on (loaded or failed)
        self._check_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def live(self) -> LiveIndex | None:
        return self._live

    def snapshot(self) -> LiveIndex:
        """The version to answer one request from; raises NotReady when none is loaded."""
        live = self._live
        if live is None:
            if self.last_failure is not None:
                raise NotReady(f"the index cannot be loaded: {self.last_failure.error}")
            raise NotReady(f"no index in {self.directory.root}: run `backqa ingest` first")
        return live

    def check(self) -> bool:
        """Load the live version if it changed since the last check; True when swapped in.

        A version that fails to load is remembered and not retried until `current` moves."""
        with self._check_lock:
            current = self.directory.current_id()
            if current is None or current == self._seen:
                return False
            self._seen = current
            live = self._live
            if live is not None and live.version == current:
                self.last_failure = None  # `current` came back to the version being served
                return False
            try:
                loaded = self._load(self.directory.root / "versions" / current)
            except IndexLoadError as exc:
                self.failures += 1
                self.last_failure = LoadFailure(current, str(exc), _now())
                keep = f"still serving {live.version}" if live else "nothing to serve"
                log.error("index version %s not loaded (%s): %s", current, keep, exc)
                if live is None:
                    return self._fall_back()
                return False
            self._swap(loaded)
            return True

    def _fall_back(self) -> bool:
        """At start, when `current` cannot be loaded: serve `previous` if it loads."""
        previous = self.directory.previous()
        if previous is None:
            return False
        try:
            loaded = self._load(previous)
        except IndexLoadError as exc:
            log.error("previous index version %s not loaded either: %s", previous.name, exc)
            return False
        log.warning("serving the previous index version %s", loaded.version)
        self._swap(loaded)
        return True

    def _load(self, version_dir: Path) -> LiveIndex:
        index = LoadedIndex.load(version_dir)
        if index.model_key != self.encoder.identity.key:
            raise IndexLoadError(f"{version_dir / 'manifest.json'}: built with model "
                                 f"{index.model_key}, but this server embeds questions with "
                                 f"{self.encoder.identity.key}; re-ingest with this model")
        return LiveIndex(index, Searcher(index, self.encoder), _now())

    def _swap(self, loaded: LiveIndex) -> None:
        old = self._live
        self._live = loaded  # one reference: requests in flight keep their own snapshot
        self.reloads += 1
        if loaded.version == self._seen:  # the published version is live: nothing to report
            self.last_failure = None
        log.info("serving index version %s (%d passages)%s", loaded.version,
                 loaded.index.passage_count, f", was {old.version}" if old else "")
        if self.on_change is not None:
            self.on_change()

    def start(self) -> None:
        """Load what is live now, then poll for new versions in a background thread."""
        self.check()
        if self._live is None and self.last_failure is None:
            log.warning("no index in %s yet: run `backqa ingest`; it will be served as soon "
                        "as it is published", self.directory.root)
        self._stop.clear()
        self._thread = threading.Thread(target=self._poll, name="backqa-reload", daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.wait(self.reload_interval):
            try:
                self.check()
            except Exception:  # the poller must outlive any surprise
                log.exception("index reload check failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None


# -- reindex jobs ----------------------------------------------------------------------------


class JobRunning(RuntimeError):
    """A reindex is already running (here, or an ingest in another process)."""


@dataclass
class Job:
    id: str
    rebuild: bool
    state: str = "queued"  # queued -> running -> succeeded | failed
    stage: str | None = None
    done: int = 0
    total: int = 0
    submitted_at: str = field(default_factory=_now)
    started_at: str | None = None
    finished_at: str | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class ReindexJobs:
    """Runs `IngestPipeline` over the library in a background thread, one job at a time.

    `pipeline_factory()` returns a fresh pipeline for each job; `on_published` is called after
    a job published a new version (the holder reloads at once instead of at its next poll)."""

    def __init__(self, pipeline_factory: Callable[[], Any], paths: list[Path],
                 index_dir: Path, on_published: Callable[[], Any] | None = None,
                 on_finished: Callable[[Job], None] | None = None, keep: int = 20) -> None:
        self.pipeline_factory = pipeline_factory
        self.paths = paths
        self.directory = IndexDirectory(index_dir)
        self.on_published = on_published
        self.on_finished = on_finished
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._running: Job | None = None

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    @property
    def running(self) -> Job | None:
        return self._running

    def submit(self, rebuild: bool = False) -> Job:
        """Start a reindex; raises JobRunning while one runs here or in another process."""
        with self._lock:
            if self._running is not None:
                raise JobRunning(f"reindex job {self._running.id} is still running")
            try:
                with self.directory.lock():
                    pass
            except IndexLocked as exc:
                raise JobRunning(str(exc)) from None
            job = Job(id=secrets.token_hex(8), rebuild=rebuild)
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                self._jobs.popitem(last=False)
            self._running = job
        threading.Thread(target=self._run, args=(job,), name=f"backqa-reindex-{job.id}",
                         daemon=True).start()
        return job

    def _run(self, job: Job) -> None:
        job.state, job.stage, job.started_at = "running", "reading", _now()

        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        try:
            pipeline = self.pipeline_factory()
            pipeline.on_progress = progress
            summary = pipeline.ingest(self.paths, rebuild=job.rebuild)
            job.summary = summary.to_dict()
            job.stage = "published" if summary.version else "unchanged"
            job.state = "succeeded"
            if summary.version and self.on_published is not None:
                self.on_published()
        except Exception as exc:  # reported in the job; the service keeps going
            log.exception("reindex job %s failed", job.id)
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = _now()
            with self._lock:
                self._running = None
            if self.on_finished is not None:
                self.on_finished(job)


# -- the whole service -----------------------------------------------------------------------


class QueryService:
    """Everything the HTTP app needs: the shared encoder, the live index, a search thread pool
    and the reindex jobs. `start()` loads the encoder and the index; `stop()` releases them."""

    def __init__(self, index_dir: Path, ingest_paths: list[Path], root: Path, *,
                 encoder_factory: Callable[[], Encoder], reload_interval: float = 1.0,
                 search_threads: int = 4, embed_batch: int = 32, min_words: int = 40,
                 max_words: int = 180, on_batch: Callable[[int, float], None] | None = None,
                 on_change: Callable[[], None] | None = None,
                 on_job_finished: Callable[[Job], None] | None = None) -> None:
        self.index_dir = index_dir
        self.ingest_paths = ingest_paths
        self.root = root
        self.encoder_factory = encoder_factory
        self.reload_interval = reload_interval
        self.search_threads = search_threads
        self.embed_batch = embed_batch
        self.min_words, self.max_words = min_words, max_words
        self.on_batch, self.on_change, self.on_job_finished = on_batch, on_change, on_job_finished
        self.encoder: BatchingEncoder | None = None
        self.holder: IndexHolder | None = None
        self.jobs: ReindexJobs | None = None
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> None:
        self.encoder = BatchingEncoder(self.encoder_factory(), max_batch=self.embed_batch,
                                       on_batch=self.on_batch)
        self.holder = IndexHolder(self.index_dir, self.encoder, self.reload_interval,
                                  on_change=self.on_change)
        self.jobs = ReindexJobs(self._pipeline, self.ingest_paths, self.index_dir,
                                on_published=self.holder.check, on_finished=self.on_job_finished)
        # Threads of our own (not the event loop's default pool) that live as long as the
        # service: each keeps its SQLite connections open.
        self._pool = ThreadPoolExecutor(max_workers=self.search_threads,
                                        thread_name_prefix="backqa-search")
        self.holder.start()

    def _pipeline(self) -> Any:
        from backqa.ingest.pipeline import IngestPipeline

        assert self.encoder is not None
        encoder = self.encoder
        return IngestPipeline(self.index_dir, self.root, min_words=self.min_words,
                              max_words=self.max_words, encoder_factory=lambda: encoder,
                              identity=encoder.identity, progress=False, log=log.warning)

    def snapshot(self) -> LiveIndex:
        if self.holder is None:
            raise NotReady("the service is starting")
        return self.holder.snapshot()

    async def search_json(self, query: str, k: int, kind: str | None,
                          topic: str | None = None) -> bytes:
        """`backqa search --json` for one question, computed off the event loop.

        `Searcher.search` (the command line's code) runs on a search thread. When the encoder
        is busy, the question is first embedded in a batch with the other questions waiting at
        that moment, and its vector handed in; when it is idle, the search thread runs it."""
        assert self.encoder is not None
        started = time.perf_counter()
        live = self.snapshot()
        searcher = live.searcher
        loop = asyncio.get_running_loop()
        if self.encoder.idle:  # nothing to batch with: embed and rank in one search thread
            return await loop.run_in_executor(self._pool, _search_json, searcher, query, k,
                                              kind, started, topic)
        text = searcher.prepare(query)  # what `search` will embed, typos fixed
        if text:
            vector = (await self.encoder.encode_async([text]))[0]
            searcher = copy.copy(searcher)
            searcher.encoder = PrecomputedEncoder(text, vector, live.searcher.encoder)
        return await loop.run_in_executor(self._pool, _search_json, searcher, query, k, kind,
                                          started, topic)

    async def call(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking read (store lookups) on the search threads."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, func, *args)

    def stop(self) -> None:
        if self.holder is not None:
            self.holder.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self.encoder is not None:
            self.encoder.close()


class PrecomputedEncoder:
    """Answers `encode([text])` with a vector computed earlier; anything else goes to `inner`."""

    def __init__(self, text: str, vector: np.ndarray, inner: Encoder) -> None:
        self.text = text
        self.vector = vector
        self.inner = inner
        self.identity = inner.identity

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        if list(texts) == [self.text]:
            return self.vector.reshape(1, -1)
        return self.inner.encode(texts, batch_size=batch_size, progress=progress)


def _search_json(searcher: Searcher, query: str, k: int, kind: str | None,
                 started: float, topic: str | None = None) -> bytes:
    response = searcher.search(query, k=k, kind=kind, topic=topic)
    if response.took_ms is not None:  # count the embedding, done before `search` was called
        response.took_ms = round((time.perf_counter() - started) * 1000, 3)
    return response.model_dump_json().encode("utf-8")
