"""Search: a free-text question to the best few passages, attributed to their sources.

Dense (FAISS) and lexical (BM25) candidates are fused by reciprocal rank; near-duplicate
passages are folded into the best of their group; each result carries its best sentence.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

import numpy as np

from backqa.encoder import Encoder
from backqa.highlight import Highlighter
from backqa.index import LoadedIndex
from backqa.schemas import SearchResponse, SearchResult, SourceRef
from backqa.store import StoredPassage

MAX_QUERY_CHARS = 1000
RRF_K = 60


def normalize_query(query: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """NFKC, single spaces, and at most `max_chars` characters (cut at a word boundary)."""
    text = " ".join(unicodedata.normalize("NFKC", query).split())
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
    return text


@dataclass(frozen=True)
class Candidate:
    row: int
    score: float
    dense: float | None
    lexical: float | None


class Searcher:
    """Answers questions from one loaded index version."""

    def __init__(self, index: LoadedIndex, encoder: Encoder, depth: int = 100) -> None:
        self.index = index
        self.encoder = encoder
        self.depth = depth
        self.highlighter = Highlighter(index.lexical.idf)

    def embed(self, query: str) -> np.ndarray:
        return self.encoder.encode([query])[0]

    def search(self, query: str, k: int = 5, kind: str | None = None) -> SearchResponse:
        """The top `k` passages for `query`; `kind` keeps only one passage kind."""
        started = time.perf_counter()
        text = normalize_query(query)
        if not text:
            return SearchResponse(query=query, no_match=True, index_version=self.index.version)
        vector = self.embed(text)
        response = self.search_with_vector(text, vector, k=k, kind=kind)
        response.query = query
        response.took_ms = round((time.perf_counter() - started) * 1000, 3)
        return response

    def search_with_vector(self, text: str, vector: np.ndarray, k: int = 5,
                           kind: str | None = None) -> SearchResponse:
        """Rank with an already computed question embedding (lets callers batch them)."""
        candidates = self.rank(text, vector, depth=max(self.depth, 10 * k))
        rows = [c.row for c in candidates]
        passages = self.index.store.passages_by_rows(rows)
        results: list[SearchResult] = []
        seen_groups: set[int] = set()
        sources = self.index.store.sources_by_ids(list({p.source_id for p in passages.values()}))
        for candidate in candidates:
            passage = passages[candidate.row]
            if kind and not _kind_matches(passage.kind, kind):
                continue
            if passage.group_id is not None:
                if passage.group_id in seen_groups:
                    continue
                seen_groups.add(passage.group_id)
            results.append(self._result(len(results) + 1, candidate, passage,
                                        sources[passage.source_id], text))
            if len(results) >= k:
                break
        return SearchResponse(query=text, no_match=not results, results=results,
                              index_version=self.index.version)

    def rank(self, text: str, vector: np.ndarray, depth: int) -> list[Candidate]:
        """All candidates from both rankers, best first, fused by reciprocal rank."""
        n = self.index.passage_count
        depth = min(depth, n)
        if depth == 0:
            return []
        sims, ids = self.index.vectors.search(vector.reshape(1, -1).astype(np.float32), depth)
        dense = {int(i): float(s) for i, s in zip(ids[0], sims[0], strict=True) if i >= 0}
        lex_rows, lex_scores = self.index.lexical.top(text, depth)
        lexical = {int(r): float(s) for r, s in zip(lex_rows, lex_scores, strict=True)}
        fused: dict[int, float] = {}
        for ranking in (list(dense), list(lexical)):
            for position, row in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + position + 1)
        ordered = sorted(fused, key=lambda r: (-fused[r], r))
        return [Candidate(r, fused[r], dense.get(r), lexical.get(r)) for r in ordered]

    def _result(self, rank: int, candidate: Candidate, passage: StoredPassage,
                source: object, query: str) -> SearchResult:
        highlight = self.highlighter.run(query, passage.text)
        src = source  # StoredSource
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
            source=SourceRef(id=src.id, title=src.title, path=src.path, url=src.url,  # type: ignore[attr-defined]
                             kind=src.kind),  # type: ignore[attr-defined]
        )



def _kind_matches(passage_kind: str, wanted: str) -> bool:
    if wanted == "forum":
        return passage_kind.startswith("forum")
    return passage_kind == wanted
