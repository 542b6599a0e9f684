"""Lexical ranking: BM25 over a precomputed sparse matrix (bm25s), with English stemming and
stopwords. The index is built at ingest and saved inside the index version.

`ChunkedBM25Builder` builds the same matrix as bm25s's own `BM25.index` (Lucene variant), score
for score, from a stream of texts in bounded memory: texts are tokenised a chunk at a time into
int32 term ids (bm25s keeps every token of the library as a Python string, 10 GB at a million
passages), and the matrix is filled column by column in place.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import bm25s
import numpy as np

from backqa.text.terms import tokenize


class LexicalIndex:
    """BM25 over passages; `scores(query)` gives one score per passage row."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self.retriever = retriever
        self.vocab: dict[str, int] = retriever.vocab_dict or {}

    @classmethod
    def build(cls, texts: Iterable[str], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        """BM25 over `texts` (row i = the i-th text), read once as a stream."""
        return cls(ChunkedBM25Builder(k1=k1, b=b).build(texts))

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
        return lucene_idf(df, int(self.retriever.scores["num_docs"]))

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
        rows = top_rows(scores, k)
        rows = rows[np.lexsort((rows, -scores[rows]))]
        return rows, scores[rows]

    def best_coverage(self, query: str) -> float:
        """The largest idf-weighted share of the query's terms that one passage contains.

        Terms the index has never seen weigh as much as the rarest possible term, so a question
        about something the library never mentions scores near 0 and one whose every term
        meets in a passage scores 1."""
        terms = list(dict.fromkeys(tokenize(query)))
        if not terms:
            return 0.0
        n_docs = int(self.retriever.scores["num_docs"])
        unseen = math.log(1 + (n_docs + 0.5) / 0.5)
        indptr = self.retriever.scores["indptr"]
        indices = self.retriever.scores["indices"]
        total = 0.0
        postings: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for term in terms:
            column = self.vocab.get(term)
            if column is None:
                total += unseen
                continue
            weight = self.idf(term)
            total += weight
            docs = indices[indptr[column] : indptr[column + 1]]
            postings.append(docs)
            weights.append(np.full(docs.shape[0], weight, dtype=np.float64))
        if not postings or total <= 0:
            return 0.0
        # A passage appears at most once per term's postings, so summing weights by row id
        # (bincount, linear) gives its covered weight; no sort, which cost 13 ms at 100k rows.
        per_doc = np.bincount(np.concatenate(postings), weights=np.concatenate(weights))
        return float(per_doc.max() / total)


def lucene_idf(df: int, n_docs: int) -> float:
    """BM25 idf, Lucene variant (bm25s's `method="lucene"`), of a term in `df` of `n_docs`."""
    return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))


EMPTY_TERM = "\x00empty"  # the one term of a passage with none, so every row has a posting


class ChunkedBM25Builder:
    """Builds a bm25s retriever (Lucene BM25) from a stream of texts, `chunk_size` at a time.

    Pass 1 tokenises each chunk into int32 term ids (terms numbered by first appearance, so a
    build is reproducible) and counts document frequencies; pass 2 scores each chunk's
    (term, passage) pairs with the global idf and mean length, and writes them straight into
    their places in the CSC arrays. Memory: 4 bytes per token plus the matrix itself.
    The arithmetic follows bm25s's `_score_tfc_robertson` and `_build_idf_array` operation for
    operation (float64, stored as float32), so every score equals `BM25.index`'s bit for bit;
    `tests/index/test_lexical.py` holds it to that.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75, chunk_size: int = 20_000) -> None:
        self.k1 = k1
        self.b = b
        self.chunk_size = chunk_size

    def build(self, texts: Iterable[str]) -> bm25s.BM25:
        vocab: dict[str, int] = {}
        chunks: list[tuple[np.ndarray, np.ndarray]] = []  # (term ids, tokens per passage)
        df = np.zeros(0, dtype=np.int64)
        for chunk in _batches(texts, self.chunk_size):
            ids, lengths = self._term_ids(chunk, vocab)
            chunks.append((ids, lengths))
            terms = np.unique(_pair_keys(ids, lengths)) >> 32
            df = _grow(df, len(vocab))
            df += np.bincount(terms, minlength=len(vocab))
        lengths = np.concatenate([c[1] for c in chunks]) if chunks else np.zeros(0, np.int64)
        n_docs = int(lengths.shape[0])
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        data = np.empty(int(indptr[-1]), dtype=np.float32)
        indices = np.empty(int(indptr[-1]), dtype=np.int32)
        if n_docs:
            idf = np.array([lucene_idf(int(f), n_docs) for f in df.tolist()],
                           dtype=np.float64).astype(np.float32)
            self._fill(chunks, lengths, idf, indptr, data, indices)
        retriever = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        # What `BM25.index` sets, including the empty token it appends to the vocabulary.
        vocab[""] = len(vocab)
        retriever.scores = {"data": data, "indices": indices, "indptr": indptr,
                            "num_docs": n_docs}
        retriever.vocab_dict = vocab
        retriever.unique_token_ids_set = set(vocab.values())
        retriever.nonoccurrence_array = None
        return retriever

    @staticmethod
    def _term_ids(texts: list[str], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
        """Term ids of a chunk's texts, one after the other, and each text's token count."""
        ids: list[int] = []
        lengths = np.empty(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            terms = tokenize(text) or [EMPTY_TERM]
            lengths[i] = len(terms)
            ids.extend(vocab.setdefault(t, len(vocab)) for t in terms)
        return np.array(ids, dtype=np.int32), lengths

    def _fill(self, chunks: list[tuple[np.ndarray, np.ndarray]], lengths: np.ndarray,
              idf: np.ndarray, indptr: np.ndarray, data: np.ndarray,
              indices: np.ndarray) -> None:
        """Score every chunk's (term, passage) pairs into their CSC places, passages in order
        within each term's column (as bm25s sorts them)."""
        mean_length = lengths.mean()  # bm25s: np.array([len(doc) ...]).mean(), int64 -> float64
        # bm25s computes this per document as k1 * ((1 - b) + b * l_d / l_avg) in float64
        norm = self.k1 * ((1 - self.b) + self.b * lengths.astype(np.float64) / mean_length)
        heads = indptr[:-1].copy()
        first_row = 0
        for ids, chunk_lengths in chunks:
            keys, tf = np.unique(_pair_keys(ids, chunk_lengths), return_counts=True)
            terms = keys >> 32  # keys sort by term, then by passage: CSC order
            rows = (keys & 0xFFFFFFFF) + first_row
            tf64 = tf.astype(np.float32).astype(np.float64)
            scores = idf[terms].astype(np.float64) * (tf64 / (norm[rows] + tf64))
            column_terms, starts, counts = np.unique(terms, return_index=True,
                                                     return_counts=True)
            rank = np.arange(terms.shape[0]) - np.repeat(starts, counts)
            places = heads[terms] + rank
            data[places] = scores.astype(np.float32)
            indices[places] = rows.astype(np.int32)
            heads[column_terms] += counts
            first_row += int(chunk_lengths.shape[0])


def _pair_keys(ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """One int64 key per token: term id in the high 32 bits, passage (in its chunk) below."""
    rows = np.repeat(np.arange(lengths.shape[0], dtype=np.int64), lengths)
    keys: np.ndarray = (ids.astype(np.int64) << 32) | rows
    return keys


def _grow(counts: np.ndarray, size: int) -> np.ndarray:
    if counts.shape[0] >= size:
        return counts
    grown = np.zeros(size, dtype=counts.dtype)
    grown[: counts.shape[0]] = counts
    return grown


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(texts)
    while batch := list(islice(iterator, size)):
        yield batch


def top_rows(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the `k` highest positive scores, unordered (exactly those of a full sort).

    At a million passages a full `argpartition` costs 5-25 ms a question. Instead, a threshold
    from a strided sample of ~4k scores keeps about 4k candidates with one vectorised compare;
    every true top-k score is >= the k-th best candidate >= the threshold, so none is lost.
    """
    n = scores.shape[0]
    k = min(k, n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates: np.ndarray | None = None
    if n >= 50_000:
        sample = scores[:: n // 4096]
        threshold = float(np.quantile(sample, max(0.0, 1.0 - 4.0 * k / n)))
        picked = np.flatnonzero(scores >= threshold) if threshold > 0 \
            else np.flatnonzero(scores > 0)
        if picked.shape[0] >= k or threshold <= 0:
            candidates = picked
    if candidates is None:
        candidates = np.flatnonzero(scores > 0)
    if candidates.shape[0] > k:
        part = np.argpartition(-scores[candidates], k - 1)[:k]
        candidates = candidates[part]
    return candidates[scores[candidates] > 0].astype(np.int64)
