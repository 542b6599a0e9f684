"""Lexical ranking: BM25 over a precomputed sparse matrix (bm25s), with English stemming and
stopwords. The index is built at ingest and saved inside the index version."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

TOKEN = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'Sciática' and 'sciatica' meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Stemmed, stopword-free terms of a text."""
    words = [w for w in TOKEN.findall(fold(text)) if w not in _stopwords()]
    return _stemmer().stemWords(words)


class LexicalIndex:
    """BM25 over passages; `scores(query)` gives one score per passage row."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self.retriever = retriever
        self.vocab: dict[str, int] = retriever.vocab_dict or {}

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        corpus_tokens = [tokenize(t) or ["\x00empty"] for t in texts]
        retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        retriever.index(corpus_tokens, show_progress=False)
        return cls(retriever)

    def save(self, directory: Path) -> None:
        self.retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, mmap: bool = False) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False))

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term (0 for unknown terms)."""
        column = self.vocab.get(term)
        if column is None:
            return 0.0
        indptr = self.retriever.scores["indptr"]
        df = int(indptr[column + 1] - indptr[column])
        n = int(self.retriever.scores["num_docs"])
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def query_terms(self, query: str) -> list[str]:
        return [t for t in tokenize(query) if t in self.vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (zeros when no term is known)."""
        terms = self.query_terms(query)
        n_docs = int(self.retriever.scores["num_docs"])
        if not terms:
            return np.zeros(n_docs, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(terms), dtype=np.float32)

    def top(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the k best-scoring passages with a score above zero."""
        scores = self.scores(query)
        k = min(k, scores.shape[0])
        if k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        rows = np.argpartition(-scores, k - 1)[:k]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        keep = scores[rows] > 0
        return rows[keep].astype(np.int64), scores[rows][keep]
