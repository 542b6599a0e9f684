"""The service engine: batching encoder, live index holder and reindex jobs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from backqa.encoders.identity import ModelIdentity
from backqa.index.layout import STORE
from backqa.index.versions import IndexDirectory
from backqa.ingest.pipeline import IngestPipeline
from backqa.serve.service import (
    BatchingEncoder,
    IndexHolder,
    JobRunning,
    NotReady,
    PrecomputedEncoder,
    QueryService,
    ReindexJobs,
)
from helpers import PROJECT, FakeEncoder, add_article, publish


class GatedEncoder(FakeEncoder):
    """Records each batch; the first call blocks until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()
        self.fail_with: Exception | None = None

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        self.batches.append(list(texts))
        self.entered.set()
        assert self.release.wait(10)
        if self.fail_with is not None:
            raise self.fail_with
        return super().encode(texts)


def _in_threads(func, args_list):
    results: dict[int, object] = {}
    threads = [threading.Thread(target=lambda i=i, a=a: results.__setitem__(i, func(a)))
               for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    return threads, results


def _wait_queued(encoder: BatchingEncoder, n: int) -> None:
    deadline = time.monotonic() + 10
    while len(encoder._interactive) + len(encoder._bulk) < n:
        assert time.monotonic() < deadline, "calls never queued"
        time.sleep(0.005)


def test_concurrent_questions_are_embedded_in_one_batch() -> None:
    inner = GatedEncoder()
    sizes: list[int] = []
    encoder = BatchingEncoder(inner, max_batch=32, on_batch=lambda n, s: sizes.append(n))
    try:
        first, first_result = _in_threads(encoder.encode, [["first question"]])
        assert inner.entered.wait(5)
        questions = [[f"question number {i}"] for i in range(7)]
        threads, results = _in_threads(encoder.encode, questions)
        _wait_queued(encoder, 7)
        inner.release.set()
        for t in first + threads:
            t.join(5)
        assert inner.batches[0] == ["first question"] and len(inner.batches) == 2
        assert sorted(inner.batches[1]) == sorted(q[0] for q in questions)
        assert sizes == [1, 7]
        reference = FakeEncoder()
        for i, q in enumerate(questions):
            np.testing.assert_allclose(results[i], reference.encode(q))
        np.testing.assert_allclose(first_result[0], reference.encode(["first question"]))
    finally:
        inner.release.set()
        encoder.close()


class ThreadRecorder(FakeEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []

    def encode(self, texts: Sequence[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        self.threads.append(threading.current_thread().name)
        return super().encode(texts)


def test_an_idle_model_runs_in_the_calling_thread() -> None:
    inner = ThreadRecorder()
    encoder = BatchingEncoder(inner, max_batch=4, bulk_chunk=4)
    try:
        assert encoder.idle
        encoder.encode(["one question"])
        encoder.encode([f"passage {i}" for i in range(8)])  # bulk always goes through the queue
        assert inner.threads == [threading.current_thread().name, "backqa-encoder",
                                 "backqa-encoder"]
        assert encoder.idle
    finally:
        encoder.close()


def test_batches_never_exceed_the_limit() -> None:
    inner = GatedEncoder()
    encoder = BatchingEncoder(inner, max_batch=3)
    try:
        first, _ = _in_threads(encoder.encode, [["x"]])
        assert inner.entered.wait(5)
        threads, results = _in_threads(encoder.encode, [[f"q{i}"] for i in range(7)])
        _wait_queued(encoder, 7)
        inner.release.set()
        for t in first + threads:
            t.join(5)
        assert [len(b) for b in inner.batches] == [1, 3, 3, 1]
        assert len(results) == 7
    finally:
        inner.release.set()
        encoder.close()


def test_questions_and_bulk_work_take_turns() -> None:
    inner = GatedEncoder()
    encoder = BatchingEncoder(inner, max_batch=1, bulk_chunk=2)
    try:
        first, _ = _in_threads(encoder.encode, [["first"]])
        assert inner.entered.wait(5)
        bulk, _ = _in_threads(encoder.encode, [["p0", "p1", "p2", "p3"]])
        _wait_queued(encoder, 1)
        questions, _ = _in_threads(encoder.encode, [[f"q{i}"] for i in range(4)])
        _wait_queued(encoder, 5)
        inner.release.set()
        for t in first + bulk + questions:
            t.join(5)
        kinds = ["bulk" if b[0].startswith("p") else "question" for b in inner.batches[1:]]
        assert kinds[:3] == ["question", "bulk", "question"]  # not four questions first
        assert kinds.count("bulk") == 2 and kinds.count("question") == 4
    finally:
        inner.release.set()
        encoder.close()


def test_an_encoder_error_reaches_every_caller_and_the_encoder_goes_on() -> None:
    inner = GatedEncoder()
    inner.release.set()
    inner.fail_with = RuntimeError("model broke")
    encoder = BatchingEncoder(inner)
    try:
        with pytest.raises(RuntimeError, match="model broke"):
            encoder.encode(["a question"])
        inner.fail_with = None
        assert encoder.encode(["a question"]).shape == (1, 384)
    finally:
        encoder.close()


def test_questions_go_before_queued_bulk_work() -> None:
    inner = GatedEncoder()
    encoder = BatchingEncoder(inner, max_batch=2, bulk_chunk=2)
    try:
        passages = [f"passage {i}" for i in range(6)]
        bulk, bulk_result = _in_threads(encoder.encode, [passages])
        assert inner.entered.wait(5)  # the first bulk chunk is being embedded
        threads, _ = _in_threads(encoder.encode, [["a question"]])
        _wait_queued(encoder, 1)
        inner.release.set()
        for t in bulk + threads:
            t.join(5)
        assert inner.batches[:2] == [passages[:2], ["a question"]]
        assert [b for b in inner.batches if b != ["a question"]] == [
            passages[:2], passages[2:4], passages[4:]]
        np.testing.assert_allclose(bulk_result[0], FakeEncoder().encode(passages))
    finally:
        inner.release.set()
        encoder.close()


def test_encode_async_batches_questions_from_the_event_loop() -> None:
    inner = GatedEncoder()
    encoder = BatchingEncoder(inner)

    async def ask() -> list[np.ndarray]:
        first = asyncio.ensure_future(encoder.encode_async(["first"]))
        await asyncio.to_thread(inner.entered.wait, 5)
        rest = [asyncio.ensure_future(encoder.encode_async([f"q{i}"])) for i in range(5)]
        await asyncio.to_thread(_wait_queued, encoder, 5)
        inner.release.set()
        return await asyncio.gather(first, *rest)

    try:
        vectors = asyncio.run(ask())
        assert [len(b) for b in inner.batches] == [1, 5]
        np.testing.assert_allclose(vectors[3], FakeEncoder().encode(["q2"]))
    finally:
        inner.release.set()
        encoder.close()


def test_a_question_whose_caller_left_is_not_embedded() -> None:
    inner = GatedEncoder()
    encoder = BatchingEncoder(inner)

    async def ask() -> None:
        first = asyncio.ensure_future(encoder.encode_async(["first"]))
        await asyncio.to_thread(inner.entered.wait, 5)
        gone = asyncio.ensure_future(encoder.encode_async(["abandoned"]))
        kept = asyncio.ensure_future(encoder.encode_async(["kept"]))
        await asyncio.to_thread(_wait_queued, encoder, 2)
        gone.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await gone
        waiting = encoder._interactive[0].future
        while not waiting.cancelled():  # the cancel reaches the queued job via the loop
            await asyncio.sleep(0.001)
        inner.release.set()
        await first
        await kept

    try:
        asyncio.run(ask())
        assert inner.batches == [["first"], ["kept"]]
    finally:
        inner.release.set()
        encoder.close()


def test_precomputed_encoder_only_answers_for_its_own_text() -> None:
    inner = FakeEncoder()
    vector = np.ones(384, dtype=np.float32)
    encoder = PrecomputedEncoder("the question", vector, inner)
    assert encoder.identity == inner.identity
    np.testing.assert_array_equal(encoder.encode(["the question"]), vector.reshape(1, -1))
    assert inner.calls == []
    np.testing.assert_allclose(encoder.encode(["another"]), FakeEncoder().encode(["another"]))


# -- the index holder ------------------------------------------------------------------------




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


# -- reindex jobs ----------------------------------------------------------------------------


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


def test_query_service_answers_like_the_searcher(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, library_copy, fake_encoder)
    recorder = ThreadRecorder()
    service = QueryService(index_dir, [library_copy], PROJECT,
                           encoder_factory=lambda: recorder)
    service.start()
    try:
        body = asyncio.run(service.search_json("stretches for a sore back", 3, None))
        got = json.loads(body)
        want = service.snapshot().searcher.search("stretches for a sore back", k=3)
        expected = want.model_dump(mode="json")
        assert got.pop("took_ms") > 0 and expected.pop("took_ms") > 0
        assert got == expected and got["results"]
        assert recorder.calls == ["stretches for a sore back"] * 2
        assert recorder.threads[0].startswith("backqa-search")  # idle: no hand-off
        empty = json.loads(asyncio.run(service.search_json("   ", 3, None)))
        assert empty["no_match"] is True and empty["results"] == []
    finally:
        service.stop()
