"""What the see-a-doctor notice costs a search, measured in one run.

    .venv/bin/python -m backqa.tools.notice_bench [--index DIR] [--repeat 5]

For each judged question of the tuning batches (embedded once beforehand), `search_with_vector`
runs with the shipped detector and with a detector that never fires, alternately, so both see
the same machine load. Reports the median search time of each, the median per-question
difference (what the detector adds; the target is at most 1 ms) and the ratio, the detector
alone (words; words + semantic layer), and the detector on a hostile 1000-character question
(a regex backtracking check). The index (default: the live one) must be built with the bundled
model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from backqa.search.no_match import Evidence
from backqa.search.notice import WarningFinding, WarningSignDetector
from backqa.tools.notice_eval import PROJECT, TUNING, load_batch

ON_TOPIC = Evidence(dense=1.0, lexical=1.0)  # the detector alone: every layer runs
HOSTILE = ("numb " * 10 + "no " * 60 + "down my leg and " * 20 + "a " * 200)[:1000]


class SilentDetector(WarningSignDetector):
    """The baseline: a detector that never fires and costs nothing."""

    def detect(self, question: str, vector: np.ndarray | None = None,
               evidence: Evidence | None = None) -> WarningFinding | None:
        return None


def elapsed_ms(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=PROJECT / "index")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from backqa.encoders import load_encoder
    from backqa.index.loaded import load_current
    from backqa.search.searcher import Searcher

    searcher = Searcher(load_current(args.index), load_encoder("auto"))
    shipped, silent, words = searcher.detector, SilentDetector(), WarningSignDetector()
    questions = [searcher.prepare(q.q) for batch in TUNING for q in load_batch(batch)]
    vectors = searcher.encoder.encode(questions)
    with_notice: list[float] = []
    without: list[float] = []
    differences: list[float] = []
    detector: list[float] = []
    words_only: list[float] = []
    for text, vector in zip(questions, vectors, strict=True):
        searcher.search_with_vector(text, vector)  # warm this question's caches
        on, off = [], []
        for _ in range(args.repeat):
            searcher.detector = shipped
            on.append(elapsed_ms(partial(searcher.search_with_vector, text, vector)))
            searcher.detector = silent
            off.append(elapsed_ms(partial(searcher.search_with_vector, text, vector)))
        with_notice.append(statistics.median(on))
        without.append(statistics.median(off))
        differences.append(statistics.median(a - b for a, b in zip(on, off, strict=True)))
        detector.append(elapsed_ms(partial(shipped.detect, text, vector, ON_TOPIC)))
        words_only.append(elapsed_ms(partial(words.detect, text, None, ON_TOPIC)))
    searcher.detector = shipped
    report = {
        "index": str(searcher.index.path), "questions": len(questions),
        "semantic_layer": shipped.model is not None, "repeat": args.repeat,
        "median_ms": {"search_with_detector": round(statistics.median(with_notice), 3),
                      "search_without_detector": round(statistics.median(without), 3),
                      "added_by_detector": round(statistics.median(differences), 3),
                      "detector_alone": round(statistics.median(detector), 3),
                      "words_alone": round(statistics.median(words_only), 3)},
        "p90_added_ms": round(float(np.percentile(differences, 90)), 3),
        "ratio_with_to_without": round(statistics.median(with_notice)
                                       / statistics.median(without), 3),
        "detector_hostile_1000_chars_ms": round(statistics.median(
            elapsed_ms(partial(shipped.detect, HOSTILE, None, ON_TOPIC))
            for _ in range(args.repeat)), 3),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
