"""`backqa bench` runs end to end and reports every figure with its ratio (smoke tests: no
timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backqa.cli import build_parser
from backqa.tools.bench.measures import TimedEncoder, rss_mb, stats_ms
from backqa.tools.bench.suite import Bench, BenchConfig
from backqa.tools.bench.summary import format_report
from helpers import FakeEncoder


def test_helpers() -> None:
    assert (rss_mb() or 0) > 1
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert rss_mb(gone.pid) is None  # no such process (any more)
    # numpy's percentile (linear interpolation), the one definition used everywhere
    assert stats_ms([0.001, 0.002, 0.003]) == {"median_ms": 2.0, "p99_ms": 2.98, "n": 3}
    timer = TimedEncoder(FakeEncoder())
    assert timer.encode(["a b", "c"]).shape == (2, 384)
    assert timer.texts == 2 and timer.seconds > 0


def test_bench_without_http(library_copy: Path, fake_encoder: FakeEncoder) -> None:
    config = BenchConfig(library=library_copy, repeat=5, http=False, torch_baseline=False)
    report = Bench(config, log=lambda m: None, encoder_factory=lambda b: fake_encoder).measure()
    json.dumps(report)  # the --json output is plain JSON
    assert report["ingest"]["passages"] > 10
    assert report["ingest"]["unchanged_published"] is False
    assert report["ingest"]["unchanged_cli_seconds"] is None  # fake model: CLI not comparable
    assert report["model"]["passages"] == report["ingest"]["passages"]
    assert len(report["model"]["passage_seconds_all"]) == config.rounds == 3
    assert 0 <= report["ingest"]["pipeline_share"] <= 1
    assert report["ingest"]["embedded"] == report["ingest"]["passages"]  # cold: all embedded
    assert report["ingest"]["embedded_texts"] >= report["ingest"]["embedded"]
    assert report["search"]["search"]["n"] == 5
    assert report["index"]["vector_index"] == "IndexFlatIP"
    assert set(report["ratios"]) >= {"question_embed_vs_raw", "ingest_vs_raw_passages"}
    assert {"search_median_ms", "ingest_ratio", "unchanged_ingest_s"} <= set(report["targets"])
    assert "http_c1_median_ms" not in report["targets"]
    text = format_report(report)
    assert "raw model: one question" in text and "cold ingest" in text


@pytest.mark.slow
def test_bench_with_http_and_real_model(library_copy: Path) -> None:
    config = BenchConfig(library=library_copy, repeat=3, http_duration_s=0.5,
                         http_max_requests=10, concurrencies=(1, 8), torch_baseline=False)
    report = Bench(config, log=lambda m: None).measure()
    assert set(report["http"]) >= {"1", "8", "server_rss_mb"}
    assert report["http"]["1"]["ok"] >= 1 and report["targets"]["http_errors"]["met"]
    assert report["http"]["server_rss_mb"] and report["http"]["server_rss_mb"] > 50
    assert report["ingest"]["unchanged_cli_exit"] == 0
    assert "HTTP c=8" in format_report(report)


def test_cli_knows_bench() -> None:
    args = build_parser().parse_args(["bench", "--json", "--no-http", "--repeat", "7"])
    assert args.json and args.no_http and args.repeat == 7
    assert build_parser().parse_args(["export-onnx"]).force is False
