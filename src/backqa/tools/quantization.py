"""Is the int8-quantised encoder good enough to be the default? Measured in one run.

`python -m backqa.tools.quantization [--work DIR] [--scifact DIR]` measures, for the fp32 ONNX
graph and the int8 one (`onnx_export.OnnxExporter.quantize`):
- per-question encode latency with 1 and 2 threads (questions of the judged set, one at a
  time, the graphs interleaved so both see the same machine);
- cosine of int8 vectors to fp32 ones (judged questions and library passages);
- quality of what `Searcher.search` returns: nDCG@10 and R@100 on the judged tuning split, on
  the held-out split (shipped library) and on SciFact test (BEIR qrels), each graph with its
  own index (built once into `--work`, reused by later runs);
- graph options: ORT optimisation level, a batch dimension fixed to one question, quantising
  per tensor instead of per channel, and `quant_pre_process` before quantising.

The decision rule (issue 15): int8 becomes the default only if its nDCG@10 and R@100 are each
within 0.005 / 0.01 of fp32's (or better) on all three sets.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from backqa.config import get_settings
from backqa.encoders import backend_identity, load_encoder
from backqa.encoders.identity import ModelIdentity
from backqa.encoders.onnx_encoder import OnnxEncoder
from backqa.encoders.onnx_export import OnnxExporter
from backqa.index.calibration import CALIBRATION_FILE, read_calibration, write_calibration
from backqa.index.loaded import load_current
from backqa.ingest.pipeline import IngestPipeline
from backqa.search.searcher import Searcher
from backqa.tools.evaluation.datasets import (
    JudgedQuestion,
    default_scope_files,
    read_judged_files,
    read_qrels,
    read_queries,
    read_scope_files,
    split_files,
)
from backqa.tools.evaluation.evaluator import Evaluator

GRAPHS = {"fp32": "onnx", "int8": "onnx-int8"}  # graph -> BACKQA_ENCODER backend
MAX_NDCG_LOSS = 0.005
MAX_RECALL_LOSS = 0.01
SETS = ("tuning", "holdout", "scifact-test")


class IndexBuilder:
    """Each graph's index of a library, built once into the work folder and reused."""

    def __init__(self, work: Path, log: bool = True) -> None:
        self.work = work
        self.log = log

    def library(self, graph: str, library: Path) -> Path:
        """The shipped library's index for `graph`. fp32 uses the library's own no-match
        calibration; another graph is calibrated the same way (`backqa eval --calibrate` on
        the judged files the shipped calibration names), on a copy of the library."""
        target = self.work / f"library-{graph}"
        if graph == "fp32":
            return self._built(target, [library], graph)
        # Calibrated afresh on every run (vectors are cached: seconds), so both graphs follow
        # the library's calibration as it is now.
        copy = self.work / f"library-{graph}-src"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(library, copy, ignore=shutil.ignore_patterns(CALIBRATION_FILE))
        self._built(target, [copy], graph)
        shipped = read_calibration(library / CALIBRATION_FILE)
        judged = get_settings().root / "tests" / "judged"
        names = [n for n in re.split(r"[+,]", shipped.judged_set) if n]
        files = read_judged_files([judged / n for n in names])
        questions = [q for f in files for q in f.questions]
        # the scope gate too, when the shipped calibration has one (from the same scope files)
        scope = [] if shipped.scope is None else read_scope_files(*default_scope_files(judged))
        evaluator = Evaluator(self.searcher(target, graph))
        write_calibration(copy / CALIBRATION_FILE, evaluator.calibrate(
            questions, shipped.judged_set, scope,
            {q.id: f.path.name for f in files for q in f.questions}))
        return self._built(target, [copy], graph)

    def corpus(self, graph: str, name: str, path: Path) -> Path:
        """The index of a BEIR corpus file for `graph`."""
        return self._built(self.work / f"{name}-{graph}", [path], graph)

    def _built(self, target: Path, paths: list[Path], graph: str) -> Path:
        backend = GRAPHS[graph]
        # Built as `backqa ingest` builds it (enrich=True): the sentence vectors it adds feed
        # the ranking (the best-sentence signal), so without them the comparison would not be
        # of what users get.
        pipeline = IngestPipeline(target, get_settings().root,
                                  encoder_factory=lambda: load_encoder(backend),
                                  identity=backend_identity(backend),
                                  progress=None if self.log else False, enrich=True)
        summary = pipeline.ingest(paths)
        if self.log:
            print(f"{target.name}: {summary.passages} passages ({summary.embedded} embedded) "
                  f"in {summary.seconds:.1f} s", file=sys.stderr)
        return target

    @staticmethod
    def searcher(index_dir: Path, graph: str) -> Searcher:
        return Searcher(load_current(index_dir), load_encoder(GRAPHS[graph]))


@dataclass(frozen=True)
class Variant:
    """One way to run a graph: which graph file, threads, ORT optimisation, fixed shape."""

    name: str
    graph: str
    path: Path
    threads: int = 2
    optimization: str = "all"
    single: bool = False

    def encoder(self, identity: ModelIdentity) -> OnnxEncoder:
        return OnnxEncoder(self.path, threads=self.threads, identity=identity,
                           optimization=self.optimization, single=self.single)


class LatencyProbe:
    """Median per-question encode time of several variants, interleaved question by question
    so each sees the same load."""

    def __init__(self, questions: Sequence[str], rounds: int) -> None:
        self.questions = list(questions)
        self.rounds = rounds

    def measure(self, encoders: dict[str, OnnxEncoder]) -> dict[str, float]:
        for encoder in encoders.values():
            encoder.encode(self.questions[:8])  # warm-up: first runs allocate
        times: dict[str, list[float]] = {name: [] for name in encoders}
        for _ in range(self.rounds):
            for question in self.questions:
                for name, encoder in encoders.items():
                    started = time.perf_counter()
                    encoder.encode([question])
                    times[name].append((time.perf_counter() - started) * 1000)
        return {name: float(np.median(values)) for name, values in times.items()}


def cosine_to_fp32(fp32: OnnxEncoder, other: OnnxEncoder, texts: Sequence[str]) -> dict[str, float]:
    """Mean, 1st percentile and least cosine of `other`'s vectors to fp32's."""
    cosine = np.sum(fp32.encode(texts) * other.encode(texts), axis=1)
    return {"mean": float(cosine.mean()), "p1": float(np.percentile(cosine, 1)),
            "min": float(cosine.min())}


def quality(searcher: Searcher, questions: list[JudgedQuestion] | None = None,
            beir: tuple[dict[str, str], dict[str, dict[str, int]]] | None = None
            ) -> dict[str, float]:
    """nDCG@10 and R@100 of `Searcher.search` on judged questions or BEIR queries + qrels."""
    evaluator = Evaluator(searcher)
    if questions is not None:
        report = evaluator.judged(questions, ["final"])
    else:
        assert beir is not None
        report = evaluator.beir(beir[0], beir[1], ["final"]).report
    means = report.modes[0].means
    return {"ndcg10": means["ndcg10"], "recall100": means["recall100"],
            "questions": float(report.modes[0].queries)}


def decide(figures: dict[str, dict[str, dict[str, float]]]) -> tuple[bool, list[str]]:
    """Whether int8 passes the rule on every set, and why not where it does not."""
    failures = []
    for name in SETS:
        fp32, int8 = figures[name]["fp32"], figures[name]["int8"]
        if int8["ndcg10"] < fp32["ndcg10"] - MAX_NDCG_LOSS:
            failures.append(f"{name}: nDCG@10 {int8['ndcg10']:.4f} < {fp32['ndcg10']:.4f} "
                            f"- {MAX_NDCG_LOSS}")
        if int8["recall100"] < fp32["recall100"] - MAX_RECALL_LOSS:
            failures.append(f"{name}: R@100 {int8['recall100']:.4f} < {fp32['recall100']:.4f} "
                            f"- {MAX_RECALL_LOSS}")
    return not failures, failures


class QuantizationStudy:
    """fp32 against int8 in one run: latency, cosine, quality and graph options."""

    def __init__(self, work: Path, scifact: Path, rounds: int = 5, log: bool = True) -> None:
        self.work = work
        self.scifact = scifact
        self.rounds = rounds
        self.builder = IndexBuilder(work, log)
        self.log = log
        settings = get_settings()
        self.library = settings.ingest_path
        judged = settings.root / "tests" / "judged"
        self.splits = {name: [q for f in read_judged_files(split_files(judged, split))
                              for q in f.questions]
                       for name, split in (("tuning", "tune"), ("holdout", "holdout"))}

    def measure(self) -> dict[str, object]:
        """The whole report (see the module docstring)."""
        exporter = OnnxExporter()
        identity = backend_identity("onnx")
        paths = {"fp32": exporter.export(identity),
                 "int8": exporter.quantize(replace(identity, graph="int8"))}
        variants = self._latency(paths)
        figures = self._quality()
        passed, failures = decide(figures)
        return {"graphs": {g: str(p) for g, p in paths.items()},
                "graph_bytes": {g: p.stat().st_size for g, p in paths.items()},
                **variants, "quality": figures, "int8_default": passed, "failures": failures}

    def _latency(self, paths: dict[str, Path]) -> dict[str, object]:
        fp32_id = backend_identity("onnx")
        int8_id = backend_identity("onnx-int8")
        per_tensor = self._exporter("onnx-per-tensor", paths["fp32"]).quantize(
            int8_id, per_channel=False)
        preprocessed = self._exporter("onnx-preprocessed", paths["fp32"]).quantize(
            int8_id, preprocess=True)
        variants = [Variant(f"{g} {t} thread{'s' * (t > 1)}", g, paths[g], threads=t)
                    for g in ("fp32", "int8") for t in (1, 2)]
        variants += [Variant(f"{g} optimisation {level}", g, paths[g], optimization=level)
                     for g in ("fp32", "int8") for level in ("disable", "basic", "extended")]
        variants += [Variant(f"{g} batch fixed to 1", g, paths[g], single=True)
                     for g in ("fp32", "int8")]
        variants += [Variant("int8 per tensor", "int8", per_tensor),
                     Variant("int8 pre-processed", "int8", preprocessed)]
        identities = {"fp32": fp32_id, "int8": int8_id}
        encoders = {v.name: v.encoder(identities[v.graph]) for v in variants}
        questions = [q.question for qs in self.splits.values() for q in qs]
        latency = LatencyProbe(questions, self.rounds).measure(encoders)
        passages = self._library_passages()
        texts = questions + passages
        fp32 = encoders["fp32 2 threads"]
        cosine = {name: cosine_to_fp32(fp32, encoders[name], texts)
                  for name in ("int8 2 threads", "int8 per tensor", "int8 pre-processed")}
        return {"latency_ms": latency, "cosine_to_fp32": cosine,
                "latency_questions": len(questions) * self.rounds,
                "cosine_texts": len(texts)}

    def _exporter(self, name: str, fp32: Path) -> OnnxExporter:
        """An exporter over its own cache, holding the installed fp32 graph (not re-exported),
        for an int8 graph made another way than the shipped recipe."""
        cache = self.work / name
        cache.mkdir(exist_ok=True)
        for path in (fp32, fp32.with_suffix(".json")):
            if not (cache / path.name).exists():
                shutil.copyfile(path, cache / path.name)
        return OnnxExporter(cache)

    def _library_passages(self) -> list[str]:
        index = load_current(self.builder.library("fp32", self.library))
        return index.store.all_embed_texts()

    def build(self) -> list[Path]:
        """Every index the quality figures need, built when missing."""
        return [index for graph in GRAPHS for index in (
            self.builder.library(graph, self.library),
            self.builder.corpus(graph, "scifact", self.scifact / "corpus.jsonl"))]

    def _quality(self) -> dict[str, dict[str, dict[str, float]]]:
        queries = read_queries(self.scifact / "queries.jsonl")
        qrels = read_qrels(self.scifact / "qrels" / "test.tsv")
        figures: dict[str, dict[str, dict[str, float]]] = {name: {} for name in SETS}
        for graph in GRAPHS:
            library = IndexBuilder.searcher(self.builder.library(graph, self.library), graph)
            for name in ("tuning", "holdout"):
                figures[name][graph] = quality(library, questions=self.splits[name])
            corpus = self.builder.corpus(graph, "scifact", self.scifact / "corpus.jsonl")
            figures["scifact-test"][graph] = quality(IndexBuilder.searcher(corpus, graph),
                                                     beir=(queries, qrels))
        return figures


def format_report(report: dict[str, object]) -> str:
    """The report as plain-text tables."""
    lines = ["encode latency per question (median ms; ratio to fp32 2 threads):"]
    latency = report["latency_ms"]
    assert isinstance(latency, dict)
    base = latency["fp32 2 threads"]
    lines += [f"  {name:<28} {ms:7.2f}  {ms / base:5.2f}x" for name, ms in latency.items()]
    lines.append("cosine to fp32 (mean / 1st percentile / least):")
    cosine = report["cosine_to_fp32"]
    assert isinstance(cosine, dict)
    lines += [f"  {name:<28} {c['mean']:.4f} / {c['p1']:.4f} / {c['min']:.4f}"
              for name, c in cosine.items()]
    lines.append("quality of Searcher.search   fp32 nDCG@10  R@100   int8 nDCG@10  R@100")
    figures = report["quality"]
    assert isinstance(figures, dict)
    for name, by_graph in figures.items():
        fp32, int8 = by_graph["fp32"], by_graph["int8"]
        lines.append(f"  {name:<12} ({int(fp32['questions']):>3} q)      {fp32['ndcg10']:.4f}"
                     f"  {fp32['recall100']:.4f}       {int8['ndcg10']:.4f}"
                     f"  {int8['recall100']:.4f}")
    verdict = "int8 passes: it may be the default" if report["int8_default"] else \
        "int8 fails; fp32 stays the default: " + "; ".join(report["failures"])  # type: ignore[arg-type]
    lines.append(verdict)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backqa.tools.quantization",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--work", default="/tmp/backqa-quantization",
                        help="folder for the indexes built (reused by later runs)")
    parser.add_argument("--scifact", default=str(get_settings().root.parent / "shared" /
                                                 "benchmarks" / "scifact"),
                        help="BEIR SciFact folder (corpus.jsonl, queries.jsonl, qrels/test.tsv)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="passes over the judged questions per latency figure")
    parser.add_argument("--build", action="store_true",
                        help="only build the indexes (SciFact takes minutes per graph)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    study = QuantizationStudy(work, Path(args.scifact), args.rounds)
    if args.build:
        for index in study.build():
            print(index)
        return 0
    report = study.measure()
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
