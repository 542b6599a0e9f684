"""The benchmark run: every measurement once, in one report (`Bench.measure`)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from backqa.tools.bench.http import HttpPlan, measure_http
from backqa.tools.bench.measures import rss_mb, stats_ms, timed
from backqa.tools.bench.references import (
    BareModel,
    default_bare_model,
    onnx_graphs,
    raw_session_call,
)
from backqa.tools.bench.summary import table_rows


@dataclass
class BenchConfig:
    """What one bench run does. `index_dir=None` indexes `library` into a temporary folder."""

    library: Path
    index_dir: Path | None = None
    backend: str = "auto"
    repeat: int = 200
    rounds: int = 3  # bare PyTorch passage embedding vs cold ingest, alternated
    http: HttpPlan | None = None  # None: no HTTP runs
    graphs: bool = True  # raw ONNX fp32 vs int8, when the int8 graph exists
    scale_size: int | None = None  # --scale: build this many passages in a child process
    quality: bool = False  # --quality: int8 vs fp32 on the judged splits

    @classmethod
    def quick(cls, library: Path, **changes: Any) -> BenchConfig:
        """A run of seconds: few repetitions, one round, no HTTP, no int8 graph."""
        return replace(cls(library=library, repeat=10, rounds=1, graphs=False), **changes)


class Bench:
    """Runs every measurement once and returns one report, with its table (`summary`)."""

    def __init__(self, config: BenchConfig, log: Callable[[str], None] | None = None,
                 encoder_factory: Callable[[str], Any] | None = None,
                 bare_factory: Callable[[], BareModel] | None = None) -> None:
        self.config = config
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.encoder_factory = encoder_factory  # None: `load_encoder` (tests pass a fake)
        self.bare_factory = bare_factory or default_bare_model  # the PyTorch reference

    def measure(self) -> dict[str, Any]:
        from backqa.encoders import load_encoder
        from backqa.tools.loadtest.load import QUESTIONS

        cfg = self.config
        report: dict[str, Any] = {"cpus": os.cpu_count(), "rss_start_mb": rss_mb()}
        self.log("bench: loading the encoder and the bare PyTorch model")
        t0 = time.perf_counter()
        encoder = (self.encoder_factory or load_encoder)(cfg.backend)
        report["encoder"] = {"backend": type(encoder).__name__,
                             "load_seconds": round(time.perf_counter() - t0, 2),
                             "model": encoder.identity.key}
        bare = self.bare_factory()
        with tempfile.TemporaryDirectory(prefix="backqa-bench-") as tmp:
            work = Path(tmp)
            self.log("bench: cold ingest of the library")
            first = self._ingest(work / "a", encoder)
            texts = self._embed_texts(work / "a")
            self.log("bench: one question: encoder, raw model call and bare PyTorch")
            report["question"] = self._questions(encoder, bare, QUESTIONS)
            if cfg.graphs:
                self.log("bench: raw ONNX graphs, fp32 and int8")
                report["graphs"] = onnx_graphs(QUESTIONS, cfg.repeat)
            self.log("bench: cold ingest and bare PyTorch passage embedding, alternated")
            report["ingest"] = {"passages": first.passages,
                                **self._cold_ingest(encoder, bare, texts, work)}
            report["ingest"]["unchanged_seconds"] = round(
                self._ingest(work / "a", encoder).seconds, 3)
            index_dir = cfg.index_dir or work / "a"
            self.log("bench: index load and in-process search")
            report["index"], searcher = self._load(index_dir, encoder)
            report["search"] = self._search(searcher, QUESTIONS)
            report["rss_inprocess_mb"] = rss_mb()
            del searcher
            if cfg.http is not None:
                self.log("bench: HTTP, backqa serve and the reference app")
                report["http"] = measure_http(index_dir, QUESTIONS,
                                              replace(cfg.http, backend=cfg.backend), work)
            if cfg.scale_size:
                from backqa.tools.bench.optional import scale_peak

                self.log(f"bench: building {cfg.scale_size} passages (scale_bench)")
                report["scale"] = scale_peak(cfg.scale_size, work)
            if cfg.quality:
                from backqa.tools.bench.optional import int8_quality

                self.log("bench: int8 vs fp32 quality on the judged splits")
                report["quality"] = int8_quality(cfg.library, work)
        report["load_average"] = [round(x, 2) for x in os.getloadavg()]
        report["table"] = table_rows(report)
        return report

    # -- parts -----------------------------------------------------------------------------

    def _ingest(self, index_dir: Path, encoder: Any) -> Any:
        from backqa.config import get_settings
        from backqa.ingest.pipeline import IngestPipeline

        settings = get_settings()
        pipeline = IngestPipeline(index_dir, settings.root, min_words=settings.min_words,
                                  max_words=settings.max_words,
                                  encoder_factory=lambda: encoder, identity=encoder.identity,
                                  progress=False, log=lambda message: None)
        return pipeline.ingest([self.config.library])

    @staticmethod
    def _embed_texts(index_dir: Path) -> list[str]:
        from backqa.index.loaded import load_current

        return load_current(index_dir).store.all_embed_texts()

    def _questions(self, encoder: Any, bare: BareModel,
                   questions: Sequence[str]) -> dict[str, Any]:
        """One question at a time through the encoder, its raw model call (ONNX
        `session.run`; absent for other encoders) and the bare PyTorch model, alternated so
        all three see the same machine."""
        qs = [questions[i % len(questions)] for i in range(self.config.repeat)]
        for q in qs[:10]:
            encoder.encode([q])
            bare.time_one(q)
        raw_call = raw_session_call(encoder)
        through: list[float] = []
        raw: list[float] = []
        torch: list[float] = []
        for q in qs:
            t0 = time.perf_counter()
            encoder.encode([q])
            through.append(time.perf_counter() - t0)
            if raw_call is not None:
                raw.append(raw_call(q))
            torch.append(bare.time_one(q))
        out = {"encoder": stats_ms(through), "bare_torch": stats_ms(torch)}
        if raw:
            out["raw_model"] = stats_ms(raw)
        return out

    def _cold_ingest(self, encoder: Any, bare: BareModel, texts: list[str],
                     work: Path) -> dict[str, Any]:
        """Cold ingest of the library (a fresh index: every vector computed) and the bare
        PyTorch model embedding the same passages, alternated `rounds` times; the best of
        each is kept (the least disturbed by other work on the machine)."""
        from backqa.ingest.embedding import EMBED_BATCH

        bare.encode(texts[:EMBED_BATCH], batch_size=EMBED_BATCH)  # warm-up
        torch: list[float] = []
        cold: list[float] = []
        for round_ in range(self.config.rounds):
            torch.extend(timed(lambda: bare.encode(texts, batch_size=EMBED_BATCH), 1))
            cold.append(self._ingest(work / f"cold{round_}", encoder).seconds)
        return {"cold_seconds": round(min(cold), 3),
                "cold_seconds_all": [round(x, 3) for x in cold],
                "bare_torch_seconds": round(min(torch), 3),
                "bare_torch_seconds_all": [round(x, 3) for x in torch],
                "embed_texts": len(texts)}

    def _load(self, index_dir: Path, encoder: Any) -> tuple[dict[str, Any], Any]:
        from backqa.index.loaded import load_current
        from backqa.search.searcher import Searcher

        loads = timed(lambda: load_current(index_dir), 3)
        index = load_current(index_dir)
        info = {"path": str(index.path), "passages": index.passage_count,
                "vector_index": index.manifest.vector_index.type,
                "load_median_ms": round(statistics.median(loads) * 1000, 2)}
        return info, Searcher(index, encoder)

    def _search(self, searcher: Any, questions: Sequence[str]) -> dict[str, Any]:
        repeat = self.config.repeat
        qs = [questions[i % len(questions)] for i in range(repeat)]
        for q in qs[:10]:
            searcher.search(q).model_dump_json()
        it = iter(qs)
        return stats_ms(timed(lambda: searcher.search(next(it)).model_dump_json(), repeat))
