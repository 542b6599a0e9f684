"""Hybrid ranking: dense (FAISS) and lexical (BM25) candidates, both rankers scoring the union.

Each ranker proposes its top `depth`; every candidate is then scored by both (the dense cosine
from the stored vector, the BM25 score from the full score vector) and the two are fused
(`fusion.fuse`). Then two measured adjustments (docs/retrieval.md): the cosine of the
candidate's best sentence in context is added, so the one focused sentence under a telling
heading beats a generic introduction that matches every question a little, and a forum
question is lowered below the answers. Ties break by row, so a ranking is reproducible.
"""

from __future__ import annotations

import numpy as np

from backqa.index.lexical import top_rows
from backqa.index.loaded import LoadedIndex
from backqa.index.sentences import SentenceVectors
from backqa.index.vectors import StoredVectors
from backqa.search.fusion import Candidate, RankingConfig, fuse, minmax


class HybridRanker:
    """Candidates for a question from one loaded index, best first."""

    def __init__(self, index: LoadedIndex, config: RankingConfig,
                 sentences: SentenceVectors | None = None) -> None:
        self.index = index
        self.config = config
        self.stored = StoredVectors(index.vectors)
        self.sentences = sentences
        self.questions = np.zeros(index.passage_count, dtype=bool)  # forum questions by row
        self.questions[index.store.rows_of_kind("forum-question")] = True

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

    def lexical_candidates(self, text: str, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """(BM25 score of every row, rows of the `depth` best with a score above zero)."""
        lexical_all = self.index.lexical.scores(text)
        return lexical_all, top_rows(lexical_all, depth)

    def rank(self, text: str, vector: np.ndarray, depth: int) -> list[Candidate]:
        """The union of both rankers' top `depth`, scored by both and fused, best first."""
        dense_rows, dense_scores = self.dense_ranking(vector, depth)
        lexical_all, lex_rows = self.lexical_candidates(text, depth)
        rows = np.unique(np.concatenate([dense_rows, lex_rows])).astype(np.int64)
        if rows.size == 0:
            return []
        return self.fuse_candidates(rows, vector, dense_rows, dense_scores, lexical_all)

    def fuse_candidates(self, rows: np.ndarray, vector: np.ndarray, dense_rows: np.ndarray,
                        dense_scores: np.ndarray, lexical_all: np.ndarray) -> list[Candidate]:
        """`rows` (both rankers' candidates) scored by both, fused and adjusted, best first."""
        vectors = self.stored.get(rows.tolist())
        dense = self.cosines(vector, rows, dense_rows, dense_scores) if vectors is None \
            else vectors @ vector.astype(np.float32)
        lexical = lexical_all[rows].astype(np.float32)
        fused = fuse(self.config, dense, lexical)
        sentence = None if self.sentences is None else self.sentences.best(rows, vector)
        if sentence is not None and self.config.sentence_weight:
            fused = fused + self.config.sentence_weight * minmax(sentence)
        fused = fused - self.config.question_penalty * self.questions[rows]
        order = np.lexsort((rows, -fused))
        # Python numbers first: indexing numpy scalars one by one cost more than the fusion.
        best = [None] * len(order) if sentence is None else \
            sentence[order].astype(np.float64).tolist()
        return [Candidate(row, score, cosine, bm25, line)
                for row, score, cosine, bm25, line in zip(
                    rows[order].tolist(), fused[order].astype(np.float64).tolist(),
                    dense[order].astype(np.float64).tolist(),
                    lexical[order].astype(np.float64).tolist(), best, strict=True)]

    def cosines(self, vector: np.ndarray, rows: np.ndarray, known_rows: np.ndarray,
                known_scores: np.ndarray) -> np.ndarray:
        """Cosine of the question with each row: from the dense search where it found the row,
        computed from the stored vector otherwise (or the worst found score if it cannot)."""
        known = dict(zip(known_rows.tolist(), known_scores.tolist(), strict=True))
        missing = [int(r) for r in rows if int(r) not in known]
        if missing:
            vectors = self.stored.get(missing)
            floor = float(known_scores.min()) if known_scores.size else 0.0
            values = (vectors @ vector.astype(np.float32)).tolist() if vectors is not None \
                else [floor] * len(missing)
            known.update(zip(missing, values, strict=True))
        return np.array([known[int(r)] for r in rows], dtype=np.float32)
