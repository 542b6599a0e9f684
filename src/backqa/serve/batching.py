"""One shared encoder for the whole service: the questions of concurrent requests that wait
while the model is busy are embedded together in one batch, and a reindex's passages take
turns with them; a question embedded in such a batch reaches its search as a
`PrecomputedEncoder`."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from backqa.encoders.identity import Encoder


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
        self._thread = threading.Thread(target=self._embed_queued, name="backqa-encoder",
                                        daemon=True)
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
            return self._embed(texts)
        finally:
            self._model.release()

    def _embed(self, texts: list[str]) -> np.ndarray:
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

    def _embed_queued(self) -> None:
        """The encoder thread: embed the next batch until closed and drained."""
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
                    vectors = self._embed([t for job in jobs for t in job.texts])
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
