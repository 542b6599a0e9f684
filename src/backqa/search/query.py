"""The question as searched: normalised, and a long story cut to the sentences that ask."""

from __future__ import annotations

import unicodedata

from backqa.text.sentences import split_sentences

MAX_QUERY_CHARS = 1000


def normalize_query(query: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """NFKC, single spaces, and at most `max_chars` characters.

    A longer question is usually a story ending in the question itself, so the cut keeps the
    sentences that ask (ending in "?") and fills the rest with the opening sentences, in their
    original order; a text without sentences is cut at a word boundary."""
    text = " ".join(unicodedata.normalize("NFKC", query).split())
    if len(text) <= max_chars:
        return text
    sentences = split_sentences(text)
    keep: set[int] = set()
    budget = max_chars
    asking = [i for i, s in enumerate(sentences) if s.endswith("?")]
    for i in [*reversed(asking), *range(len(sentences))]:
        if i not in keep and len(sentences[i]) + 1 <= budget:
            keep.add(i)
            budget -= len(sentences[i]) + 1
    if keep:
        return " ".join(sentences[i] for i in sorted(keep))
    return text[:max_chars].rsplit(" ", 1)[0] or text[:max_chars]
