"""The baseline: plain hybrid search over fixed windows, what an afternoon's hybrid looks like."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from backqa.encoders.identity import Encoder
from backqa.index.lexical import LexicalIndex
from backqa.tools.evaluation.runs import Ranking


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
    or diversity), fused by reciprocal rank."""

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
        """The windows for a question, best first."""
        if self.lexical is None:
            raise RuntimeError("WindowBaseline.build() first")
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
                       ms=(time.perf_counter() - started) * 1000)
