"""Reindex jobs: the library ingested again in the background, one job at a time.

The service does not know how to ingest (the read side never imports the write side): it is
handed a `Reindexer` factory by whoever composes the app (`backqa serve`).
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from backqa.encoders.identity import Encoder
from backqa.index.versions import IndexDirectory, IndexLocked
from backqa.serve.holder import utc_now

log = logging.getLogger("backqa.service")


class ReindexSummary(Protocol):
    """What a finished ingest reports."""

    @property
    def version(self) -> str | None:
        """The version it published; None when nothing needed publishing."""

    def to_dict(self) -> dict[str, object]: ...


class Reindexer(Protocol):
    """An ingest of the library (`backqa.ingest.pipeline.IngestPipeline` fits)."""

    on_progress: Callable[[str, int, int], None] | None

    def ingest(self, paths: list[Path], rebuild: bool = False) -> ReindexSummary: ...


ReindexerFactory = Callable[[Encoder], Reindexer]
"""A fresh `Reindexer` for one job, embedding with the given (the service's shared) encoder."""


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
    submitted_at: str = field(default_factory=utc_now)
    started_at: str | None = None
    finished_at: str | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None


class ReindexJobs:
    """Runs a `Reindexer` over the library in a background thread, one job at a time.

    `new_reindexer()` returns a fresh one for each job; `on_published` is called after a job
    published a new version (the holder reloads at once instead of at its next poll)."""

    def __init__(self, new_reindexer: Callable[[], Reindexer], paths: list[Path],
                 index_dir: Path, on_published: Callable[[], Any] | None = None,
                 on_finished: Callable[[Job], None] | None = None, keep: int = 20) -> None:
        self.new_reindexer = new_reindexer
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

    def recent(self) -> list[Job]:
        """The jobs kept (the last `keep`), newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

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
        threading.Thread(target=self._reindex, args=(job,), name=f"backqa-reindex-{job.id}",
                         daemon=True).start()
        return job

    def _reindex(self, job: Job) -> None:
        job.state, job.stage, job.started_at = "running", "reading", utc_now()

        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        try:
            reindexer = self.new_reindexer()
            reindexer.on_progress = progress
            summary = reindexer.ingest(self.paths, rebuild=job.rebuild)
            if summary.version and self.on_published is not None:
                self.on_published()  # first: a finished job means the new version is served
            job.summary = summary.to_dict()
            job.stage = "published" if summary.version else "unchanged"
            job.state = "succeeded"
        except Exception as exc:  # reported in the job; the service keeps going
            log.exception("reindex job %s failed", job.id)
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = utc_now()
            with self._lock:
                self._running = None
            if self.on_finished is not None:
                self.on_finished(job)
