"""The views of a passage that ingest embeds besides the passage itself.

- each of its sentences of `MIN_SENTENCE_WORDS` or more, in context: the best-sentence signal
  of search, which finds the one focused sentence a long passage holds. Two ways
  (`SENTENCE_METHODS`): "text", the context line (title and headings), a newline and the
  sentence as a text of its own (`sentence_texts`); or "span", pooled from the passage's own
  forward pass over its embed text, as the mean of the sentence's token states and
  [CLS]/[SEP] (`ViewEncoder`), each token having seen the title and headings.
- its text alone: claim vectors, for agreement across sources (`claim_texts`), a forward pass
  of their own: pooling the body's tokens from the passage's pass lost too much agreement
  (AUC 0.87 -> 0.79 on the labelled pairs), as the title colours every token.

"span" and the model's window: the model sees 256 tokens at most. A sentence that the window
cuts gets a further window (the context line, then the passage text from that sentence on),
pooled the same way; a single sentence longer than a whole window keeps what fits, as a text
of its own would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backqa.documents import Passage
from backqa.encoders.identity import SpanEncoder
from backqa.encoders.pooling import Span, View
from backqa.text.sentences import sentence_spans

MIN_SENTENCE_WORDS = 3
# How sentence vectors are made: "text", a text of their own each (context line + sentence);
# "span", pooled from the passage's forward pass. "span" saves the sentence texts' forward
# passes and held on the judged tuning split (nDCG@10 0.636 -> 0.635), but lost on the held-out
# split (0.614 -> 0.579), so "text" stays the default (docs/performance.md).
SENTENCE_METHODS = ("text", "span")
DEFAULT_SENTENCES = "text"
# Bump when what a view pools changes: it names the views' cached vectors.
VIEWS_RECIPE = "span-1"


@dataclass(frozen=True)
class PassageViews:
    """Where the views of one passage lie in its embed text."""

    text: str  # the passage's embed text: the context line, a newline, the passage text
    context: Span  # the context line (title and headings)
    sentences: tuple[Span, ...]  # its sentences of MIN_SENTENCE_WORDS words or more

    def views(self) -> list[View]:
        """One view per sentence: the sentence's own tokens."""
        return [(s,) for s in self.sentences]


@dataclass(frozen=True)
class EmbeddedViews:
    """One passage's vectors: its own and its sentences'."""

    vector: np.ndarray  # (dimensions,)
    sentences: np.ndarray  # (sentences, dimensions)


def passage_views(passage: Passage) -> PassageViews:
    """The views of `passage`, located in its embed text."""
    text = passage.embed_text
    body_start = text.index("\n") + 1 if "\n" in text else 0
    found = text.find(passage.text, body_start)
    offset = found if found >= 0 else body_start
    sentences = tuple((offset + a, offset + b) for a, b in sentence_spans(passage.text)
                      if len(passage.text[a:b].split()) >= MIN_SENTENCE_WORDS)
    return PassageViews(text, (0, max(body_start - 1, 0)), sentences)


def sentence_texts(passages: Sequence[Passage]) -> tuple[list[str], np.ndarray]:
    """The other way to embed sentences, a text each: the context line, a newline and the
    sentence, in passage order, with the offsets of each passage's first sentence (passage
    `i` owns `offsets[i]:offsets[i + 1]`)."""
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


class ViewEncoder:
    """Encodes passages with their views, one window per passage plus a further window for
    the sentences that a window cut (see the module docstring)."""

    def __init__(self, encoder: SpanEncoder, batch_size: int = 16) -> None:
        self.encoder = encoder
        self.batch_size = batch_size

    def encode(self, items: Sequence[PassageViews]) -> list[EmbeddedViews]:
        first = self._run([(item.text, item.views()) for item in items])
        out: list[EmbeddedViews] = []
        pending: list[tuple[int, int]] = []  # (item, first sentence still to do)
        sentence_rows: list[np.ndarray] = []
        for i, (whole, vectors, complete) in enumerate(first):
            sentence_rows.append(vectors.copy())
            out.append(EmbeddedViews(whole, sentence_rows[-1]))
            cut = np.flatnonzero(~complete)
            if len(cut):
                pending.append((i, int(cut[0])))
        while pending:
            windows = [self._window(items[i], start) for i, start in pending]
            results = self._run([(text, views) for text, views, _ in windows])
            following: list[tuple[int, int]] = []
            for (i, start), (_, views, _), (_, vectors, complete) in zip(
                    pending, windows, results, strict=True):
                done = len(views) if complete.all() else max(1, int(np.argmin(complete)))
                sentence_rows[i][start : start + done] = vectors[:done]
                if start + done < len(items[i].sentences):
                    following.append((i, start + done))
            pending = following
        return out

    @staticmethod
    def _window(item: PassageViews, start: int) -> tuple[str, list[View], int]:
        """The context line, then the passage text from sentence `start` on, with the views of
        those sentences moved to where they are in that text."""
        context = item.text[item.context[0] : item.context[1]]
        cut = item.sentences[start][0]
        shift = len(context) + 1 - cut
        text = f"{context}\n{item.text[cut:]}"
        views: list[View] = [((a + shift, b + shift),) for a, b in item.sentences[start:]]
        return text, views, shift

    def _run(self, requests: list[tuple[str, list[View]]]
             ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        if not requests:
            return []
        result = self.encoder.encode_views([text for text, _ in requests],
                                           [views for _, views in requests],
                                           batch_size=self.batch_size)
        return list(zip(result.whole, result.vectors, result.complete, strict=True))
