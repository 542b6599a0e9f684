"""The one sentence splitter: sentences (and list lines) of a text, with their offsets.

A sentence ends at `.`, `!`, `?` or `…` (and any closing quotes or brackets) followed by space
and a capital or a digit, unless the word before is an abbreviation ("e.g.", "Dr.") or a lone
initial; a line break always ends one, so each list item stands alone. Chunking cuts long
paragraphs here, highlighting picks the best of these, and a long question keeps its asking
sentences by them.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset([
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "st", "no", "fig", "approx", "inc",
    "ltd", "jr", "sr", "prof", "u.s", "a.m", "p.m"
])
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or list line in `text`, trimmed of surrounding space."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for match in SENTENCE_END.finditer(line):
            candidate = line[start : match.start()].rstrip()
            last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
            if last_word in ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue
            _add_trimmed(spans, line, offset, start, match.end())
            start = match.end()
        _add_trimmed(spans, line, offset, start, len(line))
        offset += len(line) + 1
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences (and list lines) of `text`, in order."""
    return [text[start:end] for start, end in sentence_spans(text)]


def _add_trimmed(spans: list[tuple[int, int]], line: str, offset: int, start: int,
                 end: int) -> None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((offset + start, offset + end))
