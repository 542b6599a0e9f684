"""Chunking: sections into focused passages that never cross a section or answer boundary.

One paragraph (or one list with its lead-in) is the natural passage. Blocks shorter than
`min_words` join their neighbours in the same section; blocks longer than `max_words` are cut
at sentence boundaries into pieces of even length.
"""

from __future__ import annotations

import hashlib
import math

from backqa.config import DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS
from backqa.documents import Document, Passage, Section
from backqa.text.sentences import split_sentences


def word_count(text: str) -> int:
    return len(text.split())


class Chunker:
    """Cuts a document's sections into passages of about `min_words` to `max_words` words."""

    def __init__(self, min_words: int = DEFAULT_MIN_WORDS,
                 max_words: int = DEFAULT_MAX_WORDS) -> None:
        if min_words >= max_words:
            raise ValueError("min_words must be smaller than max_words")
        self.min_words = min_words
        self.max_words = max_words

    def split(self, document: Document) -> list[Passage]:
        """The document's passages, in order, with stable ids."""
        passages: list[Passage] = []
        seen_ids: dict[str, int] = {}
        for section_ordinal, section in enumerate(document.sections):
            for text in self.chunk_section(section):
                passage_id = _passage_id(document.source.id, section, text, seen_ids)
                passages.append(Passage(
                    id=passage_id,
                    source_id=document.source.id,
                    ordinal=len(passages),
                    section_ordinal=section_ordinal,
                    text=text,
                    embed_text=self._embed_text(document, section, text),
                    kind=section.kind,
                    heading_path=list(section.heading_path),
                    answer_number=section.answer_number,
                    part_title=section.part_title,
                ))
        return passages

    def chunk_section(self, section: Section) -> list[str]:
        """The passage texts of one section, in order."""
        pieces: list[str] = []
        for block in section.blocks:
            pieces.extend(self._split_long(block))
        return self._merge_short(pieces)

    def _split_long(self, block: str) -> list[str]:
        words = word_count(block)
        if words <= self.max_words:
            return [block]
        sentences = split_sentences(block)
        separators = _separators(sentences, block)
        target = words / math.ceil(words / self.max_words)
        pieces: list[list[int]] = [[]]
        size = 0
        for i, sentence in enumerate(sentences):
            n = word_count(sentence)
            if pieces[-1] and (size + n > self.max_words or size >= target):
                pieces.append([])
                size = 0
            pieces[-1].append(i)
            size += n
        out = ["".join((separators[i] if j else "") + sentences[i] for j, i in enumerate(piece))
               for piece in pieces if piece]
        # A single sentence longer than max_words is cut at word boundaries as a last resort.
        return [part for piece in out for part in self._hard_split(piece)]

    def _hard_split(self, text: str) -> list[str]:
        words = text.split(" ")
        if len(words) <= self.max_words * 1.5:
            return [text]
        size = math.ceil(len(words) / math.ceil(len(words) / self.max_words))
        return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]

    def _merge_short(self, pieces: list[str]) -> list[str]:
        merged: list[str] = []
        for piece in pieces:
            if merged and (word_count(merged[-1]) < self.min_words or
                           word_count(piece) < self.min_words) and \
                    word_count(merged[-1]) + word_count(piece) <= self.max_words:
                merged[-1] = merged[-1] + "\n" + piece
            else:
                merged.append(piece)
        return merged

    @staticmethod
    def _embed_text(document: Document, section: Section, text: str) -> str:
        context = [document.title, *[h for h in section.heading_path if h != document.title]]
        return "\n".join([" > ".join(context), text])


def _separators(sentences: list[str], block: str) -> list[str]:
    """The separator each sentence had before it in the block (newline or space); one pass,
    so a block of any length is joined back in linear time."""
    separators: list[str] = []
    end = 0
    for sentence in sentences:
        at = block.find(sentence, end)
        if at < 0:
            separators.append(" ")
            continue
        separators.append("\n" if "\n" in block[end:at] else " ")
        end = at + len(sentence)
    return separators


def _passage_id(source_id: str, section: Section, text: str, seen: dict[str, int]) -> str:
    """Stable while the passage's source, place and text are unchanged."""
    key = "\x1f".join([source_id, " > ".join(section.heading_path), str(section.answer_number),
                       section.kind, text])
    base = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    n = seen[base] = seen.get(base, 0) + 1  # repeats of one text: base, base-2, base-3, ...
    return base if n == 1 else f"{base}-{n}"
