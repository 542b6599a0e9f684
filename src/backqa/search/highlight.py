"""Highlighting: the sentence of a passage that best answers the question, with offsets.

With the index's sentence vectors, a sentence is scored by its meaning (the cosine of the
sentence in context with the question, the vectors the best-sentence signal of ranking reads)
plus `LEXICAL_WEIGHT` times its share of the question's rare terms (relative to the passage's
best); without them, by the terms alone. On the judged tuning split the first answering result's
highlight showed the answer for 97 of 135 questions against 86 by terms alone, and on the
held-out split, run once, 36 of 47 against 32 (docs/retrieval.md, "Highlight").
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from backqa.index.sentences import has_vector
from backqa.text.sentences import sentence_spans
from backqa.text.terms import tokenize

MIN_WORDS = 6
# Tuned on the judged tuning split: weights 0 / 0.5 / 1 / 2 / 4 showed the answer for
# 92 / 97 / 94 / 94 / 94 of 135 answered questions.
LEXICAL_WEIGHT = 0.5
CACHED_TEXTS = 4096  # passages whose sentences and terms are kept between questions


@dataclass(frozen=True)
class Highlight:
    text: str
    start: int
    end: int


# A sentence as scored: (start, end, its terms, the length penalty it is divided by, whether
# it has a sentence vector).
_Sentence = tuple[int, int, set[str], float, bool]


class Highlighter:
    """Picks the sentence closest in meaning to the question, helped by the (rare) question
    terms it shares, when the caller has its sentences' cosines; else the sentence sharing the
    most rare question terms, and None when none shares any.

    A passage's sentences and their terms do not depend on the question, so they are kept
    for the last `CACHED_TEXTS` passages shown, and a question's terms are read once for all
    its results."""

    def __init__(self, idf: Callable[[str], float] | None = None,
                 cached_texts: int = CACHED_TEXTS) -> None:
        self.idf = idf or (lambda term: 1.0)
        self.cached_texts = cached_texts
        self._sentences: dict[str, list[_Sentence]] = {}
        self._lock = threading.Lock()

    def highlight(self, query: str, text: str,
                  cosines: np.ndarray | None = None) -> Highlight | None:
        """The best sentence of `text` for `query`. `cosines`: the question's cosine with each
        sentence that has a vector (`index.sentences.embedded_spans` order); without them, None
        when no sentence shares a term."""
        return self.highlight_all(query, [text], None if cosines is None else [cosines])[0]

    def highlight_all(self, query: str, texts: Sequence[str],
                      cosines: Sequence[np.ndarray | None] | None = None,
                      ) -> list[Highlight | None]:
        """`highlight(query, text, cosines)` for each of `texts` (and of `cosines`)."""
        terms = set(tokenize(query))
        found: list[Highlight | None] = []
        for i, text in enumerate(texts):
            meaning = None if cosines is None else cosines[i]
            light = None if meaning is None else self._closest(terms, text, meaning)
            found.append(light if light is not None or not terms else self._best(terms, text))
        return found

    def _closest(self, terms: set[str], text: str, cosines: np.ndarray) -> Highlight | None:
        """The sentence closest in meaning, helped by shared terms; None when `cosines` does
        not fit the text's sentences (a version built with another rule)."""
        embedded = [s for s in self._scored_sentences(text) if s[4]]
        if not embedded or len(embedded) != len(cosines):
            return None
        # Plain Python: a passage has a handful of sentences, too few for numpy to pay.
        lexical = [sum(self.idf(t) for t in terms & words) / penalty
                   for _, _, words, penalty, _ in embedded]
        top = max(lexical)
        scale = LEXICAL_WEIGHT / top if top > 0 else 0.0
        meaning = cosines.tolist()
        best = max(range(len(embedded)), key=lambda i: meaning[i] + scale * lexical[i])
        start, end = embedded[best][0], embedded[best][1]
        return Highlight(text[start:end], start, end)

    def _best(self, terms: set[str], text: str) -> Highlight | None:
        """The sentence sharing the most rare question terms; None when none shares any."""
        best: tuple[float, int, int] | None = None
        for start, end, words, penalty, _ in self._scored_sentences(text):
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
            found.append((start, end, words, math.log(2 + max(len(words), MIN_WORDS)),
                          has_vector(text[start:end])))
        with self._lock:
            if len(self._sentences) >= self.cached_texts:
                self._sentences.clear()
            self._sentences[text] = found
        return found
