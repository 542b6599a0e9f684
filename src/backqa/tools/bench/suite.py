"""The benchmark run: every measurement once, in one report (`Bench.measure`)."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from backqa.tools.bench.measures import TimedEncoder, rss_mb, stats_ms, timed
from backqa.tools.bench.summary import ratios, targets


@dataclass
class BenchConfig:
    """What one bench run does. `index_dir=None` indexes `library` into a temporary folder."""

    library: Path
    index_dir: Path | None = None
    backend: str = "auto"
    repeat: int = 200
    rounds: int = 3  # raw passage embedding vs cold ingest, alternated
    http_duration_s: float = 10.0
    http_max_requests: int = 3000
    concurrencies: tuple[int, ...] = (1, 8, 32)
    http: bool = True
    torch_baseline: bool = True


class Bench:
    """Runs every measurement once and returns one report."""

    def __init__(self, config: BenchConfig, log: Callable[[str], None] | None = None,
                 encoder_factory: Callable[[str], Any] | None = None) -> None:
        self.config = config
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.encoder_factory = encoder_factory  # None: `load_encoder` (tests pass a fake)

    def measure(self) -> dict[str, Any]:
        """The whole report (see the package docstring)."""
        from backqa.encoders import load_encoder
        from backqa.tools.loadtest.load import QUESTIONS

        cfg = self.config
        report: dict[str, Any] = {"cpus": os.cpu_count(), "rss_start_mb": rss_mb()}
        self.log("bench: loading the encoder")
        t0 = time.perf_counter()
        encoder = (self.encoder_factory or load_encoder)(cfg.backend)
        report["encoder"] = {"backend": type(encoder).__name__,
                             "load_seconds": round(time.perf_counter() - t0, 2),
                             "model": encoder.identity.key}
        with tempfile.TemporaryDirectory(prefix="backqa-bench-") as tmp:
            work = Path(tmp)
            self.log("bench: cold ingest of the library")
            first = self._ingest(work / "a", encoder)
            texts = self._embed_texts(work / "a")
            self.log("bench: raw model")
            report["model"] = self._raw_model(encoder, QUESTIONS)
            self.log("bench: raw passage embedding and cold ingest, interleaved")
            report["model"].update(self._throughput(encoder, texts, work))
            report["ingest"] = self._ingest_report(work / "cold0", encoder, first,
                                                   report["model"])
            index_dir = cfg.index_dir or work / "a"
            self.log("bench: index load and in-process search")
            report["index"], searcher = self._load(index_dir, encoder)
            report["search"] = self._search(searcher, QUESTIONS)
            report["rss_inprocess_mb"] = rss_mb()
            del searcher
            if cfg.http:
                self.log("bench: HTTP service")
                report["http"] = self._http(index_dir, QUESTIONS, work)
        if cfg.torch_baseline and report["encoder"]["backend"] != "TorchEncoder":
            self.log("bench: PyTorch baseline")
            report["torch"] = self._torch_baseline(QUESTIONS, texts)
        report["ratios"] = ratios(report)
        report["targets"] = targets(report)
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

    def _raw_model(self, encoder: Any, questions: Sequence[str]) -> dict[str, Any]:
        repeat = self.config.repeat
        qs = [questions[i % len(questions)] for i in range(repeat)]
        for q in qs[:10]:
            encoder.encode([q])
        raw_call = self._raw_question_call(encoder)
        raw: list[float] = []
        through: list[float] = []
        for q in qs:  # alternated, so both see the same machine
            raw.append(raw_call(q))
            t0 = time.perf_counter()
            encoder.encode([q])
            through.append(time.perf_counter() - t0)
        return {"raw_question": stats_ms(raw), "encoder_question": stats_ms(through)}

    def _throughput(self, encoder: Any, texts: list[str], work: Path) -> dict[str, Any]:
        """Raw passage embedding and cold ingest of the same passages, alternated `rounds`
        times; the best of each is kept (the least disturbed by other work on the machine).
        Each ingest also times its own encoder calls, which splits it into embedding and the
        rest of the pipeline within one run."""
        from backqa.ingest.embedding import EMBED_BATCH

        encoder.encode(texts[:EMBED_BATCH], batch_size=EMBED_BATCH)  # warm-up
        raw: list[float] = []
        cold: list[tuple[float, float, int, int]] = []
        for round_ in range(self.config.rounds):
            raw.append(min(timed(lambda: encoder.encode(texts, batch_size=EMBED_BATCH), 1)))
            timer = TimedEncoder(encoder)
            summary = self._ingest(work / f"cold{round_}", timer)
            cold.append((summary.seconds, timer.seconds, summary.embedded, timer.texts))
        seconds, embed_seconds, embedded, embedded_texts = min(cold)
        return {"passages": len(texts), "passage_seconds": round(min(raw), 3),
                "passages_per_s": round(len(texts) / min(raw), 1),
                "passage_seconds_all": [round(x, 3) for x in raw],
                "cold_ingest": {"seconds": round(seconds, 3), "embedded": embedded,
                                "embedded_texts": embedded_texts,
                                "embed_seconds": round(embed_seconds, 3),
                                "seconds_all": [round(c[0], 3) for c in cold]}}

    @staticmethod
    def _raw_question_call(encoder: Any) -> Callable[[str], float]:
        """A function timing only the model itself on one question (tokenised beforehand)."""
        session = getattr(encoder, "session", None)
        if session is not None:
            from backqa.encoders.onnx_encoder import _batch_arrays

            def onnx_call(question: str) -> float:
                feeds = _batch_arrays([encoder.tokenizer.encode(question)])
                feeds = {k: v for k, v in feeds.items() if k in encoder.input_names}
                t0 = time.perf_counter()
                session.run(None, feeds)
                return time.perf_counter() - t0

            return onnx_call

        model = getattr(encoder, "model", None)  # sentence-transformers (TorchEncoder)

        def model_call(question: str) -> float:
            t0 = time.perf_counter()
            if model is not None:
                model.encode([question], convert_to_numpy=True, normalize_embeddings=True)
            else:
                encoder.encode([question])
            return time.perf_counter() - t0

        return model_call

    def _ingest_report(self, index_dir: Path, encoder: Any, first: Any,
                       model: dict[str, Any]) -> dict[str, Any]:
        import subprocess

        from backqa.encoders.identity import model_identity

        cold = model.pop("cold_ingest")
        unchanged = self._ingest(index_dir, encoder)
        cli_seconds: float | None = None
        cli_exit: int | None = None
        if encoder.identity == model_identity():  # else the CLI would rebuild with its model
            t0 = time.perf_counter()
            cli = subprocess.run([sys.executable, "-m", "backqa.cli", "ingest", str(
                self.config.library), "--index", str(index_dir), "--json"],
                capture_output=True, text=True, timeout=600)
            cli_seconds, cli_exit = round(time.perf_counter() - t0, 3), cli.returncode
        pipeline = cold["seconds"] - cold["embed_seconds"]
        return {"passages": first.passages, "embedded": cold["embedded"],
                # every text the ingest embedded: passages, and whatever else it embeds
                "embedded_texts": cold["embedded_texts"],
                "cold_texts_per_s": round(cold["embedded_texts"] / cold["seconds"], 1)
                if cold["seconds"] else None,
                "cold_seconds": cold["seconds"], "cold_seconds_all": cold["seconds_all"],
                "cold_passages_per_s": round(cold["embedded"] / cold["seconds"], 1)
                if cold["embedded"] else None,
                "embed_seconds": cold["embed_seconds"],
                "pipeline_seconds": round(pipeline, 3),
                "pipeline_share": round(pipeline / cold["seconds"], 3) if cold["seconds"]
                else None,
                "first_cold_seconds": round(first.seconds, 3),
                "unchanged_seconds": round(unchanged.seconds, 3),
                "unchanged_published": unchanged.version is not None,
                "unchanged_cli_seconds": cli_seconds, "unchanged_cli_exit": cli_exit}

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
        full = timed(lambda: searcher.search(next(it)).model_dump_json(), repeat)
        prepared = [searcher.prepare(q) for q in qs[: len(questions)]]
        vectors = searcher.encoder.encode(prepared)
        it2 = iter(range(repeat))

        def ranked() -> None:
            i = next(it2) % len(vectors)
            searcher.search_with_vector(prepared[i], vectors[i])

        return {"search": stats_ms(full), "without_embedding": stats_ms(timed(ranked, repeat))}

    def _http(self, index_dir: Path, questions: Sequence[str], work: Path) -> dict[str, Any]:
        from backqa.tools.loadtest.load import run_http_load
        from backqa.tools.loadtest.server import serve_process

        cfg = self.config
        out: dict[str, Any] = {}
        env = {"BACKQA_ENCODER": cfg.backend}
        me = psutil.Process()
        before = {p.pid for p in me.children()}
        with serve_process(index_dir, env, log_path=work / "serve.log") as base_url:
            server = [p.pid for p in me.children() if p.pid not in before]
            for c in cfg.concurrencies:
                run_http_load(base_url, questions, c, 1.0, 4 * c)  # warm-up
                out[str(c)] = run_http_load(base_url, questions, c, cfg.http_duration_s,
                                            cfg.http_max_requests)
            out["server_rss_mb"] = rss_mb(server[0]) if server else None
        return out

    def _torch_baseline(self, questions: Sequence[str], texts: list[str]) -> dict[str, Any]:
        from backqa.encoders.torch_encoder import TorchEncoder
        from backqa.ingest.embedding import EMBED_BATCH

        torch_encoder = TorchEncoder()
        qs = [questions[i % len(questions)] for i in range(min(self.config.repeat, 100))]
        for q in qs[:5]:
            torch_encoder.encode([q])
        it = iter(qs)
        question = timed(lambda: torch_encoder.encode([next(it)]), len(qs))
        started = time.perf_counter()
        torch_encoder.encode(texts, batch_size=EMBED_BATCH)
        seconds = time.perf_counter() - started
        return {"question": stats_ms(question),
                "passages_per_s": round(len(texts) / seconds, 1)}
