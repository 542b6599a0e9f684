"""Terms for lexical matching: lower-cased, accent-folded, stopword-free, stemmed (English).

The one tokenizer of BM25 at ingest and search, of highlighting and of spelling correction."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

TOKEN = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=1)
def stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS)


def fold(text: str) -> str:
    """Lower-case and strip accents, so 'Sciática' and 'sciatica' meet."""
    if text.isascii():  # nothing to strip; the per-character loop below is the slow part
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[str]:
    """Stemmed, stopword-free terms of a text."""
    words = [w for w in TOKEN.findall(fold(text)) if w not in stopwords()]
    stemmed: list[str] = stemmer().stemWords(words)
    return stemmed
