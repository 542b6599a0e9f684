"""Where one search request spends its time: the median microseconds of each stage, from the
request's validation to its JSON, metrics and access-log line, over questions of the judged
tuning split.

    .venv/bin/python -m backqa.tools.request_profile --repeat 3

The search stages are `Searcher.search` taken apart, each run with the searcher's own
components; every profiled answer is checked against `Searcher.search`'s (all but `took_ms`),
so a table can only come from the pipeline as it is. HTTP parsing and the event loop are not
here: the load test (`python -m backqa.tools.loadtest`) measures the whole request.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from backqa.search.diversify import fold_groups
from backqa.search.fusion import Candidate
from backqa.search.query import normalize_query
from backqa.search.response import SearchResponse
from backqa.search.searcher import Searcher, count_topics

T = TypeVar("T")

STAGES = ("validation", "normalise", "spelling", "encode", "dense", "lexical", "fusion",
          "evidence", "notice", "no-match", "passages", "fold", "topics", "mmr", "agreement",
          "sources", "highlight", "results", "json", "metrics", "logging")


class StageClock:
    """Microseconds per stage, one list of samples per stage name."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}

    def run(self, stage: str, func: Callable[..., T], *args: Any) -> T:
        """`func(*args)`, its time added to `stage`."""
        started = time.perf_counter()
        out = func(*args)
        self.samples.setdefault(stage, []).append((time.perf_counter() - started) * 1e6)
        return out

    def medians(self) -> dict[str, float]:
        return {name: statistics.median(v) for name, v in self.samples.items()}


class RequestProfiler:
    """Runs `Searcher.search` stage by stage and times the HTTP layer's own steps."""

    def __init__(self, searcher: Searcher, k: int = 5) -> None:
        from backqa.serve.observability import Metrics

        self.searcher = searcher
        self.k = k
        self.metrics = Metrics()
        # The access log as `backqa serve` configures it, written to memory.
        self.log = logging.getLogger("backqa.request_profile")
        self.log.propagate = False
        self.log.setLevel(logging.INFO)
        handler = logging.StreamHandler(io.StringIO())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.log.handlers = [handler]

    def request(self, question: str, clock: StageClock) -> bytes:
        """One question through every stage; the response's JSON."""
        from backqa.serve.schemas import SearchParams

        started = time.perf_counter()
        params = clock.run("validation", SearchParams.model_validate, {"q": question,
                                                                       "k": str(self.k)})
        response = self.search(params.q, params.k, clock)
        response.took_ms = round((time.perf_counter() - started) * 1000, 3)
        body = clock.run("json", lambda: response.model_dump_json().encode("utf-8"))
        clock.run("metrics", self.metrics.observe_request, "GET", "/api/search", "200",
                  time.perf_counter() - started)
        clock.run("logging", self.log.info, "%s %s %d %.1fms", "GET", "/api/search", 200,
                  (time.perf_counter() - started) * 1000)
        return body

    def search(self, query: str, k: int, clock: StageClock) -> SearchResponse:
        """`Searcher.search(query, k)` (no kind or topic filter), one stage at a time."""
        s = self.searcher
        normalized = clock.run("normalise", normalize_query, query)
        if not normalized:
            return SearchResponse(query=query, no_match=True, index_version=s.index.version)
        text = clock.run("spelling", lambda: s.speller.correct_text(normalized)[0])
        vector = clock.run("encode", s.embed, text)
        response = self._rank_and_show(s, text, vector, k, clock)
        if response.notice is None and text != " ".join(query.split()):
            response.notice = clock.run("notice", s.notice, " ".join(query.split()), vector)
        response.query = query
        response.corrected_query = text if text != normalized else None
        return response

    def _rank_and_show(self, s: Searcher, text: str, vector: np.ndarray, k: int,
                       clock: StageClock) -> SearchResponse:
        depth = max(s.depth, 10 * k)
        candidates = self._rank(s, text, vector, depth, clock)
        evidence = clock.run("evidence", s.evidence, text, candidates)
        notice = clock.run("notice", s.notice, text, vector, evidence)
        if not candidates or clock.run("no-match", s.no_match_rule.refuses, evidence, vector):
            return SearchResponse(query=text, no_match=True, notice=notice,
                                  index_version=s.index.version,
                                  source_count=s.index.source_count or None)
        passages = clock.run("passages", s.index.store.passages_by_rows,
                             [c.row for c in candidates])
        folded = clock.run("fold", fold_groups, candidates, passages)
        topic_counts = clock.run("topics", count_topics, folded, passages)
        chosen = clock.run("mmr", s.diversifier.pick, folded, k)
        agreeing = clock.run("agreement", s.agreeing_sources, chosen, candidates, passages)
        named = {i for ids in agreeing for i in ids or ()}
        sources = clock.run("sources", s.index.store.sources_by_ids,
                            list({passages[c.row].source_id for c in chosen} | named))
        lights = clock.run("highlight", s.highlights, text, vector, chosen, passages)
        results = clock.run("results", lambda: [
            s.result(rank, c, passages[c.row], sources[passages[c.row].source_id], light, ids)
            for rank, (c, light, ids) in enumerate(zip(chosen, lights, agreeing, strict=True),
                                                   1)])
        return SearchResponse(query=text, no_match=not results, results=results,
                              index_version=s.index.version, notice=notice,
                              topic_counts=topic_counts,
                              source_count=s.index.source_count or None,
                              source_titles={i: sources[i].title for i in named if i in sources})

    @staticmethod
    def _rank(s: Searcher, text: str, vector: np.ndarray, depth: int,
              clock: StageClock) -> list[Candidate]:
        """`HybridRanker.rank`, with the dense search, the BM25 scoring and the fusion timed
        apart."""
        ranker = s.ranker
        dense_rows, dense_scores = clock.run("dense", ranker.dense_ranking, vector, depth)
        lexical_all, lex_rows = clock.run("lexical", ranker.lexical_candidates, text, depth)

        def fused() -> list[Candidate]:
            rows = np.unique(np.concatenate([dense_rows, lex_rows])).astype(np.int64)
            if rows.size == 0:
                return []
            return ranker.fuse_candidates(rows, vector, dense_rows, dense_scores, lexical_all)

        return clock.run("fusion", fused)


def tuning_questions(folder: Path) -> list[str]:
    """The questions of the judged tuning split, in file order."""
    from backqa.tools.evaluation.datasets import read_judged, split_files

    return [q.question for path in split_files(folder, "tune") for q in read_judged(path)]


def profile(searcher: Searcher, questions: Sequence[str], repeat: int = 1,
            k: int = 5) -> dict[str, Any]:
    """Median µs per stage over `questions` asked `repeat` times each (after one unmeasured
    pass that also checks each profiled answer equals `Searcher.search`'s)."""
    profiler = RequestProfiler(searcher, k)
    for question in questions:
        check_same(profiler.request(question, StageClock()), searcher, question, k)
    clock = StageClock()
    totals: list[float] = []
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            profiler.request(question, clock)
            totals.append((time.perf_counter() - started) * 1e6)
    medians = clock.medians()
    return {"questions": len(questions), "repeat": repeat, "k": k,
            "stages_us": {name: round(medians.get(name, 0.0), 1) for name in STAGES},
            "counts": {name: len(clock.samples.get(name, ())) for name in STAGES},
            "total_us": round(statistics.median(totals), 1),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def check_same(body: bytes, searcher: Searcher, question: str, k: int) -> None:
    """Raise when the profiled answer differs from `Searcher.search`'s (`took_ms` aside)."""
    profiled = json.loads(body)
    expected = json.loads(searcher.search(question, k=k).model_dump_json())
    profiled.pop("took_ms", None)
    expected.pop("took_ms", None)
    if profiled != expected:
        raise AssertionError(f"the profiled pipeline answered {question!r} differently from "
                             f"Searcher.search: the profiler is out of date")


def format_table(report: dict[str, Any]) -> str:
    """The stages as a table: median µs, share of the summed medians, and how often it ran."""
    stages: dict[str, float] = report["stages_us"]
    summed = sum(stages.values()) or 1.0
    lines = [f"{'stage':12s} {'median µs':>10s} {'share':>6s} {'runs':>6s}"]
    for name, value in stages.items():
        lines.append(f"{name:12s} {value:10.1f} {100 * value / summed:5.1f}% "
                     f"{report['counts'][name]:6d}")
    lines.append(f"{'sum':12s} {summed:10.1f}")
    lines.append(f"{'whole':12s} {report['total_us']:10.1f}  (median of the whole request)")
    lines.append(f"{report['questions']} questions x {report['repeat']}, k={report['k']}, "
                 f"load average {report['load_average']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from backqa.config import get_settings
    from backqa.encoders import load_encoder
    from backqa.index.loaded import load_current

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m backqa.tools.request_profile",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=settings.index_path,
                        help="index to search (default: index/; only read)")
    parser.add_argument("--questions", type=Path, default=settings.root / "tests" / "judged",
                        help="folder of the judged question files (tuning split)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions")
    parser.add_argument("-k", type=int, default=5, help="results per question")
    parser.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = parser.parse_args(argv)
    searcher = Searcher(load_current(args.index), load_encoder(settings.encoder))
    report = profile(searcher, tuning_questions(args.questions), args.repeat, args.k)
    print(format_table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
