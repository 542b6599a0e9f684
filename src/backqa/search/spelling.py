"""Spelling correction of questions towards the library's own words."""

from __future__ import annotations

import re
from functools import lru_cache

from backqa.index.lexical import LexicalIndex
from backqa.text.terms import fold, stemmer, stopwords


@lru_cache(maxsize=1)
def _english() -> object:
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


WORD = re.compile(r"\b[^\W\d_]{3,}\b")
REMEMBERED_WORDS = 50_000  # corrections kept between questions (then forgotten at once)


class SpellingCorrector:
    """Fixes misspelt words of a question towards words the library uses.

    A word is left alone when the library knows its stem, it is an English word (so a question
    about something the library does not cover keeps its words), or it has capitals inside (an
    acronym or a name) or digits; otherwise it becomes the English word one edit away whose
    stem the library uses most. Needs no text scan: it
    reads only the BM25 vocabulary, and loads the English word list on the first unknown word.
    """

    def __init__(self, index: LexicalIndex, remembered: int = REMEMBERED_WORDS) -> None:
        self.index = index
        self.remembered = remembered
        self._corrections: dict[str, str | None] = {}  # word -> `correct(word)`

    def correct_text(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """The corrected text and the (word, replacement) pairs applied."""
        fixes: list[tuple[str, str]] = []

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            if any(ch.isupper() for ch in word[1:]):  # an acronym or a name (DUSP, McKenzie)
                return word
            better = self._corrected(word)
            if better is None:
                return word
            fixes.append((word, better))
            return better

        corrected = WORD.sub(fix, text)
        return corrected, fixes

    def _corrected(self, word: str) -> str | None:
        """`correct(word)`, remembered: a word's correction depends only on the library."""
        try:
            return self._corrections[word]
        except KeyError:
            pass
        better = self.correct(word)
        if len(self._corrections) >= self.remembered:
            self._corrections.clear()
        self._corrections[word] = better
        return better

    def correct(self, word: str) -> str | None:
        folded = fold(word)
        if self._known(folded):
            return None
        english = _english()
        if folded in english:  # type: ignore[operator]
            return None
        best: tuple[int, str] | None = None
        indptr = self.index.retriever.scores["indptr"]
        for candidate in english.candidates(folded) or ():  # type: ignore[attr-defined]
            column = self.index.vocab.get(stemmer().stemWord(candidate))
            if column is not None:
                df = int(indptr[column + 1] - indptr[column])
            elif candidate in stopwords():
                df = 0  # a function word: kept for the question's sense, ranked last
            else:
                continue
            if best is None or (df, candidate) > best:
                best = (df, candidate)
        return None if best is None else best[1]

    def _known(self, folded: str) -> bool:
        return folded in stopwords() or stemmer().stemWord(folded) in self.index.vocab
