"""Reindex jobs (jobs.py): a job publishes and reports its summary and progress, one runs at
a time (here or in another process), and a failure is reported in the job."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from backqa.index.versions import IndexDirectory
from backqa.ingest.pipeline import IngestPipeline
from backqa.serve.jobs import JobRunning, ReindexJobs
from helpers import PROJECT, FakeEncoder, add_article, publish


class _BlockingPipeline:
    def __init__(self, release: threading.Event) -> None:
        self.release = release
        self.on_progress = None

    def ingest(self, paths: list[Path], rebuild: bool = False):
        self.on_progress("embedding", 3, 10)
        assert self.release.wait(10)
        raise OSError("disk full")


def _wait_done(jobs: ReindexJobs, job_id: str) -> None:
    deadline = time.monotonic() + 30
    while jobs.get(job_id).state in ("queued", "running"):  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the job never finished"
        time.sleep(0.02)


def test_reindex_job_publishes_and_reports_its_summary(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, library_copy, fake_encoder)
    add_article(library_copy, "new-article")
    published: list[bool] = []
    finished: list[str] = []
    progress: list[tuple[str, int, int]] = []

    def factory() -> IngestPipeline:
        pipeline = IngestPipeline(index_dir, PROJECT, encoder_factory=lambda: fake_encoder,
                                  identity=fake_encoder.identity, progress=False)
        original = pipeline.ingest

        def ingest(paths: list[Path], rebuild: bool = False):
            inner = pipeline.on_progress
            pipeline.on_progress = lambda *a: (progress.append(a), inner(*a))  # type: ignore[misc]
            return original(paths, rebuild)

        pipeline.ingest = ingest  # type: ignore[method-assign]
        return pipeline

    jobs = ReindexJobs(factory, [library_copy], index_dir,
                       on_published=lambda: published.append(True),
                       on_finished=lambda job: finished.append(job.state))
    job = jobs.submit()
    _wait_done(jobs, job.id)
    done = jobs.get(job.id)
    assert done is not None and done.state == "succeeded" and done.error is None
    assert done.summary is not None and done.summary["added"] == ["new-article"]
    assert done.summary["version"] == IndexDirectory(index_dir).current_id()
    assert done.stage == "published" and done.finished_at is not None
    assert progress and progress[-1][0] == "embedding" and done.done == done.total > 0
    assert published == [True] and finished == ["succeeded"]
    again = jobs.submit()  # nothing changed since: succeeds without publishing
    _wait_done(jobs, again.id)
    assert jobs.get(again.id).stage == "unchanged" and published == [True]  # type: ignore[union-attr]


def test_one_reindex_at_a_time_and_failures_are_reported(tmp_path: Path) -> None:
    release = threading.Event()
    jobs = ReindexJobs(lambda: _BlockingPipeline(release), [tmp_path], tmp_path / "index")
    job = jobs.submit()
    deadline = time.monotonic() + 5
    while job.stage != "embedding":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert (job.done, job.total) == (3, 10)
    with pytest.raises(JobRunning, match=job.id):
        jobs.submit()
    release.set()
    _wait_done(jobs, job.id)
    assert job.state == "failed" and job.error == "OSError: disk full"
    assert jobs.running is None


def test_a_reindex_is_refused_while_another_process_ingests(tmp_path: Path) -> None:
    jobs = ReindexJobs(lambda: None, [tmp_path], tmp_path / "index")
    with IndexDirectory(tmp_path / "index").lock(), pytest.raises(JobRunning, match="another"):
        jobs.submit()
