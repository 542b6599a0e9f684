"""The views of a passage that ingest embeds besides the passage itself, each as a text of
its own.

- each of its sentences (`index.sentences.embedded_spans`), in context: the best-sentence signal
  of search, which finds the one focused sentence a long passage holds. Each is embedded as
  the context line (title and headings), a newline and the sentence (`sentence_texts`).
  Pooling them from the passage's own forward pass instead was measured worse on the
  held-out judged split (nDCG@10 0.614 -> 0.579) and removed (docs/performance.md).
- its text alone: claim vectors, for agreement across sources (`claim_texts`), a forward pass
  of their own: pooling the body's tokens from the passage's pass lost too much agreement
  (AUC 0.87 -> 0.79 on the labelled pairs), as the title colours every token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backqa.documents import Passage
from backqa.index.sentences import embedded_spans

Span = tuple[int, int]  # (start, end) character offsets


@dataclass(frozen=True)
class PassageViews:
    """Where the views of one passage lie in its embed text."""

    text: str  # the passage's embed text: the context line, a newline, the passage text
    context: Span  # the context line (title and headings)
    sentences: tuple[Span, ...]  # its sentences that get a vector (`embedded_spans`)


def passage_views(passage: Passage) -> PassageViews:
    """The views of `passage`, located in its embed text."""
    text = passage.embed_text
    body_start = text.index("\n") + 1 if "\n" in text else 0
    found = text.find(passage.text, body_start)
    offset = found if found >= 0 else body_start
    sentences = tuple((offset + a, offset + b) for a, b in embedded_spans(passage.text))
    return PassageViews(text, (0, max(body_start - 1, 0)), sentences)


def sentence_texts(passages: Sequence[Passage]) -> tuple[list[str], np.ndarray]:
    """The sentences' texts to embed, one each: the context line, a newline and the sentence,
    in passage order, with the offsets of each passage's first sentence (passage `i` owns
    `offsets[i]:offsets[i + 1]`)."""
    texts: list[str] = []
    offsets = [0]
    for passage in passages:
        item = passage_views(passage)
        context = item.text[slice(*item.context)]
        texts.extend(f"{context}\n{item.text[a:b]}" for a, b in item.sentences)
        offsets.append(len(texts))
    return texts, np.asarray(offsets, dtype=np.int64)


def claim_texts(passages: Sequence[Passage]) -> list[str]:
    """What claim vectors embed: each passage's text alone (no title or headings)."""
    return [p.text for p in passages]
