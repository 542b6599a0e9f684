"""Search: a free-text question to the best few passages, attributed to their sources.

The pipeline, one step per component:
1. `query.normalize_query` and `spelling`: unicode (NFKC), spacing, long questions cut to their
   asking sentences, misspelt words fixed towards the library's words.
2. `ranking.HybridRanker`: dense and lexical candidates, both rankers scoring the union, fused.
3. `no_match.NoMatchRule`: when the library's evidence thresholds or its calibrated scope gate
   say the question is off topic, the answer is `no_match` with no results.
4. `diversify.Diversifier`: one passage per near-duplicate group (the rest are counted in
   `similar_count`), then maximal marginal relevance.
5. `highlight.Highlighter`: each result's best sentence, with offsets into its text.
Beside the ranking: the see-a-doctor `notice`, topic facets and agreement across sources.
"""

from __future__ import annotations

import time

import numpy as np

from backqa.documents import DOCTOR_TOPIC, TOPICS
from backqa.encoders.identity import Encoder
from backqa.index.claims import load_claims
from backqa.index.errors import IndexLoadError
from backqa.index.loaded import LoadedIndex
from backqa.index.scope_vectors import load_scope_vectors
from backqa.index.sentences import SentenceVectors, load_sentence_vectors
from backqa.index.store import StoredPassage, StoredSource
from backqa.search.agreement import AgreementFinder
from backqa.search.diversify import Diversifier, fold_groups
from backqa.search.fusion import Candidate, RankingConfig
from backqa.search.highlight import Highlight, Highlighter
from backqa.search.no_match import Evidence, NoMatchRule
from backqa.search.notice import WarningSignDetector
from backqa.search.query import normalize_query
from backqa.search.ranking import HybridRanker
from backqa.search.response import Notice, NoticePassage, SearchResponse, SearchResult, SourceRef
from backqa.search.spelling import SpellingCorrector
from backqa.search.threads import limit_blas_threads

FACET_DEPTH = 30  # topic_counts: over this many best distinct candidates
NOTICE_PASSAGES = 3  # "when to see a doctor" passages attached to a notice
IN_MEMORY_BYTES = 64 << 20  # claim and sentence vectors up to this size are read into memory


class Searcher:
    """Answers questions from one loaded index version."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, depth: int = 100,
                 config: RankingConfig | None = None) -> None:
        limit_blas_threads()  # one thread per request's products (search/threads.py)
        self.index = index
        self.encoder = encoder
        self.config = config or RankingConfig(depth=depth)
        self.depth = self.config.depth
        self.ranker = HybridRanker(index, self.config, _load_sentences(index))
        self.diversifier = Diversifier(self.config.mmr_lambda, self.vectors)
        self.highlighter = Highlighter(index.lexical.idf)
        self.no_match_rule = NoMatchRule.calibrated(index.manifest.no_match, index.model_key,
                                                    _load_scope_vectors(index))
        self.speller = SpellingCorrector(index.lexical)
        self.detector = WarningSignDetector.for_encoder(encoder.identity.key)
        self.agreement = AgreementFinder()
        self.claims = _load_claims(index)
        self._doctor_rows = index.store.rows_with_topic(DOCTOR_TOPIC)
        self._source_count = index.source_count or None

    def embed(self, query: str) -> np.ndarray:
        return np.asarray(self.encoder.encode([query])[0], dtype=np.float32)

    def prepare(self, query: str) -> str:
        """The text to embed and search for a raw question: normalised, misspellings fixed
        (callers that batch embeddings embed this)."""
        return self.speller.correct_text(normalize_query(query))[0]

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
        candidates = self.rank(text, vector, depth=max(self.depth, 10 * k))
        evidence = self.evidence(text, candidates)
        notice = self.notice(text, vector, evidence)
        if not candidates or self.no_match_rule.refuses(evidence, vector):
            return SearchResponse(query=text, no_match=True, notice=notice,
                                  index_version=self.index.version,
                                  source_count=self._source_count)
        pool = candidates  # agreement looks at every candidate, whatever the filters
        passages = self.index.store.passages_by_rows([c.row for c in candidates])
        if kind:
            candidates = [c for c in candidates if _kind_matches(passages[c.row].kind, kind)]
        folded = fold_groups(candidates, passages)
        topic_counts = count_topics(folded, passages)
        if topic:  # filtered before folding: a group's best passage may lack the topic
            candidates = [c for c in candidates if topic in passages[c.row].topics]
            chosen = self.diversifier.diversify(candidates, passages, k)
        else:
            chosen = self.diversifier.pick(folded, k)
        agreeing = self.agreeing_sources(chosen, pool, passages)
        named = {s for ids in agreeing for s in ids or ()}
        sources = self.index.store.sources_by_ids(
            list({passages[c.row].source_id for c in chosen} | named))
        lights = self.highlights(text, vector, chosen, passages)
        results = [self.result(rank, c, passages[c.row], sources[passages[c.row].source_id],
                               light, ids)
                   for rank, (c, light, ids) in enumerate(zip(chosen, lights, agreeing,
                                                              strict=True), 1)]
        return SearchResponse(query=text, no_match=not results, results=results,
                              index_version=self.index.version, notice=notice,
                              topic_counts=topic_counts, source_count=self._source_count,
                              source_titles={i: sources[i].title for i in named if i in sources})

    # -- ranking, evidence and vectors -------------------------------------------------------

    def rank(self, text: str, vector: np.ndarray, depth: int) -> list[Candidate]:
        """The fused candidates, best first (see `ranking.HybridRanker`)."""
        return self.ranker.rank(text, vector, depth)

    def highlights(self, text: str, vector: np.ndarray, chosen: list[Candidate],
                   passages: dict[int, StoredPassage]) -> list[Highlight | None]:
        """Each chosen passage's best sentence, read by meaning when the index has sentence
        vectors (`highlight.Highlighter`)."""
        sentences = self.ranker.sentences
        cosines = None if sentences is None else [sentences.cosines(c.row, vector)
                                                  for c in chosen]
        return self.highlighter.highlight_all(text, [passages[c.row].text for c in chosen],
                                              cosines)

    def evidence(self, text: str, candidates: list[Candidate]) -> Evidence:
        """What the library has on the question: its best cosine and its best term coverage."""
        dense = max((c.dense or 0.0 for c in candidates), default=0.0)
        return Evidence(dense=dense, lexical=self.index.lexical.best_coverage(text))

    def vectors(self, rows: list[int]) -> np.ndarray | None:
        """The stored vectors of some passage rows, or None if the index cannot return them."""
        return self.ranker.stored.get(rows)

    # -- beyond search: notice, topic facets, agreement --------------------------------------

    def notice(self, text: str, vector: np.ndarray,
               evidence: Evidence | None = None) -> Notice | None:
        """The see-a-doctor notice for a question, with the library's own passages on when to
        see one (those closest to the question first); `evidence` (what the library has on the
        question) lets the detector tell an off-topic question from an on-topic one."""
        found = self.detector.detect(text, vector, evidence)
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
        shown = [NoticePassage.of(passages[row], sources[passages[row].source_id])
                 for row in rows]
        return Notice(message=found.message, triggers=found.triggers, signs=found.signs,
                      passages=shown)

    @staticmethod
    def topic_counts(candidates: list[Candidate],
                     passages: dict[int, StoredPassage]) -> dict[str, int]:
        """Per topic, how many of the best `FACET_DEPTH` distinct candidates carry it."""
        return count_topics(fold_groups(candidates, passages), passages)

    def agreeing_sources(self, chosen: list[Candidate], pool: list[Candidate],
                         passages: dict[int, StoredPassage]) -> list[list[str] | None]:
        """Per chosen result, the distinct sources among the candidates that say the same
        thing (one matrix product over stored claim vectors; no embedding)."""
        if self.claims is None or not chosen:
            return [None] * len(chosen)
        rows = [c.row for c in pool]
        position = {row: i for i, row in enumerate(rows)}
        found = self.agreement.find(
            [position[c.row] for c in chosen],
            np.asarray(self.claims[np.asarray(rows)], dtype=np.float32),
            [passages[r].source_id for r in rows], [passages[r].group_id for r in rows])
        return list(found)

    @staticmethod
    def result(rank: int, candidate: Candidate, passage: StoredPassage, source: StoredSource,
               highlight: Highlight | None, agreeing: list[str] | None) -> SearchResult:
        """One result as shown: the passage, its source, scores, highlight and agreement."""
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
            kind=passage.kind,
            answer_number=passage.answer_number,
            part_title=passage.part_title,
            similar_count=max(0, passage.group_size - 1),
            dense_score=None if candidate.dense is None else round(candidate.dense, 6),
            lexical_score=None if candidate.lexical is None else round(candidate.lexical, 6),
            source=SourceRef.of(source),
            topics=list(passage.topics),
            agreeing_sources=agreeing,
        )


def count_topics(folded: list[Candidate], passages: dict[int, StoredPassage]) -> dict[str, int]:
    """`Searcher.topic_counts` of candidates already folded."""
    counts: dict[str, int] = {}
    for candidate in folded[:FACET_DEPTH]:
        for name in passages[candidate.row].topics:
            counts[name] = counts.get(name, 0) + 1
    return counts


def _load_claims(index: LoadedIndex) -> np.ndarray | None:
    """The version's claim vectors, None if it was built without them."""
    try:
        claims = load_claims(index.path)
    except ValueError as exc:
        raise IndexLoadError(str(exc)) from exc
    if claims is not None and claims.shape[0] != index.passage_count:
        raise IndexLoadError(f"{index.path}: {claims.shape[0]} claim vectors for "
                             f"{index.passage_count} passages")
    return None if claims is None else _in_memory(claims)


def _load_sentences(index: LoadedIndex) -> SentenceVectors | None:
    """The version's sentence vectors, None if it was built without them."""
    try:
        found = load_sentence_vectors(index.path, index.passage_count)
    except ValueError as exc:
        raise IndexLoadError(str(exc)) from exc
    if found is None:
        return None
    return SentenceVectors(_in_memory(found.vectors), found.offsets)


def _in_memory(vectors: np.ndarray) -> np.ndarray:
    """A small memory-mapped matrix read into memory: picking rows from a memory map costs
    tens of microseconds a question in numpy's memmap bookkeeping alone. Large ones stay
    mapped (the same values either way)."""
    if isinstance(vectors, np.memmap) and vectors.nbytes <= IN_MEMORY_BYTES:
        return np.array(vectors)
    return vectors


def _kind_matches(passage_kind: str, wanted: str) -> bool:
    if wanted == "forum":
        return passage_kind.startswith("forum")
    return passage_kind == wanted


def _load_scope_vectors(index: LoadedIndex) -> np.ndarray | None:
    """The scope gate's question vectors, None without a calibrated gate or the file."""
    calibration = index.manifest.no_match
    if calibration is None or calibration.scope is None:
        return None
    try:
        return load_scope_vectors(index.path, len(calibration.scope.questions))
    except ValueError as exc:
        raise IndexLoadError(str(exc)) from exc
