"""The load-test helpers: bounded, loopback-only, and their figures add up."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backqa.config import Settings
from backqa.index.loaded import load_current
from backqa.search.searcher import Searcher
from backqa.serve.app import create_app
from backqa.tools.loadtest import QUESTIONS, add_article, run_http_load
from backqa.tools.loadtest.load import (
    encode_inprocess,
    merge_runs,
    public,
    search_inprocess,
    summarize,
)
from backqa.tools.loadtest.reference_app import create_reference_app, reference_vectors
from backqa.tools.loadtest.server import free_port
from backqa.tools.loadtest.suite import format_report, targets
from helpers import FakeEncoder, publish, serve_in_thread


@pytest.fixture
def index_dir(tmp_path: Path, library_copy: Path, fake_encoder: FakeEncoder) -> Path:
    index = tmp_path / "index"
    publish(index, library_copy, fake_encoder)
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


def test_the_encoder_reference_run_is_bounded_and_counts_each_question() -> None:
    encoder = FakeEncoder()
    stats = public(encode_inprocess(encoder, QUESTIONS, duration_s=10, max_requests=7))
    assert stats["requests"] == 7 and stats["errors"] == 0 and stats["median_ms"] > 0
    assert len(encoder.calls) == 7


def test_the_reference_app_returns_the_nearest_rows() -> None:
    from fastapi.testclient import TestClient

    encoder = FakeEncoder()
    vectors = reference_vectors(50, 384, seed=3)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(vectors, reference_vectors(50, 384, seed=3))
    question = "sore back after a run"
    vectors[17] = encoder.encode([question])[0]  # the question's own vector is its nearest
    with TestClient(create_reference_app(encoder, vectors)) as client:
        body = client.get("/api/search", params={"q": question, "k": 3}).json()
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready" and ready["cpu_seconds"] > 0
        assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert body["rows"][0] == 17 and len(body["rows"]) == 3
    assert body["scores"] == sorted(body["scores"], reverse=True)


def test_targets_against_the_references_measured_in_the_same_run() -> None:
    run = {"errors": 0, "rps": 500.0, "median_ms": 3.0}
    report: dict[str, Any] = {
        "inprocess": {"median_ms": 2.5, "rps": 550.0},
        "http": {"1": run, "8": run},
        "torch_encode": {"median_ms": 7.0},
        "reference": {"1": {**run, "median_ms": 3.5}, "8": {**run, "rps": 441.0}}}
    found = targets(report)
    assert found["c1_median_vs_torch_encode"] == {"value": 0.429, "target": "<= 0.5",
                                                  "met": True}
    assert found["c8_rps_vs_reference_app"]["value"] == round(500 / 441, 3)
    assert found["c8_rps_vs_reference_app"]["met"] and found["c8_rps"]["met"]
    assert "c8_server_cpu_vs_reference_app" not in found  # no CPU figures, no target
    report["http"]["8"] = {**run, "rps": 400.0, "cpu_ms_per_request": 2.4}
    report["reference"]["8"]["cpu_ms_per_request"] = 2.0
    found = targets(report)
    assert not found["c8_rps_vs_reference_app"]["met"] and not found["c8_rps"]["met"]
    assert found["c8_server_cpu_vs_reference_app"] == {"value": 1.2, "target": "<= 1.0",
                                                       "met": False}
    report["targets"] = targets(report)
    report["http"] = {c: {**r, "requests": 1, "p99_ms": 1.0} for c, r in report["http"].items()}
    report["inprocess"] = {**report["inprocess"], "requests": 1, "errors": 0, "p99_ms": 1.0}
    report["torch_encode"] = {**run, "requests": 1, "p99_ms": 1.0}
    report["reference"] = {c: {**r, "requests": 1, "p99_ms": 1.0}
                           for c, r in report["reference"].items()}
    text = format_report(report)
    assert "PyTorch encode 1 q" in text and "reference app c=8" in text
