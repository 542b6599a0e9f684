"""Highlighting: the sentence of a passage that best answers the question, with offsets."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from backqa.text.sentences import sentence_spans
from backqa.text.terms import tokenize

MIN_WORDS = 6
CACHED_TEXTS = 4096  # passages whose sentences and terms are kept between questions


@dataclass(frozen=True)
class Highlight:
    text: str
    start: int
    end: int


# A sentence as scored: (start, end, its terms, the length penalty it is divided by).
_Sentence = tuple[int, int, set[str], float]


class Highlighter:
    """Picks the sentence sharing the most (rare) question terms; None when none share any.

    A passage's sentences and their terms do not depend on the question, so they are kept
    for the last `CACHED_TEXTS` passages shown, and a question's terms are read once for all
    its results."""

    def __init__(self, idf: Callable[[str], float] | None = None,
                 cached_texts: int = CACHED_TEXTS) -> None:
        self.idf = idf or (lambda term: 1.0)
        self.cached_texts = cached_texts
        self._sentences: dict[str, list[_Sentence]] = {}
        self._lock = threading.Lock()

    def highlight(self, query: str, text: str) -> Highlight | None:
        """The best sentence of `text` for `query`, or None when no sentence shares a term."""
        return self.highlight_all(query, [text])[0]

    def highlight_all(self, query: str, texts: Sequence[str]) -> list[Highlight | None]:
        """`highlight(query, text)` for each of `texts`."""
        terms = set(tokenize(query))
        if not terms:
            return [None] * len(texts)
        return [self._best(terms, text) for text in texts]

    def _best(self, terms: set[str], text: str) -> Highlight | None:
        best: tuple[float, int, int] | None = None
        for start, end, words, penalty in self._scored_sentences(text):
            score = sum(self.idf(t) for t in terms & words)
            if score <= 0:
                continue
            score /= penalty
            if best is None or score > best[0]:
                best = (score, start, end)
        if best is None:
            return None
        return Highlight(text[best[1] : best[2]], best[1], best[2])

    def _scored_sentences(self, text: str) -> list[_Sentence]:
        found = self._sentences.get(text)
        if found is not None:
            return found
        found = []
        for start, end in sentence_spans(text):
            words = set(tokenize(text[start:end]))
            # prefer the focused sentence to the long one, but not a two-word exclamation
            found.append((start, end, words, math.log(2 + max(len(words), MIN_WORDS))))
        with self._lock:
            if len(self._sentences) >= self.cached_texts:
                self._sentences.clear()
            self._sentences[text] = found
        return found
