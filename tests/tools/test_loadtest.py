"""The load-test helpers: bounded, loopback-only, and their figures add up."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backqa.config import Settings
from backqa.index.loaded import load_current
from backqa.ingest.pipeline import IngestPipeline
from backqa.search.searcher import Searcher
from backqa.serve.app import create_app
from backqa.tools.loadtest import QUESTIONS, add_article, run_http_load
from backqa.tools.loadtest.load import merge_runs, public, search_inprocess, summarize
from backqa.tools.loadtest.server import free_port
from backqa.tools.loadtest.suite import format_report, targets
from helpers import PROJECT, FakeEncoder, serve_in_thread


@pytest.fixture
def index_dir(tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> Path:
    index = tmp_path / "index"
    IngestPipeline(index, PROJECT, encoder_factory=lambda: fake_encoder,
                   identity=fake_encoder.identity, progress=False).ingest([library_copy])
    return index


@contextlib.contextmanager
def _server(index_dir: Path, tmp_path: Path) -> Iterator[str]:
    encoder = FakeEncoder()
    app = create_app(Settings(index_dir=index_dir, web_dir=tmp_path / "web"),
                     encoder_factory=lambda: encoder)
    with serve_in_thread(app) as url:
        yield url


def test_summary_percentiles_and_rate() -> None:
    stats = summarize([i / 1000 for i in range(1, 101)], errors=2, elapsed=2.0)
    assert stats["requests"] == 102 and stats["ok"] == 100 and stats["errors"] == 2
    assert stats["rps"] == 50.0
    # numpy's percentile (linear interpolation)
    assert stats["median_ms"] == 50.5 and stats["p90_ms"] == 90.1 and stats["p99_ms"] == 99.01
    assert stats["max_ms"] == 100.0
    assert summarize([], 0, 1.0)["median_ms"] is None


def test_rounds_are_merged_by_pooling_their_latencies() -> None:
    first = {**summarize([0.010, 0.020], 0, 1.0), "_latencies": [0.010, 0.020],
             "_server_cpu_s": 0.02, "_client_cpu_s": 0.002, "_batches": 2, "_embedded": 2}
    second = {**summarize([0.030, 0.040, 0.050], 1, 1.0, Counter({"200": 3, "503": 1})),
              "_latencies": [0.030, 0.040, 0.050], "_server_cpu_s": 0.03,
              "_client_cpu_s": 0.003, "_batches": 1, "_embedded": 3}
    merged = merge_runs([first, second])
    assert merged["requests"] == 6 and merged["ok"] == 5 and merged["errors"] == 1
    assert merged["rps"] == 2.5 and merged["median_ms"] == 30.0 and merged["rounds"] == 2
    assert merged["cpu_ms_per_request"] == 10.0 and merged["client_cpu_ms_per_request"] == 1.0
    assert merged["mean_embed_batch"] == round(5 / 3, 2)
    assert merged["statuses"] == {"200": 3, "503": 1}
    assert not any(key.startswith("_") for key in merged)


def test_http_load_is_bounded_by_count_and_counts_every_answer(
        index_dir: Path, tmp_path: Path) -> None:
    with _server(index_dir, tmp_path) as base_url:
        stats = run_http_load(base_url, QUESTIONS, concurrency=4, duration_s=30,
                              max_requests=40, track_versions=True)
        timed = run_http_load(base_url, QUESTIONS, concurrency=2, duration_s=0.5,
                              max_requests=100_000)
    assert stats["requests"] == 40 and stats["errors"] == 0 and stats["statuses"] == {"200": 40}
    assert stats["concurrency"] == 4 and stats["median_ms"] > 0
    assert stats["versions"] == {load_current(index_dir).version: 40}
    assert timed["seconds"] < 5 and timed["requests"] < 100_000


def test_http_errors_are_counted_not_raised(index_dir: Path, tmp_path: Path) -> None:
    with _server(tmp_path / "no-index", tmp_path) as base_url:
        stats = run_http_load(base_url, QUESTIONS, 2, 10, 6)
    assert stats["errors"] == 6 and stats["ok"] == 0 and stats["statuses"] == {"503": 6}
    dead = run_http_load(f"http://127.0.0.1:{free_port()}", QUESTIONS, 1, 10, 3)
    assert dead["errors"] == 3 and "ConnectError" in dead["statuses"]


@pytest.mark.parametrize("url", ["http://10.0.0.8:8000", "http://example.com",
                                 "http://192.168.1.1"])
def test_only_this_machine_is_ever_a_target(url: str) -> None:
    with pytest.raises(ValueError, match="this machine only"):
        run_http_load(url, QUESTIONS, 1, 1, 1)


def test_inprocess_run_and_report(index_dir: Path) -> None:
    searcher = Searcher(load_current(index_dir), FakeEncoder())
    stats = public(search_inprocess(searcher, QUESTIONS, duration_s=10, max_requests=25))
    assert stats["requests"] == 25 and stats["errors"] == 0
    http: dict[str, Any] = {"1": {**stats, "median_ms": stats["median_ms"] + 1,
                                  "mean_embed_batch": 1.0},
                            "8": {**stats, "rps": stats["rps"] * 0.5}}
    report = {"inprocess": stats, "http": http}
    report["targets"] = targets(report)
    assert report["targets"]["zero_errors"]["met"]
    assert report["targets"]["c1_median_gap_ms"] == {"value": 1.0, "target": "<= 5",
                                                     "met": True}
    assert report["targets"]["c8_rps_ratio"]["met"] is False
    text = format_report(report)
    assert "in-process" in text and "HTTP c=8" in text and "c8_rps_ratio" in text


def test_a_new_article_arrives_with_its_own_title(library_copy: Path) -> None:
    before = set(library_copy.iterdir())
    new = add_article(library_copy)
    added = set(library_copy.iterdir()) - before
    assert added == {new, new.with_name(new.stem + ".meta.toml")}
    assert new.stem in new.with_name(new.stem + ".meta.toml").read_text()
