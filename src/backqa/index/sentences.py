"""Sentence vectors: each passage's sentences embedded in context, for the best-sentence signal.

A passage answers a question when one of its sentences does, so search scores each candidate
also by its best sentence (`SentenceVectors.best`). The vectors of all sentences are one matrix
in passage order; `offsets[row]:offsets[row + 1]` are the sentences of passage `row`. They are
stored as float16: a library has about four times as many sentences as passages, and search
reads the sentences of every candidate, so at a million passages they are the largest file a
server reads from (6.5 GB in float32); float16 keeps cosines to about 1e-3, far below the
differences that order candidates (docs/scaling.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from backqa.index.layout import VersionFiles
from backqa.index.npy import VIEW_DTYPE, write_npy_blocks
from backqa.index.vectors import row_blocks
from backqa.text.sentences import sentence_spans

MIN_SENTENCE_WORDS = 3  # shorter sentences ("Ok.", "Stop.") get no vector


def has_vector(sentence: str) -> bool:
    """Whether ingest embeds this sentence of a passage (long enough to mean something)."""
    return len(sentence.split()) >= MIN_SENTENCE_WORDS


def embedded_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of a passage's `text` that have a vector, as (start, end) offsets in the
    order of their vectors: ingest embeds these, and search reads their cosines back."""
    return [(a, b) for a, b in sentence_spans(text) if has_vector(text[a:b])]


@dataclass(frozen=True)
class SentenceVectors:
    vectors: np.ndarray  # (sentences, dimensions), float16 (float32 before), L2-normalised
    offsets: np.ndarray  # (passages + 1,), int64

    def best(self, rows: np.ndarray, question: np.ndarray) -> np.ndarray:
        """Per row, the cosine of its best sentence with the question (-1 for none)."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, counts = self.offsets[rows], self.offsets[rows + 1] - self.offsets[rows]
        best = np.full(len(rows), -1.0, dtype=np.float32)
        total = int(counts.sum())
        if not total:
            return best
        before = np.cumsum(counts) - counts  # where each row's sentences start in `picks`
        picks = np.arange(total) + np.repeat(starts - before, counts)
        sims = self.vectors[picks].astype(np.float32, copy=False) @ question.astype(np.float32)
        has = counts > 0
        best[has] = np.maximum.reduceat(sims, before[has])
        return best

    def cosines(self, row: int, question: np.ndarray) -> np.ndarray:
        """The cosine of each of passage `row`'s sentences (`embedded_spans` order) with the
        question."""
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        return self.vectors[start:end].astype(np.float32, copy=False) @ question.astype(np.float32)


def save_sentence_vectors(folder: Path, vectors: np.ndarray, offsets: np.ndarray) -> None:
    """Write the sentence vectors (a block of rows at a time: they may be memory-mapped and
    larger than memory) and each passage's offset into them."""
    files = VersionFiles(folder)
    write_npy_blocks(files.sentences, row_blocks(vectors), vectors.shape[0], vectors.shape[1],
                     dtype=VIEW_DTYPE)
    np.save(files.sentence_offsets, np.asarray(offsets, dtype=np.int64))


def load_sentence_vectors(folder: Path, passages: int) -> SentenceVectors | None:
    """The version's sentence vectors (memory-mapped), None for a version built without them;
    ValueError names the file when it is unreadable or does not fit the passages."""
    files = VersionFiles(folder)
    if not files.sentences.is_file():
        return None
    try:
        vectors = np.load(files.sentences, mmap_mode="r")
        offsets = np.load(files.sentence_offsets)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{files.sentences}: not readable sentence vectors ({exc})") from exc
    if offsets.shape != (passages + 1,) or int(offsets[-1]) != vectors.shape[0]:
        raise ValueError(f"{files.sentence_offsets}: does not fit {passages} passages and "
                         f"{vectors.shape[0]} sentences")
    return SentenceVectors(vectors, offsets)
