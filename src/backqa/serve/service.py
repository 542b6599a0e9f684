"""The query service: everything the HTTP app needs behind its routes.

- one shared `BatchingEncoder` (batching.py) for the questions and any reindex,
- the live index (`IndexHolder`, holder.py), one snapshot per request,
- a pool of search threads that answer a question with `Searcher.search`, the command line's
  code, so the API answers exactly what `backqa search --json` does,
- the reindex jobs (jobs.py), when the app was given a way to ingest.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from backqa.encoders.identity import Encoder
from backqa.search.searcher import Searcher
from backqa.serve.batching import BatchingEncoder, PrecomputedEncoder
from backqa.serve.holder import IndexHolder, LiveIndex, NotReady
from backqa.serve.jobs import Job, ReindexerFactory, ReindexJobs

T = TypeVar("T")


class QueryService:
    """The shared encoder, the live index, the search threads and the reindex jobs.

    `start()` loads the encoder and the index; `stop()` releases them. Without a
    `reindexer_factory` there are no reindex jobs (`jobs` stays None)."""

    def __init__(self, index_dir: Path, ingest_paths: list[Path], *,
                 encoder_factory: Callable[[], Encoder],
                 reindexer_factory: ReindexerFactory | None = None,
                 reload_interval: float = 1.0, search_threads: int = 4, embed_batch: int = 32,
                 on_batch: Callable[[int, float], None] | None = None,
                 on_change: Callable[[], None] | None = None,
                 on_job_finished: Callable[[Job], None] | None = None) -> None:
        self.index_dir = index_dir
        self.ingest_paths = ingest_paths
        self.encoder_factory = encoder_factory
        self.reindexer_factory = reindexer_factory
        self.reload_interval = reload_interval
        self.search_threads = search_threads
        self.embed_batch = embed_batch
        self.on_batch, self.on_change, self.on_job_finished = on_batch, on_change, on_job_finished
        self.encoder: BatchingEncoder | None = None
        self.holder: IndexHolder | None = None
        self.jobs: ReindexJobs | None = None
        self._pool: ThreadPoolExecutor | None = None

    @property
    def can_reindex(self) -> bool:
        """Whether this service was given a way to ingest the library."""
        return self.reindexer_factory is not None

    def start(self) -> None:
        encoder = BatchingEncoder(self.encoder_factory(), max_batch=self.embed_batch,
                                  on_batch=self.on_batch)
        self.encoder = encoder
        self.holder = IndexHolder(self.index_dir, encoder, self.reload_interval,
                                  on_change=self.on_change)
        factory = self.reindexer_factory
        if factory is not None:  # a reindex embeds with the shared encoder, between questions
            self.jobs = ReindexJobs(lambda: factory(encoder), self.ingest_paths, self.index_dir,
                                    on_published=self.holder.check,
                                    on_finished=self.on_job_finished)
        # Threads of our own (not the event loop's default pool) that live as long as the
        # service: each keeps its SQLite connections open.
        self._pool = ThreadPoolExecutor(max_workers=self.search_threads,
                                        thread_name_prefix="backqa-search")
        self.holder.start()

    def snapshot(self) -> LiveIndex:
        """The live version to answer one request from; raises NotReady when there is none."""
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

    async def read(self, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)`, a blocking read (store lookups), on the search threads."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, func, *args)

    def stop(self) -> None:
        if self.holder is not None:
            self.holder.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self.encoder is not None:
            self.encoder.close()


def _search_json(searcher: Searcher, query: str, k: int, kind: str | None,
                 started: float, topic: str | None = None) -> bytes:
    response = searcher.search(query, k=k, kind=kind, topic=topic)
    if response.took_ms is not None:  # count the embedding, done before `search` was called
        response.took_ms = round((time.perf_counter() - started) * 1000, 3)
    return response.model_dump_json().encode("utf-8")
