"""Search: a free-text question to the best few passages, attributed to their sources.

The pipeline, one step per method of `Searcher`:
1. `normalize_query`: unicode (NFKC), spacing, long questions cut to their question sentences.
2. `rank`: dense (FAISS) and lexical (BM25) candidates, both rankers scoring the union, fused
   by a convex combination of normalised scores (see `RankingConfig`).
3. `evidence` + `NoMatchRule`: when both the best semantic and the best lexical evidence are
   below the index's calibrated thresholds, the answer is `no_match` with no results.
4. `diversify`: one passage per near-duplicate group (the rest are counted in
   `similar_count`), then maximal marginal relevance so the top k are not one point restated.
5. each result carries its best sentence (`highlight`) with offsets into its text.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass

import faiss
import numpy as np

from backqa.agreement import AgreementFinder, load_claims
from backqa.encoder import Encoder
from backqa.highlight import Highlighter
from backqa.index import IndexLoadError, LoadedIndex
from backqa.lexical import SpellingCorrector, top_rows
from backqa.notice import WarningSignDetector
from backqa.schemas import Notice, NoticePassage, SearchResponse, SearchResult, SourceRef
from backqa.store import StoredPassage, StoredSource
from backqa.topics import TOPICS

MAX_QUERY_CHARS = 1000
FACET_DEPTH = 30  # topic_counts: over this many best distinct candidates
NOTICE_PASSAGES = 3  # "when to see a doctor" passages attached to a notice
DOCTOR_TOPIC = "when-to-see-a-doctor"
RRF_K = 60
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def normalize_query(query: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """NFKC, single spaces, and at most `max_chars` characters.

    A longer question is usually a story ending in the question itself, so the cut keeps the
    sentences that ask (ending in "?") and fills the rest with the opening sentences, in their
    original order; a text without sentences is cut at a word boundary."""
    text = " ".join(unicodedata.normalize("NFKC", query).split())
    if len(text) <= max_chars:
        return text
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    keep: set[int] = set()
    budget = max_chars
    asking = [i for i, s in enumerate(sentences) if s.endswith("?")]
    for i in [*reversed(asking), *range(len(sentences))]:
        if i not in keep and len(sentences[i]) + 1 <= budget:
            keep.add(i)
            budget -= len(sentences[i]) + 1
    if keep:
        return " ".join(sentences[i] for i in sorted(keep))
    return text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]


@dataclass(frozen=True)
class RankingConfig:
    """How the two rankers are fused and the results diversified.

    `fusion="convex"`: each ranker's scores over the candidate set are min-max normalised and
    mixed as `dense_weight * dense + (1 - dense_weight) * lexical`; `"rrf"`: reciprocal rank
    fusion with `rrf_k`. `mmr_lambda` trades relevance (1.0) against novelty among the top k.
    """

    depth: int = 100
    fusion: str = "convex"
    dense_weight: float = 0.6
    rrf_k: int = RRF_K
    mmr_lambda: float = 0.75


@dataclass(frozen=True)
class Candidate:
    row: int
    score: float
    dense: float | None
    lexical: float | None


@dataclass(frozen=True)
class Evidence:
    """How much the library has on a question: the best cosine of any passage, and the largest
    idf-weighted share of the question's terms that any one passage contains."""

    dense: float
    lexical: float


@dataclass(frozen=True)
class NoMatchRule:
    """`no_match` when both kinds of evidence are below their thresholds.

    The thresholds are calibrated per library (stored in the index manifest under `no_match`),
    so one library's calibration never silences another; an index without one only refuses
    questions that share nothing with it at all (see `default`)."""

    dense: float
    lexical: float
    source: str = "default"

    def run(self, evidence: Evidence) -> bool:
        return evidence.dense < self.dense and evidence.lexical < self.lexical

    @classmethod
    def default(cls) -> NoMatchRule:
        # Uncalibrated: no word in common and a cosine that all-MiniLM-L6-v2 gives unrelated
        # texts; a real question on any library's subject clears it.
        return cls(dense=0.15, lexical=0.01, source="default")

    @classmethod
    def for_index(cls, index: LoadedIndex) -> NoMatchRule:
        calibration = index.manifest.get("no_match")
        if not isinstance(calibration, dict):
            return cls.default()
        try:
            if calibration.get("model_key") not in (None, index.model_key):
                return cls.default()
            return cls(float(calibration["dense"]), float(calibration["lexical"]),
                       source="calibrated")
        except (KeyError, TypeError, ValueError):
            return cls.default()


class Searcher:
    """Answers questions from one loaded index version."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, depth: int = 100,
                 config: RankingConfig | None = None) -> None:
        self.index = index
        self.encoder = encoder
        self.config = config or RankingConfig(depth=depth)
        self.depth = self.config.depth
        self.highlighter = Highlighter(index.lexical.idf)
        self.no_match_rule = NoMatchRule.for_index(index)
        self._can_reconstruct = _enable_reconstruct(index.vectors)
        self.speller = SpellingCorrector(index.lexical)
        # Words only: the embedding classifier in notice.py fired on 16 of the 60 questions
        # of the retrieval judged set (even "What is the capital of Australia?"), so it
        # stays out of search until it is trained on questions from outside back pain.
        self.detector = WarningSignDetector()
        self.agreement = AgreementFinder()
        self.claims = _load_claims(index)
        self._doctor_rows = index.store.rows_with_topic(DOCTOR_TOPIC)
        self._source_count = int(index.manifest.get("counts", {}).get("sources", 0)) or None

    def embed(self, query: str) -> np.ndarray:
        return self.encoder.encode([query])[0]

    def prepare(self, query: str) -> str:
        """The text to embed and search for a raw question: normalised, misspellings fixed
        (callers that batch embeddings embed this)."""
        return self.lexical_query(normalize_query(query))

    def lexical_query(self, text: str) -> str:
        """The question with misspelt words fixed towards the library's words."""
        return self.speller.run(text)[0]

    def search(self, query: str, k: int = 5, kind: str | None = None,
               topic: str | None = None) -> SearchResponse:
        """The top `k` passages for `query`; `kind` keeps only one passage kind, `topic` only
        passages labelled with that topic."""
        started = time.perf_counter()
        normalized = normalize_query(query)
        if not normalized:
            return SearchResponse(query=query, no_match=True, index_version=self.index.version)
        text = self.prepare(query)
        vector = self.embed(text)
        response = self.search_with_vector(text, vector, k=k, kind=kind, topic=topic)
        if response.notice is None and text != " ".join(query.split()):
            # A long question was cut to its asking sentences; a warning sign may be in the rest.
            response.notice = self.notice(" ".join(query.split()), vector)
        response.query = query
        response.corrected_query = text if text != normalized else None
        response.took_ms = round((time.perf_counter() - started) * 1000, 3)
        return response

    def search_with_vector(self, text: str, vector: np.ndarray, k: int = 5,
                           kind: str | None = None, topic: str | None = None) -> SearchResponse:
        """Rank with an already computed question embedding (lets callers batch them);
        `text` is the question as `prepare` returns it, and `vector` its embedding."""
        if topic is not None and topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}: use one of {', '.join(TOPICS)}")
        notice = self.notice(text, vector)
        candidates = self.rank(text, vector, depth=max(self.depth, 10 * k))
        if not candidates or self.no_match_rule.run(self.evidence(text, candidates)):
            return SearchResponse(query=text, no_match=True, notice=notice,
                                  index_version=self.index.version,
                                  source_count=self._source_count)
        pool = candidates  # agreement looks at every candidate, whatever the filters
        passages = self.index.store.passages_by_rows([c.row for c in candidates])
        if kind:
            candidates = [c for c in candidates if _kind_matches(passages[c.row].kind, kind)]
        topic_counts = self.topic_counts(candidates, passages)
        if topic:
            candidates = [c for c in candidates if topic in passages[c.row].topics]
        chosen = self.diversify(candidates, passages, k)
        agreeing = self.agreeing_sources(chosen, pool, passages)
        named = {s for ids in agreeing for s in ids or ()}
        sources = self.index.store.sources_by_ids(
            list({passages[c.row].source_id for c in chosen} | named))
        results = [self._result(rank, c, passages[c.row], sources[passages[c.row].source_id],
                                text) for rank, c in enumerate(chosen, 1)]
        for result, candidate, ids in zip(results, chosen, agreeing, strict=True):
            result.topics = list(passages[candidate.row].topics)  # type: ignore[arg-type]
            result.agreeing_sources = ids
        return SearchResponse(query=text, no_match=not results, results=results,
                              index_version=self.index.version, notice=notice,
                              topic_counts=topic_counts, source_count=self._source_count,
                              source_titles={i: sources[i].title for i in named if i in sources})

    # -- beyond search: notice, topic facets, agreement --------------------------------------

    def notice(self, text: str, vector: np.ndarray) -> Notice | None:
        """The see-a-doctor notice for a question, with the library's own passages on when to
        see one (those closest to the question first)."""
        found = self.detector.run(text, vector)
        if found is None:
            return None
        rows = list(self._doctor_rows)
        vectors = self.vectors(rows)
        if vectors is not None and rows:
            order = np.argsort(-(vectors @ vector.astype(np.float32)), kind="stable")
            rows = [rows[i] for i in order]
        rows = rows[:NOTICE_PASSAGES]
        passages = self.index.store.passages_by_rows(rows)
        sources = self.index.store.sources_by_ids(list({p.source_id for p in passages.values()}))
        shown = []
        for row in rows:
            p, src = passages[row], sources[passages[row].source_id]
            shown.append(NoticePassage(
                passage_id=p.id, text=p.text, section=p.section, heading_path=p.heading_path,
                kind=p.kind, answer_number=p.answer_number, part_title=p.part_title,  # type: ignore[arg-type]
                source=SourceRef(id=src.id, title=src.title, path=src.path, url=src.url,
                                 kind=src.kind)))  # type: ignore[arg-type]
        return Notice(message=found.message, triggers=found.triggers, signs=found.signs,
                      passages=shown)

    def topic_counts(self, candidates: list[Candidate],
                     passages: dict[int, StoredPassage]) -> dict[str, int]:
        """Per topic, how many of the best `FACET_DEPTH` distinct candidates carry it."""
        counts: dict[str, int] = {}
        seen_groups: set[int] = set()
        taken = 0
        for candidate in candidates:
            passage = passages[candidate.row]
            if passage.group_id is not None:
                if passage.group_id in seen_groups:
                    continue
                seen_groups.add(passage.group_id)
            for name in passage.topics:
                counts[name] = counts.get(name, 0) + 1
            taken += 1
            if taken >= FACET_DEPTH:
                break
        return counts

    def agreeing_sources(self, chosen: list[Candidate], pool: list[Candidate],
                         passages: dict[int, StoredPassage]) -> list[list[str] | None]:
        """Per chosen result, the distinct sources among the candidates that say the same
        thing (one matrix product over stored claim vectors; no embedding)."""
        if self.claims is None or not chosen:
            return [None] * len(chosen)
        rows = [c.row for c in pool]
        position = {row: i for i, row in enumerate(rows)}
        found = self.agreement.run(
            [position[c.row] for c in chosen], np.asarray(self.claims[np.asarray(rows)]),
            [passages[r].source_id for r in rows], [passages[r].group_id for r in rows])
        return list(found)

    # -- ranking ---------------------------------------------------------------------------

    def dense_ranking(self, vector: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosines) of the `depth` nearest passages, best first."""
        depth = min(depth, self.index.passage_count)
        if depth <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        sims, ids = self.index.vectors.search(
            np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), depth)
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), sims[0][keep]

    def lexical_ranking(self, text: str, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, BM25 scores) of the `depth` best lexical matches with a score above zero."""
        return self.index.lexical.top(text, depth)

    def rank(self, text: str, vector: np.ndarray, depth: int) -> list[Candidate]:
        """The union of both rankers' top `depth`, scored by both and fused, best first."""
        dense_rows, dense_scores = self.dense_ranking(vector, depth)
        lexical_all = self.index.lexical.scores(text)
        lex_rows = top_rows(lexical_all, depth)
        rows = np.unique(np.concatenate([dense_rows, lex_rows])).astype(np.int64)
        if rows.size == 0:
            return []
        vectors = self.vectors(rows.tolist())
        dense = self.cosines(vector, rows, dense_rows, dense_scores) if vectors is None \
            else vectors @ vector.astype(np.float32)
        lexical = lexical_all[rows].astype(np.float32)
        fused = self.fuse(dense, lexical)
        order = np.lexsort((rows, -fused))
        return [Candidate(int(rows[i]), float(fused[i]), float(dense[i]), float(lexical[i]))
                for i in order]

    def cosines(self, vector: np.ndarray, rows: np.ndarray, known_rows: np.ndarray,
                known_scores: np.ndarray) -> np.ndarray:
        """Cosine of the question with each row: from the dense search where it found the row,
        computed from the stored vector otherwise (or the worst found score if it cannot)."""
        known = dict(zip(known_rows.tolist(), known_scores.tolist(), strict=True))
        missing = [int(r) for r in rows if int(r) not in known]
        if missing:
            vectors = self.vectors(missing)
            floor = float(known_scores.min()) if known_scores.size else 0.0
            values = (vectors @ vector.astype(np.float32)).tolist() if vectors is not None \
                else [floor] * len(missing)
            known.update(zip(missing, values, strict=True))
        return np.array([known[int(r)] for r in rows], dtype=np.float32)

    def fuse(self, dense: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        cfg = self.config
        if cfg.fusion == "rrf":
            return (_rrf(dense, cfg.rrf_k) + _rrf(lexical, cfg.rrf_k, positive=True))
        return cfg.dense_weight * _minmax(dense) + (1 - cfg.dense_weight) * _minmax(lexical)

    def vectors(self, rows: list[int]) -> np.ndarray | None:
        """The stored vectors of some passage rows, or None if the index cannot return them."""
        if not self._can_reconstruct or not rows:
            return None
        try:
            return self.index.vectors.reconstruct_batch(np.asarray(rows, dtype=np.int64))
        except RuntimeError:
            return None

    # -- no match and diversity --------------------------------------------------------------

    def evidence(self, text: str, candidates: list[Candidate]) -> Evidence:
        best_dense = max((c.dense or 0.0 for c in candidates), default=0.0)
        return Evidence(dense=best_dense,
                        lexical=self.index.lexical.best_coverage(text))

    def diversify(self, candidates: list[Candidate], passages: dict[int, StoredPassage],
                  k: int) -> list[Candidate]:
        """The best passage of each near-duplicate group, then MMR over the best few."""
        folded: list[Candidate] = []
        seen_groups: set[int] = set()
        for candidate in candidates:
            group = passages[candidate.row].group_id
            if group is not None:
                if group in seen_groups:
                    continue
                seen_groups.add(group)
            folded.append(candidate)
        return self.mmr(folded[: max(3 * k, 20)], k)

    def mmr(self, pool: list[Candidate], k: int) -> list[Candidate]:
        """Maximal marginal relevance: each next pick maximises
        `lambda * relevance - (1 - lambda) * (max cosine to the passages already picked)`."""
        lam = self.config.mmr_lambda
        vectors = self.vectors([c.row for c in pool]) if lam < 1.0 else None
        if vectors is None or len(pool) <= 1:
            return pool[:k]
        relevance = _minmax(np.array([c.score for c in pool], dtype=np.float32))
        similarity = vectors @ vectors.T
        picked: list[int] = [0]
        novelty = similarity[0].copy()
        while len(picked) < min(k, len(pool)):
            gain = lam * relevance - (1 - lam) * novelty
            gain[picked] = -np.inf
            nxt = int(np.argmax(gain))
            picked.append(nxt)
            novelty = np.maximum(novelty, similarity[nxt])
        return [pool[i] for i in picked]

    def _result(self, rank: int, candidate: Candidate, passage: StoredPassage,
                source: StoredSource, query: str) -> SearchResult:
        highlight = self.highlighter.run(query, passage.text)
        return SearchResult(
            rank=rank,
            score=round(candidate.score, 6),
            passage_id=passage.id,
            text=passage.text,
            highlight=highlight.text if highlight else None,
            highlight_start=highlight.start if highlight else None,
            highlight_end=highlight.end if highlight else None,
            section=passage.section,
            heading_path=passage.heading_path,
            kind=passage.kind,  # type: ignore[arg-type]
            answer_number=passage.answer_number,
            part_title=passage.part_title,
            similar_count=max(0, passage.group_size - 1),
            dense_score=None if candidate.dense is None else round(candidate.dense, 6),
            lexical_score=None if candidate.lexical is None else round(candidate.lexical, 6),
            source=SourceRef(id=source.id, title=source.title, path=source.path, url=source.url,
                             kind=source.kind),  # type: ignore[arg-type]
        )


def _minmax(values: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return values
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values) if high > 0 else np.zeros_like(values)
    return (values - low) / (high - low)


def _rrf(scores: np.ndarray, k: int, positive: bool = False) -> np.ndarray:
    """Reciprocal-rank contribution of each score's rank (0 for non-positive when asked)."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty_like(order)
    ranks[order] = np.arange(1, len(order) + 1)
    out = 1.0 / (k + ranks)
    if positive:
        out = np.where(scores > 0, out, 0.0)
    return out.astype(np.float32)


def _enable_reconstruct(index: faiss.Index) -> bool:
    """Whether stored vectors can be read back (IVF indexes need their direct map)."""
    try:
        ivf = faiss.extract_index_ivf(index)
    except RuntimeError:
        ivf = None
    try:
        if ivf is not None:
            ivf.make_direct_map()
        if index.ntotal:
            index.reconstruct(0)
        return True
    except RuntimeError:
        return False


def _load_claims(index: LoadedIndex) -> np.ndarray | None:
    """The version's claim vectors, None if it was built without them."""
    try:
        claims = load_claims(index.path)
    except ValueError as exc:
        raise IndexLoadError(str(exc)) from exc
    if claims is not None and claims.shape[0] != index.passage_count:
        raise IndexLoadError(f"{index.path}: {claims.shape[0]} claim vectors for "
                             f"{index.passage_count} passages")
    return claims


def _kind_matches(passage_kind: str, wanted: str) -> bool:
    if wanted == "forum":
        return passage_kind.startswith("forum")
    return passage_kind == wanted
