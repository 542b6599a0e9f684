"""Retrieval evaluation: BEIR queries and qrels, and the judged question set, scored with
nDCG@10, MRR@10, Recall@10, Recall@100 and success@1 for each ranking mode side by side.

Two kinds of judgements:
- BEIR qrels (`query-id<TAB>corpus-id<TAB>score`): ranking is by document, the best passage
  per `source.id`; gains are the qrels grades (linear gain, as pytrec_eval and BEIR).
- The judged set (JSONL, one question a line): each question lists evidence items, each an
  answer point with a grade (2 answers, 1 related) and one or more phrases copied from the
  library. A passage earns an item when it contains one of its phrases; each item is credited
  once, so a near-duplicate passage (or a second phrasing of the same point) earns nothing
  twice. A question without evidence is off-topic: the right answer is `no_match`.
"""

from __future__ import annotations

import json
import math
import sqlite3
import statistics
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from backqa.encoders.identity import Encoder
from backqa.index.calibration import NoMatchCalibration, calibrate
from backqa.index.layout import VersionFiles
from backqa.index.lexical import LexicalIndex
from backqa.ingest.dedup import NearDuplicateGrouper
from backqa.search.query import normalize_query
from backqa.search.searcher import Searcher

METRICS = ("ndcg10", "mrr10", "recall10", "recall100", "success1")
METRIC_LABELS = {"ndcg10": "nDCG@10", "mrr10": "MRR@10", "recall10": "R@10",
                 "recall100": "R@100", "success1": "S@1"}
BEIR_MODES = ("bm25", "dense", "hybrid")
JUDGED_MODES = ("bm25", "dense", "windows", "hybrid")
MODE_LABELS = {"bm25": "BM25 alone", "dense": "dense alone (MiniLM)",
               "windows": "plain hybrid, 1000-char windows", "hybrid": "final pipeline"}


class EvalError(ValueError):
    """An evaluation input is malformed; the message names the file and line."""


# -- reading ---------------------------------------------------------------------------------


def _json_lines(path: Path) -> Iterable[tuple[int, dict[str, object]]]:
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror})") from exc
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(item, dict):
                raise EvalError(f"{path}:{number}: expected a JSON object")
            yield number, item


def read_queries(path: Path) -> dict[str, str]:
    """BEIR queries: one `{"_id", "text"}` object per line."""
    queries: dict[str, str] = {}
    for number, item in _json_lines(path):
        qid, text = item.get("_id"), item.get("text")
        if not isinstance(qid, str | int) or not isinstance(text, str):
            raise EvalError(f"{path}:{number}: needs string fields `_id` and `text`")
        queries[str(qid)] = text
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """BEIR qrels: a header line, then `query-id<TAB>corpus-id<TAB>score` lines."""
    qrels: dict[str, dict[str, int]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"{path}: cannot read ({exc.strerror})") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        if number == 1 and not parts[-1].lstrip("-").isdigit():
            continue  # header
        if len(parts) != 3:
            raise EvalError(f"{path}:{number}: expected query-id, corpus-id and score "
                            f"separated by tabs, got {line!r}")
        try:
            grade = int(parts[2])
        except ValueError as exc:
            raise EvalError(f"{path}:{number}: score {parts[2]!r} is not an integer") from exc
        qrels.setdefault(parts[0], {})[parts[1]] = grade
    return qrels


@dataclass(frozen=True)
class Evidence:
    """One answer point: its grade and the phrases (copied from the library) that show it."""

    grade: int
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class JudgedQuestion:
    id: str
    question: str
    kind: str
    evidence: tuple[Evidence, ...]

    @property
    def on_topic(self) -> bool:
        return bool(self.evidence)


def read_judged(path: Path) -> list[JudgedQuestion]:
    """The judged question set: `{"id", "question", "type", "evidence": [{"grade",
    "phrases"}]}` per line; an empty `evidence` marks an off-topic question."""
    questions: list[JudgedQuestion] = []
    seen: set[str] = set()
    for number, item in _json_lines(path):
        where = f"{path}:{number}"
        qid, text = item.get("id"), item.get("question")
        if not isinstance(qid, str) or not isinstance(text, str) or not text.strip():
            raise EvalError(f"{where}: needs string fields `id` and `question`")
        if qid in seen:
            raise EvalError(f"{where}: duplicate id {qid!r}")
        seen.add(qid)
        raw = item.get("evidence", [])
        if not isinstance(raw, list):
            raise EvalError(f"{where}: `evidence` must be a list")
        evidence: list[Evidence] = []
        for entry in raw:
            grade = entry.get("grade") if isinstance(entry, dict) else None
            phrases = entry.get("phrases") if isinstance(entry, dict) else None
            if grade not in (1, 2) or not isinstance(phrases, list) or not phrases or \
                    not all(isinstance(p, str) and p.strip() for p in phrases):
                raise EvalError(f"{where}: each evidence item needs `grade` 1 or 2 and a "
                                f"non-empty list of `phrases`")
            evidence.append(Evidence(int(grade), tuple(phrases)))
        questions.append(JudgedQuestion(qid, text, str(item.get("type", "")), tuple(evidence)))
    if not questions:
        raise EvalError(f"{path}: no questions")
    return questions


# -- metrics ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryScore:
    ndcg10: float
    mrr10: float
    recall10: float
    recall100: float
    success1: float


def dcg(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of the first k gains (linear gain, log2 discount)."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg(gains: Sequence[float], ideal: Sequence[float], k: int = 10) -> float:
    best = dcg(sorted(ideal, reverse=True), k)
    return dcg(gains, k) / best if best > 0 else 0.0


def reciprocal_rank(hits: Sequence[bool], k: int = 10) -> float:
    for i, hit in enumerate(hits[:k]):
        if hit:
            return 1.0 / (i + 1)
    return 0.0


def mean_scores(scores: Sequence[QueryScore]) -> dict[str, float]:
    if not scores:
        return dict.fromkeys(METRICS, 0.0)
    return {m: sum(getattr(s, m) for s in scores) / len(scores) for m in METRICS}


class QrelsJudge:
    """Scores a ranked list of document ids against BEIR qrels for one query."""

    def score(self, ranked: Sequence[str], relevant: dict[str, int]) -> QueryScore:
        gains = [float(max(0, relevant.get(doc, 0))) for doc in ranked]
        positives = [g for g in relevant.values() if g > 0]
        hits = [g > 0 for g in gains]
        total = len(positives)
        return QueryScore(
            ndcg10=ndcg(gains, [float(g) for g in positives], 10),
            mrr10=reciprocal_rank(hits, 10),
            recall10=sum(hits[:10]) / total if total else 0.0,
            recall100=sum(hits[:100]) / total if total else 0.0,
            success1=1.0 if hits[:1] == [True] else 0.0,
        )


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "‑": "-"})


def normalize_text(text: str) -> str:
    """Case, quotes and spacing folded, so a phrase copied from a source matches its passage."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


class EvidenceJudge:
    """Nugget-style scoring of ranked passage texts against a judged question.

    The gain at a rank is the highest grade among the evidence items that the passage shows
    and no earlier passage showed; success@1 and MRR count a passage that shows a grade-2
    item; recall is the share of the question's items shown. The ideal ranking shows every
    item once, best first.
    """

    def __init__(self) -> None:
        self._phrases: dict[str, list[list[str]]] = {}

    def items_in(self, question: JudgedQuestion, text: str) -> set[int]:
        """Indices of the evidence items whose phrases occur in `text`."""
        phrases = self._phrases.get(question.id)
        if phrases is None:
            phrases = [[normalize_text(p) for p in item.phrases] for item in question.evidence]
            self._phrases[question.id] = phrases
        folded = normalize_text(text)
        return {i for i, item in enumerate(phrases) if any(p in folded for p in item)}

    def score(self, question: JudgedQuestion, texts: Sequence[str]) -> QueryScore:
        credited: set[int] = set()
        gains: list[float] = []
        answers: list[bool] = []
        found_at: list[int] = []  # items newly credited at each rank
        for text in texts:
            items = self.items_in(question, text)
            new = items - credited
            gains.append(float(max((question.evidence[i].grade for i in new), default=0)))
            answers.append(any(question.evidence[i].grade == 2 for i in items))
            found_at.append(len(new))
            credited |= items
        total = len(question.evidence)
        ideal = [float(item.grade) for item in question.evidence]
        return QueryScore(
            ndcg10=ndcg(gains, ideal, 10),
            mrr10=reciprocal_rank(answers, 10),
            recall10=sum(found_at[:10]) / total if total else 0.0,
            recall100=sum(found_at[:100]) / total if total else 0.0,
            success1=1.0 if answers[:1] == [True] else 0.0,
        )


# -- runs --------------------------------------------------------------------------------------


@dataclass
class Ranking:
    """One mode's answer to one query: ranked keys (document or passage ids) and texts."""

    keys: list[str]
    scores: list[float]
    texts: list[str] = field(default_factory=list)
    vectors: np.ndarray | None = None
    no_match: bool = False
    rank_ms: float = 0.0


def write_trec_run(path: Path, runs: dict[str, Ranking], tag: str) -> None:
    """A run in TREC format: `query-id Q0 doc-id rank score tag`, one line per document."""
    with open(path, "w", encoding="utf-8") as out:
        for qid, ranking in runs.items():
            for rank, (key, score) in enumerate(zip(ranking.keys, ranking.scores,
                                                    strict=True), 1):
                out.write(f"{qid} Q0 {key} {rank} {score:.6f} {tag}\n")


def run_path(path: Path, mode: str, several: bool) -> Path:
    """Where one mode's run goes: `path` itself, or `<stem>.<mode><suffix>` for several."""
    return path.with_name(f"{path.stem}.{mode}{path.suffix}") if several else path


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class ModeReport:
    mode: str
    queries: int
    means: dict[str, float]
    rank_ms: list[float]
    embed_ms: list[float]
    no_match_on_topic: int = 0
    no_match_off_topic: int = 0
    off_topic: int = 0
    duplicate_pairs: int = 0
    per_query: dict[str, QueryScore] = field(default_factory=dict)

    def latency(self) -> dict[str, float]:
        total = [a + b for a, b in zip(self.embed_ms, self.rank_ms, strict=True)]
        return {"median_ms": statistics.median(total) if total else 0.0,
                "p99_ms": percentile(total, 99),
                "embed_median_ms": statistics.median(self.embed_ms) if self.embed_ms else 0.0,
                "rank_median_ms": statistics.median(self.rank_ms) if self.rank_ms else 0.0}

    def to_dict(self) -> dict[str, object]:
        return {"mode": self.mode, "queries": self.queries,
                "metrics": {k: round(v, 4) for k, v in self.means.items()},
                "latency": {k: round(v, 3) for k, v in self.latency().items()},
                "no_match_on_topic": self.no_match_on_topic,
                "no_match_off_topic": self.no_match_off_topic, "off_topic": self.off_topic,
                "duplicate_pairs_top5": self.duplicate_pairs}


def format_table(reports: Sequence[ModeReport], judged: bool) -> str:
    """The reports side by side, one row per mode."""
    head = f"{'mode':34s}" + "".join(f"{METRIC_LABELS[m]:>9s}" for m in METRICS)
    if judged:
        head += f"{'dup@5':>7s}{'off->nm':>9s}{'on->nm':>8s}"
    head += f"{'ms p50':>8s}{'ms p99':>8s}"
    lines = [head, "-" * len(head)]
    for r in reports:
        row = f"{MODE_LABELS.get(r.mode, r.mode):34s}" + "".join(
            f"{r.means[m]:9.4f}" for m in METRICS)
        if judged:
            nm_off = f"{r.no_match_off_topic}/{r.off_topic}" if r.mode == "hybrid" else "n/a"
            nm_on = str(r.no_match_on_topic) if r.mode == "hybrid" else "n/a"
            row += f"{r.duplicate_pairs:7d}{nm_off:>9s}{nm_on:>8s}"
        lat = r.latency()
        row += f"{lat['median_ms']:8.2f}{lat['p99_ms']:8.2f}"
        lines.append(row)
    lines.append("latency: in-process per query = question embedding + ranking; median "
                 + ", ".join(f"{r.mode} {r.latency()['embed_median_ms']:.2f}+"
                             f"{r.latency()['rank_median_ms']:.2f} ms" for r in reports))
    return "\n".join(lines)



# -- the baseline: plain hybrid over fixed windows ---------------------------------------------


def fixed_windows(text: str, size: int = 1000, overlap: int = 200) -> list[str]:
    """`text` cut into windows of about `size` characters overlapping by `overlap`, each cut
    moved back to a space so no word is split (the usual starting recipe)."""
    text = " ".join(text.split())
    windows: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + size // 2, end)
            end = space if space > start else end
        windows.append(text[start:end].strip())
        if end >= len(text):
            break
        nxt = max(start + 1, end - overlap)
        space = text.find(" ", nxt)
        start = space + 1 if 0 <= space < end else nxt
    return [w for w in windows if w]


class WindowBaseline:
    """BM25 and dense over bare fixed windows of each source (no titles, headings, grouping
    or diversity), fused by reciprocal rank: what an afternoon's hybrid search looks like."""

    def __init__(self, size: int = 1000, overlap: int = 200, rrf_k: int = 60) -> None:
        self.size, self.overlap, self.rrf_k = size, overlap, rrf_k
        self.texts: list[str] = []
        self.keys: list[str] = []
        self.vectors = np.zeros((0, 0), dtype=np.float32)
        self.lexical: LexicalIndex | None = None

    def build(self, sources: Sequence[tuple[str, str]], encoder: Encoder) -> WindowBaseline:
        """Index `(source id, text)` pairs."""
        for source_id, text in sources:
            for i, window in enumerate(fixed_windows(text, self.size, self.overlap)):
                self.texts.append(window)
                self.keys.append(f"{source_id}#w{i}")
        self.vectors = encoder.encode(self.texts, batch_size=16)
        self.lexical = LexicalIndex.build(self.texts)
        return self

    def rank(self, text: str, vector: np.ndarray, depth: int) -> Ranking:
        assert self.lexical is not None, "build() first"
        started = time.perf_counter()
        dense = self.vectors @ vector.astype(np.float32)
        lexical = self.lexical.scores(text)
        fused: dict[int, float] = {}
        for ranking in (np.argsort(-dense, kind="stable")[:depth],
                        [r for r in np.argsort(-lexical, kind="stable")[:depth]
                         if lexical[r] > 0]):
            for position, row in enumerate(ranking):
                fused[int(row)] = fused.get(int(row), 0.0) + 1.0 / (self.rrf_k + position + 1)
        rows = sorted(fused, key=lambda r: (-fused[r], r))[:depth]
        return Ranking([self.keys[r] for r in rows], [fused[r] for r in rows],
                       [self.texts[r] for r in rows], self.vectors[rows],
                       rank_ms=(time.perf_counter() - started) * 1000)


# -- running the modes --------------------------------------------------------------------------


class Evaluator:
    """Runs the ranking modes of one index over a question set and scores them."""

    def __init__(self, searcher: Searcher, encoder: Encoder | None = None,
                 grouper: NearDuplicateGrouper | None = None) -> None:
        self.searcher = searcher
        self.encoder = encoder or searcher.encoder
        self.grouper = grouper or NearDuplicateGrouper()
        self._row_sources: np.ndarray | None = None

    # embeddings are timed one question at a time, as a user's search would make them
    def embed(self, texts: Sequence[str]) -> tuple[np.ndarray, list[float]]:
        vectors, times = [], []
        for text in texts:
            started = time.perf_counter()
            vectors.append(self.searcher.embed(text))
            times.append((time.perf_counter() - started) * 1000)
        return np.vstack(vectors) if vectors else np.zeros((0, 0)), times

    def row_sources(self) -> np.ndarray:
        """The source id of every passage row (read once)."""
        if self._row_sources is None:
            path = VersionFiles(self.searcher.index.path).store
            conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
            try:
                ids = [r[0] for r in conn.execute("SELECT source_id FROM passages ORDER BY row")]
            finally:
                conn.close()
            self._row_sources = np.array(ids, dtype=object)
        return self._row_sources

    def passage_ranking(self, mode: str, text: str, vector: np.ndarray, depth: int) -> Ranking:
        """Passages ranked by one mode; `hybrid` is the product's own search response."""
        s = self.searcher
        started = time.perf_counter()
        if mode == "hybrid":
            response = s.search_with_vector(text, vector, k=10)  # timed as a page would ask
            ms = (time.perf_counter() - started) * 1000
            if depth > 10 and not response.no_match:
                response = s.search_with_vector(text, vector, k=depth)
            ids = [r.passage_id for r in response.results]
            found = [s.index.store.passage(pid) for pid in ids[:10]]
            vectors = s.vectors([p.row for p in found if p is not None])
            return Ranking(ids, [r.score for r in response.results],
                           [r.text for r in response.results], vectors, response.no_match, ms)
        if mode == "bm25":
            rows, scores = s.ranker.lexical_ranking(text, depth)
        elif mode == "dense":
            rows, scores = s.ranker.dense_ranking(vector, depth)
        else:
            raise ValueError(f"unknown mode {mode!r}")
        ms = (time.perf_counter() - started) * 1000
        passages = s.index.store.passages_by_rows([int(r) for r in rows])
        return Ranking([passages[int(r)].id for r in rows], [float(x) for x in scores],
                       [passages[int(r)].text for r in rows], s.vectors([int(r) for r in rows]),
                       rank_ms=ms)

    def document_ranking(self, mode: str, text: str, vector: np.ndarray,
                         depth: int) -> Ranking:
        """Documents (`source.id`) ranked by their best passage under one mode."""
        s = self.searcher
        passage_depth = 3 * depth
        started = time.perf_counter()
        if mode == "hybrid":
            candidates = s.rank(text, vector, passage_depth)
            rows = [c.row for c in candidates]
            scores = [c.score for c in candidates]
        elif mode == "bm25":
            r, sc = s.ranker.lexical_ranking(text, passage_depth)
            rows, scores = r.tolist(), sc.tolist()
        elif mode == "dense":
            r, sc = s.ranker.dense_ranking(vector, passage_depth)
            rows, scores = r.tolist(), sc.tolist()
        else:
            raise ValueError(f"unknown mode {mode!r}")
        sources = self.row_sources()
        keys: list[str] = []
        kept: list[float] = []
        seen: set[str] = set()
        for row, score in zip(rows, scores, strict=True):
            doc = str(sources[row])
            if doc not in seen:
                seen.add(doc)
                keys.append(doc)
                kept.append(float(score))
                if len(keys) >= depth:
                    break
        return Ranking(keys, kept, rank_ms=(time.perf_counter() - started) * 1000)

    def beir(self, queries: dict[str, str], qrels: dict[str, dict[str, int]],
             modes: Sequence[str], depth: int = 100,
             progress: Callable[[str, int, int], None] | None = None,
             ) -> tuple[list[ModeReport], dict[str, dict[str, Ranking]]]:
        """Every judged query through every mode, ranked by document."""
        qids = [q for q in qrels if q in queries]
        if not qids:
            raise EvalError("no query in the qrels has a text in the queries file")
        # the baselines see the question as typed; the final pipeline fixes misspellings
        plain = [normalize_query(queries[q]) for q in qids]
        prepared = [self.searcher.prepare(queries[q]) for q in qids]
        unique = list(dict.fromkeys(plain + prepared))
        vectors_u, ms_u = self.embed(unique)
        where = {t: i for i, t in enumerate(unique)}
        judge = QrelsJudge()
        reports, runs = [], {}
        for mode in modes:
            texts = prepared if mode == "hybrid" else plain
            vectors = vectors_u[[where[t] for t in texts]]
            embed_ms = [ms_u[where[t]] for t in texts]
            run: dict[str, Ranking] = {}
            scores: dict[str, QueryScore] = {}
            for i, (qid, text) in enumerate(zip(qids, texts, strict=True)):
                run[qid] = self.document_ranking(mode, text, vectors[i], depth)
                scores[qid] = judge.score(run[qid].keys, qrels[qid])
                if progress:
                    progress(mode, i + 1, len(qids))
            runs[mode] = run
            reports.append(ModeReport(mode, len(qids), mean_scores(list(scores.values())),
                                      [r.rank_ms for r in run.values()], embed_ms,
                                      per_query=scores))
        return reports, runs

    def judged(self, questions: Sequence[JudgedQuestion], modes: Sequence[str],
               baseline: WindowBaseline | None = None, depth: int = 100,
               embedded: dict[str, tuple[np.ndarray, float]] | None = None,
               ) -> list[ModeReport]:
        """The judged set through every mode, scored by evidence phrases (`embedded`: text ->
        (vector, embedding ms) of questions already embedded)."""
        # the baselines see the question as typed; the final pipeline fixes misspellings
        plain = [normalize_query(q.question) for q in questions]
        prepared = [self.searcher.prepare(q.question) for q in questions]
        by_text = dict(embedded or {})
        unique = [t for t in dict.fromkeys(plain + prepared) if t not in by_text]
        if unique:
            vectors_u, ms_u = self.embed(unique)
            by_text.update({t: (vectors_u[i], ms_u[i]) for i, t in enumerate(unique)})
        judge = EvidenceJudge()
        on_topic = [q for q in questions if q.on_topic]
        reports = []
        for mode in modes:
            if mode == "windows" and baseline is None:
                baseline = self.window_baseline()
            scores: dict[str, QueryScore] = {}
            rank_ms: list[float] = []
            texts = prepared if mode == "hybrid" else plain
            report = ModeReport(mode, len(on_topic), {}, rank_ms,
                                [by_text[t][1] for t in texts],
                                off_topic=len(questions) - len(on_topic))
            for question, text in zip(questions, texts, strict=True):
                vector = by_text[text][0]
                if mode == "windows":
                    assert baseline is not None
                    ranking = baseline.rank(text, vector, depth)
                else:
                    ranking = self.passage_ranking(mode, text, vector, depth)
                rank_ms.append(ranking.rank_ms)
                if not question.on_topic:
                    report.no_match_off_topic += int(ranking.no_match)
                    continue
                report.no_match_on_topic += int(ranking.no_match)
                scores[question.id] = judge.score(question, ranking.texts)
                report.duplicate_pairs += self.duplicate_pairs(ranking, 5)
            report.means = mean_scores(list(scores.values()))
            report.per_query = scores
            reports.append(report)
        return reports

    def window_baseline(self) -> WindowBaseline:
        """The fixed-window baseline over this index's own (cleaned) source texts."""
        store = self.searcher.index.store
        sources = [(s.id, store.source_text(s.id) or "") for s in store.sources()]
        return WindowBaseline().build(sources, self.encoder)

    def duplicate_pairs(self, ranking: Ranking, k: int) -> int:
        """Pairs among the top k that the library's near-duplicate test would group."""
        texts = ranking.texts[:k]
        vectors = ranking.vectors[:k] if ranking.vectors is not None else \
            self.encoder.encode(texts) if texts else None
        if vectors is None or len(texts) < 2:
            return 0
        return self.grouper.count_pairs(texts, vectors)

    def evidence(self, questions: Sequence[JudgedQuestion],
                 vectors: np.ndarray | None = None) -> list[tuple[str, float, float]]:
        """(id, best cosine, best term coverage) of each question under the final ranking."""
        s = self.searcher
        texts = [s.prepare(q.question) for q in questions]
        if vectors is None:
            vectors, _ = self.embed(texts)
        out = []
        for question, text, vector in zip(questions, texts, vectors, strict=True):
            found = s.evidence(text, s.rank(text, vector, s.depth))
            out.append((question.id, found.dense, found.lexical))
        return out

    def calibrate(self, questions: Sequence[JudgedQuestion],
                  judged_set: str) -> NoMatchCalibration:
        """The no-match thresholds of this index's library, from the judged set."""
        found = dict(((q, (d, lx)) for q, d, lx in self.evidence(questions)))
        on = [(q.id, *found[q.id]) for q in questions if q.on_topic]
        off = [(q.id, *found[q.id]) for q in questions if not q.on_topic]
        return calibrate(on, off, model_key=self.searcher.index.model_key,
                         judged_set=judged_set)
