"""The query service (service.py): answers exactly like the searcher, and reindexes only
when given a way to ingest, with its shared encoder."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from backqa.encoders.identity import Encoder
from backqa.serve.service import QueryService
from helpers import FakeEncoder, ThreadRecorder, publish


def test_query_service_answers_like_the_searcher(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, library_copy, fake_encoder)
    recorder = ThreadRecorder()
    service = QueryService(index_dir, [library_copy], encoder_factory=lambda: recorder)
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


@dataclass
class _Summary:
    version: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"version": self.version}


class _EmbeddingReindexer:
    """A reindex that only embeds its passages with the encoder it was given."""

    made_with: ClassVar[list[Encoder]] = []

    def __init__(self, encoder: Encoder) -> None:
        self.made_with.append(encoder)
        self.encoder = encoder
        self.on_progress: Callable[[str, int, int], None] | None = None

    def ingest(self, paths: list[Path], rebuild: bool = False) -> _Summary:
        self.encoder.encode([f"passage {i}" for i in range(40)])
        return _Summary()


def test_a_reindex_embeds_with_the_services_shared_encoder(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, library_copy, fake_encoder)
    recorder = ThreadRecorder()
    batches: list[int] = []
    service = QueryService(index_dir, [library_copy], encoder_factory=lambda: recorder,
                           reindexer_factory=_EmbeddingReindexer,
                           on_batch=lambda size, _seconds: batches.append(size))
    _EmbeddingReindexer.made_with.clear()
    service.start()
    try:
        assert service.can_reindex and service.jobs is not None
        job = service.jobs.submit()
        deadline = time.monotonic() + 30
        while job.state in ("queued", "running"):
            assert time.monotonic() < deadline, "the reindex never finished"
            time.sleep(0.01)
        assert job.state == "succeeded" and job.stage == "unchanged"
        assert _EmbeddingReindexer.made_with == [service.encoder]
        assert batches == [16, 16, 8]  # bulk chunks of the shared BatchingEncoder
        assert set(recorder.threads) == {"backqa-encoder"}
    finally:
        service.stop()


def test_without_a_way_to_ingest_there_are_no_reindex_jobs(
        tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> None:
    index_dir = tmp_path / "index"
    publish(index_dir, library_copy, fake_encoder)
    service = QueryService(index_dir, [library_copy], encoder_factory=FakeEncoder)
    service.start()
    try:
        assert not service.can_reindex and service.jobs is None
        assert service.snapshot().version  # it still answers
    finally:
        service.stop()
