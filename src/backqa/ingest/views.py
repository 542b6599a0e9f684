"""The views of a passage that ingest embeds besides the passage itself.

- its text alone (no title or headings): claim vectors, for agreement across sources;
- each of its sentences in context (title and headings, then the sentence): the best-sentence
  signal of search, which finds the one focused sentence a long passage holds.
"""

from __future__ import annotations

import numpy as np

from backqa.documents import Passage
from backqa.text.sentences import split_sentences

MIN_SENTENCE_WORDS = 3


def sentence_views(passages: list[Passage]) -> tuple[list[str], np.ndarray]:
    """The texts to embed for each passage's sentences, in passage order, and the offsets of
    each passage's first sentence (passage `i` owns `offsets[i]:offsets[i + 1]`)."""
    texts: list[str] = []
    offsets = [0]
    for passage in passages:
        context = passage.embed_text.split("\n", 1)[0]
        for sentence in split_sentences(passage.text):
            if len(sentence.split()) >= MIN_SENTENCE_WORDS:
                texts.append(f"{context}\n{sentence}")
        offsets.append(len(texts))
    return texts, np.asarray(offsets, dtype=np.int64)
