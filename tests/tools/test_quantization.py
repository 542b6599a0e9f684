"""`python -m backqa.tools.quantization`: the decision rule and the report (the measurement
itself builds SciFact indexes for minutes; it is run by hand, not here)."""

from __future__ import annotations

import pytest

from backqa.tools.quantization import SETS, LatencyProbe, decide, format_report


def figures(int8_ndcg: float = 0.700, int8_recall: float = 0.900,
            where: str = "holdout") -> dict[str, dict[str, dict[str, float]]]:
    fp32 = {"ndcg10": 0.700, "recall100": 0.900, "questions": 50.0}
    return {name: {"fp32": fp32, "int8": {**fp32, "ndcg10": int8_ndcg, "recall100": int8_recall}
                   if name == where else fp32} for name in SETS}


@pytest.mark.parametrize(("ndcg", "recall", "passes"), [
    (0.700, 0.900, True),
    (0.6955, 0.8905, True),  # within 0.005 / 0.01
    (0.720, 0.950, True),  # better
    (0.694, 0.900, False),  # nDCG@10 down by more than 0.005
    (0.700, 0.889, False),  # R@100 down by more than 0.01
])
def test_decision_rule(ndcg: float, recall: float, passes: bool) -> None:
    for where in SETS:
        passed, failures = decide(figures(ndcg, recall, where))
        assert passed is passes
        assert all(f.startswith(f"{where}:") for f in failures) and len(failures) == int(
            not passes)


def test_report_names_the_failing_set() -> None:
    quality = figures(0.650, 0.900, "scifact-test")
    passed, failures = decide(quality)
    report = {"latency_ms": {"fp32 2 threads": 4.0, "int8 2 threads": 1.0},
              "cosine_to_fp32": {"int8 2 threads": {"mean": 0.98, "p1": 0.95, "min": 0.93}},
              "quality": quality, "int8_default": passed, "failures": failures}
    text = format_report(report)
    assert "int8 2 threads                  1.00   0.25x" in text
    assert "fp32 stays the default: scifact-test: nDCG@10 0.6500 < 0.7000" in text


class CountingEncoder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: list[str]) -> None:
        self.calls.append(list(texts))


def test_latency_probe_times_each_question_alone_for_every_encoder() -> None:
    encoders = {"a": CountingEncoder(), "b": CountingEncoder()}
    latency = LatencyProbe(["q1", "q2", "q3"], rounds=2).measure(encoders)  # type: ignore[arg-type]
    assert set(latency) == {"a", "b"} and all(ms >= 0 for ms in latency.values())
    for encoder in encoders.values():
        assert encoder.calls[0] == ["q1", "q2", "q3"]  # warm-up
        assert encoder.calls[1:] == [["q1"], ["q2"], ["q3"]] * 2
