"""What the notice, topic facets and agreement cost per question, measured in one run.

    .venv/bin/python tests/beyond_bench.py [--index DIR] [--repeat 5]

Times each step on the judged notice questions against an index (default: the live one):
the full `search_with_vector` (question already embedded), and inside it the warning-sign
detector (words + classifier on the question's own vector), the notice's doctor passages,
topic counts and agreement. Reports medians in ms and each step's share of the full search,
plus the detector on a hostile 1000-character question (regex backtracking check).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def median_ms(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=PROJECT / "index")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    from backqa.encoders import load_encoder
    from backqa.index.loaded import load_current
    from backqa.search.notice import read_judged
    from backqa.search.searcher import Searcher

    searcher = Searcher(load_current(args.index), load_encoder("auto"))
    questions = [searcher.prepare(str(r["q"])) for r in
                 read_judged(PROJECT / "tests" / "judged" / "notice_questions.jsonl")]
    vectors = searcher.encoder.encode(questions)
    rows = {"search": [], "detector": [], "notice": [], "topic_counts": [], "agreement": []}
    for text, vector in zip(questions, vectors, strict=True):
        rows["search"].append(median_ms(
            lambda t=text, v=vector: searcher.search_with_vector(t, v, k=5), args.repeat))
        rows["detector"].append(median_ms(
            lambda t=text, v=vector: searcher.detector.detect(t, v), args.repeat))
        rows["notice"].append(median_ms(
            lambda t=text, v=vector: searcher.notice(t, v), args.repeat))
        candidates = searcher.rank(text, vector, depth=searcher.depth)
        passages = searcher.index.store.passages_by_rows([c.row for c in candidates])
        chosen = searcher.diversify(candidates, passages, 5)
        rows["topic_counts"].append(median_ms(
            lambda c=candidates, p=passages: searcher.topic_counts(c, p), args.repeat))
        rows["agreement"].append(median_ms(
            lambda ch=chosen, c=candidates, p=passages: searcher.agreeing_sources(ch, c, p),
            args.repeat))
    full = statistics.median(rows["search"])
    report = {"index": str(searcher.index.path), "questions": len(questions),
              "passages": searcher.index.passage_count,
              "claim_vectors": searcher.claims is not None,
              "median_ms": {k: round(statistics.median(v), 3) for k, v in rows.items()},
              "share_of_search": {k: round(statistics.median(v) / full, 3)
                                  for k, v in rows.items() if k != "search"}}
    hostile = ("numb " * 10 + "no " * 60 + "down my leg and " * 20 + "a " * 200)[:1000]
    report["detector_hostile_1000_chars_ms"] = round(
        median_ms(lambda: searcher.detector.detect(hostile), args.repeat), 3)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
