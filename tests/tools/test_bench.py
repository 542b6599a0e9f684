"""`backqa bench` runs end to end and reports one table, each figure against a reference from
the same run (no timing is asserted: only the table's structure, ratios and verdicts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backqa.cli import build_parser
from backqa.tools.bench.http import HttpPlan
from backqa.tools.bench.measures import TimedEncoder, rss_mb, stats_ms
from backqa.tools.bench.references import BareModel
from backqa.tools.bench.suite import Bench, BenchConfig
from backqa.tools.bench.summary import format_table, table_rows
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


def test_quick_bench_reports_one_table(library_copy: Path, fake_encoder: FakeEncoder) -> None:
    config = BenchConfig.quick(library_copy)
    report = Bench(config, log=lambda m: None, encoder_factory=lambda b: fake_encoder,
                   bare_factory=lambda: BareModel(FakeEncoder())).measure()
    json.dumps(report)  # the --json output is plain JSON
    assert report["ingest"]["passages"] > 10
    assert len(report["ingest"]["cold_seconds_all"]) == config.rounds == 1
    assert report["question"]["encoder"]["n"] == 10 == report["question"]["bare_torch"]["n"]
    assert "raw_model" not in report["question"]  # a fake encoder has no ONNX session
    figures = [row["figure"] for row in report["table"]]
    assert figures[:2] == ["question encode p50", "in-process search p50"]
    assert "cold ingest" in figures and not any("HTTP" in f for f in figures)
    cold = next(row for row in report["table"] if row["figure"] == "cold ingest")
    assert cold["reference_value"] == report["ingest"]["bare_torch_seconds"]
    assert cold["ratio"] == round(cold["value"] / cold["reference_value"], 3)
    assert cold["met"] == (cold["ratio"] <= 0.5) and cold["target"] == "<= 0.5x"
    text = format_table(report)
    assert text.splitlines()[2].split()[:3] == ["figure", "value", "reference"]
    assert "cold ingest" in text and "bare PyTorch encode" in text


def report_with(**parts: Any) -> dict[str, Any]:
    """A bench report with round figures, for the table alone."""
    report: dict[str, Any] = {
        "cpus": 2, "load_average": [1.5, 1.0, 1.0],
        "encoder": {"backend": "OnnxEncoder", "model": "m"},
        "index": {"passages": 78, "vector_index": "IndexFlatIP", "load_median_ms": 3.0},
        "question": {"encoder": {"median_ms": 4.0}, "bare_torch": {"median_ms": 10.0},
                     "raw_model": {"median_ms": 3.2}},
        "search": {"median_ms": 6.0},
        "ingest": {"cold_seconds": 6.0, "bare_torch_seconds": 10.0, "unchanged_seconds": 0.2},
        "rss_inprocess_mb": 400.0}
    report.update(parts)
    return report


def rows_by_figure(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["figure"] + (f" vs {row['reference']}" if row["reference"] else ""): row
            for row in table_rows(report)}


def test_ratios_and_verdicts() -> None:
    rows = rows_by_figure(report_with())
    encode = rows["question encode p50 vs bare PyTorch encode p50"]
    assert (encode["value"], encode["reference_value"], encode["ratio"]) == (4.0, 10.0, 0.4)
    assert encode["met"] is True and encode["target"] == "<= 0.5x"
    assert rows["question encode p50 vs raw session.run p50"]["met"] is None  # no target
    cold = rows["cold ingest vs bare PyTorch encode, same passages"]
    assert (cold["ratio"], cold["met"]) == (0.6, False)
    assert rows["unchanged re-ingest"]["reference_value"] is None


def test_http_rows_compare_with_the_reference_app() -> None:
    http = {"serve": {"1": {"median_ms": 4.0, "rps": 200.0, "errors": 0},
                      "8": {"median_ms": 20.0, "rps": 450.0, "errors": 0},
                      "32": {"median_ms": 70.0, "rps": 440.0, "errors": 2}},
            "reference": {"8": {"median_ms": 18.0, "rps": 500.0, "errors": 0}},
            "server_rss_mb": 300.0}
    rows = rows_by_figure(report_with(http=http))
    assert rows["HTTP c1 p50 vs bare PyTorch encode p50"]["met"] is True  # 0.4x
    c8 = rows["HTTP c8 throughput vs reference app c8"]
    assert (c8["ratio"], c8["target"], c8["met"]) == (0.9, ">= 1.0x", False)
    assert rows["HTTP c32 throughput"]["met"] is None
    errors = rows["HTTP errors (backqa serve)"]
    assert (errors["value"], errors["met"]) == (2, False)
    assert "NOT met" in format_table({**report_with(http=http),
                                      "table": table_rows(report_with(http=http))})


def test_optional_rows_scale_and_quality() -> None:
    graphs = {"fp32": {"median_ms": 4.0}, "int8": {"median_ms": 2.0}}
    scale = {"passages": 1_000_000, "peak_rss_mb": 3000, "budget_mb": 4096}
    quality = {"tune": {"fp32": {"ndcg10": 0.80, "recall100": 0.95},
                        "int8": {"ndcg10": 0.797, "recall100": 0.93}}}
    rows = rows_by_figure(report_with(graphs=graphs, scale=scale, quality=quality))
    assert rows["raw ONNX int8 session.run p50 vs raw ONNX fp32 p50"]["ratio"] == 0.5
    peak = rows["build peak RSS, 1,000,000 passages vs memory budget"]
    assert (peak["ratio"], peak["met"]) == (0.732, True)
    assert rows["int8 nDCG@10, judged tune vs fp32 nDCG@10"]["met"] is True  # -0.003
    assert rows["int8 R@100, judged tune vs fp32 R@100"]["met"] is False  # -0.02


@pytest.mark.slow
def test_bench_with_http_and_real_model(library_copy: Path) -> None:
    config = BenchConfig.quick(library_copy, http=HttpPlan(concurrencies=(1, 8),
                                                           duration_s=0.5, max_requests=10,
                                                           rounds=1))
    report = Bench(config, log=lambda m: None).measure()
    assert set(report["http"]["serve"]) == {"1", "8"} and "8" in report["http"]["reference"]
    assert report["http"]["server_rss_mb"] and report["http"]["server_rss_mb"] > 50
    assert "HTTP c8 throughput" in format_table(report)


def test_cli_knows_bench() -> None:
    args = build_parser().parse_args(["bench", "--json", "--no-http", "--repeat", "7",
                                      "--quick", "--scale", "--quality"])
    assert args.json and args.no_http and args.repeat == 7 and args.quick
    assert args.scale == 1_000_000 and args.quality
    assert build_parser().parse_args(["bench", "--scale", "5000"]).scale == 5000
    assert build_parser().parse_args(["bench"]).scale is None
    assert build_parser().parse_args(["export-onnx"]).force is False
