"""Highlighting: the sentence of a passage that best answers the question, with offsets."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from backqa.text.sentences import sentence_spans
from backqa.text.terms import tokenize

MIN_WORDS = 6


@dataclass(frozen=True)
class Highlight:
    text: str
    start: int
    end: int


class Highlighter:
    """Picks the sentence sharing the most (rare) question terms; None when none share any."""

    def __init__(self, idf: Callable[[str], float] | None = None) -> None:
        self.idf = idf or (lambda term: 1.0)

    def highlight(self, query: str, text: str) -> Highlight | None:
        """The best sentence of `text` for `query`, or None when no sentence shares a term."""
        terms = set(tokenize(query))
        if not terms:
            return None
        best: tuple[float, int, int] | None = None
        for start, end in sentence_spans(text):
            words = set(tokenize(text[start:end]))
            score = sum(self.idf(t) for t in terms & words)
            if score <= 0:
                continue
            # prefer the focused sentence to the long one, but not a two-word exclamation
            score /= math.log(2 + max(len(words), MIN_WORDS))
            if best is None or score > best[0]:
                best = (score, start, end)
        if best is None:
            return None
        return Highlight(text[best[1] : best[2]], best[1], best[2])
