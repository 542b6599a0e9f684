"""One question's ranking under each mode, by passage (the judged set) or by document (BEIR).

- `bm25`, `dense`: one ranker alone, on the question as typed (normalised, spelling kept).
- `fusion`: `Searcher.rank` on the prepared question (spelling fixed): the fused candidates,
  before near-duplicate folding and MMR.
- `final`: `Searcher.search(question, k)` on the raw question, exactly as `backqa search` and
  the API call it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backqa.search.query import normalize_query
from backqa.search.searcher import Searcher
from backqa.tools.evaluation.runs import Ranking

PASSAGE_MODES = ("bm25", "dense", "fusion")  # ranked here from stored passages
FINAL_VECTORS = 10  # stored vectors fetched for the final mode's first results (duplicates)


@dataclass(frozen=True)
class Asked:
    """A question as each mode sees it, with the embeddings the ranker-level modes use."""

    raw: str
    typed: str  # normalised as typed: bm25, dense and the baseline
    prepared: str  # spelling fixed, as `Searcher.search` embeds it: fusion
    typed_vector: np.ndarray
    prepared_vector: np.ndarray
    typed_embed_ms: float
    prepared_embed_ms: float

    def embed_ms(self, mode: str) -> float:
        """How long the embedding a ranker-level mode uses took."""
        return self.prepared_embed_ms if mode == "fusion" else self.typed_embed_ms


class ModeRanker:
    """Rankings of one searcher's index under each mode."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher

    def ask(self, questions: Sequence[str]) -> list[Asked]:
        """Each question normalised, prepared and embedded, one text at a time (as a user's
        search embeds it, so the embedding times are a user's); a text shared by several
        questions or forms is embedded once."""
        s = self.searcher
        typed = [normalize_query(q) for q in questions]
        prepared = [s.prepare(q) for q in questions]
        embedded: dict[str, tuple[np.ndarray, float]] = {}
        for text in dict.fromkeys(typed + prepared):
            started = time.perf_counter()
            vector = s.embed(text)
            embedded[text] = (vector, (time.perf_counter() - started) * 1000)
        return [Asked(raw, t, p, embedded[t][0], embedded[p][0], embedded[t][1], embedded[p][1])
                for raw, t, p in zip(questions, typed, prepared, strict=True)]

    def rows(self, mode: str, asked: Asked, depth: int) -> tuple[list[int], list[float]]:
        """Passage rows and scores of a ranker-level mode, best first."""
        s = self.searcher
        if mode == "fusion":
            candidates = s.rank(asked.prepared, asked.prepared_vector, depth)
            return [c.row for c in candidates], [c.score for c in candidates]
        if mode == "bm25":
            rows, scores = s.ranker.lexical_ranking(asked.typed, depth)
        elif mode == "dense":
            rows, scores = s.ranker.dense_ranking(asked.typed_vector, depth)
        else:
            raise ValueError(f"unknown mode {mode!r}: use one of {', '.join(PASSAGE_MODES)}")
        return [int(r) for r in rows], [float(x) for x in scores]

    def passages(self, mode: str, asked: Asked, depth: int) -> Ranking:
        """The passages of a ranker-level mode, best first."""
        started = time.perf_counter()
        rows, scores = self.rows(mode, asked, depth)
        ms = (time.perf_counter() - started) * 1000
        found = self.searcher.index.store.passages_by_rows(rows)
        return Ranking([found[r].id for r in rows], scores, [found[r].text for r in rows],
                       self.searcher.vectors(rows), ms=ms)

    def final(self, asked: Asked, k: int) -> Ranking:
        """The user's answer: `Searcher.search(question, k)`, its results in order."""
        s = self.searcher
        started = time.perf_counter()
        response = s.search(asked.raw, k=k)
        ms = (time.perf_counter() - started) * 1000
        results = response.results
        stored = [s.index.store.passage(r.passage_id) for r in results[:FINAL_VECTORS]]
        vectors = s.vectors([p.row for p in stored if p is not None]) \
            if all(p is not None for p in stored) else None
        highlights: list[tuple[int, int] | None] = [
            (r.highlight_start, r.highlight_end)
            if r.highlight_start is not None and r.highlight_end is not None else None
            for r in results]
        return Ranking([r.passage_id for r in results], [r.score for r in results],
                       [r.text for r in results], vectors, highlights, response.no_match, ms)

    def documents(self, mode: str, asked: Asked, depth: int) -> Ranking:
        """Documents (`source.id`), first occurrence kept: in the final mode in the order of
        `Searcher.search(question, k=depth)`'s results; otherwise each ranked by its best
        passage among the mode's top `3 * depth`."""
        started = time.perf_counter()
        if mode == "final":
            response = self.searcher.search(asked.raw, k=depth)
            sources = [r.source.id for r in response.results]
            scores = [r.score for r in response.results]
            no_match = response.no_match
        else:
            rows, scores = self.rows(mode, asked, 3 * depth)
            found = self.searcher.index.store.passages_by_rows(rows)
            sources = [found[r].source_id for r in rows]
            no_match = False
        keys: list[str] = []
        kept: list[float] = []
        seen: set[str] = set()
        for source, score in zip(sources, scores, strict=True):
            if source not in seen and len(keys) < depth:
                seen.add(source)
                keys.append(source)
                kept.append(float(score))
        return Ranking(keys, kept, no_match=no_match,
                       ms=(time.perf_counter() - started) * 1000)
