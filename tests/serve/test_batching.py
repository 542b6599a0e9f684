"""The shared encoder (batching.py): concurrent questions in one batch, bulk work taking
turns with them, errors reaching every caller, and a precomputed vector handed to a search."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from backqa.serve.batching import BatchingEncoder, PrecomputedEncoder
from helpers import FakeEncoder, ThreadRecorder


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
