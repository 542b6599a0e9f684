"""Scale benchmark: build full index versions of 10k, 100k and 1M passages and measure build
time, index load time, resident memory, query latency and dense recall@10 against exact search.

Run from the project root (takes ~30 min for 1M on 2 cores; sizes are configurable):

    .venv/bin/python -m backqa.tools.scale_bench --sizes 10000,100000,1000000

Corpus: real text from BEIR SciFact (read in place from ../shared/benchmarks/scifact, never
copied), repeated with variations (a sentence dropped, sentences rotated) and cut into passages
of at most 120 words. Vectors: synthetic, because embedding 1M passages would take hours; each
is a random mix of two real MiniLM embeddings of SciFact titles plus Gaussian noise, so the
vectors cluster the way real embeddings do. Ten abstracts make one source (~20 passages).
Queries: the SciFact questions with their real MiniLM embeddings. The writer gets its inputs
as a large ingest hands them over: passages and sources generated as it reads them, vectors
written block by block to a `.npy` and memory-mapped, so the peak measured is the build's own.
Every size is built in its own process (peak resident memory reported per build stage), its
BM25 index is rebuilt from the store alone in another (the lexical build's own peak, checked
identical to the one the build wrote), then loaded and queried in a fresh process, so memory
figures are those of a serving process.

Writes `<out>/results.json`, and with `--plot`/`--table` the PNG and a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from backqa.config import project_root
from backqa.index.npy import write_npy_blocks
from backqa.tools.scale_corpus import (
    documents_for,
    passages_for,
    scifact_docs,
    scifact_queries,
    sentence_counts,
    synthetic_blocks,
    synthetic_vectors,
    view_blocks,
)
from backqa.tools.scale_report import memory_table, plot, table

PROJECT = project_root()
QUERIES = 200


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    current = psutil.Process().memory_info().rss / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return current, peak


def rss_split_mb() -> tuple[int, int]:
    """(anonymous, file-backed) resident memory in MB: the process's own memory, and the
    pages of memory-mapped index files it has read (page cache, shared and reclaimable)."""
    fields = dict(line.split(":", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return (round(int(fields["RssAnon"].split()[0]) / 1024),
            round(int(fields["RssFile"].split()[0]) / 1024))


class StagePeaks:
    """Peak resident memory (MB) per build stage, from the writer's checkpoints: at each one
    the kernel's high-water mark is read, then reset (Linux `clear_refs`)."""

    def __init__(self) -> None:
        self.peaks: dict[str, int] = {}
        self.reset()

    def record(self, stage: str) -> None:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                self.peaks[stage] = round(int(line.split()[1]) / 1024)
        self.reset()

    @staticmethod
    def reset() -> None:
        Path("/proc/self/clear_refs").write_text("5")

    def overall(self) -> int:
        """The build's peak (the reset high-water mark no longer holds it)."""
        return max(self.peaks.values())


# -- corpus ----------------------------------------------------------------------------------

def base_embeddings(out: Path) -> tuple[np.ndarray, np.ndarray]:
    """Real MiniLM embeddings of SciFact titles (the mixture bases) and questions, cached."""
    path = out / "bases.npz"
    if path.is_file():
        data = np.load(path)
        return data["titles"], data["queries"]
    from backqa.encoders import load_encoder

    encoder = load_encoder("auto")
    titles = [t for _, t, _ in scifact_docs() if t]
    started = time.perf_counter()
    title_vecs = encoder.encode(titles, batch_size=64, progress=True)
    query_vecs = encoder.encode(scifact_queries(QUERIES), batch_size=64)
    print(f"embedded {len(titles)} titles and {len(query_vecs)} questions in "
          f"{time.perf_counter() - started:.0f}s", file=sys.stderr)
    out.mkdir(parents=True, exist_ok=True)
    np.savez(path, titles=title_vecs, queries=query_vecs)
    return title_vecs, query_vecs


# -- build and measure (each in its own process) --------------------------------------------

def build(n: int, out: Path) -> dict[str, object]:
    """Write one complete index version of n passages, exactly as ingest writes it."""
    from backqa.config import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS
    from backqa.encoders.identity import model_identity
    from backqa.index.checkpoints import on_checkpoint
    from backqa.index.manifest import ChunkingInfo
    from backqa.ingest.writer import BuiltVersion, VersionWriter

    titles, _ = base_embeddings(out)
    peaks = StagePeaks()
    on_checkpoint(peaks.record)
    version_dir = out / f"n{n}" / "version"
    if version_dir.exists():
        import shutil

        shutil.rmtree(version_dir)
    version_dir.mkdir(parents=True)
    # The writer's inputs as a large ingest would hand them over: vectors in a .npy written
    # block by block and memory-mapped, passages and sources generated as they are read.
    started = time.perf_counter()
    dims = titles.shape[1]
    vectors_path, claims_path, sentences_path = (out / f"n{n}" / f"{name}.npy" for name in
                                                 ("vectors", "claims", "sentences"))
    write_npy_blocks(vectors_path, synthetic_blocks(n, titles), n, dims)
    vectors = np.load(vectors_path, mmap_mode="r")
    # ingest's other views of each passage: its text alone (claims) and its sentences
    write_npy_blocks(claims_path, view_blocks(vectors), n, dims)
    counts = sentence_counts(passages_for(n))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    write_npy_blocks(sentences_path, view_blocks(vectors, counts), int(offsets[-1]), dims)
    claims = np.load(claims_path, mmap_mode="r")
    sentences = np.load(sentences_path, mmap_mode="r")
    prepared = time.perf_counter() - started
    peaks.record("prepare")
    stamp = "2026-01-01T00:00:00+00:00"
    started = time.perf_counter()
    VersionWriter().write(version_dir, BuiltVersion(
        version_id=f"scale-{n}", identity=model_identity(), documents=documents_for(n),
        passages=passages_for(n), vectors=vectors,
        ingested_at=defaultdict(lambda: stamp),
        chunking=ChunkingInfo(min_words=DEFAULT_MIN_WORDS, max_words=DEFAULT_MAX_WORDS),
        claims=claims, sentences=(sentences, offsets)))
    seconds = time.perf_counter() - started
    del vectors, claims, sentences
    for path in (vectors_path, claims_path, sentences_path):
        path.unlink()
    manifest = json.loads((version_dir / "manifest.json").read_text())
    size = sum(p.stat().st_size for p in version_dir.rglob("*") if p.is_file())
    result = {"passages": n, "sources": manifest["counts"]["sources"],
              "prepare_seconds": round(prepared, 1),
              "build_seconds": round(seconds, 1), "vector_index": manifest["vector_index"],
              "disk_mb": round(size / 2**20), "build_peak_rss_mb": peaks.overall(),
              "build_peak_rss_mb_by_stage": peaks.peaks}
    (out / f"n{n}" / "build.json").write_text(json.dumps(result))
    return result


def lexical(n: int, out: Path) -> dict[str, object]:
    """Rebuild the version's BM25 index from its store alone, as the writer does, and check
    it is the one the build saved (same vocabulary, same matrix, bit for bit)."""
    from backqa.index.layout import VersionFiles
    from backqa.index.lexical import LexicalIndex
    from backqa.index.store import stream_embed_texts

    files = VersionFiles(out / f"n{n}" / "version")
    rss_before = rss_mb()[0]
    started = time.perf_counter()
    rebuilt = LexicalIndex.build(stream_embed_texts(files.store))
    seconds = time.perf_counter() - started
    peak = rss_mb()[1]
    saved = LexicalIndex.load(files.lexical, mmap=True)
    same = rebuilt.vocab == saved.vocab and all(
        np.array_equal(rebuilt.retriever.scores[k], saved.retriever.scores[k])
        for k in ("data", "indices", "indptr"))
    if not same:
        raise RuntimeError(f"{files.lexical}: BM25 rebuilt from the store differs from the saved")
    return {"lexical_build_seconds": round(seconds, 1),
            "lexical_build_peak_rss_mb": round(peak),
            "lexical_build_added_rss_mb": round(peak - rss_before),
            "lexical_nnz": int(rebuilt.retriever.scores["indptr"][-1]),
            "lexical_vocab": len(rebuilt.vocab)}


class GivenVectors:
    """The installed model's identity; questions arrive already embedded (SciFact queries)."""

    def __init__(self) -> None:
        from backqa.encoders.identity import model_identity

        self.identity = model_identity()

    def encode(self, texts: list[str], batch_size: int = 32,
               progress: bool = False) -> np.ndarray:
        raise RuntimeError("the scale benchmark passes question vectors in")


def measure(n: int, out: Path) -> dict[str, object]:
    """Load the version in this (fresh) process and time queries through the full path."""
    import faiss

    from backqa.index.loaded import LoadedIndex
    from backqa.search.fusion import RankingConfig
    from backqa.search.searcher import Searcher

    _, query_vecs = base_embeddings(out)
    questions = scifact_queries(QUERIES)
    rss_before = rss_mb()[0]
    started = time.perf_counter()
    index = LoadedIndex.load(out / f"n{n}" / "version", verify=True)
    load_seconds = time.perf_counter() - started
    rss_loaded = rss_mb()[0]
    searcher = Searcher(index, GivenVectors())  # type: ignore[arg-type]
    # The ranking before issue 12 (no sentence vectors, MMR 0.75), timed alternately with it
    before = Searcher(index, GivenVectors(),  # type: ignore[arg-type]
                      config=RankingConfig(sentence_weight=0.0, question_penalty=0.0,
                                           mmr_lambda=0.75))
    before.ranker.sentences = None
    questions = [searcher.prepare(q) for q in questions]
    for q, v in zip(questions[:10], query_vecs[:10], strict=True):
        searcher.search_with_vector(q, v, k=5)
        before.search_with_vector(q, v, k=5)
    full, dense, lexical, earlier = [], [], [], []
    for q, v in zip(questions, query_vecs, strict=True):
        t0 = time.perf_counter()
        before.search_with_vector(q, v, k=5)
        earlier.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        searcher.search_with_vector(q, v, k=5)
        t1 = time.perf_counter()
        index.vectors.search(v.reshape(1, -1), searcher.depth)
        t2 = time.perf_counter()
        index.lexical.top(q, searcher.depth)
        t3 = time.perf_counter()
        full.append(t1 - t0)
        dense.append(t2 - t1)
        lexical.append(t3 - t2)
    rss_now, rss_peak = rss_mb()
    rss_anon, rss_file = rss_split_mb()
    # recall@10 of the dense index against exact search over the same (regenerated) vectors
    titles, _ = base_embeddings(out)
    vectors = synthetic_vectors(n, titles)
    _, truth = faiss.knn(query_vecs, vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
    _, found = index.vectors.search(query_vecs, 10)
    recall = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found,
                                                                       strict=True)]))
    t0 = time.perf_counter()
    for v in query_vecs[:50]:
        faiss.knn(v.reshape(1, -1), vectors, searcher.depth, metric=faiss.METRIC_INNER_PRODUCT)
    exact_ms = (time.perf_counter() - t0) / 50 * 1000

    def ms(values: list[float], q: float) -> float:
        return round(float(np.percentile(values, q)) * 1000, 3)

    return {"passages": n, "load_seconds": round(load_seconds, 2),
            "rss_mb": round(rss_now), "rss_loaded_mb": round(rss_loaded),
            "rss_index_mb": round(rss_loaded - rss_before), "peak_rss_mb": round(rss_peak),
            "rss_anon_mb": rss_anon, "rss_file_mb": rss_file,
            "query_median_ms": ms(full, 50), "query_p99_ms": ms(full, 99),
            "query_median_ms_before_issue_12": ms(earlier, 50),
            "dense_median_ms": ms(dense, 50), "lexical_median_ms": ms(lexical, 50),
            "exact_dense_ms": round(exact_ms, 3), "recall_at_10": round(recall, 4),
            "vector_index": index.manifest.vector_index.type, "queries": len(full)}


def child(kind: str, n: int, out: Path, timeout: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "backqa.tools.scale_bench", f"--_{kind}", str(n),
               "--out", str(out)]
    print(f"[{time.strftime('%H:%M:%S')}] {kind} n={n}", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(PROJECT / "src")})
    if done.returncode != 0:
        raise RuntimeError(f"{kind} n={n} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--out", default="/tmp/backqa-scale", help="work folder (big at 1M)")
    parser.add_argument("--plot", help="write the PNG here (e.g. docs/scaling.png)")
    parser.add_argument("--table", help="write the Markdown table here")
    parser.add_argument("--timeout", type=float, default=3 * 3600, help="seconds per step")
    parser.add_argument("--keep", action="store_true", help="keep the built versions")
    parser.add_argument("--reuse", action="store_true",
                        help="measure versions kept by an earlier run instead of rebuilding")
    parser.add_argument("--build-only", action="store_true",
                        help="build (and rebuild BM25 from the store) without the search step;"
                             " reports memory and build time only")
    parser.add_argument("--_build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_measure", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_lexical", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = Path(args.out).resolve()
    if args._build:
        print(json.dumps(build(args._build, out)))
        return 0
    if args._measure:
        print(json.dumps(measure(args._measure, out)))
        return 0
    if args._lexical:
        print(json.dumps(lexical(args._lexical, out)))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    base_embeddings(out)
    rows: list[dict[str, Any]] = []
    for n in sorted(int(s) for s in args.sizes.split(",")):
        saved = out / f"n{n}" / "build.json"
        if args.reuse and saved.is_file() and (out / f"n{n}" / "version").is_dir():
            built = json.loads(saved.read_text())
        else:
            built = child("build", n, out, args.timeout)
        rebuilt = child("lexical", n, out, args.timeout)
        measured = {} if args.build_only else child("measure", n, out, args.timeout)
        row = {**built, **rebuilt, **measured, "vector_info": built["vector_index"]}
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
        (out / "results.json").write_text(json.dumps(rows, indent=2))
        if not args.keep:
            import shutil

            shutil.rmtree(out / f"n{n}", ignore_errors=True)
    report = memory_table(rows) if args.build_only else table(rows) + "\n" + memory_table(rows)
    if args.plot and not args.build_only:
        plot(rows, Path(args.plot))
    if args.table:
        Path(args.table).write_text(report)
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
